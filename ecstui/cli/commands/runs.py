"""Recent GitHub Actions runs of every configured service repository, tied to ECS.

For each run: workflow, number, state (⏸ waiting for a reviewer, ↻ running,
✓ success, ✗ failure), branch, SHA, commit title, actor, age, duration, and the
environments whose service runs that SHA now. Below, for every SHA running in
ECS, the run that built it. Needs a GitHub token (GH_TOKEN, GITHUB_TOKEN or
`gh auth login`); `--no-ecs` skips the AWS side.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecstui.cli.output import add_output_argument

if TYPE_CHECKING:
    from ecstui.core.runs import RunsOverview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_argument(parser)
    parser.add_argument("--limit", type=int, default=10, metavar="N",
                        help="runs per repository (default 10, at most 100)")
    parser.add_argument("--no-ecs", action="store_true",
                        help="do not read ECS (no 'running in' column)")


def run(args: argparse.Namespace) -> int:
    from ecstui.cli.github_common import run_with_workspace
    from ecstui.core.runs import load_runs
    from ecstui.errors import EcstuiError, ExitCode, UsageError

    if args.limit < 1:  # 0 printed nothing, a negative one quietly meant 1
        raise UsageError(f"--limit {args.limit} shows no runs; pass 1 or more, e.g. --limit 10.")
    service = getattr(args, "service", None)

    async def use(workspace):  # type: ignore[no-untyped-def]
        inventory = None
        if not args.no_ecs:
            from ecstui.core.inventory import load_inventory

            try:
                inventory = await load_inventory(workspace, service=service)
            except EcstuiError as error:
                print(f"ecstui: ECS not read: {error.message}", file=sys.stderr)
        return await load_runs(workspace, service, inventory, limit=args.limit)

    overview = run_with_workspace(args, use)
    if overview.unavailable:
        print(f"ecstui: {overview.unavailable}", file=sys.stderr)
        return int(ExitCode.AUTH)
    now = datetime.now(UTC)
    if args.output == "json":
        from ecstui.cli.output import print_json

        print_json(document(overview))
    else:
        print(render(overview, now))
    failed = [r for r in overview.repositories if r.error]
    for repo in failed:
        print(f"ecstui: {repo.repository}: {repo.error}", file=sys.stderr)
    return int(ExitCode.FAILED if failed else ExitCode.OK)


def document(overview: RunsOverview) -> dict:  # type: ignore[type-arg]
    from ecstui.domain.runs_view import (
        SCHEMA_VERSION,
        build_document,
        rate_limit_document,
        run_document,
    )

    return {
        "schema_version": SCHEMA_VERSION,
        "viewer": overview.viewer,
        "repositories": [
            {"service": r.service, "repository": r.repository, "error": r.error,
             "runs": [run_document(run, overview.environments_of(run)) for run in r.runs]}
            for r in overview.repositories
        ],
        "running": [build_document(b) for b in overview.builds],
        "rate_limit": rate_limit_document(overview.rate_limit),
    }


def render(overview: RunsOverview, now: datetime) -> str:
    from ecstui.cli.output import style, table, use_color
    from ecstui.domain.images import short_sha
    from ecstui.domain.runs_view import rate_limit_text, run_row

    color = use_color()
    rows = [run_row(run, r.service, overview.environments_of(run), now)
            for r in overview.repositories for run in r.runs]
    headers = ("SERVICE", "RUN", "#", "WORKFLOW", "STATE", "BRANCH", "SHA", "TITLE", "ACTOR",
               "AGE", "TOOK", "RUNNING IN")
    cells = [(r.service, r.run_id, r.number, r.workflow, r.state, r.branch, r.sha, r.title,
              r.actor, r.age, r.duration, r.running_in) for r in rows]
    styles = [("yellow",) if r.waiting else ("red",) if r.failed else () for r in rows]
    lines = [table(headers, cells, color=color, row_styles=styles) if rows else "No runs found."]
    if overview.builds:
        lines += ["", style("What runs where, and the run that built it:", "bold", color=color)]
        lines.append(table(
            ("SERVICE", "ENV", "SHA", "RUN", "STATE", "TITLE"),
            [(b.service, b.environment, short_sha(b.sha),
              f"{b.run.id} #{b.run.run_number}" if b.run else "-",
              b.run.state if b.run else "no run found", b.title or "-")
             for b in overview.builds],
            color=color))
    lines += ["", style(rate_limit_text(overview.rate_limit, now), "dim", color=color)]
    return "\n".join(lines)
