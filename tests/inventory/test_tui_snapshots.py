"""Snapshots of the main and detail screens, rendered from the fixed inventory and clock."""

from __future__ import annotations

from tests.inventory.fixed import fixed_app, open_detail, until_loaded

SIZE = (150, 34)


def test_main_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=until_loaded)


def test_detail_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_detail(pilot, "my-app", "prod")

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)
