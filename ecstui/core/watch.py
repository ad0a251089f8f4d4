"""Follow a rollout: an async iterator of progress events, shared by the CLI and the TUI.

It polls the service (deployments, tasks with their SHAs, new service events)
until the deployment we started is COMPLETED and the only one (success), is
gone or FAILED (failure, with the stopped tasks' reasons), or the timeout
passes (failure: the deployment is left running, and the event says so).
Stopping the iteration stops watching, never the deployment.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

from ecstui.domain.inventory import EnvironmentInventory, Service
from ecstui.domain.rollout import RolloutProgress, RolloutState, assess, image_counts
from ecstui.errors import AuthError, EcstuiError, ExitCode, NotFoundError, OperationError

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

POLL_SECONDS = 2.0
MAX_STOPPED_REASONS = 5


async def read_services(
    workspace: Workspace, environment: str, name: str
) -> tuple[EnvironmentInventory | None, tuple[Service, ...]]:
    """A fresh read of the services called `name` in one environment, raising its error."""
    from ecstui.core.inventory import load_inventory

    inventory = await load_inventory(workspace, env=environment, service=name)
    env = inventory.environment(environment)
    if env is not None and env.error:
        if env.error_exit_code == int(ExitCode.AUTH):
            raise AuthError(env.error)
        raise OperationError(env.error)
    return env, inventory.find(name, environment)


async def read_service(workspace: Workspace, environment: str, cluster: str, name: str) -> Service:
    """A fresh read of one service (deployments, tasks with SHAs, events)."""
    env, services = await read_services(workspace, environment, name)
    found = [s for s in services if s.cluster == cluster]
    if not found:
        error = env.cluster_error(cluster) if env else None
        raise NotFoundError(error or f"Service {name} is not in cluster {cluster} of "
                            f"{environment}; check the name with `ecstui status`.")
    return found[0]


async def watch_rollout(
    workspace: Workspace,
    *,
    environment: str,
    cluster: str,
    service: str,
    target_task_definition: str,
    deployment_id: str | None,
    timeout_seconds: float = 900.0,
    interval: float = POLL_SECONDS,
    since: datetime | None = None,
) -> AsyncIterator[RolloutProgress]:
    """Yield one RolloutProgress per poll; the last one has a final state."""
    started = time.monotonic()
    seen_events: set[str] = set()
    first = True
    while True:
        try:
            current = await read_service(workspace, environment, cluster, service)
        except AuthError:
            raise
        except EcstuiError as error:
            elapsed = time.monotonic() - started
            # A failed poll is not a failed rollout: say so and try again.
            if elapsed >= timeout_seconds:
                yield _timed_out(elapsed, deployment_id, target_task_definition)
                return
            yield RolloutProgress(RolloutState.RUNNING, f"could not read the service: "
                                  f"{error.message}", elapsed, deployment_id=deployment_id,
                                  target_task_definition=target_task_definition)
            await asyncio.sleep(_pause(interval, started, timeout_seconds))
            continue
        new_events = []
        for event in reversed(current.events):  # oldest first
            if event.id in seen_events:
                continue
            seen_events.add(event.id)
            if first and (since is None or event.created_at < since):
                continue  # history from before this change
            new_events.append(event)
        first = False
        elapsed = time.monotonic() - started
        state, message = assess(current, target_task_definition, deployment_id)
        reasons: tuple[str, ...] = ()
        if state is RolloutState.FAILED:
            reasons = stopped_reasons(current, target_task_definition)
            if not reasons:  # tasks may still be stopping: one more look
                await asyncio.sleep(interval)
                with contextlib.suppress(EcstuiError):
                    current = await read_service(workspace, environment, cluster, service)
                reasons = stopped_reasons(current, target_task_definition)
        elif state is RolloutState.RUNNING and elapsed >= timeout_seconds:
            yield _timed_out(elapsed, deployment_id, target_task_definition, current)
            return
        yield RolloutProgress(
            state, message, elapsed, deployments=current.deployments,
            images=image_counts(current), new_events=tuple(new_events),
            stopped_reasons=reasons, deployment_id=deployment_id,
            target_task_definition=target_task_definition,
        )
        if state.final:
            return
        await asyncio.sleep(_pause(interval, started, timeout_seconds))


def stopped_reasons(service: Service, target_task_definition: str) -> tuple[str, ...]:
    """Why the target revision's tasks stopped: the task's reason and the app container's."""
    reasons = []
    for task in service.tasks:
        stopping = task.last_status == "STOPPED" or task.desired_status == "STOPPED"
        if not stopping or task.task_definition_arn != target_task_definition:
            continue
        text = f"task {task.short_id}: {task.stopped_reason or 'stopped'}"
        run = task.container(service.container_name)
        if run is not None and (run.exit_code is not None or run.reason):
            detail = f"exit code {run.exit_code}" if run.exit_code is not None else ""
            if run.reason:
                detail = f"{detail}, {run.reason}" if detail else run.reason
            text += f" ({run.name}: {detail})"
        reasons.append(text)
    return tuple(reasons[:MAX_STOPPED_REASONS])


def _pause(interval: float, started: float, timeout_seconds: float) -> float:
    """The next poll comes after `interval`, or at the deadline if that is sooner."""
    remaining = timeout_seconds - (time.monotonic() - started)
    return max(0.0, min(interval, remaining))


def _timed_out(
    elapsed: float, deployment_id: str | None, target: str, current: Service | None = None
) -> RolloutProgress:
    return RolloutProgress(
        RolloutState.TIMED_OUT,
        f"still not complete after {int(elapsed)} s; the deployment was left running (ecstui "
        "did not stop it): follow it with `ecstui status` or roll back.",
        elapsed, deployments=current.deployments if current else (),
        images=image_counts(current) if current else (), deployment_id=deployment_id,
        target_task_definition=target,
    )
