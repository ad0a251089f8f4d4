"""Frozen models of what runs in ECS, built by the gateways from API responses.

Every datetime is timezone-aware (UTC). Models hold what the APIs said; the
derived facts an operator needs (which SHA runs, whether tasks disagree) are
properties, so they cannot drift from the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecstui.domain.images import ImageRef


@dataclass(frozen=True)
class CallerIdentity:
    """Who ecstui acts as in one environment, and until when."""

    account: str
    arn: str
    user_id: str = ""
    credential_method: str = ""  # botocore's name: sso, assume-role-with-web-identity, ...
    expires_at: datetime | None = None

    @property
    def principal(self) -> str:
        """`role/session` for an assumed role, else the last part of the ARN."""
        resource = self.arn.split(":", 5)[-1]
        if resource.startswith("assumed-role/"):
            return resource.removeprefix("assumed-role/")
        return resource


@dataclass(frozen=True)
class LogConfig:
    """A container's log configuration; only `awslogs` can be tailed."""

    driver: str | None
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def group(self) -> str | None:
        return self.options.get("awslogs-group")

    @property
    def stream_prefix(self) -> str | None:
        return self.options.get("awslogs-stream-prefix")

    @property
    def region(self) -> str | None:
        return self.options.get("awslogs-region")


@dataclass(frozen=True)
class ContainerDefinition:
    name: str
    image: ImageRef
    essential: bool = True
    log: LogConfig = field(default_factory=lambda: LogConfig(None))


@dataclass(frozen=True)
class TaskDefinition:
    """An immutable task-definition revision; `raw` keeps every field for re-registration."""

    arn: str
    family: str
    revision: int
    status: str
    containers: tuple[ContainerDefinition, ...]
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    tags: tuple[tuple[str, str], ...] = ()
    registered_at: datetime | None = None

    def container(self, name: str | None) -> ContainerDefinition | None:
        """The named container, or the first essential one when no name is configured."""
        if name:
            return next((c for c in self.containers if c.name == name), None)
        return next((c for c in self.containers if c.essential), None) or (
            self.containers[0] if self.containers else None
        )

    @property
    def label(self) -> str:
        return f"{self.family}:{self.revision}"


@dataclass(frozen=True)
class ContainerRun:
    """One container of a task, as DescribeTasks reports it."""

    name: str
    image: ImageRef  # carries the digest ECS resolved, when reported
    last_status: str = ""
    # The image as the task definition names it (DescribeTasks `image`, no resolved digest)
    declared: ImageRef | None = None
    health_status: str = "UNKNOWN"
    exit_code: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Task:
    arn: str
    task_definition_arn: str
    last_status: str
    desired_status: str
    containers: tuple[ContainerRun, ...]
    started_by: str = ""
    group: str = ""  # "service:<name>" for tasks a service started
    health_status: str = "UNKNOWN"
    availability_zone: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    stopped_reason: str | None = None
    created_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @property
    def short_id(self) -> str:
        return self.id[:8]

    def container(self, name: str | None) -> ContainerRun | None:
        if name:
            return next((c for c in self.containers if c.name == name), None)
        return self.containers[0] if self.containers else None


@dataclass(frozen=True)
class Deployment:
    id: str
    status: str  # PRIMARY | ACTIVE | INACTIVE
    task_definition_arn: str
    desired_count: int
    running_count: int
    pending_count: int
    failed_tasks: int = 0
    rollout_state: str | None = None  # IN_PROGRESS | COMPLETED | FAILED
    rollout_state_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def revision(self) -> int | None:
        return revision_of(self.task_definition_arn)


@dataclass(frozen=True)
class ServiceEvent:
    id: str
    created_at: datetime
    message: str


@dataclass(frozen=True)
class CircuitBreaker:
    enable: bool = False
    rollback: bool = False


def revision_of(task_definition_arn: str) -> int | None:
    """`...:task-definition/family:42` -> 42."""
    tail = task_definition_arn.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def family_of(task_definition_arn: str) -> str:
    return task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
