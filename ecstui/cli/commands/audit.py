"""Show the audit log: every change ecstui applied, who made it and how it ended.

One row per action (promote or rollback) with its latest outcome: started,
succeeded, failed, timed-out, detached (ecstui stopped watching), apply-failed.
The log is one JSON line per record in the user state directory
(`$ECSTUI_STATE_DIR/audit.jsonl` when that variable is set).
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ecstui.cli.output import add_output_argument

    add_output_argument(parser)
    parser.add_argument("--limit", type=int, default=50, metavar="N",
                        help="show the N most recent actions (default: 50)")


def run(args: argparse.Namespace) -> int:
    from ecstui.cli.output import print_json, style, table, use_color
    from ecstui.core import audit

    entries = audit.entries()
    if getattr(args, "service", None):
        entries = [e for e in entries if e.service == args.service]
    if getattr(args, "env", None):
        entries = [e for e in entries if e.environment == args.env]
    entries = entries[-args.limit:] if args.limit > 0 else entries
    if args.output == "json":
        print_json({"path": str(audit.audit_path()), "actions": [
            {
                "action_id": e.action_id, "started": e.started, "finished": e.finished,
                "who": e.who, "action": e.action, "service": e.service,
                "environment": e.environment, "outcome": e.outcome,
                "deployment_id": e.deployment_id, "task_definition_arn": e.task_definition_arn,
                "message": e.message, "plan": e.plan,
            }
            for e in entries
        ]})
        return 0
    if not entries:
        print(f"No actions recorded yet ({audit.audit_path()}).")
        return 0
    color = use_color()
    colours = {"succeeded": ("green",), "failed": ("red",), "apply-failed": ("red",),
               "timed-out": ("yellow",), "detached": ("yellow",), "started": ("cyan",)}
    rows, styles = [], []
    for e in entries:
        target = (e.plan.get("target") or {}) if isinstance(e.plan, dict) else {}
        rows.append([
            f"{e.started:%Y-%m-%d %H:%M:%S}" if e.started else "-",
            e.action, e.environment, e.service,
            str(target.get("label") or "-"),
            (target.get("sha") or "-")[:7],
            e.outcome, e.deployment_id or "-", e.who.rsplit(":", 1)[-1],
        ])
        styles.append(())
    text = table(["WHEN (UTC)", "ACTION", "ENV", "SERVICE", "TARGET", "SHA", "OUTCOME",
                  "DEPLOYMENT", "WHO"], rows, color=color, row_styles=styles)
    lines = text.splitlines()
    if color:
        for i, e in enumerate(entries, start=1):
            lines[i] = lines[i].replace(e.outcome, style(e.outcome, *colours.get(e.outcome, ()),
                                                         color=True), 1)
    print("\n".join(lines))
    return 0
