"""Shared fixtures: one sandbox for the whole run, and a fresh world for tests that mutate it.

- `sandbox`: started once per run, its env applied to os.environ (moto + lifecycle + logs).
- `fresh_world`: the same sandbox reset to the seeded world before the test (< 1 s).
- `sandbox_env`: a full environment for subprocess tests (`subprocess.run(..., env=...)`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Deployments in tests finish in ~2-4 s; the demo runs at speed 1.
SANDBOX_SPEED = 4.0


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    from ecstui.sandbox.sandbox import Sandbox

    with Sandbox(speed=SANDBOX_SPEED) as started, started.apply_env():
        yield started


@pytest.fixture
def fresh_world(sandbox):  # type: ignore[no-untyped-def]
    sandbox.reset()
    return sandbox


@pytest.fixture
def sandbox_env(sandbox) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return sandbox.subprocess_env()
