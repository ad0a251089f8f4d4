"""Entry point of `ecstui`: global options, sub-commands, exit codes.

Kept import-light on purpose: `ecstui --help` must not import aiobotocore or
Textual. Each command module imports what it needs inside its `run`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from ecstui import __version__
from ecstui.cli.endpoints import AWS_COMMANDS, with_endpoint_warnings
from ecstui.errors import EcstuiError, ExitCode

# (command, module under ecstui.cli.commands, one-line help). Order is the --help order.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("tui", "tui", "open the terminal UI (the default when no command is given)"),
    ("status", "status", "what runs where: services, deployments, SHA and digest"),
    ("runs", "runs", "recent GitHub Actions runs and the SHAs they built"),
    ("approvals", "approvals", "runs waiting for an environment reviewer"),
    ("approve", "approve", "approve a run waiting for an environment"),
    ("reject", "reject", "reject a run waiting for an environment"),
    ("promote", "promote", "deploy the SHA pre-prod runs to prod, pinned by digest"),
    ("rollback", "rollback", "return a service to the last good revision"),
    ("logs", "logs", "print or follow a service's CloudWatch logs"),
    ("audit", "audit", "show the audit log of applied changes"),
    ("sandbox", "sandbox", "run the local sandbox world in the foreground"),
)

EPILOG = """\
examples:
  ecstui --demo                          the TUI on the built-in sandbox
  ecstui status --output json            inventory for scripts
  ecstui --service my-app promote        promote what pre-prod runs to prod
  ecstui --service my-app rollback       roll prod back to the last good revision
  ecstui --service my-app logs --follow  tail live logs

exit codes: 0 ok, 1 operation failed, 2 usage or configuration error,
            3 authentication error, 130 interrupted
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecstui",
        description="The on-call console for ECS services shipped by GitHub Actions.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(parser)
    parser.add_argument("--version", action="version", version=f"ecstui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        command = _load_command(module)
        if command is None:
            continue
        child = sub.add_parser(
            name,
            help=help_text,
            description=command.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # Global options may also follow the command: `ecstui status --env prod`.
        add_global_options(child, suppress_defaults=True)
        command.add_arguments(child)
    return parser


def _load_command(module: str) -> Any:
    """Import a command module; None when this build does not ship it."""
    try:
        return importlib.import_module(f"ecstui.cli.commands.{module}")
    except ModuleNotFoundError as error:
        if error.name == f"ecstui.cli.commands.{module}":
            return None
        raise


def add_global_options(parser: argparse.ArgumentParser, suppress_defaults: bool = False) -> None:
    default = argparse.SUPPRESS if suppress_defaults else None
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="config file (default: ./ecstui.toml, then the user config dir)")
    parser.add_argument("--demo", action="store_true",
                        default=argparse.SUPPRESS if suppress_defaults else False,
                        help="run against a private local sandbox (no AWS or GitHub needed)")
    parser.add_argument("--env", metavar="ENV", default=default,
                        help="environment name from the config (e.g. prod)")
    parser.add_argument("--service", metavar="NAME", default=default,
                        help="the service to act on")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "tui"
    module = {name: mod for name, mod, _ in COMMANDS}[args.command]
    command = _load_command(module)
    run = command.run
    if args.command in AWS_COMMANDS:
        run = with_endpoint_warnings(run)  # stray endpoint overrides, before any output
    try:
        check = getattr(command, "check", None)
        if check is not None:  # usage errors before any sandbox starts or request is sent
            check(args)
        if args.demo and args.command != "sandbox":
            from ecstui.cli.demo import run_in_demo

            return int(run_in_demo(run, args, preload=getattr(command, "preload", None)))
        return int(run(args))
    except EcstuiError as error:
        print(f"ecstui: {error.message}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("ecstui: interrupted.", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # `ecstui ... | head`: the reader left; that is not an error.
        sys.stderr.close()
        return int(ExitCode.OK)


if __name__ == "__main__":
    raise SystemExit(main())
