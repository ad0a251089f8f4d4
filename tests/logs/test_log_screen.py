"""Pilot tests of the log view on scripted data: follow, pause, filter, modes, save."""

from __future__ import annotations

from pathlib import Path

from ecstui.domain.logs import LogBatch, TailMode
from ecstui.tui.screens.logs import LogsScreen
from ecstui.tui.widgets.log_view import LogView
from tests.logs import fakes
from tests.logs.logapp import LogApp


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(0.1)  # > one flush tick (1/30 s)
    await pilot.pause()


def status(app: LogApp) -> str:
    return str(app.screen.query_one("#logs-status").render())


async def status_after_tick(pilot, app: LogApp) -> str:  # type: ignore[no-untyped-def]
    await pilot.pause(0.3)  # the status line refreshes 4 times a second
    return status(app)


async def test_backfill_then_follow_keeps_the_newest_line_in_view() -> None:
    tail = fakes.ScriptedTail(backfill=200)
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        assert len(view.events) == 200
        assert view.following and view.scroll_y == view.max_scroll_y > 0
        tail.send(LogBatch(fakes.events(200, 50)))
        await settle(pilot)
        assert len(view.events) == 250
        assert view.scroll_y == view.max_scroll_y
        assert "Live Tail" in status(app) and "following" in status(app)


async def test_pause_keeps_the_view_still_and_end_resumes() -> None:
    tail = fakes.ScriptedTail(backfill=200)
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        await pilot.press("space")
        assert not view.following
        still = view.scroll_y
        tail.send(LogBatch(fakes.events(200, 30)))
        await settle(pilot)
        assert view.scroll_y == still and view.unseen == 30
        assert "PAUSED (+30 new" in await status_after_tick(pilot, app)
        await pilot.press("end")
        await settle(pilot)
        assert view.following and view.scroll_y == view.max_scroll_y


async def test_scrolling_up_pauses() -> None:
    app = LogApp(fakes.ScriptedTail(backfill=200))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        await pilot.press("pageup")
        await settle(pilot)
        assert not view.following
        assert view.scroll_y < view.max_scroll_y


async def test_filter_as_you_type_then_escape_back_to_the_lines() -> None:
    app = LogApp(fakes.ScriptedTail(backfill=80))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        await pilot.press("slash", *"webhook")
        await settle(pilot)
        assert view.needle == "webhook"
        assert view.shown_count == 10 == view.virtual_size.height  # one line in 8 matches
        assert "10 shown" in status(app)
        await pilot.press("escape")
        assert app.screen.focused is view and isinstance(app.screen, LogsScreen)


async def test_json_pretty_and_wrap_change_the_rows_not_the_lines() -> None:
    app = LogApp(fakes.ScriptedTail(backfill=16))
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        assert view.virtual_size.height == 16
        await pilot.press("j")
        assert view.virtual_size.height > 16  # the JSON lines now span several rows
        await pilot.press("j", "w")
        assert view.virtual_size.height > 16  # long lines wrap at 60 columns
        assert len(view.events) == 16


async def test_mode_changes_and_sampling_show_in_the_status() -> None:
    tail = fakes.ScriptedTail()
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tail.send(TailMode(fakes.GROUP, "polling", "the Live Tail session closed"))
        await settle(pilot)
        assert status(app).startswith("polling (the Live Tail session closed) · following")
        tail.send(TailMode(fakes.GROUP, "live-tail", sampled=True))
        await settle(pilot)
        assert "SAMPLED" in status(app)


async def test_server_pattern_restarts_the_tail_and_a_bad_one_is_refused() -> None:
    tail = fakes.ScriptedTail()
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"ERROR", "enter")
        await settle(pilot)
        assert [c.pattern for c in tail.calls] == [None, "ERROR"]
        assert tail.closed == 1  # the first tail's worker was cancelled and closed
        await pilot.press("f", *'{ $.x = "', "enter")
        await settle(pilot)
        assert len(tail.calls) == 2
        assert any("not valid CloudWatch Logs syntax" in n.message
                   for n in app._notifications)


async def test_last_n_minutes_restarts_with_that_window() -> None:
    tail = fakes.ScriptedTail()
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m", "3", "0", "enter")
        await settle(pilot)
        assert tail.calls[-1].since.total_seconds() == 1800
        await pilot.press("m", *"soon", "enter")  # a bad window keeps the tail as it is
        await settle(pilot)
        assert tail.calls[-1].since.total_seconds() == 1800
        messages = [n.message for n in app._notifications]
        assert "The time window 'soon' is not a duration; use a number and a unit, e.g. 90s, " \
               "10m, 2h, 1d." in messages and not any("--since" in m for m in messages)


async def test_save_writes_what_is_shown(tmp_path: Path) -> None:
    app = LogApp(fakes.ScriptedTail(backfill=40))
    target = tmp_path / "shown.log"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ERROR", "enter")
        await pilot.press("s", *str(target), "enter")
        await pilot.pause(0.3)
    lines = target.read_text().splitlines()
    assert len(lines) == 10  # 5 "ERROR ..." lines and 5 JSON lines at level error
    assert all("error" in line.lower() for line in lines)
    assert lines[0] == ("2026-11-28T09:00:00.548Z b72e90d4 app ERROR payment webhook returned "
                        "502; retrying in 2s")


async def test_closing_the_screen_cancels_the_tail() -> None:
    tail = fakes.ScriptedTail()
    app = LogApp(tail)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, LogsScreen)
        assert tail.closed == 1


async def test_memory_is_bounded_by_max_lines() -> None:
    tail = fakes.ScriptedTail(backfill=0)
    app = LogApp(tail, max_lines=500)
    async with app.run_test(size=(100, 30)) as pilot:
        for start in range(0, 3000, 250):
            tail.send(LogBatch(fakes.events(start, 250)))
        await settle(pilot)
        view = app.screen.query_one(LogView)
        assert len(view.events) == 500 and view.virtual_size.height == 500
        assert view.events[-1].event_id == "2999" and view.received == 3000


async def test_filter_and_json_toggles_do_not_pause_following() -> None:
    app = LogApp(fakes.ScriptedTail(backfill=200))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(LogView)
        await pilot.press("slash", *"stripe", "enter", "j")
        await settle(pilot)
        assert view.following and view.scroll_y == view.max_scroll_y
