"""ECS, read side: one accessor per resource, fetched the way the API wants.

Lists are paginated, DescribeServices goes 10 at a time and DescribeTasks 100
at a time, independent calls run concurrently under one bounded semaphore per
environment, and task definitions (immutable) are cached by ARN for as long as
the session lives, so a refresh costs only what can change.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ecstui.domain.images import ImageRef
from ecstui.domain.models import (
    CircuitBreaker,
    ContainerDefinition,
    ContainerRun,
    Deployment,
    LogConfig,
    ServiceEvent,
    Task,
    TaskDefinition,
)
from ecstui.gateways.aws.errors import translate

if TYPE_CHECKING:
    from ecstui.gateways.aws.session import AwsSession

DESCRIBE_SERVICES_BATCH = 10  # the API's limit
DESCRIBE_TASKS_BATCH = 100  # the API's limit
LIST_PAGE_SIZE = 100  # ListServices / ListTasks maximum page size
CONCURRENCY = 48  # in-flight requests per environment (the session pools 50 connections)

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def name_of(arn: str) -> str:
    """`arn:...:service/cluster/name` or `...:cluster/name` -> `name`."""
    return arn.rsplit("/", 1)[-1]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class EcsGateway:
    """The read-side ECS accessors of one environment's session, with their caches."""

    def __init__(self, session: AwsSession, concurrency: int = CONCURRENCY) -> None:
        self.session = session
        self.limit = asyncio.Semaphore(concurrency)
        self._task_definitions: dict[str, TaskDefinition] = {}
        self._pending_definitions: dict[str, asyncio.Future[TaskDefinition]] = {}

    async def _call(self, operation: str, what: str, **params: Any) -> dict[str, Any]:
        client = await self.session.client("ecs")
        async with self.limit:
            try:
                return await getattr(client, operation)(**params)
            except Exception as exc:  # botocore and network errors become one sentence
                raise translate(exc, what, self.session.profile_name) from exc

    async def _list(self, operation: str, key: str, what: str, **params: Any) -> list[str]:
        client = await self.session.client("ecs")
        found: list[str] = []
        try:
            paginator = client.get_paginator(operation)
            pages = aiter(paginator.paginate(**params))
            while True:
                async with self.limit:
                    page = await anext(pages, None)
                if page is None:
                    return found
                found.extend(page.get(key, []))
        except Exception as exc:
            raise translate(exc, what, self.session.profile_name) from exc

    async def list_clusters(self) -> list[str]:
        """Every cluster ARN in the account and region."""
        return await self._list("list_clusters", "clusterArns", "list the ECS clusters")

    async def list_services(self, cluster: str) -> list[str]:
        return await self._list(
            "list_services", "serviceArns", f"list the services of cluster {cluster}",
            cluster=cluster, PaginationConfig={"PageSize": LIST_PAGE_SIZE},
        )

    async def list_tasks(
        self, cluster: str, desired_status: str = "RUNNING", service: str | None = None
    ) -> list[str]:
        """Task ARNs of a whole cluster (one listing for all its services, not one each),
        or of one service."""
        params: dict[str, Any] = {"serviceName": service} if service else {}
        return await self._list(
            "list_tasks", "taskArns", f"list the tasks of cluster {cluster}",
            cluster=cluster, desiredStatus=desired_status,
            PaginationConfig={"PageSize": LIST_PAGE_SIZE}, **params,
        )

    async def describe_services(
        self, cluster: str, services: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Raw service descriptions (10 per request, requests concurrent), in input order."""
        batches = await gather_all(
            self._call(
                "describe_services", f"describe services in cluster {cluster}",
                cluster=cluster, services=list(batch),
            )
            for batch in chunks(list(services), DESCRIBE_SERVICES_BATCH)
        )
        return [raw for batch in batches for raw in batch.get("services", [])]

    async def describe_tasks(self, cluster: str, tasks: Sequence[str]) -> list[Task]:
        """Tasks (100 per request, requests concurrent), carrying each container's digest."""
        batches = await gather_all(
            self._call(
                "describe_tasks", f"describe tasks in cluster {cluster}",
                cluster=cluster, tasks=list(batch),
            )
            for batch in chunks(list(tasks), DESCRIBE_TASKS_BATCH)
        )
        return [task_from_api(raw) for batch in batches for raw in batch.get("tasks", [])]

    async def task_definition(self, arn: str) -> TaskDefinition:
        """One task definition, fetched once per ARN (concurrent callers share the fetch)."""
        cached = self._task_definitions.get(arn)
        if cached is not None:
            return cached
        pending = self._pending_definitions.get(arn)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch_task_definition(arn))
            self._pending_definitions[arn] = pending
            pending.add_done_callback(lambda _: self._pending_definitions.pop(arn, None))
        return await asyncio.shield(pending)

    async def _fetch_task_definition(self, arn: str) -> TaskDefinition:
        response = await self._call(
            "describe_task_definition", f"describe task definition {name_of(arn)}",
            taskDefinition=arn, include=["TAGS"],  # re-registration (promote) keeps the tags
        )
        definition = task_definition_from_api(response["taskDefinition"], response.get("tags"))
        self._task_definitions[arn] = definition
        return definition

    async def task_definitions(self, arns: Iterable[str]) -> dict[str, TaskDefinition]:
        unique = list(dict.fromkeys(arns))
        found = await gather_all(self.task_definition(arn) for arn in unique)
        return dict(zip(unique, found, strict=True))

    @property
    def cached_task_definitions(self) -> int:
        return len(self._task_definitions)


