"""The logs of one service, by name: which environment, which streams, and the tail.

Both faces call `open_service_tail`; the streams come from the inventory's view
of the service (its tasks and the revision each runs), re-read while following
so tasks started by a rollout are picked up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecstui.core.inventory import load_inventory
from ecstui.core.tail import LogTail, TailOptions
from ecstui.domain.inventory import Service
from ecstui.domain.logs import LogPlan, derive_plan
from ecstui.errors import NotFoundError, UsageError
from ecstui.gateways.aws.ecs import ecs_gateway
from ecstui.gateways.aws.logs import LogsGateway

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace


async def find_service(workspace: Workspace, service: str, env: str | None = None) -> Service:
    """The one service of that name: in `env`; else where it runs (prod first)."""
    inventory = await load_inventory(workspace, env, service)
    found = inventory.find(service, env)
    if not found:
        errors = [e for e in inventory.environments if e.error]
        if errors:
            raise NotFoundError(
                f"Service {service!r} was not found; {errors[0].name}: {errors[0].error}"
            )
        raise NotFoundError(
            f"No service named {service!r} runs here; check the name with `ecstui status`."
        )
    environments = sorted({s.environment for s in found})
    if len(environments) > 1:
        # During an incident the production copy is the one that matters: prefer the
        # environment promotions go to (prod), else the first configured one.
        order = [e.name for e in workspace.settings.environments]
        preferred = workspace.settings.promote_to
        chosen = preferred if preferred in environments else min(
            environments, key=lambda name: order.index(name) if name in order else len(order))
        found = tuple(s for s in found if s.environment == chosen)
    if len(found) > 1:
        clusters = ", ".join(s.cluster for s in found)
        raise UsageError(
            f"Service {service!r} runs in several clusters of {found[0].environment} ({clusters}); "
            "ecstui tails one: set `clusters` for the environment in ecstui.toml."
        )
    return found[0]


async def plan_for(
    workspace: Workspace, service: Service, task: str | None = None
) -> LogPlan:
    """The streams of the service's tasks, each from the task definition it runs."""
    ecs = ecs_gateway(workspace.session(service.environment))
    # The fleet inventory may not carry the service's own definition: fetch it with the
    # tasks' (cached by ARN, so a service loaded by name costs nothing more).
    arns = {t.task_definition_arn for t in service.tasks} - {service.task_definition_arn}
    definitions = await ecs.task_definitions([service.task_definition_arn, *sorted(arns)])
    plan = derive_plan(tuple(definitions.values()), service.tasks, task_filter=task)
    if task and not plan.tasks:
        known = ", ".join(t.short_id for t in service.tasks) or "none"
        raise NotFoundError(
            f"No task of {service.name} starts with {task!r} (tasks: {known}); "
            "pass a task id or its first characters."
        )
    return plan


def open_service_tail(
    workspace: Workspace,
    service: Service,
    options: TailOptions,
    task: str | None = None,
) -> LogTail:
    """The tail of a service already found; its streams are re-derived while following."""
    session = workspace.session(service.environment)
    current = service

    async def plan_source() -> LogPlan:
        nonlocal current
        try:
            current = await find_service(workspace, service.name, service.environment)
        except NotFoundError:
            if current is service:
                raise
        return await plan_for(workspace, current, task)

    first = True

    async def plan_once_then_refresh() -> LogPlan:
        nonlocal first
        if first:  # the caller just loaded the service: no second fetch at start
            first = False
            return await plan_for(workspace, service, task)
        return await plan_source()

    return LogTail(LogsGateway(session), plan_once_then_refresh, options)
