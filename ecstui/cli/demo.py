"""`--demo`: run one command inside a private sandbox that lives only as long as it.

The sandbox (moto with the ECS lifecycle, seeded from the world spec) starts, its
variables are applied to this process, `args.config` points at its ecstui.toml,
and whatever happens (success, error, Ctrl+C) it is torn down: no thread, server
or temp file is left behind. The TUI does not wait for the seed (see run_in_demo).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecstui.sandbox.envvars import EnvPatch


def run_in_demo(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run `run(args)` against a fresh sandbox.

    The TUI (`args.command == "tui"`) opens as soon as the servers are up and shows its
    loading state while the world is seeded in a thread: `args.wait_for_world` is an
    async callable the app awaits before loading the inventory. Every other command
    starts once the world is seeded.
    """
    from ecstui.sandbox.sandbox import Sandbox

    print("ecstui: starting the demo sandbox...", file=sys.stderr, flush=True)
    sandbox = Sandbox()
    state = None
    previous = _raise_on_sigterm()
    try:
        if getattr(args, "command", None) == "tui":
            heap = contextlib.ExitStack()  # left by the seed thread when it is done
            with contextlib.ExitStack() as on_error:
                heap.enter_context(_long_lived_heap())
                on_error.callback(heap.close)
                sandbox.start_servers()
                seeding = sandbox.start_seeding()
                on_error.pop_all()
            seeding.add_done_callback(lambda _: heap.close())
            args.wait_for_world = functools.partial(_wait_for_world, seeding)
        else:
            with _long_lived_heap():
                sandbox.start()
        sandbox.apply_env()
        state = _private_state_dir(sandbox.temp_dir)
        args.config = str(sandbox.config_path)
        return int(run(args))
    finally:
        if state is not None:
            state.restore()
        sandbox.stop()
        gc.unfreeze()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _private_state_dir(temp_dir: Path) -> EnvPatch | None:
    """The demo's changes are audited in the sandbox's temp dir, not in the operator's real
    audit log (`ecstui audit`), unless ECSTUI_STATE_DIR names a place for them."""
    from ecstui.core.audit import STATE_DIR_ENV
    from ecstui.sandbox.envvars import EnvPatch

    if os.environ.get(STATE_DIR_ENV):
        return None
    return EnvPatch({STATE_DIR_ENV: str(temp_dir / "state")}, ())


async def _wait_for_world(seeding: Future[object]) -> None:
    """Until the sandbox's world is seeded; a failed seed is one clear error."""
    import asyncio

    from ecstui.errors import OperationError

    try:
        # Shielded: a load cancelled by a newer one (the `r` key) must not cancel the seed.
        await asyncio.shield(asyncio.wrap_future(seeding))
    except Exception as error:
        raise OperationError(f"The demo sandbox could not seed its world ({error}); "
                             "quit and start `ecstui --demo` again.") from error


@contextlib.contextmanager
def _long_lived_heap() -> Iterator[None]:
    """Start-up builds a big heap that lives until exit (moto, botocore models, the seed).

    Collecting while it grows costs ~1 s of CPU for nothing, and collecting it again at
    interpreter exit ~3 s after the TUI quits (both measured on the demo). So: no
    collection during start-up, then the heap is frozen out of the collector's passes;
    `run_in_demo` unfreezes it on the way out (a test process lives on), and it is frozen
    again at exit, when the sandbox is stopped and nothing is left to reclaim. With the
    TUI, start-up ends when the seed thread finishes, which leaves this context.
    """
    global _freeze_at_exit
    if not _freeze_at_exit:
        atexit.register(gc.freeze)
        _freeze_at_exit = True
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


_freeze_at_exit = False


def _raise_on_sigterm() -> object:
    """A SIGTERM (tmux kill, CI timeout) unwinds like Ctrl+C, so `finally` cleans up."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None
