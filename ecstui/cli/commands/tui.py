"""Open the terminal UI: every service in every environment, live.

Keys: / filter, enter detail, s sort, r refresh, ? help, esc back, q quit;
ctrl+p opens the command palette. `--env` and `--service` narrow what it loads.
It needs a terminal (standard input and output); scripts use `ecstui status`.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--refresh", type=float, default=10.0, metavar="SECONDS",
                        help="seconds between automatic refreshes (default: 10)")


def check(args: argparse.Namespace) -> None:
    """Before anything starts (a `--demo` sandbox included): the TUI needs a terminal.

    Without one (a pipe, a cron job, `</dev/null`) Textual would wait forever for a
    terminal that never answers; scripts want `ecstui status` instead."""
    from ecstui.errors import UsageError

    missing = [name for name, stream in (("input", sys.stdin), ("output", sys.stdout))
               if stream is None or not stream.isatty()]
    if missing:
        raise UsageError(f"The terminal UI needs a terminal, and standard "
                         f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                         f"not one; for scripts use `ecstui status` (add `--output json`).")


def preload() -> None:
    """Import the TUI, its first screen and the inventory's SDK stack ahead of time:
    `--demo` does it while its sandbox starts in a child process, on the other core."""
    from ecstui.core.workspace import Workspace
    from ecstui.tui.app import preload_screens

    preload_screens()
    Workspace.preload()


def run(args: argparse.Namespace) -> int:
    from ecstui.config import load_settings
    from ecstui.core.workspace import Workspace

    settings = load_settings(getattr(args, "config", None))
    env = getattr(args, "env", None)
    if env:
        settings.environment(env)  # a usage error before the screen opens
    from ecstui.tui.app import EcstuiApp

    app = EcstuiApp(Workspace(settings), env=env, service=getattr(args, "service", None),
                    refresh_seconds=max(1.0, getattr(args, "refresh", 10.0)),
                    ready=getattr(args, "wait_for_world", None))  # set by --demo
    result = app.run()
    return int(result or 0)
