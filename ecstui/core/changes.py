"""What promote and rollback share after the plan: re-check, record, watch, record again.

Confirmation is the face's job; everything from "the operator said yes" on is
here, so the CLI and the TUI cannot differ in what they check or record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecstui.core import audit
from ecstui.core.watch import read_service, read_services, watch_rollout
from ecstui.domain.inventory import Service
from ecstui.domain.plans import Plan
from ecstui.domain.rollout import RolloutProgress, RolloutState
from ecstui.errors import RefusedError

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

DEFAULT_TIMEOUT = 900.0


@dataclass(frozen=True)
class Applied:
    """A change ECS accepted: what to watch, and the audit action it belongs to."""

    plan: Plan
    action_id: str
    who: str
    task_definition_arn: str  # the revision the service is moving to
    deployment_id: str | None  # the PRIMARY deployment we started (None: ECS starts it)
    applied_at: datetime


def default_environment(workspace: Workspace, env: str | None) -> str:
    """`--env`, else the promote target (prod), else the only environment."""
    settings = workspace.settings
    if env:
        settings.environment(env)  # raises ConfigError naming the configured ones
        return env
    if settings.promote_to:
        return settings.promote_to
    names = workspace.environment_names
    if "prod" in names:
        return "prod"
    if len(names) == 1:
        return names[0]
    raise RefusedError(
        f"Several environments are configured ({', '.join(names)}) and none is the promote "
        "target; pass --env."
    )


async def find_service(workspace: Workspace, environment: str, name: str) -> Service:
    """The one service called `name` in `environment` (refusing when it is ambiguous)."""
    _, found = await read_services(workspace, environment, name)
    if not found:
        from ecstui.errors import NotFoundError

        raise NotFoundError(f"No service named {name!r} in {environment}; check the name with "
                            "`ecstui status`.")
    if len(found) > 1:
        clusters = ", ".join(s.cluster for s in found)
        raise RefusedError(f"{name} runs in several clusters of {environment} ({clusters}); "
                           "restrict the environment's clusters in ecstui.toml.")
    return found[0]


def changed_since(plan: Plan, fresh: Service) -> str | None:
    """One sentence saying what changed since the plan, or None."""
    snapshot = plan.snapshot
    if fresh.task_definition_arn != snapshot.task_definition_arn:
        return (f"another deployment started: its task definition is now "
                f"{fresh.definition_label}, not "
                f"{snapshot.task_definition_arn.rsplit('/', 1)[-1]}")
    ids = tuple(sorted(d.id for d in fresh.deployments))
    if ids != snapshot.deployment_ids:
        started = sorted(set(ids) - set(snapshot.deployment_ids))
        if started:
            return f"another deployment started ({', '.join(started)})"
        return "its deployments changed (a rollout finished or was replaced)"
    return None


async def recheck(workspace: Workspace, plan: Plan) -> Service:
    """Re-read the service just before applying; refuse if the plan no longer holds."""
    if not plan.ok:
        raise RefusedError(plan.refusal or "The plan has failed checks; nothing was changed.")
    fresh = await read_service(workspace, plan.environment, plan.cluster, plan.service)
    reason = changed_since(plan, fresh)
    if reason:
        raise RefusedError(
            f"{plan.service} in {plan.environment} changed since the plan: {reason}; nothing "
            "was changed. Plan again and check the new state."
        )
    return fresh


async def caller(workspace: Workspace, environment: str) -> str:
    identity = await workspace.session(environment).identity()
    return identity.arn


def record_started(applied: Applied) -> None:
    audit.append(audit.record(
        applied.plan, who=applied.who, action_id=applied.action_id, outcome="started",
        deployment_id=applied.deployment_id, task_definition_arn=applied.task_definition_arn,
    ))


def record_outcome(applied: Applied, outcome: str, message: str | None) -> None:
    audit.append(audit.record(
        applied.plan, who=applied.who, action_id=applied.action_id, outcome=outcome,
        deployment_id=applied.deployment_id, task_definition_arn=applied.task_definition_arn,
        message=message,
    ))


def record_apply_failed(plan: Plan, who: str, action_id: str, message: str) -> None:
    audit.append(audit.record(plan, who=who, action_id=action_id, outcome="apply-failed",
                              message=message))


async def watch(
    workspace: Workspace, applied: Applied, timeout_seconds: float = DEFAULT_TIMEOUT,
    interval: float = 2.0,
) -> AsyncIterator[RolloutProgress]:
    """Watch an applied change; the final event's outcome goes to the audit log.

    Closing the iterator early (Ctrl+C, leaving the screen) records `detached`:
    ecstui stopped watching, the deployment carries on in ECS.
    """
    plan = applied.plan
    last: RolloutProgress | None = None
    try:
        async for progress in watch_rollout(
            workspace, environment=plan.environment, cluster=plan.cluster,
            service=plan.service, target_task_definition=applied.task_definition_arn,
            deployment_id=applied.deployment_id, timeout_seconds=timeout_seconds,
            interval=interval, since=applied.applied_at,
        ):
            last = progress
            if progress.done:
                detail = "; ".join((progress.message, *progress.stopped_reasons))
                record_outcome(applied, str(progress.state), detail)
            yield progress
    finally:
        if last is None or not last.done:
            record_detached(applied)


def record_detached(applied: Applied) -> None:
    """ecstui stopped watching before the rollout ended; ECS carries on."""
    record_outcome(applied, str(RolloutState.DETACHED),
                   "ecstui stopped watching; the deployment was left running in ECS.")


def now() -> datetime:
    return datetime.now(UTC)
