"""Open the terminal UI: every service in every environment, live.

Keys: / filter, enter detail, s sort, r refresh, ? help, esc back, q quit;
ctrl+p opens the command palette. `--env` and `--service` narrow what it loads.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--refresh", type=float, default=10.0, metavar="SECONDS",
                        help="seconds between automatic refreshes (default: 10)")


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
