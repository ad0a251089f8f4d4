"""`--demo` start-up skips garbage collection and freezes the seeded heap; whatever runs
after `run_in_demo` (a test process) gets the collector back as it was."""

from __future__ import annotations

import argparse
import gc

from ecstui.cli.demo import run_in_demo


def test_demo_freezes_the_started_heap_and_restores_the_collector() -> None:
    seen: dict[str, object] = {}

    def run(args: argparse.Namespace) -> int:
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count(), config=args.config)
        return 0

    assert gc.isenabled()
    assert run_in_demo(run, argparse.Namespace(config=None)) == 0
    assert seen["enabled"] is True  # the command (the TUI) runs with the collector on
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000  # the started world
    assert seen["config"]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
