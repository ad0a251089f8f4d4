"""A service's live logs: backfill, then follow, with filters, pause and save.

The tail runs in one exclusive worker that posts TailUpdated messages and is
cancelled when the screen closes (or restarted when the filter pattern or the
time window changes). The LogView widget does the heavy lifting per frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from ecstui.core.tail import TailOptions
from ecstui.domain.inventory import Service
from ecstui.domain.logformat import check_filter_pattern, parse_since
from ecstui.domain.logs import LogBatch, PlanChanged, TailMode, TailUpdate
from ecstui.errors import EcstuiError
from ecstui.tui.screens.prompt import Prompt
from ecstui.tui.widgets.log_view import LogView

MAX_IN_FLIGHT = 8
RATE_SAMPLES = 9  # status ticks (0.25 s apart) the rate is averaged over
TailFactory = Callable[[TailOptions], AsyncIterator[TailUpdate]]
MODE_NAMES = {"backfill": "loading", "live-tail": "Live Tail", "polling": "polling",
              "stopped": "stopped"}


class TailUpdated(Message):
    """One update from the tail worker (never merged: each carries lines)."""

    def __init__(self, update: TailUpdate, slots: asyncio.Semaphore) -> None:
        super().__init__()
        self.update = update
        self.slots = slots  # released when handled: the worker's back-pressure


class LogsScreen(Screen[None]):
    """Live logs of one service; opened with `l` from the main or detail screen."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("end", "follow", "Follow", id="logs.follow"),
        Binding("space", "toggle_pause", "Pause", id="logs.pause"),
        Binding("slash", "focus_filter", "Filter", key_display="/", id="logs.filter"),
        Binding("f", "server_filter", "Pattern", tooltip="CloudWatch filter pattern (server-side)",
                id="logs.pattern"),
        Binding("m", "since", "Last N min", id="logs.since"),
        Binding("j", "toggle_json", "JSON", tooltip="pretty/compact JSON lines", id="logs.json"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("s", "save", "Save", id="logs.save"),
        Binding("y", "copy", "Copy", show=False, id="logs.copy"),
        Binding("c", "clear", "Clear", show=False, id="logs.clear"),
    ]

    def __init__(
        self,
        service: Service,
        tail_factory: TailFactory | None = None,
        since: timedelta = timedelta(minutes=5),
        max_lines: int = 10_000,
        rate_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.rate_clock = rate_clock  # frozen in snapshot tests
        self.service = service
        self.tail_factory = tail_factory or self._core_tail
        self.since = since
        self.pattern: str | None = None
        self.max_lines = max_lines
        self.modes: dict[str, TailMode] = {}
        self.notice = ""
        self.error = ""
        self._rate = 0.0
        self._samples: deque[tuple[float, int]] = deque()

    def compose(self) -> ComposeResult:
        yield Static(id="logs-title")
        yield Static(id="logs-status")
        yield LogView(max_lines=self.max_lines, id="logs-view")
        yield Input(placeholder="filter as you type (/)", id="logs-filter")
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        s = self.service
        self.query_one("#logs-title", Static).update(
            f"Logs · {s.name} · {s.environment} · cluster {s.cluster}")
        self.set_interval(0.25, self._tick)
        self.view.focus()
        self.start_tail()

    def _core_tail(self, options: TailOptions) -> AsyncIterator[TailUpdate]:
        from ecstui.core.service_logs import open_service_tail

        workspace = self.app.workspace  # type: ignore[attr-defined]
        return open_service_tail(workspace, self.service, options).updates()

    # -- the tail worker ------------------------------------------------------------------

    def start_tail(self) -> None:
        self.modes.clear()
        self.error = self.notice = ""
        self.view.clear()
        self.run_tail(TailOptions(since=self.since, follow=True, pattern=self.pattern))
        self._refresh_status()

    @work(exclusive=True, group="logs-tail", exit_on_error=False)
    async def run_tail(self, options: TailOptions) -> None:
        # Back-pressure: never run ahead of the screen by more than a few batches, so a
        # flood waits in the tail's bounded queue, not in the screen's message queue.
        slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        async with contextlib.aclosing(self.tail_factory(options)) as updates:
            async for update in updates:
                await slots.acquire()
                self.post_message(TailUpdated(update, slots))

    def on_tail_updated(self, message: TailUpdated) -> None:
        message.slots.release()
        update = message.update
        if isinstance(update, LogBatch):
            self.view.append(update.events)
            return
        if isinstance(update, TailMode):
            self.modes[update.group] = update
        elif isinstance(update, PlanChanged):
            plan = update.plan
            parts = [plan.explanation] if plan.untailable else []
            if not plan.tasks:
                parts.append("No task runs or recently stopped; waiting for one.")
            self.notice = " ".join(parts)
        self._refresh_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "logs-tail" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.error = error.message if isinstance(error, EcstuiError) else f"{error!r}"
        self.notify(self.error, title="Logs", severity="error")
        self._refresh_status()

    def on_log_view_follow_changed(self, _: LogView.FollowChanged) -> None:
        self._refresh_status()

    # -- status line ------------------------------------------------------------------

    def _tick(self) -> None:
        """Lines per second over the last ~2 seconds (a 0.25 s window jumps about)."""
        now, received = self.rate_clock(), self.view.received
        self._samples.append((now, received))
        while len(self._samples) > RATE_SAMPLES:
            self._samples.popleft()
        then, before = self._samples[0]
        if now > then:
            self._rate = (received - before) / (now - then)
        self._refresh_status()

    def _refresh_status(self) -> None:
        status = self.query_one("#logs-status", Static)
        view = self.view
        modes = sorted({MODE_NAMES.get(m.mode, m.mode) for m in self.modes.values()}) or [
            "starting"]
        sampled = any(m.sampled for m in self.modes.values())
        reason = next((m.reason for m in self.modes.values() if m.mode == "polling"), "")
        parts = [" + ".join(modes) + (f" ({reason})" if reason else "")
                 + (" · SAMPLED (>500 lines/s)" if sampled else "")]
        if view.following:
            parts.append("following")
        else:
            parts.append(f"PAUSED (+{view.unseen} new, end resumes)")
        parts.append(f"{len(view.events):,} lines")
        if view.needle:
            parts.append(f"{view.shown_count:,} shown")
        parts.append(f"{self._rate:,.0f} lines/s")
        parts.append(f"last {_duration_text(self.since)}")
        if self.pattern:
            parts.append(f"pattern {self.pattern}")
        if view.pretty_json:
            parts.append("JSON pretty")
        if view.wrap:
            parts.append("wrap")
        text = " · ".join(parts)
        if self.error or self.notice:
            text += "\n" + (self.error or self.notice)
        status.update(text)
        status.set_class("polling" in modes, "-polling")
        status.set_class("Live Tail" in modes, "-live")
        status.set_class(sampled, "-sampled")
        status.set_class(not view.following, "-paused")
        status.set_class(bool(self.error), "-error")

    # -- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.focused is self.query_one("#logs-filter", Input):
            self.view.focus()
            return
        self.app.pop_screen()

    def action_follow(self) -> None:
        self.view.follow(True)
        self._refresh_status()

    def action_toggle_pause(self) -> None:
        self.view.follow(not self.view.following)
        self._refresh_status()

    def action_focus_filter(self) -> None:
        self.query_one("#logs-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "logs-filter":
            self.view.set_filter(event.value)
            self._refresh_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "logs-filter":
            self.view.focus()

    def action_toggle_json(self) -> None:
        self.view.set_pretty_json(not self.view.pretty_json)
        self._refresh_status()

    def action_toggle_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)
        self._refresh_status()

    def action_clear(self) -> None:
        self.view.clear()
        self._refresh_status()

    @work(group="logs-prompt")
    async def action_server_filter(self) -> None:
        value = await self.app.push_screen_wait(Prompt(
            "CloudWatch filter pattern (empty: none), e.g. ERROR or { $.level = \"error\" }",
            self.pattern or ""))
        if value is None:
            return
        try:
            self.pattern = check_filter_pattern(value)
        except EcstuiError as error:
            self.notify(error.message, title="Filter pattern", severity="error")
            return
        self.start_tail()

    @work(group="logs-prompt")
    async def action_since(self) -> None:
        value = await self.app.push_screen_wait(Prompt(
            "Show the last N minutes (or a duration: 90s, 2h)", str(_duration_text(self.since))))
        if not value:
            return
        try:
            self.since = parse_since(value if not value.strip().isdigit() else f"{value}m",
                                     what="The time window")
        except EcstuiError as error:
            self.notify(error.message, title="Time window", severity="error")
            return
        self.start_tail()

    @work(group="logs-prompt")
    async def action_save(self) -> None:
        stamp = self.app.now().strftime("%Y%m%dT%H%M%SZ")  # type: ignore[attr-defined]
        default = f"ecstui-{self.service.name}-{self.service.environment}-{stamp}.log"
        value = await self.app.push_screen_wait(Prompt("Save the shown lines to", default))
        if not value:
            return
        count = self.view.shown_count
        try:
            path = await asyncio.to_thread(_write, value, self.view.shown_text())
        except OSError as error:
            self.notify(f"Cannot write {value}: {error.strerror}.", severity="error")
            return
        self.notify(f"Saved {count:,} lines to {path}.")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.view.shown_text())
        self.notify(f"Copied {self.view.shown_count:,} lines to the clipboard.")


def _write(name: str, text: str) -> Path:
    path = Path(name).expanduser()
    path.write_text(text, encoding="utf-8")
    return path


def _duration_text(since: timedelta) -> str:
    seconds = int(since.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"
