"""Layer 5: in the packaged `ecstui --demo` (tmux), `l` opens live logs that keep coming,
pause and filter work, and leaving quits cleanly."""

from __future__ import annotations

import re
import time

from tests.e2e.test_tmux_demo import (  # noqa: F401 - fixtures used by name
    Terminal,
    assert_nothing_left,
    private_tmp,
    pytestmark,
    start_demo,
    terminal,
)

LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} [0-9a-f]{8} ", re.MULTILINE)
COUNT = re.compile(r"· ([\d,]+) lines ·")


def line_count(screen: str) -> int:
    match = COUNT.search(screen)
    return int(match.group(1).replace(",", "")) if match else -1


def test_l_opens_live_logs_pause_and_filter_work(terminal: Terminal, private_tmp) -> None:  # noqa: F811
    pid, port = start_demo(terminal, private_tmp)
    terminal.send("/")
    terminal.type("my-app")
    time.sleep(0.5)
    terminal.send("Enter")  # leave the filter for the table; the cursor is on my-app
    time.sleep(0.3)
    terminal.send("l")
    screen = terminal.wait_for(lambda s: "Logs · my-app" in s and len(LINE.findall(s)) > 10,
                               20, "the log view of my-app with lines")
    first = line_count(screen)
    screen = terminal.wait_for(lambda s: line_count(s) > first, 15, "new lines from the sandbox")
    terminal.send("Space")
    terminal.wait_for(lambda s: "PAUSED" in s, 5, "the paused status")
    terminal.send("End")
    terminal.wait_for(lambda s: "following" in s and "PAUSED" not in s, 5, "following again")
    terminal.send("/")
    terminal.type("WARN")
    terminal.send("Enter")
    screen = terminal.wait_for(lambda s: " shown ·" in s, 5, "the filtered count")
    shown = LINE.findall(screen)
    body = [ln for ln in screen.splitlines() if LINE.match(ln)]
    assert shown and all("WARN" in ln.upper() for ln in body), screen
    terminal.send("Escape")
    terminal.wait_for(lambda s: "Logs · my-app" not in s and "SERVICE" in s, 5, "the main screen")
    terminal.send("q")
    screen = assert_nothing_left(terminal, private_tmp, pid, port)
    assert re.search(r"ECSTUI-EXIT=0", screen), screen
