"""The tail's reactions to the ends of Live Tail that the sandbox cannot produce
(3-hour timeout, sampling), with a scripted gateway handed to the core."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from ecstui.core.tail import LogTail, TailOptions
from ecstui.domain.logs import LogBatch, LogEvent, LogPlan, LogSource, TailMode, TailUpdate
from ecstui.errors import OperationError
from ecstui.gateways.aws.logs import LiveTailTimedOut, LiveTailUnavailable, LiveTailUpdate

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
STREAM = "ecs/app/0123456789abcdef"


def event(n: int) -> LogEvent:
    at = int((NOW - timedelta(seconds=30 - n)).timestamp() * 1000)
    return LogEvent.from_api({"logStreamName": STREAM, "message": f"line {n}",
                              "timestamp": at, "ingestionTime": 1}, "/ecs/my-app")


class ScriptedGateway:
    """Two Live Tail sessions: the first times out after two updates (one sampled)."""

    def __init__(self) -> None:
        self.sessions = 0

    async def group_arn(self, group: str) -> str:
        return f"arn:aws:logs:eu-west-1:1:log-group:{group}"

    async def filter_pages(self, group, streams, start_ms, end_ms=None, pattern=None,  # type: ignore[no-untyped-def]
                           prefix=None) -> AsyncIterator[list[LogEvent]]:
        yield [event(0), event(1)]

    async def live_tail(self, arn, group, streams=(), prefixes=(), pattern=None  # type: ignore[no-untyped-def]
                        ) -> AsyncIterator[LiveTailUpdate]:
        self.sessions += 1
        if self.sessions == 1:
            yield LiveTailUpdate((event(1), event(2)), sampled=False)  # 1 again: overlap
            yield LiveTailUpdate((event(3),), sampled=True)
            raise LiveTailTimedOut("the Live Tail session reached its 3-hour limit")
        yield LiveTailUpdate((event(4),), sampled=False)
        await asyncio.Event().wait()


async def plan() -> LogPlan:
    return LogPlan((LogSource("/ecs/my-app", None, (STREAM,), ("ecs/app/",)),), (), ("x",))


async def test_timeout_reconnects_at_once_and_sampling_is_reported() -> None:
    gateway = ScriptedGateway()
    tail = LogTail(gateway, plan, TailOptions(since=timedelta(minutes=1), poll_interval=60),  # type: ignore[arg-type]
                   clock=lambda: NOW)
    got: list[TailUpdate] = []
    updates = tail.updates()
    async for update in updates:
        got.append(update)
        if any(e.message == "line 4" for u in got if isinstance(u, LogBatch) for e in u.events):
            break
    await updates.aclose()  # type: ignore[attr-defined]
    messages = [e.message for u in got if isinstance(u, LogBatch) for e in u.events]
    assert messages == ["line 0", "line 1", "line 2", "line 3", "line 4"]  # each once
    assert gateway.sessions == 2  # reconnected without falling back to polling
    modes = [(u.mode, u.sampled) for u in got if isinstance(u, TailMode)]
    assert ("live-tail", True) in modes and modes[-1] == ("live-tail", False)
    assert not [u for u in got if isinstance(u, TailMode) and u.mode == "polling"
                and u.reason != "connecting to Live Tail"]


class FlakyGateway(ScriptedGateway):
    """Live Tail refused; the second poll fails like a network blip, later polls work."""

    def __init__(self) -> None:
        super().__init__()
        self.polls = 0

    async def filter_pages(self, group, streams, start_ms, end_ms=None, pattern=None,  # type: ignore[no-untyped-def]
                           prefix=None) -> AsyncIterator[list[LogEvent]]:
        self.polls += 1
        if self.polls == 2:
            raise OperationError("Could not read log group '/ecs/my-app': connection reset.")
        yield [event(min(self.polls, 5))]

    async def live_tail(self, *args, **kwargs) -> AsyncIterator[LiveTailUpdate]:  # type: ignore[no-untyped-def]
        raise LiveTailUnavailable("too many Live Tail sessions are open in this account")
        yield  # pragma: no cover - makes this an async generator


async def test_a_failed_poll_is_reported_and_polling_goes_on() -> None:
    tail = LogTail(FlakyGateway(), plan, TailOptions(since=timedelta(minutes=1),  # type: ignore[arg-type]
                                                     poll_interval=0.01), clock=lambda: NOW)
    got: list[TailUpdate] = []
    updates = tail.updates()
    async for update in updates:
        got.append(update)
        if sum(isinstance(u, LogBatch) for u in got) >= 3:
            break
    await updates.aclose()  # type: ignore[attr-defined]
    reasons = [u.reason for u in got if isinstance(u, TailMode) and u.mode == "polling"]
    assert any(r.startswith("retrying: Could not read log group") for r in reasons)
    assert any("too many Live Tail sessions" in r for r in reasons)
