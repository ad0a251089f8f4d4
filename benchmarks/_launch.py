"""Launch the TUI on the demo world headless and report when the main screen has data.

Run as a child process by benchmarks/startup.py: the same path as `ecstui --demo`
(run_in_demo starts the sandbox's child process and preloads the TUI, then the app
loads the inventory), with the app headless, exiting after the first inventory is
painted. Prints one JSON line: the moments below, in seconds from process start.

    preloaded     the TUI's imports and botocore models are loaded (while the child starts)
    app_start     the sandbox child's servers are up and the app starts
    signing_in    the sign-in (warm_up) starts, right after the first frame
    seeded        the child has seeded the world
    signed_in     the sign-in is done
    load_start / load_end   the first inventory load
    data          the main screen has painted it
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
from typing import Any  # noqa: E402

MOMENTS: dict[str, float] = {}


def mark(name: str) -> None:
    MOMENTS.setdefault(name, time.perf_counter() - T0)


def timed(module: Any, name: str, start: str, end: str) -> None:
    """Wrap `module.name` (an async function) to mark when its first call starts and ends."""
    original = getattr(module, name)

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(start)
        try:
            return await original(*args, **kwargs)
        finally:
            mark(end)

    setattr(module, name, wrapper)


def main() -> int:
    from ecstui.cli.demo import run_in_demo

    def run(args: argparse.Namespace) -> int:
        import ecstui.core.inventory
        from ecstui.config import load_settings
        from ecstui.core.workspace import Workspace
        from ecstui.domain.inventory import Inventory
        from ecstui.tui.app import EcstuiApp

        mark("app_start")
        # The app imports both by name at call time, so the wrappers are what it calls.
        timed(ecstui.core.inventory, "warm_up", "signing_in", "signed_in")
        timed(ecstui.core.inventory, "load_inventory", "load_start", "load_end")

        class Timed(EcstuiApp):
            def on_mount(self) -> None:  # Textual calls EcstuiApp.on_mount too (MRO)
                self.watch(self, "inventory", self._seen, init=False)

            def _seen(self, inventory: Inventory | None) -> None:
                if inventory is not None:
                    self.call_after_refresh(self._report, inventory)

            def _report(self, inventory: Inventory) -> None:
                mark("data")
                errors = [e.error for e in inventory.environments if e.error]
                print(json.dumps({**MOMENTS, "services": len(inventory.services),
                                  "errors": errors}), flush=True)
                self.exit(0)

        wait = args.wait_for_world

        async def timed_wait() -> None:
            await wait()
            mark("seeded")

        app = Timed(Workspace(load_settings(args.config)), ready=timed_wait)
        return int(app.run(headless=True, size=(150, 40)) or 0)

    from ecstui.cli.commands.tui import preload

    def timed_preload() -> None:
        preload()
        mark("preloaded")

    return run_in_demo(run, argparse.Namespace(config=None, command="tui"),
                       preload=timed_preload)


if __name__ == "__main__":
    raise SystemExit(main())
