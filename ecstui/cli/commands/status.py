"""What runs where: every service in every environment, with the git SHA and digest.

Markers: ↓ prod behind pre-prod, ≠ tasks run mixed images, ! pinned by a mutable
tag (e.g. latest), ↻ deployment in progress, ✗ rollout failed, ? stale data.

`--output json` prints a stable document (schema_version 1) for scripts; see
the README and docs/inventory.schema.json. An environment that cannot be read is reported on
stderr and the others are still printed; the exit code is then 1 (3 when every
failure is an authentication problem).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecstui.cli.output import add_output_argument

if TYPE_CHECKING:
    from ecstui.domain.inventory import Inventory


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from ecstui.config import load_settings
    from ecstui.core.inventory import load_inventory
    from ecstui.core.workspace import Workspace
    from ecstui.errors import ExitCode

    settings = load_settings(getattr(args, "config", None))
    env = getattr(args, "env", None)
    if env:
        settings.environment(env)  # a bad name is a usage error before any network call
    workspace = Workspace(settings)

    async def fetch() -> Inventory:
        try:
            return await load_inventory(workspace, env=env, service=getattr(args, "service", None))
        finally:
            await workspace.close()

    inventory = asyncio.run(fetch())
    now = datetime.now(UTC)
    if args.output == "json":
        from ecstui.cli.output import print_json
        from ecstui.domain.inventory_view import inventory_document

        print_json(inventory_document(inventory, now))
    else:
        print(render_table(inventory, now))
    failures = [e for e in inventory.environments if e.error or e.cluster_errors]
    for failed in failures:
        for sentence in ([failed.error] if failed.error else []) + [
            f"cluster {c}: {e}" for c, e in failed.cluster_errors
        ]:
            print(f"ecstui: {failed.name}: {sentence}", file=sys.stderr)
    if not failures:
        return int(ExitCode.OK)
    if all(e.error_exit_code == ExitCode.AUTH for e in failures):
        return int(ExitCode.AUTH)
    return int(ExitCode.FAILED)


def render_table(inventory: Inventory, now: datetime) -> str:
    """One line per environment (identity, expiry, errors), then one table of services."""
    from ecstui.cli.output import style, table, use_color
    from ecstui.domain.inventory_view import MARKERS, age, identity_text, rows

    color = use_color()
    lines = []
    for env in inventory.environments:
        text = identity_text(env, now)
        if env.error:
            text += f"  [{env.error} Data from {age(env.fetched_at, now)} ago.]"
        for cluster, error in env.cluster_errors:
            when = age(env.data_time(cluster), now)
            text += f"  [cluster {cluster}: {error} Data from {when} ago.]"
        lines.append(style(text, "yellow" if env.stale else "dim", color=color))
    lines.append("")
    found = rows(inventory, now)
    headers = ("SERVICE", "ENV", "CLUSTER", "SHA", "DIGEST", "TASKS", "ROLLOUT", "AGE", "REV", "")
    cells = [
        (r.name, r.environment, r.cluster, r.sha, r.digest, r.tasks, r.rollout, r.age, r.revision,
         r.flags)
        for r in found
    ]
    styles = [("red",) if {"failed", "behind"} & set(r.markers) else
              ("yellow",) if r.markers else () for r in found]
    lines.append(table(headers, cells, color=color, row_styles=styles) if found else
                 "No services found.")
    used = sorted({m for r in found for m in r.markers}, key=list(MARKERS).index)
    if used:
        lines.append("")
        lines.extend(f"  {MARKERS[m][0]} {MARKERS[m][1]}" for m in used)
    return "\n".join(lines)
