"""Approve a workflow run waiting for an environment's reviewers (e.g. prod).

`ecstui approve RUN_ID --env prod [--comment TEXT]`. Refused, with the names of
those who may approve, when you are not a required reviewer of the environment.
On success the run's deployment job starts; watch it with `ecstui status`.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ecstui.cli.github_common import add_run_id
    from ecstui.cli.output import add_output_argument

    add_run_id(parser)
    parser.add_argument("--comment", "-m", default="Approved with ecstui.",
                        help="the review comment (default: 'Approved with ecstui.')")
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    from ecstui.cli.commands.reject import review_command

    return review_command(args, "approved")
