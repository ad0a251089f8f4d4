"""What the sandbox's background components share: a daemon thread that stops on request,
and a pause that holds it still (under `patches.BACKEND_LOCK`) while the world is reseeded."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from ecstui.sandbox import patches


class BackgroundThread:
    """Subclasses implement `_run` (loop until `self._stop` is set, skip work while
    `self._paused`) and record what a tick raised in `errors` for the tests to see."""

    thread_name = "ecstui-sandbox"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._paused = False
        self._thread: threading.Thread | None = None
        self.errors: list[BaseException] = []  # a tick that raised, kept for tests to see

    def _run(self) -> None:
        raise NotImplementedError

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @contextlib.contextmanager
    def pause(self) -> Iterator[None]:
        """No ticks (and no hooks) while the world is reseeded."""
        with patches.BACKEND_LOCK:
            self._paused = True
        try:
            yield
        finally:
            self._paused = False
