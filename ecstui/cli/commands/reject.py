"""Reject a workflow run waiting for an environment's reviewers; the run fails.

`ecstui reject RUN_ID --env prod --comment WHY`: a rejection always says why.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ecstui.cli.github_common import add_run_id
    from ecstui.cli.output import add_output_argument

    add_run_id(parser)
    parser.add_argument("--comment", "-m", required=True,
                        help="why the deployment is rejected (required)")
    add_output_argument(parser)


def review_command(args: argparse.Namespace, state: str) -> int:
    """approve and reject: the same use case, the state differs."""
    from ecstui.cli.github_common import run_with_workspace
    from ecstui.core.approvals import review
    from ecstui.errors import ExitCode, UsageError

    environment = getattr(args, "env", None)
    if not environment:
        raise UsageError("Name the environment to review with --env (e.g. --env prod); see "
                         "`ecstui approvals`.")
    result = run_with_workspace(args, lambda ws: review(
        ws, args.run_id, environment, state, args.comment, getattr(args, "service", None)))
    if args.output == "json":
        from ecstui.cli.output import print_json

        print_json({"run_id": result.run_id, "repository": result.repository,
                    "environment": result.environment, "state": result.state,
                    "comment": result.comment, "deployment_ids": list(result.deployment_ids)})
        return int(ExitCode.OK)
    from ecstui.domain.runs_view import review_plan

    if result.run is not None:  # the same sentence the TUI's review prompt shows
        print(review_plan(result.run, result.environment, state))
    if state == "approved":
        started = ", ".join(map(str, result.deployment_ids)) or "none reported"
        print(f"Approved run {result.run_id} ({result.repository}) for {result.environment}; "
              f"deployment {started} started. Watch it with `ecstui status`.")
    else:
        print(f"Rejected run {result.run_id} ({result.repository}) for {result.environment}; "
              "the run fails.")
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    return review_command(args, "rejected")
