"""Deploy a SHA to prod, pinned by the digest pre-prod runs.

Default SHA: the one pre-prod runs. The new prod revision is prod's current task
definition with only the app container's image changed to <repository>@<digest>;
then UpdateService, then the rollout is followed until it completes.

Refused (exit 1) when: the SHA is not running healthy in pre-prod (unless --force
with an explicit SHA), prod's registry does not hold the digest, prod already runs
it, a deployment is in flight on prod, or the image scan has CRITICAL findings.

exit codes: 0 done (or --dry-run of an acceptable plan), 1 refused / rollout failed
/ timed out, 2 usage (e.g. no terminal and no --yes), 3 authentication, 130 Ctrl+C
"""

from __future__ import annotations

import argparse

from ecstui.cli.change import add_change_arguments, require_service, run_change


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sha", nargs="?", metavar="SHA",
                        help="git SHA to promote (default: what pre-prod runs)")
    parser.add_argument("--force", action="store_true",
                        help="promote an explicit SHA even if pre-prod does not run it healthy")
    add_change_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ecstui.core.promote import apply_promote, plan_promote

    service = require_service(args, "promote")
    return run_change(
        args,
        lambda ws: plan_promote(ws, service, sha=args.sha, env=args.env, force=args.force),
        apply_promote,  # type: ignore[arg-type]
    )
