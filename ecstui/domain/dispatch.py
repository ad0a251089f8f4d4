"""Promote through a GitHub workflow_dispatch: what is sent, and whether the workflow can run.

The contract with the team's promote workflow is one input, `sha` (required): the
40-character commit to deploy to prod. The workflow resolves the image digest for
that SHA itself, as its deploy job would for any push; ecstui then watches ECS.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecstui.domain.plans import Check


@dataclass(frozen=True)
class DispatchTarget:
    """What GitHub said about the promote workflow (gathered by the core, github-dispatch)."""

    ref: str | None = None  # the repository's default branch: the ref the run starts on
    workflow_name: str | None = None
    state: str | None = None  # "active", "disabled_manually", ...
    problem: str | None = None  # one sentence when the workflow could not be read


def dispatch_inputs(sha: str) -> dict[str, str]:
    """The inputs a promote workflow receives: `sha` (required; it resolves the digest)."""
    return {"sha": sha}


def workflow_check(dispatch: DispatchTarget | None, workflow: str | None,
                   repository: str | None) -> Check:
    """Is the configured workflow there and enabled? (Its trigger is checked on dispatch.)"""
    name = "promote workflow can run"
    if dispatch is None or (dispatch.problem is None and dispatch.ref is None):
        return Check(name, False, "not checked: GitHub was not asked (see the notes).")
    if dispatch.problem:
        return Check(name, False, dispatch.problem)
    if dispatch.state != "active":
        return Check(name, False, f"{workflow} ({dispatch.workflow_name}) in {repository} is "
                     f"{dispatch.state}; enable it in GitHub first.")
    return Check(name, True, f"{workflow} ({dispatch.workflow_name}) is active in {repository}; "
                 f"it runs on {dispatch.ref}.")
