"""The tail against the sandbox over HTTP: streams, backfill + follow, fallbacks, errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ecstui.config import load_settings
from ecstui.core.service_logs import find_service, open_service_tail, plan_for
from ecstui.core.tail import LogTail, TailOptions
from ecstui.core.workspace import Workspace
from ecstui.domain.logs import LogBatch, LogEvent, PlanChanged, TailMode, TailUpdate
from ecstui.errors import UsageError
from ecstui.gateways.aws.logs import LogsGateway

FAST = dict(poll_interval=0.4, replan_interval=2.0)


@pytest.fixture
async def workspace(sandbox) -> AsyncIterator[Workspace]:  # type: ignore[no-untyped-def]
    ws = Workspace(load_settings(sandbox.config_path))
    yield ws
    await ws.close()


async def collect(
    updates: AsyncIterator[TailUpdate],
    seconds: float,
    until: Callable[[list[TailUpdate]], bool] | None = None,
) -> list[TailUpdate]:
    """Everything the tail yields for `seconds` (or until `until(got)` holds), then the
    tail is closed. `until` keeps a loaded machine from failing a test that only waits."""
    got: list[TailUpdate] = []

    async def run() -> None:
        async for update in updates:
            got.append(update)
            if until is not None and until(got):
                return

    task = asyncio.create_task(run())
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        task.result()  # raise what the tail raised
    else:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await updates.aclose()  # type: ignore[attr-defined]
    return got


def lines(updates: list[TailUpdate]) -> list[LogEvent]:
    return [e for u in updates if isinstance(u, LogBatch) for e in u.events]


def modes(updates: list[TailUpdate]) -> list[tuple[str, str]]:
    return [(u.mode, u.reason) for u in updates if isinstance(u, TailMode)]


def running_task_ids(sandbox, env: str, service: str) -> set[str]:  # type: ignore[no-untyped-def]
    ecs = sandbox.client(env, "ecs")
    arns = ecs.list_tasks(cluster=env, serviceName=service, desiredStatus="RUNNING")["taskArns"]
    return {a.rsplit("/", 1)[-1] for a in arns}


async def test_streams_come_from_the_task_definition(sandbox, workspace) -> None:  # type: ignore[no-untyped-def]
    service = await find_service(workspace, "my-app", "prod")
    plan = await plan_for(workspace, service)
    running = running_task_ids(sandbox, "prod", "my-app")
    assert running and running <= set(plan.tasks)
    [source] = plan.sources
    assert source.group == "/ecs/my-app"
    # my-app has the app container and a datadog-agent sidecar, both on awslogs.
    expected = {f"ecs/{c}/{t}" for c in ("app", "datadog-agent") for t in running}
    assert expected <= set(source.streams)
    logs = sandbox.client("prod", "logs")
    existing = {s["logStreamName"] for s in logs.describe_log_streams(
        logGroupName="/ecs/my-app")["logStreams"]}
    assert expected <= existing  # the writer (like the awslogs driver) writes exactly there


async def test_backfill_then_follow_shows_each_line_exactly_once(sandbox, workspace) -> None:  # type: ignore[no-untyped-def]
    service = await find_service(workspace, "my-app", "prod")
    started = time.time()
    tail = open_service_tail(workspace, service, TailOptions(since=timedelta(minutes=1), **FAST))
    got = await collect(tail.updates(), 5.0)
    seen = lines(got)
    backfill = [e for u in got if isinstance(u, LogBatch) and u.backfill for e in u.events]
    followed = [e for e in seen if e.timestamp.timestamp() > started]
    assert backfill and followed, "the backfill and the follow both delivered lines"
    keys = [e.key for e in seen]
    assert len(keys) == len(set(keys)), "no line shown twice"
    # Moto's Live Tail answers a snapshot and closes: polling takes over.
    assert [m for m, _ in modes(got)][:4] == ["backfill", "polling", "live-tail", "polling"]
    assert ("polling", "the Live Tail session closed") in modes(got)
    # Ground truth: every line the writer wrote to these streams in the window, up to a
    # little before the last line seen (lines still in flight at the cut are excused).
    newest = max(e.timestamp_ms for e in seen)
    plan = await plan_for(workspace, service)
    logs = sandbox.client("prod", "logs")
    truth: set[tuple[str, int, str]] = set()
    for page in logs.get_paginator("filter_log_events").paginate(
        logGroupName="/ecs/my-app", logStreamNames=sorted(plan.streams),
        startTime=int((started - 55) * 1000), endTime=newest - 2000,
    ):
        truth |= {(r["logStreamName"], r["timestamp"], r["message"]) for r in page["events"]}
    shown = {(e.stream, e.timestamp_ms, e.message) for e in seen}
    assert truth and truth <= shown


def refuse_live_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sandbox's moto answer StartLiveTail with LimitExceededException, as AWS
    does when the account has too many Live Tail sessions open."""
    from moto.logs.exceptions import LimitExceededException
    from moto.logs.models import LogsBackend

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise LimitExceededException()

    monkeypatch.setattr(LogsBackend, "start_live_tail", refuse)


