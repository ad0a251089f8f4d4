"""Follow a service's logs: backfill, then Live Tail, falling back to polling.

One async iterator of TailUpdates (line batches, mode changes, stream changes)
that both faces consume. Live Tail is preferred (one session per log group,
limited to the service's task streams); when it is refused, breaks or closes,
the group is polled with FilterLogEvents from the last line seen, and Live Tail
is retried later. Reads overlap a little so nothing is lost between modes; a
bounded de-duplication window shows each line once. Memory is bounded: the
queue between readers and the consumer has a fixed size (readers wait), and
the window forgets its oldest keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ecstui.domain.logs import (
    DedupWindow,
    LogBatch,
    LogEvent,
    LogPlan,
    LogSource,
    PlanChanged,
    TailMode,
    TailUpdate,
    to_ms,
)
from ecstui.errors import AuthError, OperationError
from ecstui.gateways.aws.logs import LiveTailTimedOut, LiveTailUnavailable, LogsGateway

PlanSource = Callable[[], Awaitable[LogPlan]]
QUEUE_SIZE = 256  # batches; a full queue makes readers wait instead of growing memory
LIVE_TAIL_SHORT = 60.0  # a session that closes sooner than this is not reconnected at once


@dataclass(frozen=True)
class TailOptions:
    since: timedelta = timedelta(minutes=5)
    follow: bool = True
    pattern: str | None = None
    live_tail: bool = True  # False: poll only
    poll_interval: float = 2.0  # seconds between FilterLogEvents polls
    replan_interval: float = 20.0  # seconds between looks for new or stopped tasks
    live_retry_after: float = 300.0  # seconds of polling before Live Tail is tried again
    overlap: timedelta = timedelta(seconds=10)  # re-read window, for late-ingested lines
    dedup_size: int = 100_000


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Restart(Exception):
    """The streams of a group changed: start its Live Tail session again."""


class LogTail:
    """The tail of one service's logs; iterate `updates()` once."""

    def __init__(
        self,
        gateway: LogsGateway,
        plan_source: PlanSource,
        options: TailOptions | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.gateway = gateway
        self.plan_source = plan_source
        self.options = options or TailOptions()
        self.clock = clock
        self.plan = LogPlan()
        self.dedup = DedupWindow(self.options.dedup_size)
        self._watermark: dict[str, int] = {}  # group -> newest timestamp seen (ms)
        self._restart: dict[str, asyncio.Event] = {}
        self._arns: dict[str, str] = {}
        self._queue: asyncio.Queue[TailUpdate | BaseException] = asyncio.Queue(QUEUE_SIZE)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._horizon_ms = 0  # nothing older than --since is shown
        self._gap_start: dict[str, int] = {}  # group -> re-read from here once (new tasks)
        self._planned_ms = 0

    async def updates(self) -> AsyncIterator[TailUpdate]:
        self.plan = await self.plan_source()
        yield PlanChanged(self.plan, added=tuple(sorted(self.plan.streams)))
        if self.plan.empty:
            return
        self._planned_ms = to_ms(self.clock())
        start_ms = self._horizon_ms = to_ms(self.clock() - self.options.since)
        for source in self.plan.sources:
            self._watermark[source.group] = start_ms
            yield TailMode(source.group, "backfill")
            async for events in self._read(source, start_ms):
                yield LogBatch(events, backfill=True)
        if not self.options.follow:
            return
        try:
            for source in self.plan.sources:
                self._spawn(source.group)
            self._tasks["\0plan"] = asyncio.create_task(self._watch_plan())
            while True:
                item = await self._queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            await self._stop()

    async def _stop(self) -> None:
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _spawn(self, group: str) -> None:
        self._restart[group] = asyncio.Event()
        self._tasks[group] = asyncio.create_task(self._guard(self._follow(group)))

    async def _guard(self, work: Awaitable[None]) -> None:
        """Hand a reader's failure to the consumer, which raises it."""
        try:
            await work
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised by the consumer
            await self._queue.put(exc)

    def _source(self, group: str) -> LogSource | None:
        return next((s for s in self.plan.sources if s.group == group), None)

    async def _read(self, source: LogSource, start_ms: int) -> AsyncIterator[tuple[LogEvent, ...]]:
        """FilterLogEvents from `start_ms`, new lines only, in pages."""
        streams = () if source.too_many_streams else source.streams
        if not streams and not source.too_many_streams:
            return  # no task has a stream: nothing to read (an empty list would mean "all")
        prefix = _common_prefix(source.prefixes) if source.too_many_streams else None
        async for page in self.gateway.filter_pages(
            source.group, streams, start_ms, pattern=self.options.pattern, prefix=prefix
        ):
            fresh = self._accept(source, page)
            if fresh:
                yield fresh

    def _accept(self, source: LogSource, events: list[LogEvent] | tuple[LogEvent, ...]
                ) -> tuple[LogEvent, ...]:
        """The events not shown yet, belonging to the service's streams, oldest first."""
        wanted = source.prefixes
        fresh = [
            e for e in events
            if e.stream.startswith(wanted)
            and e.timestamp_ms >= self._horizon_ms
            and not self.dedup.seen(e.key)
        ]
        if fresh:
            fresh.sort(key=lambda e: e.timestamp)
            newest = fresh[-1].timestamp_ms
            if newest > self._watermark.get(source.group, 0):
                self._watermark[source.group] = newest
        return tuple(fresh)

    async def _follow(self, group: str) -> None:
        """Live Tail while it works; otherwise poll, and try Live Tail again later."""
        live_after = 0.0 if self.options.live_tail else float("inf")
        while self._source(group) is not None:
            if time.monotonic() >= live_after:
                reason = await self._live(group)
                if reason is None:
                    continue  # reconnect now (streams changed, or the 3-hour limit)
                live_after = time.monotonic() + self.options.live_retry_after
                await self._put(TailMode(group, "polling", reason))
            await self._poll(group, until=live_after)
        await self._put(TailMode(group, "stopped", "no task of the service logs here"))

    async def _live(self, group: str) -> str | None:
        """One Live Tail session; None to reconnect at once, else why to poll instead.

        Until the session delivers its first update the group is polled too: the SDK
        retries a refused start (LimitExceededException) with backoff for a while.
        """
        source = self._source(group)
        if source is None:
            return None
        if group not in self._arns:
            try:
                self._arns[group] = await self.gateway.group_arn(group)
            except (AuthError, OperationError) as error:  # e.g. no logs:DescribeLogGroups
                return f"Live Tail unavailable: {error.message}"
        restart = self._restart[group]
        restart.clear()
        connected = asyncio.Event()
        started = time.monotonic()
        await self._put(TailMode(group, "polling", "connecting to Live Tail"))
        session = asyncio.create_task(self._live_session(source, connected))
        bridge = asyncio.create_task(self._poll_until(group, connected))
        waiter = asyncio.create_task(restart.wait())
        try:
            await asyncio.wait({session, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiter, bridge, session):
                task.cancel()
            await asyncio.gather(waiter, bridge, session, return_exceptions=True)
        if not session.done() or session.cancelled():
            return None  # the streams changed: a new session with the new list
        error = session.exception()
        if isinstance(error, LiveTailTimedOut):
            return None
        if isinstance(error, LiveTailUnavailable):
            return f"Live Tail unavailable: {error.reason}"
        if error is not None:
            raise error
        if time.monotonic() - started > LIVE_TAIL_SHORT:
            return None
        return "the Live Tail session closed"

    async def _live_session(self, source: LogSource, connected: asyncio.Event) -> None:
        sampled = False
        async for update in self.gateway.live_tail(
            self._arns[source.group], source.group, source.streams, source.prefixes,
            self.options.pattern,
        ):
            if not connected.is_set():
                connected.set()
                await self._put(TailMode(source.group, "live-tail"))
                # Live Tail shows lines ingested after it started: read the gap once.
                await self._catch_up(source)
            await self._emit(source, update.events)
            if update.sampled != sampled:
                sampled = update.sampled
                await self._put(TailMode(source.group, "live-tail", sampled=sampled))

    async def _poll_until(self, group: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            source = self._source(group)
            if source is None:
                return
            await self._catch_up_or_say_why(source)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.options.poll_interval)

    async def _put(self, item: TailUpdate) -> None:
        """Queue an update; shielded, so a reader cancelled mid-put loses no lines."""
        await asyncio.shield(self._queue.put(item))

    async def _emit(self, source: LogSource, events: list[LogEvent] | tuple[LogEvent, ...]
                    ) -> None:
        fresh = self._accept(source, events)
        if fresh:
            await self._put(LogBatch(fresh))

    async def _catch_up(self, source: LogSource) -> None:
        """Read from just before the newest line seen (or from a gap left by new tasks)."""
        overlap_ms = int(self.options.overlap.total_seconds() * 1000)
        start = self._watermark.get(source.group, self._horizon_ms) - overlap_ms
        start = max(min(start, self._gap_start.pop(source.group, start)), self._horizon_ms)
        async for events in self._read(source, start):
            await self._put(LogBatch(events))

    async def _poll(self, group: str, until: float) -> None:
        """FilterLogEvents every poll_interval from just before the newest line seen."""
        restart = self._restart[group]
        while time.monotonic() < until:
            source = self._source(group)
            if source is None:
                return
            await self._catch_up_or_say_why(source)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(restart.wait(), self.options.poll_interval)
            restart.clear()

    async def _catch_up_or_say_why(self, source: LogSource) -> None:
        """One poll; a failed read (network, throttling) is reported and retried next time.
        Errors the operator must fix (bad pattern, credentials) still end the tail."""
        try:
            await self._catch_up(source)
        except OperationError as error:
            await self._put(TailMode(source.group, "polling", f"retrying: {error.message}"))

    async def _watch_plan(self) -> None:
        """Re-derive the streams now and then: a rollout starts and stops tasks."""
        while True:
            await asyncio.sleep(self.options.replan_interval)
            previous_ms = self._planned_ms
            try:
                plan = await self.plan_source()
            except Exception:  # noqa: BLE001 - keep following the known streams
                continue
            self._planned_ms = to_ms(self.clock())
            if plan.streams == self.plan.streams:
                continue
            old = self.plan.streams
            self.plan = plan
            await self._queue.put(PlanChanged(
                plan, added=tuple(sorted(plan.streams - old)),
                removed=tuple(sorted(old - plan.streams)),
            ))
            overlap_ms = int(self.options.overlap.total_seconds() * 1000)
            for source in plan.sources:
                # A task started since the last look may have logged already: read it once.
                self._gap_start[source.group] = previous_ms - overlap_ms
                if source.group in self._tasks:
                    self._restart[source.group].set()
                else:
                    self._watermark.setdefault(source.group, previous_ms)
                    self._spawn(source.group)


def _common_prefix(prefixes: tuple[str, ...]) -> str | None:
    """FilterLogEvents takes one prefix: the one shared by every container's prefix."""
    if not prefixes:
        return None
    first, last = min(prefixes), max(prefixes)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size] or None
