"""Shared fixtures: one sandbox for the whole run, and a fresh world for tests that mutate it.

- `sandbox`: started once per run, its env applied to os.environ (moto + lifecycle + logs).
- `fresh_world`: the same sandbox, seeded world before and after the test (reset < 1 s).
- `sandbox_env`: a full environment for subprocess tests (`subprocess.run(..., env=...)`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Deployments in tests finish in ~2-4 s; the demo runs at speed 1.
SANDBOX_SPEED = 4.0
# Every sandbox GitHub request and response, in every test (subprocesses included), is
# checked against GitHub's OpenAPI description; a violation becomes an HTTP 500.
os.environ.setdefault("ECSTUI_GITHUB_OPENAPI",
                      str(Path(__file__).parent / "github" / "openapi-subset.json"))


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    from ecstui.sandbox.sandbox import Sandbox

    with Sandbox(speed=SANDBOX_SPEED) as started, started.apply_env():
        yield started


@pytest.fixture
def fresh_world(sandbox):  # type: ignore[no-untyped-def]
    """Use this in any test that changes the world; it is reset before and after (when
    a write call happened), so tests on the plain `sandbox` see the seeded world."""
    sandbox.reset_if_dirty()
    yield sandbox
    sandbox.reset_if_dirty()


@pytest.fixture
def sandbox_env(sandbox) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return sandbox.subprocess_env()
