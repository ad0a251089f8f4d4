"""Run the local sandbox world in the foreground until Ctrl+C.

Prints `export` lines: paste them into a second terminal (or `eval` them) and any
`ecstui` command there talks to this world, e.g. `ecstui status` or `ecstui`.
Deployments progress, broken images roll back and logs flow while it runs.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", type=float, default=1.0, metavar="X",
                        help="run deployments X times faster (default 1.0)")
    parser.add_argument("--no-logs", action="store_true",
                        help="do not write application log lines")


def run(args: argparse.Namespace) -> int:
    from ecstui.cli.demo import _raise_on_sigterm
    from ecstui.sandbox.sandbox import Sandbox

    _raise_on_sigterm()
    print("# starting the ecstui sandbox...", file=sys.stderr, flush=True)
    with Sandbox(speed=args.speed, logs=not args.no_logs) as sandbox:
        for name in sandbox.unset_env:
            print(f"unset {name}")
        for name, value in sandbox.env.items():
            print(f"export {name}={shlex.quote(value)}")
        print(f"# then: ecstui --config {shlex.quote(str(sandbox.config_path))} status")
        print("# sandbox running; Ctrl+C to stop", file=sys.stderr, flush=True)
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("# sandbox stopped", file=sys.stderr)
    return 0
