"""Print or follow a service's CloudWatch logs, without knowing group or stream names.

The streams come from the service's task definition (awslogs driver) and its tasks.
Each line is `<timestamp> <task-short-id> <container> <message>` (UTC, ISO 8601),
so it pipes into grep, awk and sort; `--output json` prints one object per line
for jq. Colour only on a terminal. With --follow, new lines stream in (CloudWatch
Live Tail, or polling when Live Tail is refused or ends; mode changes are noted on
stderr) until Ctrl+C.

examples:
  ecstui --service my-app logs --since 10m
  ecstui --service my-app logs --env prod --follow --filter ERROR
  ecstui --service my-app logs --output json | jq -r 'select(.level=="ERROR").message'
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import zlib
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from datetime import timedelta

    from ecstui.domain.logs import LogEvent, TailUpdate

TASK_COLOURS = ("36", "35", "33", "32", "34", "96", "95", "93")
LEVEL_COLOURS = {"FATAL": "1;31", "CRITICAL": "1;31", "ERROR": "31", "WARN": "33", "DEBUG": "2",
                 "TRACE": "2"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--follow", "-f", action="store_true",
                        help="keep printing new lines until Ctrl+C")
    parser.add_argument("--since", default="5m", metavar="DURATION",
                        help="start this far back, e.g. 90s, 10m, 2h (default: 5m)")
    parser.add_argument("--filter", metavar="PATTERN", dest="pattern",
                        help='CloudWatch filter pattern, e.g. ERROR or \'{ $.level = "error" }\'')
    parser.add_argument("--task", metavar="ID",
                        help="only this task (its id or the first characters of it)")
    parser.add_argument("--output", "-o", choices=("text", "json"), default="text",
                        help="text lines (default) or one JSON object per line")
    parser.add_argument("--no-live-tail", action="store_true",
                        help="follow by polling FilterLogEvents only (no Live Tail session)")


def run(args: argparse.Namespace) -> int:
    from ecstui.domain.logformat import check_filter_pattern, parse_since
    from ecstui.errors import ExitCode, UsageError

    if not getattr(args, "service", None):
        raise UsageError("`ecstui logs` needs a service: ecstui --service NAME logs.")
    since = parse_since(args.since)  # bad input fails before any network call
    pattern = check_filter_pattern(args.pattern)
    writer = LineWriter(sys.stdout, json_output=args.output == "json")
    try:
        asyncio.run(_tail(args, since, pattern, writer))
    except BrokenPipeError:
        # The reader left (`| head`): point stdout at devnull so the interpreter's
        # final flush cannot fail again (as the Python docs on SIGPIPE recommend).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    return int(ExitCode.OK)


async def _tail(
    args: argparse.Namespace, since: timedelta, pattern: str | None, writer: LineWriter
) -> None:
    from ecstui.config import load_settings
    from ecstui.core.service_logs import find_service, open_service_tail
    from ecstui.core.tail import TailOptions
    from ecstui.core.workspace import Workspace

    settings = load_settings(getattr(args, "config", None))
    env = getattr(args, "env", None)
    if env:
        settings.environment(env)
    workspace = Workspace(settings)
    try:
        service = await find_service(workspace, args.service, env)
        if not env and len(settings.environments) > 1:
            note(f"{service.name} in {service.environment} (pass --env to choose)")
        options = TailOptions(since=since, follow=args.follow, pattern=pattern,
                              live_tail=not args.no_live_tail)
        tail = open_service_tail(workspace, service, options, task=args.task)
        async with contextlib.aclosing(tail.updates()) as updates:
            async for update in updates:
                writer.handle(update, follow=args.follow)
    finally:
        with contextlib.suppress(Exception):
            await workspace.close()


class LineWriter:
    """Turns tail updates into lines on stdout and notes on stderr."""

    def __init__(self, out: TextIO, json_output: bool = False, color: bool | None = None) -> None:
        from ecstui.cli.output import use_color

        self.out = out
        self.json_output = json_output
        self.color = (not json_output and use_color(out)) if color is None else color

    def handle(self, update: TailUpdate, follow: bool = False) -> None:
        from ecstui.domain.logs import LogBatch, PlanChanged, TailMode
        from ecstui.errors import OperationError

        if isinstance(update, LogBatch):
            self.write(update.events)
        elif isinstance(update, PlanChanged):
            plan = update.plan
            if plan.empty:
                raise OperationError(plan.explanation or "The service has no task logging "
                                     "to CloudWatch Logs yet; try again when a task runs.")
            if plan.untailable:
                note(plan.explanation)
            if not plan.tasks and update.removed == ():
                note("no task runs or recently stopped" + ("; waiting for one" if follow else ""))
            if update.removed or (update.added and update.added != tuple(sorted(plan.streams))):
                note(f"streams changed: +{len(update.added)} -{len(update.removed)} "
                     f"({len(plan.tasks)} tasks)")
        elif isinstance(update, TailMode) and follow and update.mode != "backfill":
            text = {"live-tail": "following with Live Tail", "polling": "following by polling",
                    "stopped": "stopped"}.get(update.mode, update.mode)
            if update.sampled:
                text += " (sampled: more than 500 lines/s, some are not shown)"
            note(f"{update.group}: {text}" + (f" ({update.reason})" if update.reason else ""))

    def write(self, events: tuple[LogEvent, ...] | list[LogEvent]) -> None:
        from ecstui.domain.logformat import json_line, plain_line

        if self.json_output:
            text = "\n".join(json_line(e) for e in events)
        elif self.color:
            text = "\n".join(self.coloured(e) for e in events)
        else:
            text = "\n".join(plain_line(e) for e in events)
        if text:
            self.out.write(text + "\n")
            self.out.flush()

    def coloured(self, event: LogEvent) -> str:
        from ecstui.domain.logformat import detect_level, timestamp_text

        task = task_colour(event.task_id)
        level = LEVEL_COLOURS.get(detect_level(event.message) or "")
        message = event.message.replace("\n", "\\n")
        if level:
            message = f"\x1b[{level}m{message}\x1b[0m"
        return (f"\x1b[2m{timestamp_text(event)}\x1b[0m \x1b[{task}m{event.short_task}\x1b[0m "
                f"{event.container or '-'} {message}")


def task_colour(task_id: str | None) -> str:
    """The same task gets the same colour in every run (a stable hash, not Python's)."""
    return TASK_COLOURS[zlib.crc32((task_id or "").encode()) % len(TASK_COLOURS)]


def note(text: str) -> None:
    print(f"ecstui: {text}", file=sys.stderr, flush=True)
