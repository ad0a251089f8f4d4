"""Promote/rollback fixtures: a fresh sandbox world, a workspace on it, a private audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ecstui.config import load_settings
from ecstui.core.workspace import Workspace


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes its own audit log (never the developer's)."""
    path = tmp_path / "state"
    monkeypatch.setenv("ECSTUI_STATE_DIR", str(path))
    return path


@pytest.fixture
async def workspace(fresh_world) -> AsyncIterator[Workspace]:  # type: ignore[no-untyped-def]
    ws = Workspace(load_settings(fresh_world.config_path))
    try:
        yield ws
    finally:
        await ws.close()


@pytest.fixture
def lifecycle(fresh_world):  # type: ignore[no-untyped-def]
    """The sandbox's lifecycle thread (to hold a rollout in flight while a plan is made)."""
    return next(c for c in fresh_world._threads if hasattr(c, "pause"))
