"""The main screen on the fixed inventory: palette, sorting, ageing and failing refreshes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from ecstui.config import EnvironmentSettings, Settings
from ecstui.core.workspace import Workspace
from ecstui.domain.inventory import Inventory
from ecstui.errors import OperationError
from ecstui.tui.app import EcstuiApp
from ecstui.tui.widgets.inventory import ServiceTable
from tests.inventory.fixed import NOW, fixed_app, fixed_inventory, until_loaded


async def test_every_footer_key_and_every_service_is_a_palette_command() -> None:
    app = fixed_app()
    async with app.run_test(size=(150, 34)) as pilot:
        await until_loaded(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Filter", "Sort", "Refresh", "Detail"} <= titles
        assert "Open my-app (prod)" in titles and "Open payments (pre-prod)" in titles
        assert "Cursor up" not in titles  # widget plumbing stays out


async def test_sort_cycles_and_attention_puts_flagged_services_first() -> None:
    app = fixed_app()
    async with app.run_test(size=(150, 34)) as pilot:
        await until_loaded(pilot)
        screen = app.screen
        await pilot.press("s")
        assert screen.sort_key == "environment"
        await pilot.press("s")
        assert screen.sort_key == "attention"
        await pilot.pause()
        table = screen.query_one(ServiceTable)
        first = str(table.get_row_at(0)[0]), str(table.get_row_at(0)[1])
        assert first == ("payments", "prod")  # two markers: mixed and in flight


async def test_a_failing_refresh_keeps_the_rows_ages_them_and_marks_them_stale() -> None:
    clock = {"now": NOW}
    calls = {"n": 0}

    async def loader(previous: Inventory | None) -> Inventory:
        calls["n"] += 1
        if calls["n"] == 1:
            return fixed_inventory()
        raise OperationError("Could not reach http://127.0.0.1:1 to list the ECS clusters.")

    settings = Settings(path=None, environments=(EnvironmentSettings(name="prod"),))
    app = EcstuiApp(Workspace(settings), loader=loader, clock=lambda: clock["now"],
                    refresh_seconds=0.05)
    async with app.run_test(size=(150, 34)) as pilot:
        await until_loaded(pilot)
        clock["now"] = NOW + timedelta(seconds=42)
        for _ in range(100):
            if calls["n"] >= 3:  # the loop re-armed after a failure, twice
                break
            await pilot.pause(0.02)
        assert calls["n"] >= 3
        await pilot.pause(1.1)  # the once-a-second status tick
        status = str(app.screen.query_one("#status-line").render())
        assert "updated 42s ago" in status and "STALE" in status
        assert app.screen.query_one(ServiceTable).row_count == 10
        assert any("Could not reach" in n.message for n in app._notifications)


async def test_an_environment_error_shows_in_the_banner_and_rows_are_marked() -> None:
    inventory = fixed_inventory()
    prod = dataclasses.replace(inventory.environments[1],
                               error="The SSO sign-in has expired; run `aws sso login`.")
    broken = dataclasses.replace(inventory, environments=(inventory.environments[0], prod))

    async def loader(previous: Inventory | None) -> Inventory:
        return broken

    settings = Settings(path=None, environments=(EnvironmentSettings(name="prod"),))
    app = EcstuiApp(Workspace(settings), loader=loader, clock=lambda: NOW,
                    refresh_seconds=3600)
    async with app.run_test(size=(150, 34)) as pilot:
        await until_loaded(pilot)
        banner = app.screen.query_one("#banner")
        assert banner.display and "aws sso login" in str(banner.render())
        rows = {(str(r[0]), str(r[1])): str(r[-1]) for r in
                (app.screen.query_one(ServiceTable).get_row_at(i) for i in range(10))}
        assert rows[("burrito", "prod")].endswith("?")
        assert "?" not in rows[("burrito", "pre-prod")]


async def test_a_key_typed_while_the_main_screen_mounts_reaches_the_table_not_the_hidden_filter(
) -> None:
    """`q` pressed while `ecstui --demo` starts must quit, not filter the table to nothing."""
    from textual.widget import Widget

    from ecstui.tui.screens.main import MainScreen

    focused_at_mount: list[Widget | None] = []

    class Probe(MainScreen):
        def on_mount(self) -> None:  # dispatched before MainScreen.on_mount
            focused_at_mount.append(self.focused)

    app = fixed_app()
    async with app.run_test(size=(150, 34)) as pilot:
        await until_loaded(pilot)
        await app.push_screen(Probe())
        await pilot.pause()
        assert focused_at_mount and isinstance(focused_at_mount[0], ServiceTable)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
