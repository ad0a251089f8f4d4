"""A minimal app hosting the log screen on scripted data (tests, snapshots, benchmark)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App

from ecstui.tui.screens.logs import LogsScreen
from ecstui.tui.styles import load_css
from tests.logs import fakes


class LogApp(App[None]):
    CSS = load_css()

    def __init__(self, tail: fakes.ScriptedTail, max_lines: int = 10_000) -> None:
        super().__init__()
        self.tail = tail
        self.max_lines = max_lines

    def now(self) -> datetime:
        return datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

    def on_mount(self) -> None:
        self.push_screen(LogsScreen(fakes.service(), tail_factory=self.tail,
                                    max_lines=self.max_lines))
