"""Snapshots of the log view on fixed data with a still clock (see tests/logs/screenshot.py)."""

from __future__ import annotations

from tests.logs import fakes
from tests.logs.logapp import LogApp

SIZE = (130, 30)


async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(0.4)  # backfill laid out and one status tick


def app() -> LogApp:
    return LogApp(fakes.ScriptedTail(backfill=60), frozen=True)


def test_log_view(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), terminal_size=SIZE, run_before=loaded)


def test_log_view_filtered_pretty_json_paused(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("slash", *"stripe", "enter", "j", "space")
        await pilot.pause(0.4)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)
