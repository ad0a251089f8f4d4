"""Runs waiting for an environment reviewer: list them, approve or reject one.

A run id alone is enough to review: the run is looked up among the configured
repositories' waiting runs. Non-reviewers are refused with who can approve,
before anything is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecstui.core.runs import repositories
from ecstui.domain.runs import PendingApproval, ReviewResult, WorkflowRun
from ecstui.errors import EcstuiError, NotFoundError, UsageError

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace


@dataclass(frozen=True)
class ApprovalsOverview:
    approvals: tuple[PendingApproval, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()  # (repository, one-sentence error)
    unavailable: str | None = None
    viewer: str | None = None

    @property
    def count(self) -> int:
        return len(self.approvals)

    @property
    def mine(self) -> tuple[PendingApproval, ...]:
        """The ones the current user may approve."""
        return tuple(a for a in self.approvals if a.can_approve)


def _require_github(workspace: Workspace) -> None:
    if not workspace.github.available:
        from ecstui.gateways.github.errors import GitHubUnavailable

        raise GitHubUnavailable()


async def list_approvals(workspace: Workspace, service: str | None = None) -> ApprovalsOverview:
    repos = repositories(workspace, service)
    github = workspace.github
    if not github.available:
        from ecstui.gateways.github.errors import GitHubUnavailable

        return ApprovalsOverview(unavailable=GitHubUnavailable().message)

    async def one(repo: str) -> tuple[list[PendingApproval], str | None]:
        try:
            waiting = await github.recent_runs(repo, status="waiting", limit=30)
            pending = await asyncio.gather(*(github.pending(run) for run in waiting))
            return [p for p in pending if p.environments], None
        except EcstuiError as error:
            return [], error.message

    results = await asyncio.gather(*(one(repo) for repo in repos.values()))
    approvals = sorted((a for found, _ in results for a in found),
                       key=lambda a: a.run.created_at)
    errors = tuple((repo, err) for repo, (_, err) in zip(repos.values(), results, strict=True)
                   if err)
    viewer = None
    with contextlib.suppress(EcstuiError):
        viewer = await github.viewer()
    return ApprovalsOverview(tuple(approvals), errors, viewer=viewer)


async def find_waiting_run(workspace: Workspace, run_id: int,
                           service: str | None = None) -> WorkflowRun:
    """The waiting run with this id in any configured repository (or the one of `service`)."""
    _require_github(workspace)
    repos = repositories(workspace, service)
    github = workspace.github

    async def lookup(repo: str) -> WorkflowRun | None:
        try:
            return await github.run(repo, run_id)
        except NotFoundError:
            return None

    found = [r for r in await asyncio.gather(*(lookup(repo) for repo in repos.values())) if r]
    if not found:
        where = ", ".join(repos.values())
        raise NotFoundError(f"No run {run_id} in {where}; list waiting runs with "
                            "`ecstui approvals`.")
    run = found[0]
    if not run.waiting:
        raise UsageError(f"Run {run_id} of {run.repository} is not waiting for a review "
                         f"(it is {run.state}); list waiting runs with `ecstui approvals`.")
    return run


async def review(workspace: Workspace, run_id: int, environment: str, state: str,
                 comment: str, service: str | None = None) -> ReviewResult:
    """Approve or reject; a rejection must say why."""
    if state == "rejected" and not comment.strip():
        raise UsageError("A rejection needs a comment saying why; pass --comment.")
    run = await find_waiting_run(workspace, run_id, service)
    return await workspace.github.review(run, environment, state, comment)
