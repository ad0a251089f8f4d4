"""Start-up: `ecstui --help`, and launch to data on the main screen with the demo world."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 10
LAUNCHES = 3
TERMINAL_LAUNCHES = 5
TARGET = 1.0  # seconds from launch to every seeded service on screen
# The moments benchmarks/_launch.py reports, in order, and what each one is.
MOMENTS = (
    ("preloaded", "the TUI's imports and botocore models loaded (while the child starts)"),
    ("app_start", "the sandbox child's servers up: the app starts"),
    ("signing_in", "first frame painted: signing in to both environments starts"),
    ("seeded", "the child has seeded the world"),
    ("signed_in", "signed in (credentials, identities, ECS clients)"),
    ("load_start", "the first inventory load starts"),
    ("load_end", "the first inventory load is done"),
    ("data", "the main screen has painted every service"),
)


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def median_wall(command: list[str], runs: int = RUNS) -> float:
    wall(command)  # warm the OS file cache once
    return statistics.median(wall(command) for _ in range(runs))


def launch() -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks._launch"], capture_output=True,
                          text=True, timeout=120, check=True)
    total = time.perf_counter() - started
    return total, json.loads(done.stdout.strip().splitlines()[-1])


def terminal_launches() -> list[str]:
    """The real path: the installed `ecstui --demo` in a tmux pane (see _tmux.py)."""
    from benchmarks import _tmux

    if not _tmux.available():
        return ["", "`ecstui --demo` in a terminal: not measured (tmux or the console "
                "script is missing)."]
    baseline_app = [sys.executable, "-m", "benchmarks._table_app"]
    _tmux.launch(), _tmux.launch(baseline_app)  # warm the OS file cache once
    runs, baseline = [], []
    for _ in range(TERMINAL_LAUNCHES):  # alternated, so both see the same machine
        runs.append(_tmux.launch())
        baseline.append(_tmux.launch(baseline_app))
    world_median = statistics.median(r["world"] for r in runs)
    floor = statistics.median(r["world"] for r in baseline)

    def median(key: str) -> str:
        values = [r[key] for r in runs]
        return (f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})")

    return [
        "",
        f"**As the user sees it**: `benchmarks/_tmux.py` types nothing, it starts the "
        f"installed `ecstui --demo` in a private tmux pane (170×40) and reads the screen "
        f"with `capture-pane` every {_tmux.POLL * 1000:.0f} ms, from just before tmux starts "
        f"the command. Median (range) of {TERMINAL_LAUNCHES} launches after one warm-up:",
        "",
        "| moment | time |",
        "|---|---:|",
        f"| first frame: the TUI shows its loading state (table header on screen) | "
        f"{median('paint')} |",
        f"| every seeded service in every environment on screen, with its SHA | "
        f"{median('world')} |",
        f"| `q` → the process has exited (sandbox stopped) | {median('quit')} |",
        "",
        f"Baseline in the same run, launched alternately the same way: "
        f"`benchmarks/_table_app.py`, a bare Textual app painting the same table with its "
        f"rows known at start (no sandbox, no SDKs), is on screen in {floor:.2f} s (median). "
        f"`ecstui --demo` takes **{world_median / floor:.1f}×** that to show the seeded "
        f"world, {world_median - floor:.2f} s more: starting moto and seeding it, signing "
        f"in, loading and painting the inventory.",
        "",
        f"Target (issue 3): the whole world on screen within about a second of start-up: "
        f"**{'met' if world_median <= TARGET else 'missed'}** "
        f"(median against {TARGET:.1f} s).",
        "",
        "History, measured the same way: 4.22 s for the first version (8849a51, the TUI "
        "opened only once the whole sandbox had started), 2.39 s with the sandbox seeded "
        "in a thread of the TUI's process (e0a9602, 2026-11-28), 1.63 s with the sandbox "
        "in a child process (4f90dcd, 2026-11-28).",
    ]


def run() -> str:
    script = shutil.which("ecstui") or str(Path(sys.executable).with_name("ecstui"))
    bare = median_wall([sys.executable, "-c", "pass"])
    help_module = median_wall([sys.executable, "-m", "ecstui", "--help"])
    help_script = median_wall([script, "--help"])
    status_help = median_wall([script, "status", "--help"])
    terminal = terminal_launches()
    launches = [launch() for _ in range(LAUNCHES)]
    total = statistics.median(t for t, _ in launches)
    services = launches[0][1]["services"]
    timeline = [(name, what, statistics.median(r[name] for _, r in launches))
                for name, what in MOMENTS]
    at = {name: value for name, _, value in timeline}
    last = max(("seeded", "signed_in"), key=lambda name: at[name])
    return "\n".join([
        "## Start-up",
        "",
        f"Wall clock of a child process, median of {RUNS} after one warm-up run.",
        "",
        "| command | time |",
        "|---|---:|",
        f"| `python -c pass` (the interpreter alone) | {bare * 1000:.0f} ms |",
        f"| `ecstui --help` | {help_script * 1000:.0f} ms |",
        f"| `python -m ecstui --help` | {help_module * 1000:.0f} ms |",
        f"| `ecstui status --help` | {status_help * 1000:.0f} ms |",
        "",
        "`ecstui --help` imports neither Textual nor aiobotocore (tests/test_layers.py and "
        "tests/inventory/test_cli_status.py check it).",
        "",
        "### Launch to data, demo world",
        *terminal,
        "",
        f"**Where the time goes**: `benchmarks/_launch.py` takes the `ecstui --demo` path "
        f"(run_in_demo with the TUI's preload, the sandbox in its child process, then the "
        f"TUI) with the app headless, and stops when the main screen has painted the first "
        f"inventory ({services} services). Seconds from process start, median of "
        f"{LAUNCHES} launches (the whole launch, as the user waits: {total:.2f} s):",
        "",
        "| moment | at |",
        "|---|---:|",
        *(f"| {what} | {value:.2f} s |" for _, what, value in timeline),
        "",
        f"Two processes on two cores: the TUI's imports, first frame and sign-in, and the "
        f"sandbox child's moto import and seed (seeded at {at['seeded']:.2f} s). The first "
        f"load waits for both the seed and the sign-in ({last.replace('_', ' ')} last, at "
        f"{at[last]:.2f} s), then takes {at['load_end'] - at['load_start']:.2f} s against "
        f"moto; painting it {at['data'] - at['load_end']:.2f} s.",
    ])
