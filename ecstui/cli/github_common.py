"""What the GitHub commands (runs, approvals, approve, reject) share: workspace and output."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

T = TypeVar("T")


def run_with_workspace(args: argparse.Namespace, use: Callable[[Workspace], Awaitable[T]]) -> T:
    """Load settings, run one async use case with a workspace, always close it."""
    from ecstui.config import load_settings
    from ecstui.core.workspace import Workspace

    workspace = Workspace(load_settings(getattr(args, "config", None)))

    async def main() -> T:
        try:
            return await use(workspace)
        finally:
            await workspace.close()

    return asyncio.run(main())


def add_run_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_id", metavar="RUN_ID", type=int,
                        help="the workflow run id (see `ecstui approvals`)")
