"""Where a service's logs are, and what one log line is.

Pure: built from a task definition and the running tasks (the awslogs driver
writes each container of each task to stream `<prefix>/<container>/<task-id>`),
so the operator never needs to know group or stream names. The tail's progress
events live here too, so the CLI and the TUI render the same facts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecstui.domain.models import Task, TaskDefinition

TAILABLE_DRIVER = "awslogs"
# StartLiveTail and FilterLogEvents take at most 100 stream names (botocore's model).
MAX_STREAM_NAMES = 100


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log line of one container of one task."""

    timestamp: datetime  # when the line was written (UTC, aware)
    message: str
    stream: str
    group: str = ""
    task_id: str | None = None
    container: str | None = None
    event_id: str | None = None  # FilterLogEvents only; Live Tail events carry none
    ingestion_ms: int | None = None

    @property
    def timestamp_ms(self) -> int:
        return int(self.timestamp.timestamp() * 1000)

    @property
    def short_task(self) -> str:
        return self.task_id[:8] if self.task_id else "-"

    @property
    def key(self) -> int:
        """Identity across APIs: Live Tail events have no event id, so hash what both report."""
        return hash((self.stream, self.timestamp_ms, self.ingestion_ms, self.message))

    @classmethod
    def from_api(cls, raw: dict, group: str = "") -> LogEvent:
        """Build from a FilterLogEvents or Live Tail event dict (times in epoch ms)."""
        stream = raw.get("logStreamName", "")
        parsed = parse_stream(stream)
        return cls(
            timestamp=from_ms(int(raw.get("timestamp", 0))),
            message=raw.get("message", "").rstrip("\n"),
            stream=stream,
            group=group or raw.get("logGroupIdentifier", ""),
            task_id=parsed[2] if parsed else None,
            container=parsed[1] if parsed else None,
            event_id=raw.get("eventId"),
            ingestion_ms=raw.get("ingestionTime"),
        )


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def stream_name(prefix: str, container: str, task_id: str) -> str:
    """The awslogs stream of one container of one task."""
    return f"{prefix}/{container}/{task_id}"


def parse_stream(stream: str) -> tuple[str, str, str] | None:
    """`prefix/container/task-id` -> (prefix, container, task id); None for other shapes."""
    parts = stream.rsplit("/", 2)
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


@dataclass(frozen=True)
class LogSource:
    """One log group to tail, limited to the service's task streams."""

    group: str
    region: str | None
    streams: tuple[str, ...]
    prefixes: tuple[str, ...]  # `<prefix>/<container>/`: every task of these containers

    @property
    def too_many_streams(self) -> bool:
        """The APIs take at most 100 stream names; beyond that ecstui filters by prefix."""
        return len(self.streams) > MAX_STREAM_NAMES

    @property
    def task_ids(self) -> frozenset[str]:
        return frozenset(p[2] for p in map(parse_stream, self.streams) if p)


@dataclass(frozen=True)
class Untailable:
    """A container whose logs ecstui cannot follow, and why, in one sentence."""

    container: str
    driver: str | None
    reason: str


@dataclass(frozen=True)
class LogPlan:
    """The log groups and streams of a service's running tasks, plus what cannot be tailed."""

    sources: tuple[LogSource, ...] = ()
    untailable: tuple[Untailable, ...] = ()
    tasks: tuple[str, ...] = ()  # task ids covered

    @property
    def empty(self) -> bool:
        return not self.sources

    @property
    def explanation(self) -> str:
        """Why nothing (or not everything) can be shown: one sentence per container."""
        return " ".join(u.reason for u in self.untailable)

    @property
    def streams(self) -> frozenset[str]:
        return frozenset(s for source in self.sources for s in source.streams)


def untailable_reason(container: str, driver: str | None, missing: str | None = None) -> str:
    if missing:
        return (
            f"Container {container!r} uses awslogs without {missing}; "
            "ecstui cannot find its log streams."
        )
    if not driver or driver == "none":
        return f"Container {container!r} has no log driver configured; it writes no logs to tail."
    return (
        f"Container {container!r} is configured with the {driver} log driver; "
        "ecstui can tail only awslogs (CloudWatch Logs), so look where that driver sends them."
    )


