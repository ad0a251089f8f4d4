"""Launch the installed `ecstui --demo` in a private tmux pane and time what the user sees.

The real path, end to end: the console script, the CLI, run_in_demo, the sandbox and
the TUI in a real terminal. The clock starts just before tmux starts the pane's
command; the screen is read with `capture-pane` every POLL seconds, and two moments
are recorded: the TUI's first frame, and the first screen that shows
every seeded service in every environment, each row with its SHA. Then `q` quits
and the pane's exit is timed too.

"First frame" is the first screen showing the service table's header: the TUI is up
and shows its loading state. (Textual fills the footer's key list a moment later.)

`python -m benchmarks._tmux [N]` prints one JSON line per launch (a quick check
without rewriting BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from ecstui.sandbox import world

POLL = 0.05
LIMIT = 90.0
ECSTUI = Path(sys.executable).parent / "ecstui"


def expected_rows() -> list[tuple[str, str, str]]:
    """(service, environment, short SHA) of every seeded service row."""
    return [(spec.name, env.name, world.sha_for(spec.name, spec.running[env.name])[:7])
            for spec in world.SERVICES for env in world.ENVIRONMENTS]


def world_shown(screen: str, wanted: list[tuple[str, str, str]]) -> bool:
    lines = [set(line.split()) for line in screen.splitlines()]
    return all(any(set(row) <= tokens for tokens in lines) for row in wanted)


def _table_header(screen: str) -> bool:
    return any({"SERVICE", "ENV", "SHA"} <= set(line.split()) for line in screen.splitlines())


def available() -> bool:
    return shutil.which("tmux") is not None and ECSTUI.exists()


def launch(command: list[str] | None = None) -> dict[str, float]:
    """One launch of `ecstui --demo` (or `command`, e.g. the baseline table app): seconds
    from start to first paint, to the whole world, and to exit."""
    socket = f"ecstui-bench-{uuid.uuid4().hex[:8]}"
    wanted = expected_rows()
    with tempfile.TemporaryDirectory(prefix="ecstui-bench-") as tmp:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "TMUX", "ECSTUI_", "GH_", "GITHUB_"))}
        env.update(TMPDIR=tmp, ECSTUI_STATE_DIR=str(Path(tmp) / "state"),
                   TERM="xterm-256color")

        def tmux(*args: str) -> str:
            return subprocess.run(["tmux", "-L", socket, *args], env=env, text=True,
                                  capture_output=True, timeout=10, check=True).stdout

        started = time.perf_counter()
        tmux("new-session", "-d", "-x", "170", "-y", "40", "-s", "bench",
             *(command or [str(ECSTUI), "--demo"]))
        times: dict[str, float] = {}
        screen = ""
        socket_path = Path(tmux("display-message", "-p", "#{socket_path}").strip())
        try:
            while "world" not in times:
                now = time.perf_counter() - started
                if now > LIMIT:
                    raise RuntimeError(f"no seeded world after {LIMIT:.0f} s:\n{screen}")
                screen = tmux("capture-pane", "-p", "-t", "bench")
                if "paint" not in times and _table_header(screen):
                    times["paint"] = now
                if world_shown(screen, wanted):
                    times["world"] = now
                    times.setdefault("paint", now)
                else:
                    time.sleep(POLL)
            quit_at = time.perf_counter()
            tmux("send-keys", "-t", "bench", "q")
            while subprocess.run(["tmux", "-L", socket, "has-session", "-t", "bench"], env=env,
                                 capture_output=True).returncode == 0:
                if time.perf_counter() - quit_at > 30:
                    raise RuntimeError("ecstui did not exit 30 s after q")
                time.sleep(POLL)
            times["quit"] = time.perf_counter() - quit_at
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], env=env, capture_output=True)
            socket_path.unlink(missing_ok=True)  # tmux may leave it behind
    return times


if __name__ == "__main__":
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
        print(json.dumps({k: round(v, 2) for k, v in launch().items()}), flush=True)
