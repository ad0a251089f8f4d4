"""`--demo`: run one command inside a private sandbox that lives only as long as it.

The sandbox (moto with the ECS lifecycle, seeded from the world spec) starts, its
variables are applied to this process, `args.config` points at its ecstui.toml,
and whatever happens (success, error, Ctrl+C) it is torn down: no thread, server
or temp file is left behind.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType


def run_in_demo(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from ecstui.sandbox.sandbox import Sandbox

    print("ecstui: starting the demo sandbox...", file=sys.stderr, flush=True)
    sandbox = Sandbox()
    previous = _raise_on_sigterm()
    try:
        sandbox.start()
        sandbox.apply_env()
        args.config = str(sandbox.config_path)
        return int(run(args))
    finally:
        sandbox.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_on_sigterm() -> object:
    """A SIGTERM (tmux kill, CI timeout) unwinds like Ctrl+C, so `finally` cleans up."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None
