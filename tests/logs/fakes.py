"""Deterministic log data and a scripted tail, for the TUI tests, snapshots and benchmarks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from ecstui.core.tail import TailOptions
from ecstui.domain.images import ImageRef
from ecstui.domain.inventory import Service
from ecstui.domain.logs import (
    LogBatch,
    LogEvent,
    LogPlan,
    LogSource,
    PlanChanged,
    TailMode,
    TailUpdate,
)
from ecstui.domain.models import ContainerDefinition, LogConfig, Task, TaskDefinition

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TASKS = ("3f9a1c0e5b7d4e21a0c4", "b72e90d41f6c4a88b2aa", "05c8d7e6a9f14b3c9d11")
GROUP = "/ecs/my-app"
MESSAGES = (
    "INFO GET /health 200 1ms",
    "INFO GET /orders/7781 200 34ms",
    '{"level":"info","msg":"order exported","order":7781,"tz":"Europe/Paris"}',
    "WARN slow query: SELECT * FROM orders WHERE id=7781 (812ms)",
    "ERROR payment webhook returned 502; retrying in 2s",
    "DEBUG cache hit product:1042",
    '{"level":"error","msg":"stripe timeout","attempt":2,"elapsed_ms":10001}',
    "INFO POST /payments 201 120ms",
)


def service() -> Service:
    log = LogConfig("awslogs", {"awslogs-group": GROUP, "awslogs-region": "eu-west-1",
                                "awslogs-stream-prefix": "ecs"})
    definition = TaskDefinition(
        arn="arn:aws:ecs:eu-west-1:222222222222:task-definition/my-app:7", family="my-app",
        revision=7, status="ACTIVE",
        containers=(ContainerDefinition("app", ImageRef("repo/my-app", "abc"), log=log),),
    )
    tasks = tuple(
        Task(arn=f"arn:aws:ecs:eu-west-1:222222222222:task/prod/{t}",
             task_definition_arn=definition.arn, last_status="RUNNING",
             desired_status="RUNNING", containers=())
        for t in TASKS
    )
    return Service(environment="prod", cluster="prod", name="my-app",
                   arn="arn:aws:ecs:eu-west-1:222222222222:service/prod/my-app", status="ACTIVE",
                   desired_count=3, running_count=3, pending_count=0,
                   task_definition=definition, tasks=tasks)


def event(n: int, message: str | None = None) -> LogEvent:
    task = TASKS[n % len(TASKS)]
    container = "datadog-agent" if n % 7 == 6 else "app"
    return LogEvent(
        timestamp=START + timedelta(milliseconds=137 * n), message=message or MESSAGES[n % 8],
        stream=f"ecs/{container}/{task}", group=GROUP, task_id=task, container=container,
        event_id=str(n), ingestion_ms=None,
    )


def events(start: int, count: int) -> tuple[LogEvent, ...]:
    return tuple(event(n) for n in range(start, start + count))


def plan() -> LogPlan:
    streams = tuple(f"ecs/app/{t}" for t in TASKS)
    return LogPlan((LogSource(GROUP, "eu-west-1", streams, ("ecs/app/",)),), (), TASKS)


class ScriptedTail:
    """A tail factory: a backfill, then whatever the test pushes with `send`."""

    def __init__(self, backfill: int = 40, mode: str = "live-tail") -> None:
        self.backfill = backfill
        self.mode = mode
        self.calls: list[TailOptions] = []
        self.closed = 0
        self.queue: asyncio.Queue[TailUpdate] = asyncio.Queue()

    def send(self, *updates: TailUpdate) -> None:
        for update in updates:
            self.queue.put_nowait(update)

    def __call__(self, options: TailOptions) -> AsyncIterator[TailUpdate]:
        self.calls.append(options)
        return self._updates(options)

    async def _updates(self, options: TailOptions) -> AsyncIterator[TailUpdate]:
        try:
            yield PlanChanged(plan(), added=tuple(sorted(plan().streams)))
            yield TailMode(GROUP, "backfill")
            if self.backfill:
                yield LogBatch(events(0, self.backfill), backfill=True)
            yield TailMode(GROUP, self.mode)
            while True:
                yield await self.queue.get()
        finally:
            self.closed += 1


def json_event(n: int) -> LogEvent:
    return event(n, json.dumps({"level": "info", "msg": f"line {n}", "n": n}))
