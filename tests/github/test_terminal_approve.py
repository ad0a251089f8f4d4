"""The newcomer's path in a real terminal: `ecstui --demo` in tmux, g, a, comment, enter.

Skipped when tmux is missing (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
ECSTUI = Path(sys.executable).with_name("ecstui")


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                          text=True, check=False).stdout


def wait_for(session: str, text: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        screen = capture(session)
        if text in screen:
            return screen
        assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
        time.sleep(0.5)


@pytest.mark.timeout(180)
def test_approve_from_the_tui_and_watch_prod_roll() -> None:
    session = f"ecstui-gh-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GH_", "GITHUB_", "ECSTUI_SANDBOX", "TMUX"))}
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "170", "-y", "45",
                    f"{ECSTUI} --demo"], check=True, env=env)
    try:
        wait_for(session, "2 approvals waiting (1 you can approve)")
        subprocess.run(["tmux", "send-keys", "-t", session, "g"], check=True)
        wait_for(session, "can approve")
        subprocess.run(["tmux", "send-keys", "-t", session, "a"], check=True)
        wait_for(session, "Approve run 9100005")
        subprocess.run(["tmux", "send-keys", "-t", session, "ship it", "Enter"], check=True)
        wait_for(session, "Approved run 9100005")
        subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
        deadline = time.monotonic() + 90
        while True:
            rows = [line for line in capture(session).splitlines()
                    if line.split()[:2] == ["my-app", "prod"]]
            if rows and "95b2c02" in rows[0] and "COMPLETED" in rows[0]:
                break
            assert time.monotonic() < deadline, capture(session)
            time.sleep(1)
    finally:
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=False)
        time.sleep(1)
        subprocess.run(["tmux", "kill-session", "-t", session], check=False,
                       capture_output=True)
