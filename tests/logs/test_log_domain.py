"""Domain: streams from task definitions, levels, JSON, de-duplication, durations, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecstui.domain.images import ImageRef
from ecstui.domain.logformat import (
    check_filter_pattern,
    detect_level,
    json_line,
    matches_text,
    parse_since,
    plain_line,
    render_json,
)
from ecstui.domain.logs import DedupWindow, LogEvent, derive_plan, parse_stream
from ecstui.domain.models import ContainerDefinition, LogConfig, Task, TaskDefinition
from ecstui.errors import UsageError

ARN = "arn:aws:ecs:eu-west-1:111111111111:task-definition/my-app:{}"
TASK = "arn:aws:ecs:eu-west-1:111111111111:task/pre-prod/{}"


def awslogs(group: str = "/ecs/my-app", prefix: str | None = "ecs") -> LogConfig:
    options = {"awslogs-group": group, "awslogs-region": "eu-west-1"}
    if prefix:
        options["awslogs-stream-prefix"] = prefix
    return LogConfig("awslogs", options)


def definition(revision: int, *containers: tuple[str, LogConfig]) -> TaskDefinition:
    return TaskDefinition(
        arn=ARN.format(revision), family="my-app", revision=revision, status="ACTIVE",
        containers=tuple(ContainerDefinition(n, ImageRef("repo/x", "t"), log=log)
                         for n, log in containers),
    )


def task(task_id: str, revision: int, status: str = "RUNNING") -> Task:
    return Task(arn=TASK.format(task_id), task_definition_arn=ARN.format(revision),
                last_status=status, desired_status="RUNNING", containers=())


def test_streams_come_from_each_tasks_own_revision() -> None:
    old = definition(4, ("app", awslogs()), ("envoy", awslogs(prefix="mesh")))
    new = definition(5, ("app", awslogs(group="/ecs/my-app-v2")))
    plan = derive_plan([new, old], [task("aaa1", 4), task("bbb2", 5), task("ccc3", 5, "STOPPED")])
    by_group = {s.group: s for s in plan.sources}
    assert by_group["/ecs/my-app"].streams == ("ecs/app/aaa1", "mesh/envoy/aaa1")
    assert by_group["/ecs/my-app-v2"].streams == ("ecs/app/bbb2", "ecs/app/ccc3")
    assert by_group["/ecs/my-app"].prefixes == ("ecs/app/", "mesh/envoy/")
    assert plan.untailable == ()


def test_stopped_tasks_can_be_left_out_and_task_filter_takes_a_prefix() -> None:
    td = definition(1, ("app", awslogs()))
    tasks = [task("aaa1", 1), task("abc2", 1), task("ccc3", 1, "STOPPED")]
    assert derive_plan([td], tasks, include_stopped=False).streams == {
        "ecs/app/aaa1", "ecs/app/abc2"}
    assert derive_plan([td], tasks, task_filter="ab").streams == {"ecs/app/abc2"}


@pytest.mark.parametrize(
    ("log", "fragment"),
    [
        (LogConfig("awsfirelens", {"Name": "datadog"}), "awsfirelens log driver"),
        (LogConfig("splunk", {}), "splunk log driver"),
        (LogConfig("none"), "no log driver"),
        (LogConfig(None), "no log driver"),
        (awslogs(prefix=None), "without awslogs-stream-prefix"),
    ],
)
def test_untailable_drivers_say_what_is_configured(log: LogConfig, fragment: str) -> None:
    plan = derive_plan([definition(1, ("app", log))], [task("aaa1", 1)])
    assert plan.empty
    assert fragment in plan.explanation
    assert "'app'" in plan.explanation


def test_a_sidecar_with_firelens_does_not_hide_the_app_logs() -> None:
    td = definition(1, ("app", awslogs()), ("router", LogConfig("awsfirelens")))
    plan = derive_plan([td], [task("aaa1", 1)])
    assert plan.streams == {"ecs/app/aaa1"}
    assert [u.container for u in plan.untailable] == ["router"]


def test_stream_names_parse_into_prefix_container_task() -> None:
    assert parse_stream("ecs/app/0123abcd") == ("ecs", "app", "0123abcd")
    assert parse_stream("a/b/ecs/app/0123") == ("a/b/ecs", "app", "0123")
    assert parse_stream("loose-stream") is None


def event(message: str, ms: int = 1_764_320_400_123, stream: str = "ecs/app/0123456789abcdef",
          event_id: str | None = "1") -> LogEvent:
    return LogEvent.from_api({"logStreamName": stream, "timestamp": ms, "message": message,
                              "ingestionTime": ms + 5, "eventId": event_id}, "/ecs/my-app")


def test_events_from_the_api_are_utc_and_know_their_task() -> None:
    e = event("hello\n")
    assert e.timestamp == datetime(2025, 11, 28, 9, 0, 0, 123000, tzinfo=UTC)
    assert (e.task_id, e.container, e.message, e.short_task) == (
        "0123456789abcdef", "app", "hello", "01234567")
    assert plain_line(e) == "2025-11-28T09:00:00.123Z 01234567 app hello"


def test_the_same_line_from_live_tail_and_filter_has_one_key() -> None:
    live = event("hello", event_id=None)
    assert live.key == event("hello").key
    assert live.key != event("hello", ms=1_764_320_400_124).key


def test_dedup_window_is_bounded_and_forgets_oldest_first() -> None:
    window = DedupWindow(size=3)
    assert [window.seen(k) for k in (1, 2, 1, 3, 4)] == [False, False, True, False, False]
    assert len(window) == 3
    assert window.seen(1) is False  # forgotten: 1 was the oldest
    assert window.seen(4) is True


@pytest.mark.parametrize(
    ("message", "level"),
    [
        ("2026-11-28 09:00:01 ERROR payment failed", "ERROR"),
        ("[warn] slow query", "WARN"),
        ("WARNING: disk 91%", "WARN"),
        ('{"level":"error","msg":"boom"}', "ERROR"),
        ('{"severity": "INFO", "msg": "ok"}', "INFO"),
        ("GET /health 200", None),
        ("x" * 200 + " ERROR deep in the line", None),
        ("terror is not a level", None),
        ("2026-11-28 09:04:13 UTC | TRACE | INFO | (pkg/trace/agent.go:120)", "INFO"),
        ("2026-11-28 09:04:13 UTC | CORE | WARN | (pkg/collector)", "WARN"),
        ("INFO request failed with error 500", "INFO"),
    ],
)
def test_levels(message: str, level: str | None) -> None:
    assert detect_level(message) == level


def test_json_lines_pretty_and_compact() -> None:
    line = '{"level": "info",  "msg": "hi", "n": [1, 2]}'
    assert render_json(line, pretty=False) == '{"level":"info","msg":"hi","n":[1,2]}'
    assert render_json(line, pretty=True).startswith('{\n  "level": "info"')
    assert render_json("not {json}", pretty=True) == "not {json}"
    assert render_json("{broken", pretty=True) == "{broken"


def test_json_output_is_one_object_per_line() -> None:
    import json

    parsed = json.loads(json_line(event("ERROR x")))
    assert parsed["task"] == "0123456789abcdef" and parsed["level"] == "ERROR"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("10m", timedelta(minutes=10)),
     ("1h30m", timedelta(minutes=90)), ("2d", timedelta(days=2)), (" 5M ", timedelta(minutes=5))],
)
def test_since(text: str, expected: timedelta) -> None:
    assert parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "10", "ten minutes", "10x", "-5m", "0m", "90d", "5m later"])
def test_bad_since_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--since"):
        parse_since(text)


@pytest.mark.parametrize("text", ["99999999999d", "1h99999999999999999999s"])
def test_huge_since_says_too_far_instead_of_overflowing(text: str) -> None:
    with pytest.raises(UsageError, match="reaches back too far; use at most 30d"):
        parse_since(text)


@pytest.mark.parametrize("pattern", ['"unclosed', "{ $.level = 1", "[a, b", "a ] b", ")"])
def test_bad_filter_patterns_are_refused_before_any_call(pattern: str) -> None:
    with pytest.raises(UsageError, match="not valid CloudWatch Logs syntax"):
        check_filter_pattern(pattern)


@pytest.mark.parametrize("pattern", ["ERROR", '"exact phrase"', '{ $.level = "error" }',
                                     "[ip, user, ...]", '"a { quoted" brace'])
def test_good_filter_patterns_pass(pattern: str) -> None:
    assert check_filter_pattern(pattern) == pattern


def test_client_side_filter() -> None:
    e = event("Payment FAILED for order 7")
    assert matches_text(e, "failed") and matches_text(e, "0123") and matches_text(e, "app")
    assert not matches_text(e, "refund")
