"""Launch the TUI on the demo world headless and report when the main screen has data.

Run as a child process by benchmarks/startup.py: the same path as `ecstui --demo`
(run_in_demo starts the sandbox's child process and preloads the TUI, then the app
loads the inventory), with the app headless, exiting after the first inventory is
painted. Prints one JSON line.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> int:
    from ecstui.cli.demo import run_in_demo

    def run(args: argparse.Namespace) -> int:
        from ecstui.config import load_settings
        from ecstui.core.workspace import Workspace
        from ecstui.domain.inventory import Inventory
        from ecstui.tui.app import EcstuiApp

        ready = time.perf_counter()

        class Timed(EcstuiApp):
            def on_mount(self) -> None:  # Textual calls EcstuiApp.on_mount too (MRO)
                self.watch(self, "inventory", self._seen, init=False)

            def _seen(self, inventory: Inventory | None) -> None:
                if inventory is not None:
                    self.call_after_refresh(self._report, inventory)

            def _report(self, inventory: Inventory) -> None:
                now = time.perf_counter()
                rows = len(inventory.services)
                errors = [e.error for e in inventory.environments if e.error]
                print(json.dumps({"sandbox_ready": ready - T0, "data": now - T0,
                                  "app_to_data": now - ready, "seeded": seeded[0] - T0,
                                  "seed_to_data": now - seeded[0], "services": rows,
                                  "errors": errors}), flush=True)
                self.exit(0)

        # `--demo` opens the TUI while the world is seeded, when run_in_demo does so.
        wait = getattr(args, "wait_for_world", None)
        seeded = [ready]

        async def timed_wait() -> None:
            await wait()
            seeded[0] = max(seeded[0], time.perf_counter())

        app = Timed(Workspace(load_settings(args.config)),
                    **({"ready": timed_wait} if wait else {}))
        return int(app.run(headless=True, size=(150, 40)) or 0)

    from ecstui.cli.commands.tui import preload

    return run_in_demo(run, argparse.Namespace(config=None, command="tui"), preload=preload)


if __name__ == "__main__":
    raise SystemExit(main())
