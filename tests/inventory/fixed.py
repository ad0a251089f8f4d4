"""A fixed Inventory of the seeded world, with a frozen clock: for snapshots and screenshots.

Built from `ecstui.sandbox.world` (the same SHAs, digests, revisions and counts
the sandbox serves), with deterministic task ids and timestamps, so snapshot
tests and `make screenshots` render the same pixels on every machine.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from ecstui.domain.images import ImageRef
from ecstui.domain.inventory import EnvironmentInventory, Inventory, Service
from ecstui.domain.models import (
    CallerIdentity,
    CircuitBreaker,
    ContainerDefinition,
    ContainerRun,
    Deployment,
    LogConfig,
    ServiceEvent,
    Task,
    TaskDefinition,
)
from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest

NOW = world.EPOCH  # the frozen clock
AZS = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


def _id(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()[:32]


def _definition(env: world.EnvironmentSpec, spec: world.ServiceSpec, index: int) -> TaskDefinition:
    sha = world.sha_for(spec.name, index)
    tag = "latest" if env.name in spec.latest_tag else sha
    repo = world.ecr_repository_uri(env.account_id, spec.repository)
    revision = index + 1
    log = LogConfig("awslogs", {"awslogs-group": f"/ecs/{spec.name}",
                                "awslogs-stream-prefix": "ecs", "awslogs-region": world.REGION})
    return TaskDefinition(
        arn=f"arn:aws:ecs:{world.REGION}:{env.account_id}:task-definition/{spec.name}:{revision}",
        family=spec.name,
        revision=revision,
        status="ACTIVE",
        containers=(ContainerDefinition(spec.container, ImageRef(repo, tag), True, log),),
        registered_at=NOW - timedelta(hours=6 * (len(spec.commit_titles) - index)),
    )


def _task(env: world.EnvironmentSpec, spec: world.ServiceSpec, index: int, n: int,
          started: timedelta, stopped_reason: str | None = None) -> Task:
    definition = _definition(env, spec, index)
    sha = world.sha_for(spec.name, index)
    image = ImageRef(definition.containers[0].image.repository, definition.containers[0].image.tag,
                     expected_digest(spec.name, sha))
    if image.tag == "latest":  # what the inventory learns from ECR for a digest
        image = image.with_tag(sha)
    task_id = _id(env.name, spec.name, index, n, stopped_reason)
    status = "STOPPED" if stopped_reason else "RUNNING"
    return Task(
        arn=f"arn:aws:ecs:{world.REGION}:{env.account_id}:task/{env.cluster}/{task_id}",
        task_definition_arn=definition.arn,
        last_status=status,
        desired_status=status,
        containers=(ContainerRun(spec.container, image, status,
                                 "UNHEALTHY" if stopped_reason else "HEALTHY"),),
        group=f"service:{spec.name}",
        health_status="UNHEALTHY" if stopped_reason else "HEALTHY",
        availability_zone=AZS[n % len(AZS)],
        started_at=NOW - started,
        stopped_at=NOW - started + timedelta(seconds=40) if stopped_reason else None,
        stopped_reason=stopped_reason,
    )


def _service(env: world.EnvironmentSpec, spec: world.ServiceSpec) -> Service:
    desired = spec.desired[env.name]
    index = spec.running[env.name]
    deployed = timedelta(hours=2 + 3 * index + (5 if env is world.PROD else 0))
    deploy_id = f"ecs-svc/{int(_id(env.name, spec.name), 16) % 10**19:019d}"
    tasks: list[Task] = []
    deployments: list[Deployment]
    if env.name in spec.mixed:
        old, new = spec.mixed[env.name]
        half = desired // 2
        tasks = [_task(env, spec, new, n, timedelta(minutes=3)) for n in range(half)]
        tasks += [_task(env, spec, old, n + half, deployed) for n in range(desired - half)]
        index = new
        deployments = [
            Deployment(deploy_id, "PRIMARY", _definition(env, spec, new).arn, desired, half, 0, 0,
                       "IN_PROGRESS", f"ECS deployment {deploy_id} in progress.",
                       NOW - timedelta(minutes=12), NOW - timedelta(minutes=3)),
            Deployment(deploy_id[:-1] + "0", "ACTIVE", _definition(env, spec, old).arn, desired,
                       desired - half, 0, 0, "COMPLETED", None, NOW - deployed, NOW - deployed),
        ]
    else:
        tasks = [_task(env, spec, index, n, deployed) for n in range(desired)]
        deployments = [
            Deployment(deploy_id, "PRIMARY", _definition(env, spec, index).arn, desired, desired,
                       0, 0, "COMPLETED", f"ECS deployment {deploy_id} completed.",
                       NOW - deployed, NOW - deployed + timedelta(minutes=4)),
        ]
    for broken in sorted(spec.broken):
        if broken < index:  # the circuit breaker rolled this one back
            tasks.append(_task(env, spec, broken, 0, deployed + timedelta(hours=1),
                               "Essential container in task exited"))
    running = sum(1 for t in tasks if t.last_status == "RUNNING")
    events = (
        ServiceEvent(_id("e1", env.name, spec.name), NOW - timedelta(minutes=1),
                     f"(service {spec.name}) has reached a steady state."),
        ServiceEvent(_id("e2", env.name, spec.name), NOW - deployed,
                     f"(service {spec.name}) has started {desired} tasks: "
                     f"(task {tasks[0].id[:8]})."),
    )
    return Service(
        environment=env.name,
        cluster=env.cluster,
        name=spec.name,
        arn=f"arn:aws:ecs:{world.REGION}:{env.account_id}:service/{env.cluster}/{spec.name}",
        status="ACTIVE",
        desired_count=desired,
        running_count=running,
        pending_count=0,
        task_definition=_definition(env, spec, index),
        deployments=tuple(deployments),
        tasks=tuple(tasks),
        events=events,
        circuit_breaker=CircuitBreaker(enable=True, rollback=True),
        app_container=spec.container,
        launch_type="FARGATE",
        repository=spec.repository,
    )


def fixed_inventory() -> Inventory:
    environments = []
    for env in world.ENVIRONMENTS:
        identity = CallerIdentity(
            account=env.account_id,
            arn=f"arn:aws:sts::{env.account_id}:assumed-role/{env.role_name}/ecstui-{env.name}",
            user_id="AROAEXAMPLE:ecstui",
            credential_method="assume-role-with-web-identity",
            expires_at=NOW + timedelta(minutes=47),
        )
        services = tuple(sorted((_service(env, s) for s in world.SERVICES), key=lambda s: s.name))
        environments.append(EnvironmentInventory(
            name=env.name, region=world.REGION, services=services, clusters=(env.cluster,),
            identity=identity, fetched_at=NOW, cluster_fetched_at=((env.cluster, NOW),),
        ))
    return Inventory(tuple(environments), promote_from="pre-prod", promote_to="prod")


def fixed_app(refresh_seconds: float = 3600.0):  # type: ignore[no-untyped-def]
    """The TUI on the fixed inventory with the frozen clock (no AWS, no sandbox)."""
    from ecstui.config import EnvironmentSettings, Settings
    from ecstui.core.workspace import Workspace
    from ecstui.tui.app import EcstuiApp

    inventory = fixed_inventory()

    async def loader(previous: Inventory | None) -> Inventory:
        return inventory

    settings = Settings(path=None, environments=tuple(
        EnvironmentSettings(name=e.name) for e in world.ENVIRONMENTS))
    return EcstuiApp(Workspace(settings), loader=loader, clock=lambda: NOW,
                     refresh_seconds=refresh_seconds)


async def until_loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the first inventory to be on screen."""
    for _ in range(200):
        if pilot.app.inventory is not None:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.pause()


async def open_detail(pilot, service: str, environment: str) -> None:  # type: ignore[no-untyped-def]
    """Move the cursor to a service row and press enter."""
    from ecstui.tui.widgets.inventory import ServiceTable

    await until_loaded(pilot)
    table = pilot.app.screen.query_one(ServiceTable)
    keys = [str(k.value) for k in table.rows]
    target = next(k for k in keys if k.startswith(f"{environment}/") and k.endswith(f"/{service}"))
    table.focus()
    table.move_cursor(row=keys.index(target))
    await pilot.press("enter")
    for _ in range(100):
        if type(pilot.app.screen).__name__ == "DetailScreen":
            break
        await pilot.pause(0.01)
    await pilot.pause()
