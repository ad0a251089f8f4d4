"""Snapshots of the promote confirmation and the rollout panel, from fixed recorded data."""

from __future__ import annotations

from tests.promote.tui_fixed import SIZE, ChangeApp


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(0.3)


def test_confirm_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ChangeApp("confirm"), terminal_size=SIZE, run_before=settle)


def test_rollout_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ChangeApp("rollout"), terminal_size=SIZE, run_before=settle)
