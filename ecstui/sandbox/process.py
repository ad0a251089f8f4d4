"""The parent's handle on a sandbox running in a child process (see child.py).

Imports nothing heavy: the point is that the parent (the TUI) never loads moto.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

from ecstui.errors import ExitCode, OperationError, UsageError
from ecstui.sandbox.envvars import EnvPatch

SERVERS_TIMEOUT = 60.0  # a cold first import of moto on a slow disk takes a few seconds
STOP_TIMEOUT = 10.0


class SandboxProcess:
    """Start with `start()`, wait for `servers()`, then `seeded` completes; `stop()` always."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self._argv = argv or [sys.executable, "-m", "ecstui.sandbox.child"]
        self._child: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._seed_watch: threading.Thread | None = None
        self.seeded: Future[object] = Future()
        self.env: dict[str, str] = {}
        self.unset_env: tuple[str, ...] = ()
        self.config_path = Path()
        self.temp_dir = Path()

    def start(self) -> SandboxProcess:
        """Spawn the child; returns at once (the servers come up meanwhile)."""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self._child = subprocess.Popen(
            self._argv,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        return self

    def servers(self) -> SandboxProcess:
        """Block until the child's servers are up and its files written."""
        message = self._read(SERVERS_TIMEOUT)
        if message.get("event") == "failed" and message.get("exit_code") == ExitCode.USAGE:
            raise UsageError(str(message["error"]))  # e.g. moto is not installed
        if message.get("event") != "servers":
            raise OperationError(self._failure("did not start", message))
        self.env = dict(message["env"])
        self.unset_env = tuple(message["unset"])
        self.config_path = Path(message["config"])
        self.temp_dir = Path(message["temp_dir"])
        self._seed_watch = threading.Thread(target=self._await_seed, daemon=True,
                                            name="sandbox-seed-watch")
        self._seed_watch.start()
        return self

    def apply_env(self) -> EnvPatch:
        return EnvPatch(self.env, self.unset_env)

    def stop(self) -> None:
        """Close the child's stdin (it stops its sandbox and exits); kill it if it hangs."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.stdin.close()  # type: ignore[union-attr]
        try:
            child.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if self._seed_watch is not None:
            self._seed_watch.join(STOP_TIMEOUT)  # it reads stdout until the child's EOF
        if child.stdout is not None:
            child.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if not self.seeded.done():
            self.seeded.set_exception(OperationError("The demo sandbox was stopped."))

    def _await_seed(self) -> None:
        try:
            message = self._read(None)
        except OperationError as error:
            message = {"event": "failed", "error": error.message}
        if self.seeded.done():
            return
        if message.get("event") == "seeded":
            self.seeded.set_result(self)
        else:
            self.seeded.set_exception(OperationError(self._failure("could not seed", message)))

    def _read(self, timeout: float | None) -> dict[str, Any]:
        """The child's next message; its exit or silence is an error."""
        child = self._child
        if child is None or child.stdout is None:
            raise OperationError("The demo sandbox is not running.")
        stdout = child.stdout
        if timeout is None:  # the seed watch: a thread of its own already
            message = _next_message(stdout)
        else:  # a pipe read cannot time out: read in a thread, give up on it at `timeout`
            found: list[dict[str, Any]] = []
            reader = threading.Thread(target=lambda: found.append(_next_message(stdout)),
                                      daemon=True)
            reader.start()
            reader.join(timeout)
            if not found:
                raise OperationError(
                    f"The demo sandbox did not start within {timeout:.0f} s; run "
                    "`ecstui sandbox` to see what it does.")
            message = found[0]
        if message["event"] == "exited":
            message["error"] = self._stderr_tail()
        return message

    def _failure(self, what: str, message: dict[str, Any]) -> str:
        detail = message.get("error") or self._stderr_tail() or "no message"
        return f"The demo sandbox {what} ({detail}); run `ecstui sandbox` to see why."

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""


def _next_message(stream: IO[str]) -> dict[str, Any]:
    """The next protocol line; anything else a library printed on stdout is skipped."""
    for line in stream:
        with contextlib.suppress(ValueError):
            message = json.loads(line)
            if isinstance(message, dict) and "event" in message:
                return message
    return {"event": "exited"}
