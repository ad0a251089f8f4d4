"""Endpoint warnings on stderr, once, before any command that talks to AWS prints anything.

`main` wraps the run function of the AWS commands here, so every one of them (with
or without `--demo`, whose sandbox variables are in place by then) warns the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import wraps

# The commands that resolve AWS credentials. The TUI shows the warnings itself.
AWS_COMMANDS = frozenset({"status", "promote", "rollback", "logs"})

Run = Callable[[argparse.Namespace], int]


def warn_endpoints(args: argparse.Namespace) -> None:
    from ecstui.config import load_settings
    from ecstui.core.endpoints import endpoint_warnings

    for warning in endpoint_warnings(load_settings(getattr(args, "config", None))):
        print(f"ecstui: warning: {warning}", file=sys.stderr, flush=True)


def with_endpoint_warnings(run: Run) -> Run:
    """`run`, preceded by the warnings on stderr."""

    @wraps(run)
    def warned(args: argparse.Namespace) -> int:
        warn_endpoints(args)
        return run(args)

    return warned
