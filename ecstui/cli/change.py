"""What `promote` and `rollback` share on the command line: confirm, apply, watch, exit code.

Rules (the CLI contract): the plan goes to stdout; progress to stderr; `--dry-run`
prints the plan and changes nothing (exit 0 if it would apply, 1 if refused); on
a terminal the operator confirms (for a protected environment by typing the
service name); without a terminal `--yes` is required (else exit 2); a failed or
timed-out rollout exits 1; Ctrl+C while watching stops watching, not the
deployment, and says so (exit 130).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import TYPE_CHECKING, TextIO

from ecstui.errors import ExitCode, RefusedError, UsageError

if TYPE_CHECKING:
    from ecstui.core.changes import Applied
    from ecstui.core.workspace import Workspace
    from ecstui.domain.plans import Plan
    from ecstui.domain.rollout import RolloutProgress

BAR_WIDTH = 24


def add_change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan and change nothing")
    parser.add_argument("--yes", "-y", action="store_true",
                        help="apply without asking (required when not on a terminal)")
    parser.add_argument("--no-wait", action="store_true",
                        help="return once ECS accepted the change; do not follow the rollout")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                        help="stop waiting after this long; the deployment is left running "
                             "(default: 900)")


def require_service(args: argparse.Namespace, command: str) -> str:
    if not getattr(args, "service", None):
        raise UsageError(f"Name the service: `ecstui --service NAME {command}`.")
    return str(args.service)


def run_change(
    args: argparse.Namespace,
    make_plan: Callable[[Workspace], Awaitable[Plan]],
    apply: Callable[[Workspace, Plan], Awaitable[Applied]],
) -> int:
    """Plan, print, confirm, apply and watch, on one event loop (clients stay valid)."""
    from ecstui.config import load_settings
    from ecstui.core.workspace import Workspace

    workspace = Workspace(load_settings(args.config))
    with asyncio.Runner() as runner:
        try:
            plan = runner.run(make_plan(workspace))
            print(plan.render(), flush=True)
            if args.dry_run:
                print("\n--dry-run: nothing was changed.", file=sys.stderr)
                return int(ExitCode.OK if plan.ok else ExitCode.FAILED)
            if not plan.ok:
                raise RefusedError(plan.refusal or "The plan was refused.")
            confirm(plan, args.yes)
            applied = runner.run(apply(workspace, plan))
            watching = False

            async def follow_rollout() -> int:
                nonlocal watching
                watching = True  # from here on, watch() records how the watch ended
                return await follow(workspace, applied, args.timeout)

            try:
                print(f"ecstui: applied ({applied.task_definition_arn.rsplit('/', 1)[-1]}"
                      f"{', deployment ' + applied.deployment_id if applied.deployment_id else ''}"
                      ").", file=sys.stderr, flush=True)
                if args.no_wait:
                    print("ecstui: --no-wait: not following the rollout; see it with "
                          f"`ecstui --env {plan.environment} status`.", file=sys.stderr)
                    return int(ExitCode.OK)
                return runner.run(follow_rollout())
            except KeyboardInterrupt:
                # Ctrl+C after the change was applied stops watching, never the deployment.
                from ecstui.core.changes import record_detached

                if not watching:
                    record_detached(applied)
                print("ecstui: stopped watching (Ctrl+C). The deployment was NOT stopped and "
                      f"carries on in ECS; check it with `ecstui --env {plan.environment} "
                      "status`, or roll back.", file=sys.stderr, flush=True)
                raise
        finally:
            runner.run(workspace.close())


def confirm(plan: Plan, yes: bool, stdin: TextIO | None = None) -> None:
    """Ask on a terminal; refuse (exit 2) without one unless --yes."""
    if yes:
        return
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        raise UsageError(
            f"Not running on a terminal, so ecstui cannot ask before changing "
            f"{plan.service} in {plan.environment}; pass --yes to apply (or --dry-run)."
        )
    if plan.protected:
        prompt = (f"{plan.environment} is protected: type the service name ({plan.service}) "
                  f"to {plan.action} it: ")
        answer = _ask(prompt)
        if answer.strip() != plan.service:
            raise UsageError(f"You typed {answer.strip()!r}, not {plan.service!r}; nothing "
                             "was changed.")
        return
    answer = _ask(f"{plan.action.capitalize()} {plan.service} in {plan.environment}? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise UsageError("Not confirmed; nothing was changed.")


def _ask(prompt: str) -> str:
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise UsageError("No answer (end of input); nothing was changed.")
    return line


async def follow(workspace: Workspace, applied: Applied, timeout_seconds: float) -> int:
    """Print progress on stderr until the rollout ends; the exit code says how it ended."""
    from ecstui.core.changes import watch
    from ecstui.domain.rollout import RolloutState

    printer = ProgressPrinter(sys.stderr)
    last: RolloutProgress | None = None
    try:
        async with aclosing(watch(workspace, applied, timeout_seconds)) as events:
            async for progress in events:
                last = progress
                printer.show(progress)
    except asyncio.CancelledError:
        printer.end()  # run_change says what a Ctrl+C means for the deployment
        raise
    printer.end()
    if last is None:
        return int(ExitCode.FAILED)
    if last.state is RolloutState.SUCCEEDED:
        print(f"ecstui: done: {last.message}", file=sys.stderr)
        return int(ExitCode.OK)
    print(f"ecstui: {last.state}: {last.message}", file=sys.stderr)
    for reason in last.stopped_reasons:
        print(f"  stopped: {reason}", file=sys.stderr)
    return int(ExitCode.FAILED)


class ProgressPrinter:
    """A bar that redraws in place on a terminal; plain lines (on change only) otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_line = ""
        self.bar_shown = False

    def show(self, progress: RolloutProgress) -> None:
        for event in progress.new_events:
            self._line(f"  event {event.created_at:%H:%M:%S}: {event.message}")
        line = self._summary(progress)
        if self.tty:
            self.stream.write("\r\x1b[2K" + line)
            self.bar_shown = True
            self.stream.flush()
        elif line != self.last_line:
            self.stream.write(line + "\n")
            self.stream.flush()
        self.last_line = line

    def _line(self, text: str) -> None:
        if self.tty and self.bar_shown:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self.bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self.bar_shown = False

    @staticmethod
    def _summary(progress: RolloutProgress) -> str:
        filled = int(progress.fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        parts = []
        for d in progress.deployments:
            rev = d.task_definition_arn.rsplit(":", 1)[-1]
            parts.append(f"{d.status} rev {rev} {d.running_count}/{d.desired_count}"
                         f"{' ' + d.rollout_state if d.rollout_state else ''}")
        images = " ".join(f"{n}x{img}" for img, n in progress.images)
        text = f"[{bar}] {int(progress.elapsed):>4}s  {' | '.join(parts) or progress.message}"
        return f"{text}  tasks: {images}" if images else text