def derive_plan(
    definitions: Sequence[TaskDefinition],
    tasks: Iterable[Task],
    task_filter: str | None = None,
    container_filter: str | None = None,
    include_stopped: bool = True,
) -> LogPlan:
    """Group the streams of the given tasks by log group, from each task's own definition.

    During a rollout tasks run different revisions; each task's streams come from the
    revision it runs (the first definition is the fallback). `task_filter` is a task id
    or its prefix (what `--task` takes). Recently stopped tasks are kept by default:
    during an incident their last lines say why they died.
    """
    if not definitions:
        return LogPlan()
    by_arn = {d.arn: d for d in definitions}
    chosen = [
        t
        for t in tasks
        if (include_stopped or t.last_status != "STOPPED")
        and (not task_filter or t.id.startswith(task_filter))
    ]
    groups: dict[tuple[str, str | None], tuple[list[str], set[str]]] = {}
    untailable: dict[str, Untailable] = {}
    considered = [(by_arn.get(t.task_definition_arn, definitions[0]), t) for t in chosen]
    if not considered:  # no running task: still explain the configuration
        considered = [(definitions[0], None)]
    for definition, task in considered:
        for container in definition.containers:
            if container_filter and container.name != container_filter:
                continue
            log = container.log
            if log.driver != TAILABLE_DRIVER:
                untailable[container.name] = Untailable(
                    container.name, log.driver, untailable_reason(container.name, log.driver)
                )
                continue
            missing = next(
                (k for k, v in (("awslogs-group", log.group),
                                ("awslogs-stream-prefix", log.stream_prefix)) if not v),
                None,
            )
            if missing:
                untailable[container.name] = Untailable(
                    container.name, log.driver,
                    untailable_reason(container.name, log.driver, missing),
                )
                continue
            streams, prefixes = groups.setdefault((log.group, log.region), ([], set()))
            prefixes.add(f"{log.stream_prefix}/{container.name}/")
            if task is not None:
                streams.append(stream_name(log.stream_prefix, container.name, task.id))
    sources = tuple(
        LogSource(group, region, tuple(sorted(set(streams))), tuple(sorted(prefixes)))
        for (group, region), (streams, prefixes) in sorted(
            groups.items(), key=lambda item: item[0][0]
        )
    )
    return LogPlan(sources, tuple(untailable.values()), tuple(t.id for t in chosen))


class DedupWindow:
    """Remembers the last `size` event keys, so overlapping reads show each line once.

    Bounded whatever the volume: the oldest keys are forgotten first, and the tail
    re-reads only a short overlap, well inside the window.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._order: deque[int] = deque()
        self._keys: set[int] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def seen(self, key: int) -> bool:
        """True when `key` was already seen; otherwise remember it and return False."""
        if key in self._keys:
            return True
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > self.size:
            self._keys.discard(self._order.popleft())
        return False

    def fresh(self, events: Iterable[LogEvent]) -> list[LogEvent]:
        """The events not seen before, in order."""
        return [e for e in events if not self.seen(e.key)]


# Progress events of a tail: what both faces render.
@dataclass(frozen=True)
class LogBatch:
    """New lines, oldest first (within one read)."""

    events: tuple[LogEvent, ...]
    backfill: bool = False


@dataclass(frozen=True)
class TailMode:
    """Which way one log group is being followed, and why it changed."""

    group: str
    mode: str  # "backfill" | "live-tail" | "polling" | "stopped"
    reason: str = ""
    sampled: bool = False  # Live Tail is showing a sample (more than 500 lines/second)


@dataclass(frozen=True)
class PlanChanged:
    """The set of streams changed (tasks started or stopped during a rollout)."""

    plan: LogPlan
    added: tuple[str, ...] = field(default_factory=tuple)
    removed: tuple[str, ...] = field(default_factory=tuple)


TailUpdate = LogBatch | TailMode | PlanChanged
