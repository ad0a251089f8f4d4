"""Return a service to the last revision that completed with a different image.

Without --to: ECS's service-deployment history where it exists (a deployment in
flight is stopped with ROLLBACK), else the live deployments and the family's
revisions, skipping revisions with the current image and revisions ecstui saw
fail. --to takes a revision (42, family:42) or a git SHA. The revision rolled
back from is never deregistered. CODE_DEPLOY and EXTERNAL services are refused.

exit codes: 0 done (or --dry-run of an acceptable plan), 1 refused / rollout failed
/ timed out, 2 usage (e.g. no terminal and no --yes), 3 authentication, 130 Ctrl+C
"""

from __future__ import annotations

import argparse

from ecstui.cli.change import add_change_arguments, require_service, run_change


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", metavar="REVISION|SHA",
                        help="the revision (42 or family:42) or git SHA to return to")
    add_change_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ecstui.core.rollback import apply_rollback, plan_rollback

    service = require_service(args, "rollback")
    return run_change(
        args,
        lambda ws: plan_rollback(ws, service, env=args.env, to=args.to),
        apply_rollback,  # type: ignore[arg-type]
    )
