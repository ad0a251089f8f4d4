"""The runs/approvals screen on fixed data: sandbox GitHub with a frozen clock + fixed inventory.

Shared by the snapshot test and `make screenshots`, so the README shows what the
tests check.
"""

from __future__ import annotations

from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.github import GitHubSandbox
from tests.inventory.fixed import NOW, fixed_inventory

SIZE = (160, 40)


def github_app(github: GitHubSandbox, loader: Any = None) -> Any:
    """The TUI with the fixed inventory (or `loader`'s), GitHub settings naming every world
    repository."""
    from ecstui.config import EnvironmentSettings, GitHubSettings, ServiceSettings, Settings
    from ecstui.core.workspace import Workspace
    from ecstui.tui.app import EcstuiApp

    inventory = fixed_inventory()

    async def fixed(previous: object) -> Any:
        return inventory

    settings = Settings(
        path=None,
        environments=tuple(EnvironmentSettings(name=e.name) for e in world.ENVIRONMENTS),
        services={s.name: ServiceSettings(s.name, repository=s.repository)
                  for s in world.SERVICES},
        github=GitHubSettings(api_url=github.url),
        promote_from="pre-prod", promote_to="prod",
    )
    app = EcstuiApp(Workspace(settings), loader=loader or fixed, clock=lambda: NOW,
                    refresh_seconds=3600.0)
    app.github_poll_seconds = 3600.0
    return app


def frozen_github() -> GitHubSandbox:
    return GitHubSandbox(clock=lambda: NOW)


async def wait_for(pilot: Any, predicate: Any, tries: int = 500) -> None:
    for _ in range(tries):
        if predicate():
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("condition not reached")
    await pilot.pause()


async def open_runs(pilot: Any) -> None:
    """Wait for inventory and approvals, open the runs screen, wait for its runs."""
    app = pilot.app
    await wait_for(pilot, lambda: app.inventory is not None and app.approvals is not None)
    await pilot.press("g")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "RunsScreen"
                   and app.screen.overview is not None)
    await pilot.pause()


async def shoot_runs(out_dir: Any, name: str = "runs-approvals") -> Any:
    """screenshots/runs-approvals.svg: the same data and clock as the snapshot test."""
    import os
    from pathlib import Path

    github = frozen_github()
    saved = os.environ.get("GH_TOKEN")
    os.environ["GH_TOKEN"] = github.token
    try:
        with github:
            app = github_app(github)
            async with app.run_test(size=SIZE) as pilot:
                await open_runs(pilot)
                app.save_screenshot(filename=f"{name}.svg", path=str(out_dir))
    finally:
        if saved is None:
            os.environ.pop("GH_TOKEN", None)
        else:
            os.environ["GH_TOKEN"] = saved
    return Path(out_dir) / f"{name}.svg"
