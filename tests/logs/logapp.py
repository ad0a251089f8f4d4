"""A minimal app hosting the log screen on scripted data (tests, snapshots, benchmark)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App

from ecstui.tui.screens.logs import LogsScreen
from ecstui.tui.styles import load_css
from tests.logs import fakes


class LogApp(App[None]):
    CSS = load_css()

    def __init__(self, tail: fakes.ScriptedTail, max_lines: int = 10_000,
                 frozen: bool = False) -> None:
        super().__init__()
        self.tail = tail
        self.max_lines = max_lines
        self.frozen = frozen  # a still rate clock: snapshots show "0 lines/s" every run

    def now(self) -> datetime:
        return datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

    def on_mount(self) -> None:
        screen = LogsScreen(fakes.service(), tail_factory=self.tail, max_lines=self.max_lines,
                            **({"rate_clock": lambda: 0.0} if self.frozen else {}))
        self.push_screen(screen)
