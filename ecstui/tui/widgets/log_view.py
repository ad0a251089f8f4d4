"""A log pane that keeps up with thousands of lines a second.

Line API (ScrollView + render_line): only the visible rows are ever rendered, so
the cost of a frame does not grow with the buffer. Lines are appended to a
pending list and laid out once per frame tick, never one by one. The buffer is a
bounded deque: memory is flat once it is full. Knows nothing of AWS: it shows
LogEvents handed to it.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ecstui.domain.logformat import detect_level, matches_text, plain_line, render_json
from ecstui.domain.logs import LogEvent

TASK_STYLES = 8
CONTAINER_WIDTH = 12
PREFIX = 12 + 1 + 8 + 1 + CONTAINER_WIDTH + 1  # time, task, container, spaces
MIN_TEXT = 20
FLUSH_FPS = 30
ROW_BITS = 10
MAX_ROWS = 1 << ROW_BITS  # rows one event may take (a huge pretty-printed JSON is cut)
LEVEL_CLASSES = {"FATAL": "error", "CRITICAL": "error", "ERROR": "error", "WARN": "warn",
                 "DEBUG": "debug", "TRACE": "debug", "INFO": "info"}


def _timestamp(event: LogEvent) -> datetime:
    return event.timestamp


def task_slot(task_id: str | None) -> int:
    """A stable colour slot per task (crc32, the same in every run)."""
    return zlib.crc32((task_id or "").encode()) % TASK_STYLES


class LogView(ScrollView, can_focus=True):
    """Interleaved log lines with follow, client-side filter, JSON and wrap modes."""

    COMPONENT_CLASSES = {
        "log-view--time", "log-view--container", "log-view--error", "log-view--warn",
        "log-view--debug", "log-view--info",
        *(f"log-view--task-{i}" for i in range(TASK_STYLES)),
    }

    class FollowChanged(Message):
        """Follow mode was paused (scrolled up) or resumed."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, max_lines: int = 10_000, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.max_lines = max_lines
        self.events: deque[LogEvent] = deque()
        self._first_seq = 0  # sequence number of events[0]
        # One int per display row: event seq << ROW_BITS | row within the event. Ints,
        # not tuples: the garbage collector does not track them, so a re-layout of
        # 10,000 lines does not set off a full collection mid-flood.
        self._rows: deque[int] = deque()
        self._pending: list[LogEvent] = []
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self.needle = ""
        self.pretty_json = False
        self.wrap = False
        self.following = True
        self.received = 0  # every line ever handed in (for the rate)
        self.unseen = 0  # lines arrived while paused
        self._width = 0  # widest row, for horizontal scrolling without wrap
        self._styles: dict[str, Style] = {}
        self._wrap_width: int | None = None

    def on_mount(self) -> None:
        self.set_interval(1 / FLUSH_FPS, self.flush)

    # -- input ------------------------------------------------------------------------

    def append(self, events: Iterable[LogEvent]) -> None:
        """Queue lines; they are laid out at the next frame tick."""
        before = len(self._pending)
        self._pending.extend(events)
        self.received += len(self._pending) - before

    def flush(self) -> None:
        """Lay out the pending lines, drop the oldest beyond max_lines, keep following."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # Batches from several log groups (or a late poll) arrive apart: interleave what
        # arrived within one frame by time. (Lines already shown are not moved.)
        pending.sort(key=_timestamp)
        if len(pending) > self.max_lines:
            pending = pending[-self.max_lines:]
        rows_before = len(self._rows)
        seq = self._first_seq + len(self.events)
        for event in pending:
            self.events.append(event)
            if self._shown(event):
                self._add_rows(seq, event)
            seq += 1
        dropped_rows = self._evict()
        if not self.following:
            self.unseen += sum(1 for e in pending if self._shown(e))
        self._resize()
        if self.following:
            self._stick_to_end()
        elif dropped_rows:
            self.scroll_to(y=max(0, self.scroll_y - dropped_rows), animate=False,
                           immediate=True, force=True)
        if len(self._rows) != rows_before or dropped_rows:
            self.refresh()

    def clear(self) -> None:
        self.events.clear()
        self._rows.clear()
        self._pending.clear()
        self._cache.clear()
        self._first_seq = 0
        self.unseen = 0
        self._width = 0
        self._resize()
        self.refresh()

    # -- modes ------------------------------------------------------------------------

    def set_filter(self, needle: str) -> None:
        self.needle = needle.strip()
        self.relayout()

    def set_pretty_json(self, pretty: bool) -> None:
        self.pretty_json = pretty
        self.relayout()

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self.relayout()

    def follow(self, on: bool = True) -> None:
        if on == self.following:
            if on:
                self._stick_to_end()
            return
        self.following = on
        if on:
            self.unseen = 0
            self._stick_to_end()
        self.post_message(self.FollowChanged(on))

    def action_scroll_end(self) -> None:
        """`end` resumes following (the screen's binding would lose to the widget's)."""
        self.follow(True)

    def _stick_to_end(self) -> None:
        """Scroll to the end now, and again after the layout (a scrollbar may appear)."""
        self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        self.scroll_end(animate=False, x_axis=False, force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new < old and new < self.max_scroll_y and self.following:
            # The operator scrolled up: stop moving under them. (A shrinking layout
            # clamps scroll_y to the end instead, which is not a pause.)
            self.follow(False)

    def relayout(self) -> None:
        """Recompute every row (filter, JSON, wrap or width changed): O(buffer)."""
        self._rows.clear()
        self._cache.clear()
        self._width = 0
        rows, first, needle = self._rows, self._first_seq, self.needle
        if self.pretty_json:
            for offset, event in enumerate(self.events):
                if not needle or matches_text(event, needle):
                    self._add_rows(first + offset, event)
        else:  # the common modes, inlined: a key press re-lays out 10,000 lines
            wrap, width, widest = self.wrap, self._text_width(), 0
            for offset, event in enumerate(self.events):
                if needle and not matches_text(event, needle):
                    continue
                message = event.message
                if wrap:
                    count = (len(message) - 1) // width + 1 if message else 1
                    if "\n" in message:
                        count = sum(max(1, -(-len(line) // width))
                                    for line in message.split("\n"))
                    base = (first + offset) << ROW_BITS
                    rows.extend(range(base, base + min(count, MAX_ROWS)))
                elif "\n" in message:
                    self._add_rows(first + offset, event)
                else:
                    rows.append((first + offset) << ROW_BITS)
                    widest = max(widest, len(message))
            self._width = max(self._width, PREFIX + widest if widest else 0)
        self._resize()
        if self.following:
            self._stick_to_end()
        self.refresh()

    def on_resize(self) -> None:
        width = max(MIN_TEXT, (self.size.width or 80) - PREFIX - 1)
        if width != self._wrap_width:
            self._wrap_width = width
            if self.wrap:
                self.relayout()

    # -- what is shown ----------------------------------------------------------------

    @property
    def laid_out(self) -> int:
        """Lines laid out so far (those evicted included): what the view has shown."""
        return self._first_seq + len(self.events)

    @property
    def shown_count(self) -> int:
        return sum(1 for e in self.events if self._shown(e))

    def shown_events(self) -> Iterator[LogEvent]:
        return (e for e in self.events if self._shown(e))

    def shown_text(self) -> str:
        """What the view shows, as plain lines (for saving or copying)."""
        return "".join(plain_line(e) + "\n" for e in self.shown_events())

    def _shown(self, event: LogEvent) -> bool:
        return not self.needle or matches_text(event, self.needle)

    def _text_width(self) -> int:
        """Columns for the message when wrapping (cached: `size` is costly per line)."""
        if self._wrap_width is None:
            self._wrap_width = max(MIN_TEXT, (self.size.width or 80) - PREFIX - 1)
        return self._wrap_width

    def _lines(self, event: LogEvent) -> list[str]:
        """The message split into display rows under the current modes."""
        message = render_json(event.message, pretty=True) if self.pretty_json else (
            event.message)
        logical = message.split("\n")
        if not self.wrap:
            return logical
        width = self._text_width()
        rows: list[str] = []
        for line in logical:
            rows.extend(line[i:i + width] for i in range(0, max(len(line), 1), width))
        return rows

    def _add_rows(self, seq: int, event: LogEvent) -> None:
        if not self.wrap and not self.pretty_json and "\n" not in event.message:
            self._rows.append(seq << ROW_BITS)
            self._width = max(self._width, PREFIX + len(event.message))
            return
        if self.wrap and not self.pretty_json:  # count rows without slicing (relayout speed)
            width = self._text_width()
            count = sum(max(1, -(-len(line) // width)) for line in event.message.split("\n"))
            self._rows.extend(range(seq << ROW_BITS, (seq << ROW_BITS) + min(count, MAX_ROWS)))
            return
        lines = self._lines(event)
        self._rows.extend(range(seq << ROW_BITS, (seq << ROW_BITS) + min(len(lines), MAX_ROWS)))
        self._width = max(self._width, PREFIX + max(len(line) for line in lines))

    def _evict(self) -> int:
        """Drop the oldest events beyond max_lines, and their rows; returns rows dropped."""
        excess = len(self.events) - self.max_lines
        if excess <= 0:
            return 0
        for _ in range(excess):
            self.events.popleft()
        self._first_seq += excess
        dropped = 0
        while self._rows and self._rows[0] >> ROW_BITS < self._first_seq:
            self._rows.popleft()
            dropped += 1
        return dropped  # the strip cache is keyed by event, not row: it stays valid

    def _resize(self) -> None:
        width = self.size.width if self.wrap else max(self._width, self.size.width)
        self.virtual_size = Size(width, len(self._rows))

    # -- rendering --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        base = self._base_style()
        if row >= len(self._rows):
            return Strip.blank(width, base)
        key = self._rows[row]
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(key >> ROW_BITS, key & (MAX_ROWS - 1))
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, row)

    def _render_row(self, seq: int, k: int) -> Strip:
        event = self.events[seq - self._first_seq]
        if k == 0 and not self.wrap and not self.pretty_json and "\n" not in event.message:
            body = event.message
        else:
            lines = self._lines(event)
            body = lines[k] if k < len(lines) else ""
        text = Text(no_wrap=True, end="")
        if k == 0:
            stamp = event.timestamp.strftime("%H:%M:%S.") + f"{event.timestamp_ms % 1000:03d}"
            text.append(stamp, self._style("time"))
            text.append(" ")
            text.append(event.short_task.ljust(8), self._style(f"task-{task_slot(event.task_id)}"))
            text.append(" ")
            container = (event.container or "-")[:CONTAINER_WIDTH].ljust(CONTAINER_WIDTH)
            text.append(container, self._style("container"))
            text.append(" ")
        else:
            text.append(" " * PREFIX)
        level = LEVEL_CLASSES.get(detect_level(event.message) or "")
        text.append(body, self._style(level) if level else Style())
        text.stylize_before(self._base_style())
        return Strip(text.render(self.app.console), text.cell_len)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(
                f"log-view--{name}", partial=True)
        return style

    def _base_style(self) -> Style:
        """The widget's own style (cached: `rich_style` walks the DOM on every call)."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()
