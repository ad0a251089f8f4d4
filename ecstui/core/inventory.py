"""The inventory use case: what runs where, across every environment, fast.

Every environment and every cluster loads concurrently; one that fails keeps
its last good data and carries a one-sentence error, so it never hides the
others. A refresh (pass `previous`) re-fetches only what can change: services
and tasks. Cluster lists, caller identities, task definitions and digest tags
are reused. The fleet view leaves task definitions off its critical path (see
`_cluster`); one service loaded by name carries them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecstui.core.inventory_images import enrich_definition, enrich_task, resolve_tags
from ecstui.domain.inventory import (
    EnvironmentInventory,
    Inventory,
    Service,
    app_run_on_revision,
)
from ecstui.domain.models import CallerIdentity, Task, TaskDefinition
from ecstui.errors import EcstuiError, NotFoundError
from ecstui.gateways.aws.ecr import EcrGateway, ecr_gateway
from ecstui.gateways.aws.ecs import (
    EcsGateway,
    circuit_breaker_from_api,
    deployments_from_api,
    ecs_gateway,
    events_from_api,
    gather_all,
    name_of,
)

if TYPE_CHECKING:
    from ecstui.config import EnvironmentSettings, Settings
    from ecstui.core.workspace import Workspace

STOPPED_TASKS_KEPT = 10  # per service: enough to see why tasks keep dying


def now() -> datetime:
    return datetime.now(UTC)


async def load_inventory(
    workspace: Workspace,
    env: str | None = None,
    service: str | None = None,
    previous: Inventory | None = None,
) -> Inventory:
    """The inventory of one or every environment, optionally of one service.

    With `previous` (the last result), this is a refresh: failing parts keep
    their previous data and the time it was fetched.
    """
    settings = workspace.settings
    environments = (settings.environment(env),) if env else settings.environments
    loaded = await asyncio.gather(
        *(
            _environment(workspace, e, service, previous.environment(e.name) if previous else None)
            for e in environments
        )
    )
    inventory = Inventory(
        environments=tuple(loaded),
        promote_from=settings.promote_from,
        promote_to=settings.promote_to,
    )
    if service and not inventory.services and not any(e.stale for e in inventory.environments):
        raise NotFoundError(
            f"No service named {service!r} runs in "
            f"{', '.join(e.name for e in environments)}; check the name with `ecstui status`."
        )
    return inventory


async def warm_up(workspace: Workspace, env: str | None = None) -> None:
    """Sign in and create the ECS clients ahead of the first load, e.g. while `--demo`
    seeds its world; a failure here is left for the load itself to report."""
    names = [env] if env else list(workspace.environment_names)

    async def one(name: str) -> None:
        with contextlib.suppress(EcstuiError):
            session = workspace.session(name)
            await asyncio.gather(session.identity(), session.client("ecs"))

    await asyncio.gather(*(one(name) for name in names))


class InventoryRefresher:
    """The refresh-friendly form: remembers the last result and feeds it back."""

    def __init__(self, workspace: Workspace, env: str | None = None, service: str | None = None):
        self.workspace, self.env, self.service = workspace, env, service
        self.inventory: Inventory | None = None

    async def refresh(self) -> Inventory:
        self.inventory = await load_inventory(
            self.workspace, self.env, self.service, previous=self.inventory
        )
        return self.inventory


async def _environment(
    workspace: Workspace,
    settings: EnvironmentSettings,
    service: str | None,
    previous: EnvironmentInventory | None,
) -> EnvironmentInventory:
    region = previous.region if previous else ""
    try:
        session = workspace.session(settings.name)
        region = session.region or region
        gateway = ecs_gateway(session)
        ecr = ecr_gateway(session)

        async def clusters_loaded() -> tuple[list[str], list[Any]]:
            clusters = await _clusters(gateway, settings, previous)
            return clusters, await asyncio.gather(
                *(
                    _cluster(workspace.settings, settings.name, gateway, ecr, c, service)
                    for c in clusters
                ),
                return_exceptions=True,
            )

        # Who we are (GetCallerIdentity) is not a round trip the reads wait for; a failed
        # identity (wrong account, say) still fails the environment and cancels the reads.
        identity, (clusters, results) = await gather_all(
            [_identity(session), clusters_loaded()])
    except EcstuiError as error:
        failed = {"error": error.message, "error_exit_code": int(error.exit_code)}
        if previous is None:
            return EnvironmentInventory(name=settings.name, region=region, **failed)
        return dataclasses.replace(previous, region=region or previous.region, **failed)

    fetched = now()
    services: list[Service] = []
    errors: list[tuple[str, str]] = []
    times: list[tuple[str, datetime | None]] = []
    for cluster, result in zip(clusters, results, strict=True):
        if isinstance(result, EcstuiError):
            errors.append((cluster, result.message))
            old = [s for s in previous.services if s.cluster == cluster] if previous else []
            services.extend(old)
            times.append((cluster, previous.data_time(cluster) if previous else None))
        elif isinstance(result, BaseException):
            raise result
        else:
            services.extend(result)
            times.append((cluster, fetched))
    return EnvironmentInventory(
        name=settings.name,
        region=region,
        services=tuple(sorted(services, key=lambda s: (s.name, s.cluster))),
        clusters=tuple(clusters),
        identity=identity,
        fetched_at=fetched,
        cluster_errors=tuple(errors),
        cluster_fetched_at=tuple(times),
    )


async def _identity(session: Any) -> CallerIdentity:
    """Who we are (the session caches it, so a refresh costs no STS call)."""
    return await session.identity()


async def _clusters(
    gateway: EcsGateway, settings: EnvironmentSettings, previous: EnvironmentInventory | None
) -> list[str]:
    """Configured clusters, else the ones discovered before, else ListClusters."""
    if settings.clusters:
        return list(settings.clusters)
    if previous is not None and previous.clusters:
        return list(previous.clusters)
    return sorted(name_of(arn) for arn in await gateway.list_clusters())


async def _cluster(
    settings: Settings,
    environment: str,
    ecs: EcsGateway,
    ecr: EcrGateway,
    cluster: str,
    only: str | None,
) -> list[Service]:
    """One cluster's services: the service and task branches run side by side.

    Task definitions stay off this path unless they are needed: the tasks on a
    service's current revision report the image it defines. Loading one service
    (`only`) fetches them all, since promote, rollback and logs read them.
    """

    async def described() -> list[dict[str, Any]]:
        names = [only] if only else await ecs.list_services(cluster)
        raws = await ecs.describe_services(cluster, names) if names else []
        raws = [r for r in raws if r.get("status", "ACTIVE") == "ACTIVE"]
        if only:  # fetched beside the task branch (cached by ARN for the lookup below)
            await ecs.task_definitions(a for r in raws for a in _revisions_of(r))
        return raws

    async def tasks(status: str) -> list[Task]:
        arns = await ecs.list_tasks(cluster, status, service=only)
        return await ecs.describe_tasks(cluster, arns) if arns else []

    raws, running, stopped = await asyncio.gather(described(), tasks("RUNNING"), tasks("STOPPED"))
    all_tasks = running + stopped
    by_service = _group_tasks(raws, all_tasks)
    wanted = {t.task_definition_arn for t in all_tasks if _lacks_image(t)}
    if only:
        wanted |= {a for r in raws for a in _revisions_of(r)} | {
            t.task_definition_arn for t in all_tasks}
    else:  # services whose tasks cannot stand in for their definition
        wanted |= {r["taskDefinition"] for r in raws
                   if _needs_definition(settings, r, by_service.get(r["serviceName"], []))}
    definitions = await ecs.task_definitions(sorted(wanted))
    await resolve_tags(ecr, definitions.values(), all_tasks)
    return [
        _service(settings, environment, cluster, raw, definitions, tasks_of, ecr)
        for raw in raws
        for tasks_of in [by_service.get(raw["serviceName"], [])]
    ]


def _revisions_of(raw: dict[str, Any]) -> list[str]:
    """The service's current revision and those of its deployments."""
    return [raw["taskDefinition"], *(d["taskDefinition"] for d in raw.get("deployments", []))]


