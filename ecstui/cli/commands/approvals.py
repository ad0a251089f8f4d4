"""Runs waiting for an environment reviewer, across the configured repositories.

For each: run id, service, environment, SHA and title, how long it has waited,
the wait timer, who may approve, and whether you can. Approve one with
`ecstui approve RUN_ID --env ENV`, reject with `ecstui reject RUN_ID --env ENV
--comment WHY`. Exit code 0 also when nothing waits.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecstui.cli.output import add_output_argument

if TYPE_CHECKING:
    from ecstui.core.approvals import ApprovalsOverview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    from ecstui.cli.github_common import run_with_workspace
    from ecstui.core.approvals import list_approvals
    from ecstui.errors import ExitCode

    overview = run_with_workspace(
        args, lambda ws: list_approvals(ws, getattr(args, "service", None)))
    if overview.unavailable:
        print(f"ecstui: {overview.unavailable}", file=sys.stderr)
        return int(ExitCode.AUTH)
    if args.output == "json":
        from ecstui.cli.output import print_json
        from ecstui.domain.runs_view import SCHEMA_VERSION, approval_document

        print_json({"schema_version": SCHEMA_VERSION, "viewer": overview.viewer,
                    "approvals": [approval_document(a) for a in overview.approvals],
                    "errors": [{"repository": r, "error": e} for r, e in overview.errors]})
    else:
        print(render(overview, datetime.now(UTC)))
    for repo, error in overview.errors:
        print(f"ecstui: {repo}: {error}", file=sys.stderr)
    return int(ExitCode.FAILED if overview.errors else ExitCode.OK)


def render(overview: ApprovalsOverview, now: datetime) -> str:
    from ecstui.cli.output import table, use_color
    from ecstui.domain.runs_view import approval_rows

    if not overview.approvals:
        return "No runs are waiting for a reviewer."
    rows = [row for a in overview.approvals
            for row in approval_rows(a, a.run.repository.rsplit("/", 1)[-1], now)]
    headers = ("RUN", "SERVICE", "ENV", "SHA", "TITLE", "WAITING", "TIMER", "REVIEWERS",
               "YOU CAN APPROVE")
    cells = [(r.run_id, r.service, r.environment, r.sha, r.title, r.waiting, r.timer,
              r.reviewers, r.can_approve) for r in rows]
    styles = [("green",) if r.can_approve == "yes" else ("dim",) for r in rows]
    who = f" (you are @{overview.viewer})" if overview.viewer else ""
    return (table(headers, cells, color=use_color(), row_styles=styles)
            + f"\n\n{len(rows)} waiting{who}.")
