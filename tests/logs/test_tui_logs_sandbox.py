"""One key from a service opens its live logs (real app, real core, the sandbox over HTTP)."""

from __future__ import annotations

from ecstui.config import load_settings
from ecstui.core.workspace import Workspace
from ecstui.tui.app import EcstuiApp
from ecstui.tui.screens.detail import DetailScreen
from ecstui.tui.screens.logs import LogsScreen
from ecstui.tui.screens.main import MainScreen
from ecstui.tui.widgets.inventory import ServiceTable
from ecstui.tui.widgets.log_view import LogView


async def wait_for(pilot, condition, tries: int = 400) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.025)
    raise AssertionError("condition not met in time")


async def select(pilot, app: EcstuiApp, key: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.inventory is not None)
    await pilot.pause()
    table = app.screen.query_one(ServiceTable)
    keys = [str(k.value) for k in table.rows]
    table.move_cursor(row=keys.index(key))
    await pilot.pause()


async def test_l_on_main_opens_live_logs_that_keep_coming(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = EcstuiApp(Workspace(load_settings(sandbox.config_path)), refresh_seconds=60)
    async with app.run_test(size=(140, 36)) as pilot:
        await select(pilot, app, "prod/prod/my-app")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        screen = app.screen
        assert screen.service.name == "my-app" and screen.service.environment == "prod"
        view = screen.query_one(LogView)
        await wait_for(pilot, lambda: len(view.events) > 0)
        backfilled = view.received
        await wait_for(pilot, lambda: view.received > backfilled)  # the writer's new lines
        assert {e.container for e in view.events} <= {"app", "datadog-agent"}
        assert {m.mode for m in screen.modes.values()} <= {"polling", "live-tail"}
        await pilot.press("slash", *"WARN", "enter")
        await pilot.pause(0.1)
        assert view.shown_count and all("warn" in e.message.lower() for e in view.shown_events())
        await pilot.press("escape")  # back to main; the tail worker is cancelled with the screen
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert not [w for w in app.workers if w.group == "logs-tail" and w.is_running]


async def test_l_on_detail_opens_the_same_service(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = EcstuiApp(Workspace(load_settings(sandbox.config_path)), refresh_seconds=60)
    async with app.run_test(size=(140, 36)) as pilot:
        await select(pilot, app, "pre-prod/pre-prod/burrito")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await wait_for(pilot, lambda: app.screen.service is not None)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        view = app.screen.query_one(LogView)
        await wait_for(pilot, lambda: len(view.events) > 0)
        assert app.screen.service.name == "burrito"
        assert all(e.group == "/ecs/burrito" for e in view.events)
