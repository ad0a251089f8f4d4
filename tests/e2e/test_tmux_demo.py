"""Layer 5: the installed `ecstui --demo` in a real terminal (tmux), end to end.

The console script of this venv runs in a tmux pane's shell, as an operator would
start it; the test reads the screen with `capture-pane`, types with `send-keys`, and
checks that quitting (q, or Ctrl+C) leaves no process, moto port or sandbox temp dir.
Each test uses its own tmux server (`-L`) and its own TMPDIR, so nothing is shared
with other tests or with the developer's tmux.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecstui.sandbox import world

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.timeout(90),
]

ECSTUI = Path(sys.executable).parent / "ecstui"
START_SECONDS = 60.0  # bounded wait for the seeded world on screen (a loaded CI box)
EXIT_SECONDS = 20.0
PREPROD_SHA = world.sha_for("my-app", world.service_spec("my-app").running["pre-prod"])[:7]
EXIT = re.compile(r"ECSTUI-EXIT=(\d+)")
SANDBOX_PREFIX = "ecstui-sandbox-"  # tempfile.mkdtemp prefix in ecstui/sandbox/sandbox.py


class Terminal:
    """One private tmux server with one 170x40 pane running a plain bash."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"ecstui-e2e-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.tmux("new-session", "-d", "-x", "170", "-y", "40", "-s", "e2e",
                  "bash", "--norc", "--noprofile")
        self.shell_pid = int(self.tmux("display-message", "-p", "-t", "e2e",
                                       "#{pane_pid}").strip())
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, text=True,
                              capture_output=True, timeout=10, check=True)
        return done.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, check: Callable[[str], bool], seconds: float, what: str) -> str:
        deadline = time.monotonic() + seconds
        while True:
            text = self.screen()
            if check(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not on screen after {seconds:.0f}s:\n{text}")
            time.sleep(0.2)

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.tmux("kill-server")
        self.socket_path.unlink(missing_ok=True)  # tmux may leave it behind


@pytest.fixture
def private_tmp(tmp_path: Path) -> Path:
    path = tmp_path / "tmp"
    path.mkdir()
    return path


@pytest.fixture
def terminal(tmp_path: Path, private_tmp: Path) -> Iterator[Terminal]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "TMUX", "ECSTUI_", "GH_", "GITHUB_"))}
    env.update(TMPDIR=str(private_tmp), ECSTUI_STATE_DIR=str(tmp_path / "state"),
               TERM="xterm-256color", PS1="$ ", HISTFILE="/dev/null")
    term = Terminal(env)
    try:
        yield term
    finally:
        term.close()


def rows(screen: str, *words: str) -> list[str]:
    """Screen lines holding every word as a whole token (a table row, not a status line)."""
    return [line for line in screen.splitlines() if all(w in line.split() for w in words)]


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (from /proc; Linux, like CI)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def sandbox_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob(f"{SANDBOX_PREFIX}*"))


def moto_port(tmp: Path) -> int:
    """The port of the running sandbox's moto server, from the AWS config it wrote."""
    (root,) = sandbox_dirs(tmp)
    for path in root.rglob("*"):
        if path.is_file():
            match = re.search(r"http://127\.0\.0\.1:(\d+)", path.read_text(errors="replace"))
            if match:
                return int(match.group(1))
    raise AssertionError(f"no moto URL in the files of {root}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_demo(terminal: Terminal, tmp: Path) -> tuple[int, int]:
    """Run the demo in the pane's shell; wait for the seeded world; (ecstui pid, moto port)."""
    assert ECSTUI.exists(), f"the console script is not installed at {ECSTUI}"
    terminal.type(f"{ECSTUI} --demo; echo ECSTUI-EXIT=$?")
    terminal.send("Enter")
    screen = terminal.wait_for(
        lambda s: bool(rows(s, "my-app", "pre-prod", PREPROD_SHA) and rows(s, "payments", "prod")),
        START_SECONDS, f"the seeded services (my-app in pre-prod at {PREPROD_SHA}, payments)")
    assert "Quit" in screen  # the footer: this is the TUI, not the shell
    (pid,) = children(terminal.shell_pid)
    return pid, moto_port(tmp)


def assert_nothing_left(terminal: Terminal, tmp: Path, pid: int, port: int) -> str:
    # The typed command line reads `ECSTUI-EXIT=$?`; only the echo prints digits.
    screen = terminal.wait_for(lambda s: EXIT.search(s) is not None, EXIT_SECONDS,
                               "the exit status echoed by the shell")
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # the shell reaps it
    assert not Path(f"/proc/{pid}").exists(), "the ecstui process is still running"
    assert children(terminal.shell_pid) == []
    assert not port_open(port), f"moto still listens on port {port}"
    assert sandbox_dirs(tmp) == [], "the sandbox temp dir was left behind"
    assert "Traceback" not in screen
    return screen


def test_demo_shows_world_filters_opens_detail_and_quits(terminal, private_tmp) -> None:
    pid, port = start_demo(terminal, private_tmp)
    assert port_open(port)
    terminal.send("/")
    terminal.type("pay")
    services = {spec.name for spec in world.SERVICES}
    terminal.wait_for(
        lambda s: len(rows(s, "payments")) == len(world.ENVIRONMENTS)
        and not any(rows(s, name) for name in services - {"payments"}),
        10, "only the payments rows after the filter 'pay'")
    terminal.send("Enter")  # leave the filter for the table
    time.sleep(0.3)
    terminal.send("Enter")  # the detail of the row under the cursor
    terminal.wait_for(lambda s: "Deployments" in s and "Recent events" in s and "payments" in s,
                      10, "the payments detail screen")
    terminal.send("q")
    screen = assert_nothing_left(terminal, private_tmp, pid, port)
    assert EXIT.search(screen).group(1) == "0", screen


def test_ctrl_c_exits_cleanly(terminal, private_tmp) -> None:
    pid, port = start_demo(terminal, private_tmp)
    terminal.send("C-c")
    screen = assert_nothing_left(terminal, private_tmp, pid, port)
    # The TUI binds Ctrl+C to quit: a clean exit, not an interrupted one.
    assert EXIT.search(screen).group(1) == "0", screen
