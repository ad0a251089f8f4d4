"""Pilot tests of the inventory screens against the sandbox (real core, real HTTP)."""

from __future__ import annotations

from ecstui.config import load_settings
from ecstui.core.workspace import Workspace
from ecstui.sandbox import world
from ecstui.tui.app import EcstuiApp
from ecstui.tui.screens.detail import DetailScreen
from ecstui.tui.screens.help import HelpScreen
from ecstui.tui.screens.main import MainScreen
from ecstui.tui.widgets.inventory import ServiceTable


def cell_texts(table: ServiceTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def wait_for(pilot, condition, tries: int = 300) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not met in time")


async def test_main_filter_detail_and_back(fresh_world) -> None:  # type: ignore[no-untyped-def]
    app = EcstuiApp(Workspace(load_settings(fresh_world.config_path)), refresh_seconds=60)
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.inventory is not None)
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        table = main.query_one(ServiceTable)
        assert table.row_count == len(world.SERVICES) * len(world.ENVIRONMENTS)
        shown = {(r[0], r[1]): r[2] for r in cell_texts(table)}
        for spec in world.SERVICES:
            for env in world.ENVIRONMENTS:
                if env.name not in spec.mixed:
                    sha = world.sha_for(spec.name, spec.running[env.name])
                    assert shown[(spec.name, env.name)] == sha[:7]

        await pilot.press("slash", *"my-app")
        await pilot.pause()
        assert main.filter_text == "my-app"
        assert sorted(r[1] for r in cell_texts(table)) == ["pre-prod", "prod"]
        await pilot.press("enter")  # leave the filter field for the table
        await pilot.pause()
        keys = [str(k.value) for k in table.rows]
        table.move_cursor(row=keys.index("prod/prod/my-app"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        await wait_for(pilot, lambda: detail.service is not None)
        prod_sha = world.sha_for("my-app", world.service_spec("my-app").running["prod"])
        assert detail.service.sha == prod_sha
        summary = str(detail.query_one("#detail-summary").render())
        assert prod_sha in summary
        tasks = detail.query_one("#tasks")
        assert tasks.row_count >= 3
        assert all(str(tasks.get_row_at(i)[2]) == prod_sha[:7] for i in range(3))

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert main.filter_text == "" and table.row_count == 10


async def test_refresh_loop_rearms_and_marks_errors_without_dying(fresh_world) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    settings = load_settings(fresh_world.config_path)
    broken = dataclasses.replace(settings.environment("prod"), name="dr",
                                 account_id="333333333333")
    settings = dataclasses.replace(settings, environments=(*settings.environments, broken))
    app = EcstuiApp(Workspace(settings), refresh_seconds=0.2)
    loads: list[object] = []
    async with app.run_test(size=(150, 40)) as pilot:
        app.watch(app, "inventory", lambda inventory: loads.append(inventory), init=False)
        await wait_for(pilot, lambda: len(loads) >= 3)  # the loop keeps going
        main = app.screen
        banner = main.query_one("#banner")
        assert banner.display and "333333333333" in str(banner.render())
        assert "STALE" in str(main.query_one("#status-line").render())
        assert main.query_one(ServiceTable).row_count == 10  # the others are all there


async def test_a_first_load_that_fails_says_so_instead_of_loading_forever(
    sandbox,
) -> None:  # type: ignore[no-untyped-def]
    """`ecstui --service nope`: the status line names the failure and marks the screen stale."""
    from textual.widgets import Static

    app = EcstuiApp(Workspace(load_settings(sandbox.config_path)), service="nope",
                    refresh_seconds=60)
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        await wait_for(pilot, lambda: main.load_error is not None)
        main._tick()
        status = main.query_one("#status-line", Static)
        text = str(status.render())
        assert "loading" not in text
        assert text.startswith("no data: ") and "nope" in text
        assert status.has_class("-stale")