class NoRetrySession:
    """A logs client on the sandbox without SDK retries, so a refusal is seen at once."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self._ctx: Any = None
        self._client: Any = None

    async def client(self, name: str) -> Any:
        if self._client is None:
            session = AioSession(profile="sandbox-prod")
            self._ctx = session.create_client(
                "logs", region_name="eu-west-1",
                config=AioConfig(retries={"max_attempts": 1}, inject_host_prefix=False))
            self._client = await self._ctx.__aenter__()
        return self._client

    async def close(self) -> None:
        if self._ctx is not None:
            await self._ctx.__aexit__(None, None, None)


async def test_polling_takes_over_when_live_tail_is_refused(  # type: ignore[no-untyped-def]
    sandbox, workspace, monkeypatch
) -> None:
    refuse_live_tail(monkeypatch)
    service = await find_service(workspace, "my-app", "prod")
    plan = await plan_for(workspace, service)
    session = NoRetrySession(sandbox)
    started = time.time()
    tail = LogTail(LogsGateway(session), lambda: _const(plan),
                   TailOptions(since=timedelta(seconds=30), **FAST))
    def refused_then_polled(got: list[TailUpdate]) -> bool:
        refused = any(m == "polling" and "too many Live Tail sessions" in r
                      for m, r in modes(got))
        return refused and any(e.timestamp.timestamp() > started for e in lines(got))

    try:
        got = await collect(tail.updates(), 10.0, until=refused_then_polled)
    finally:
        await session.close()
    reasons = [r for m, r in modes(got) if m == "polling"]
    assert any("too many Live Tail sessions" in r for r in reasons)
    assert "live-tail" not in [m for m, _ in modes(got)]
    assert [e for e in lines(got) if e.timestamp.timestamp() > started], "new lines by polling"


async def test_lines_keep_coming_while_the_sdk_retries_a_refused_live_tail(  # type: ignore[no-untyped-def]
    sandbox, workspace, monkeypatch
) -> None:
    """With ecstui's own session the SDK retries LimitExceededException with backoff;
    the group is polled meanwhile, so the pane never freezes."""
    refuse_live_tail(monkeypatch)
    service = await find_service(workspace, "my-app", "prod")
    started = time.time()
    tail = open_service_tail(workspace, service, TailOptions(since=timedelta(seconds=30), **FAST))
    got = await collect(tail.updates(), 10.0, until=lambda got: (
        ("polling", "connecting to Live Tail") in modes(got)
        and any(e.timestamp.timestamp() > started for e in lines(got))))
    assert ("polling", "connecting to Live Tail") in modes(got)
    assert [e for e in lines(got) if e.timestamp.timestamp() > started]


async def test_a_filter_pattern_cloudwatch_refuses_is_one_clear_sentence(  # type: ignore[no-untyped-def]
    sandbox, workspace, monkeypatch
) -> None:
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import LogsBackend

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise InvalidParameterException(msg="Invalid character(s) in term '%x'")

    monkeypatch.setattr(LogsBackend, "filter_log_events", refuse)
    service = await find_service(workspace, "my-app", "prod")
    tail = open_service_tail(workspace, service, TailOptions(pattern="%x", follow=False))
    with pytest.raises(UsageError) as caught:
        await collect(tail.updates(), 10.0)
    assert str(caught.value).startswith("CloudWatch Logs refused the filter pattern '%x'")
    assert "\n" not in str(caught.value)


async def test_server_side_pattern_narrows_the_lines(sandbox, workspace) -> None:  # type: ignore[no-untyped-def]
    service = await find_service(workspace, "my-app", "prod")
    tail = open_service_tail(workspace, service, TailOptions(
        since=timedelta(minutes=5), follow=False, pattern="ERROR"))
    seen = lines(await collect(tail.updates(), 10.0))
    assert seen and all("ERROR" in e.message for e in seen)


async def test_task_filter_limits_to_one_task(sandbox, workspace) -> None:  # type: ignore[no-untyped-def]
    service = await find_service(workspace, "my-app", "prod")
    one = sorted(running_task_ids(sandbox, "prod", "my-app"))[0]
    plan = await plan_for(workspace, service, task=one[:6])
    assert plan.tasks == (one,)
    tail = open_service_tail(workspace, service, TailOptions(follow=False), task=one[:6])
    seen = lines(await collect(tail.updates(), 10.0))
    assert seen and {e.task_id for e in seen} == {one}


async def _const(value: Any) -> Any:
    return value


async def test_tasks_started_by_a_rollout_are_picked_up(fresh_world) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace(load_settings(fresh_world.config_path))
    try:
        service = await find_service(workspace, "burrito", "pre-prod")
        before = set((await plan_for(workspace, service)).tasks)
        ecs = fresh_world.client("pre-prod", "ecs")
        tail = open_service_tail(workspace, service, TailOptions(
            since=timedelta(seconds=20), poll_interval=0.4, replan_interval=1.0))
        updates = tail.updates()
        got: list[TailUpdate] = []
        started = time.monotonic()
        async for update in updates:
            got.append(update)
            if len(got) == 3:  # following: now roll out
                ecs.update_service(cluster="pre-prod", service="burrito", forceNewDeployment=True)
            new = {e.task_id for e in lines(got)} - before - {None}
            if new or time.monotonic() - started > 40:
                break
        await updates.aclose()  # type: ignore[attr-defined]
    finally:
        await workspace.close()
    changes = [u for u in got if isinstance(u, PlanChanged)]
    assert len(changes) >= 2 and changes[-1].added, "the new task's streams were added"
    assert {e.task_id for e in lines(got)} - before, "lines of the new task arrived"
