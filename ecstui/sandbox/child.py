"""The sandbox as a child process of `ecstui --demo` (run as `python -m ecstui.sandbox.child`).

Why a process: importing moto, serving its requests, seeding and the background
threads (deployments, log lines) are CPU work the TUI would otherwise share one
interpreter lock with. In its own process the world starts on the second core
while the TUI imports Textual and draws its first frame, and the TUI stays
responsive while the sandbox works.

Protocol, one JSON object per stdout line (stdin is only watched for EOF):

    {"event": "servers", "env": {...}, "unset": [...], "config": "...", "temp_dir": "..."}
    {"event": "seeded"}
    or, instead of either, {"event": "failed", "error": "...", "exit_code": N (optional)}

The sandbox stops (servers down, temp files removed) when stdin closes, i.e. when
the parent exits or dies, and on SIGTERM, SIGHUP or SIGINT.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


def _stop_on_eof(stop: threading.Event) -> None:
    """The parent closes our stdin on exit; the OS closes it if the parent dies."""

    def watch() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> None:
    import gc

    stop = threading.Event()
    _stop_on_signals(stop)
    _stop_on_eof(stop)
    gc.disable()  # the world's heap lives until exit: collecting it while it grows is waste
    from ecstui.errors import EcstuiError
    from ecstui.sandbox.sandbox import Sandbox

    sandbox = Sandbox()
    try:
        try:
            sandbox.start_servers()
        except EcstuiError as error:  # one sentence for the parent to show as it is
            _say({"event": "failed", "error": error.message, "exit_code": int(error.exit_code)})
            return
        _say({"event": "servers", "env": sandbox.env, "unset": list(sandbox.unset_env),
              "config": str(sandbox.config_path), "temp_dir": str(sandbox.temp_dir)})
        try:
            sandbox.seed()
        except Exception as error:  # the parent shows it as one sentence
            _say({"event": "failed", "error": f"{type(error).__name__}: {error}"})
        else:
            _say({"event": "seeded"})
        gc.freeze()
        gc.enable()
        while not stop.wait(3600):
            pass
    except BrokenPipeError:
        pass  # the parent went away first
    finally:
        sandbox.stop_before_exit()
    with contextlib.suppress(OSError):  # a parent gone away leaves a broken pipe
        sys.stdout.flush()
    os._exit(0)  # the servers' daemon threads go with the process


if __name__ == "__main__":
    main()
