"""`ecstui` (the TUI) without a terminal says so in one sentence instead of hanging."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("argv", [[], ["tui"], ["--demo"]])
def test_no_terminal_is_a_usage_error_not_a_hang(argv: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run([sys.executable, "-m", "ecstui", *argv], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "ecstui: The terminal UI needs a terminal, and standard input and output are not one; "
        "for scripts use `ecstui status` (add `--output json`)."]
    assert done.stdout == ""  # no escape codes written into the pipe


def test_a_terminal_on_output_only_names_the_input(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from ecstui.cli.commands import tui
    from ecstui.errors import UsageError

    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    args = argparse.Namespace()
    monkeypatch.setattr(sys, "stdin", Stream(False))
    monkeypatch.setattr(sys, "stdout", Stream(True))
    with pytest.raises(UsageError, match="standard input is not one"):
        tui.check(args)
    monkeypatch.setattr(sys, "stdin", Stream(True))
    tui.check(args)  # both terminals: the TUI may start
