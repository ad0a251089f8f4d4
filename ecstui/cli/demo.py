"""`--demo`: run one command inside a private sandbox that lives only as long as it.

The sandbox (moto with the ECS lifecycle, seeded from the world spec) starts, its
variables are applied to this process, `args.config` points at its ecstui.toml,
and whatever happens (success, error, Ctrl+C) it is torn down: no thread, server,
child process or temp file is left behind. The TUI runs its sandbox in a child
process and does not wait for the seed (see run_in_demo).
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


def run_in_demo(
    run: Callable[[argparse.Namespace], int],
    args: argparse.Namespace,
    preload: Callable[[], None] | None = None,
) -> int:
    """Run `run(args)` against a fresh sandbox.

    The TUI (`args.command == "tui"`) runs its sandbox in a child process (see
    ecstui/sandbox/child.py): `preload` (the TUI's imports) runs while the child starts,
    the TUI opens as soon as the child's servers are up and shows its loading state
    while the world is seeded there; `args.wait_for_world` is an async callable the app
    awaits before loading the inventory. Every other command runs in this process, once
    the world is seeded.
    """
    print("ecstui: starting the demo sandbox...", file=sys.stderr, flush=True)
    if getattr(args, "command", None) == "tui":
        return _run_beside_child(run, args, preload)
    from ecstui.sandbox.sandbox import Sandbox

    sandbox = Sandbox()
    state = None
    previous = _raise_on_sigterm()
    try:
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


def _run_beside_child(
    run: Callable[[argparse.Namespace], int],
    args: argparse.Namespace,
    preload: Callable[[], None] | None,
) -> int:
    """The TUI in this process, the sandbox in a child that lives exactly as long."""
    from ecstui.sandbox.process import SandboxProcess

    child = SandboxProcess()
    patches: list[EnvPatch | None] = []
    _freeze_heap_at_exit()
    previous = _raise_on_sigterm()
    try:
        child.start()
        if preload is not None:
            preload()  # Textual and the app load on this core while moto starts on the other
        child.servers()
        patches.append(child.apply_env())
        patches.append(_private_state_dir(child.temp_dir))
        args.config = str(child.config_path)
        args.wait_for_world = functools.partial(_wait_for_world, child.seeded)
        return int(run(args))
    finally:
        for patch in reversed(patches):
            if patch is not None:
                patch.restore()
        child.stop()
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
    again at exit, when the sandbox is stopped and nothing is left to reclaim. (The TUI's
    sandbox child does the same for itself, see ecstui/sandbox/child.py.)
    """
    _freeze_heap_at_exit()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _freeze_heap_at_exit() -> None:
    """Python's last collection at exit walks every object still alive (the TUI's
    imports, models and screens): ~0.2 s between `q` and the shell prompt, to reclaim
    memory the OS takes back anyway. Frozen objects are skipped."""
    global _freeze_at_exit
    if not _freeze_at_exit:
        atexit.register(gc.freeze)
        _freeze_at_exit = True


_freeze_at_exit = False


def _raise_on_sigterm() -> object:
    """A SIGTERM (tmux kill, CI timeout) unwinds like Ctrl+C, so `finally` cleans up."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None