def _needs_definition(settings: Settings, raw: dict[str, Any], tasks: list[Task]) -> bool:
    """No task on the service's current revision says which image that revision names."""
    container = settings.service(raw["serviceName"]).container
    return app_run_on_revision(tasks, raw["taskDefinition"], container) is None


def _lacks_image(task: Task) -> bool:
    """DescribeTasks left out a container's image string: only the definition has it."""
    return any(not run.image.repository for run in task.containers)


def _group_tasks(raws: Sequence[dict[str, Any]], tasks: Sequence[Task]) -> dict[str, list[Task]]:
    """Tasks by service: `group` is `service:<name>`; else match a deployment id."""
    deployment_owner = {
        d.get("id"): raw["serviceName"] for raw in raws for d in raw.get("deployments", [])
    }
    grouped: dict[str, list[Task]] = {}
    for task in tasks:
        name = task.group.removeprefix("service:") if task.group.startswith("service:") else None
        name = name or deployment_owner.get(task.started_by)
        if name:
            grouped.setdefault(name, []).append(task)
    return grouped


def _service(
    settings: Settings,
    environment: str,
    cluster: str,
    raw: dict[str, Any],
    definitions: dict[str, TaskDefinition],
    tasks: list[Task],
    ecr: EcrGateway,
) -> Service:
    configured = settings.service(raw["serviceName"])
    running = [t for t in tasks if t.last_status != "STOPPED"]
    stopped = sorted(
        (t for t in tasks if t.last_status == "STOPPED"),
        key=lambda t: t.stopped_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )[:STOPPED_TASKS_KEPT]
    enriched = tuple(
        enrich_task(ecr, t, definitions.get(t.task_definition_arn)) for t in running + stopped
    )
    return Service(
        environment=environment,
        cluster=cluster,
        name=raw["serviceName"],
        arn=raw["serviceArn"],
        status=raw.get("status", ""),
        desired_count=raw.get("desiredCount", 0),
        running_count=raw.get("runningCount", 0),
        pending_count=raw.get("pendingCount", 0),
        task_definition=enrich_definition(ecr, definitions.get(raw["taskDefinition"])),
        task_definition_arn=raw["taskDefinition"],
        deployments=deployments_from_api(raw),
        tasks=enriched,
        events=events_from_api(raw),
        circuit_breaker=circuit_breaker_from_api(raw),
        deployment_controller=(raw.get("deploymentController") or {}).get("type", "ECS"),
        app_container=configured.container,
        launch_type=raw.get("launchType"),
        repository=configured.repository,
    )
