"""Application logs flow into the streams ECS would name, for every running task."""

from __future__ import annotations

import time

from ecstui.sandbox import world


def stream_names(sandbox, env: str, service: str) -> set[str]:
    logs = sandbox.client(env, "logs")
    pages = logs.get_paginator("describe_log_streams").paginate(logGroupName=f"/ecs/{service}")
    return {s["logStreamName"] for page in pages for s in page["logStreams"]}


def test_every_running_task_has_a_stream_per_container(sandbox) -> None:
    ecs = sandbox.client("prod", "ecs")
    for spec in world.SERVICES:
        arns = ecs.list_tasks(cluster="prod", serviceName=spec.name)["taskArns"]
        expected = {f"ecs/{spec.container}/{arn.rsplit('/', 1)[1]}" for arn in arns}
        if spec.sidecar:
            expected |= {f"ecs/datadog-agent/{arn.rsplit('/', 1)[1]}" for arn in arns}
        assert expected <= stream_names(sandbox, "prod", spec.name)


def test_history_is_back_filled_and_new_lines_keep_coming(sandbox) -> None:
    logs = sandbox.client("pre-prod", "logs")
    now_ms = int(time.time() * 1000)
    old = logs.filter_log_events(logGroupName="/ecs/orders", endTime=now_ms - 120_000)["events"]
    assert old, "a few minutes of history exist from the start"
    time.sleep(1.5)
    new = logs.filter_log_events(logGroupName="/ecs/orders", startTime=now_ms)["events"]
    assert new
    messages = [e["message"] for e in logs.filter_log_events(
        logGroupName="/ecs/my-app", limit=10_000)["events"]]
    assert any(" INFO  [req-" in m for m in messages)
    assert any(m.startswith("{") and '"request_id"' in m for m in messages)
    assert {level for m in messages for level in ("WARN ", "ERROR", "DEBUG") if level in m} == {
        "WARN ", "ERROR", "DEBUG"}


def test_new_tasks_get_new_streams_and_crashes_log_a_traceback(fresh_world) -> None:
    sandbox = fresh_world
    before = stream_names(sandbox, "pre-prod", "my-app")
    broken = world.sha_for("my-app", min(world.service_spec("my-app").broken))
    sandbox.deploy_sha("pre-prod", "my-app", broken)
    logs = sandbox.client("pre-prod", "logs")
    deadline = time.monotonic() + 10
    crashes: list[dict] = []
    while not crashes and time.monotonic() < deadline:
        time.sleep(0.3)
        crashes = logs.filter_log_events(logGroupName="/ecs/my-app",
                                         filterPattern="KeyError")["events"]
    assert crashes, "the broken image logs why it crashed"
    assert "Traceback (most recent call last):\n" in crashes[0]["message"]
    assert crashes[0]["logStreamName"] not in before
    assert crashes[0]["logStreamName"].startswith("ecs/app/")


BACKFILL_ON_FIRST_READ = r'''
import json, time
from ecstui.sandbox import logwriter
logwriter.TICK = 3600.0  # no tick during the test: only a Logs request can back-fill
from ecstui.sandbox.sandbox import Sandbox
from moto.logs.models import logs_backends
from ecstui.sandbox import world

with Sandbox() as sandbox:
    backend = logs_backends[world.PRE_PROD.account_id][world.REGION]
    written = sum(len(s.events) for s in backend.groups["/ecs/orders"].streams.values())
    now_ms = int(time.time() * 1000)
    logs = sandbox.client("pre-prod", "logs")
    old = logs.filter_log_events(logGroupName="/ecs/orders", endTime=now_ms - 120_000)
    print(json.dumps({"written_at_seed": written, "old": len(old["events"])}))
'''


def test_the_back_fill_waits_for_the_first_logs_request() -> None:
    """Seeding leaves the back-fill out (the `--demo` TUI's first inventory does not wait
    for it), and the first Logs request still finds minutes of history."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BACKFILL_ON_FIRST_READ], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["written_at_seed"] == 0
    assert seen["old"] > 0, "the first request sees the back-filled history"