_gateways: weakref.WeakKeyDictionary[AwsSession, EcsGateway] = weakref.WeakKeyDictionary()


def ecs_gateway(session: AwsSession) -> EcsGateway:
    """The session's one ECS gateway, so its caches live as long as the session."""
    gateway = _gateways.get(session)
    if gateway is None:
        gateway = _gateways[session] = EcsGateway(session)
    return gateway


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise it."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


# --- API shapes -> domain models (pure; tested on recorded responses) ---


def task_definition_from_api(
    raw: Mapping[str, Any], tags: Sequence[Mapping[str, str]] | None = None
) -> TaskDefinition:
    containers = tuple(
        ContainerDefinition(
            name=c["name"],
            image=ImageRef.parse(c.get("image", "")),
            essential=c.get("essential", True),
            log=LogConfig(
                (c.get("logConfiguration") or {}).get("logDriver"),
                dict((c.get("logConfiguration") or {}).get("options") or {}),
            ),
        )
        for c in raw.get("containerDefinitions", [])
    )
    return TaskDefinition(
        arn=raw["taskDefinitionArn"],
        family=raw.get("family", ""),
        revision=int(raw.get("revision", 0)),
        status=raw.get("status", ""),
        containers=containers,
        raw=dict(raw),
        tags=tuple((t["key"], t["value"]) for t in tags or ()),
        registered_at=_utc(raw.get("registeredAt")),
    )


def container_run_from_api(raw: Mapping[str, Any]) -> ContainerRun:
    """One container of a task: the image it declares, and that image at the digest ECS
    resolved (the string is parsed once: a fleet has thousands of containers)."""
    declared = ImageRef.parse(raw["image"]) if raw.get("image") else None
    digest = raw.get("imageDigest")
    if declared is None:
        image = ImageRef("", None, digest)
    elif digest and digest != declared.digest:
        image = declared.with_digest(digest)
    else:
        image = declared
    return ContainerRun(
        name=raw.get("name", ""),
        image=image,
        last_status=raw.get("lastStatus", ""),
        declared=declared,
        health_status=raw.get("healthStatus", "UNKNOWN"),
        exit_code=raw.get("exitCode"),
        reason=raw.get("reason"),
    )


def task_from_api(raw: Mapping[str, Any]) -> Task:
    containers = tuple(container_run_from_api(c) for c in raw.get("containers", []))
    return Task(
        arn=raw["taskArn"],
        task_definition_arn=raw.get("taskDefinitionArn", ""),
        last_status=raw.get("lastStatus", ""),
        desired_status=raw.get("desiredStatus", ""),
        containers=containers,
        started_by=raw.get("startedBy", ""),
        group=raw.get("group", ""),
        health_status=raw.get("healthStatus", "UNKNOWN"),
        availability_zone=raw.get("availabilityZone"),
        started_at=_utc(raw.get("startedAt")),
        stopped_at=_utc(raw.get("stoppedAt")),
        stopped_reason=raw.get("stoppedReason") or None,
        created_at=_utc(raw.get("createdAt")),
    )


def deployment_from_api(raw: Mapping[str, Any]) -> Deployment:
    return Deployment(
        id=raw.get("id", ""),
        status=raw.get("status", ""),
        task_definition_arn=raw.get("taskDefinition", ""),
        desired_count=raw.get("desiredCount", 0),
        running_count=raw.get("runningCount", 0),
        pending_count=raw.get("pendingCount", 0),
        failed_tasks=raw.get("failedTasks", 0),
        rollout_state=raw.get("rolloutState"),
        rollout_state_reason=raw.get("rolloutStateReason"),
        created_at=_utc(raw.get("createdAt")),
        updated_at=_utc(raw.get("updatedAt")),
    )


def events_from_api(raw: Mapping[str, Any], limit: int = 20) -> tuple[ServiceEvent, ...]:
    """The newest service events (ECS returns them newest first)."""
    events = [
        ServiceEvent(id=e.get("id", ""), created_at=_utc(e["createdAt"]), message=e["message"])
        for e in raw.get("events", [])[:limit]
        if e.get("createdAt") is not None
    ]
    return tuple(events)  # type: ignore[arg-type]


def circuit_breaker_from_api(raw: Mapping[str, Any]) -> CircuitBreaker:
    config = (raw.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    return CircuitBreaker(enable=bool(config.get("enable")), rollback=bool(config.get("rollback")))


def deployments_from_api(raw: Mapping[str, Any]) -> tuple[Deployment, ...]:
    """PRIMARY first, then the older ones newest first."""
    deployments = [deployment_from_api(d) for d in raw.get("deployments", [])]
    order = {"PRIMARY": 0, "ACTIVE": 1}
    epoch = datetime.min.replace(tzinfo=UTC)
    deployments.sort(key=lambda d: (order.get(d.status, 2), -(d.created_at or epoch).timestamp()))
    return tuple(deployments)
