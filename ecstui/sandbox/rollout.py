"""One service's rolling deployment, advanced a tick at a time (the ECS rolling controller).

Works on moto's in-process objects under `patches.BACKEND_LOCK`. The rules follow the
ECS developer guide: a new PRIMARY deployment starts tasks up to `maximumPercent`,
older ACTIVE deployments are drained while `minimumHealthyPercent` stays healthy, the
deployment is COMPLETED when it alone runs the desired count, and the circuit breaker
fails it after max(3, min(200, desired/2)) failed tasks, rolling back when asked to.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ecstui.sandbox.ecsmodel import (
    PENDING_STATES,
    ServiceTask,
    new_deployment_id,
    now,
    resolve_digest,
)
from ecstui.sandbox.taskstate import advance_task, start_task, stop_task

KEEP_STOPPED = timedelta(hours=1)  # ECS keeps stopped tasks describable for at least an hour
MAX_EVENTS = 100


@dataclass
class ServiceState:
    """What the lifecycle knows of one service beyond moto's fields."""

    tasks: list[ServiceTask] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)  # every deployment, oldest first
    held: bool = False  # a seeded mid-rollout that waits for the next UpdateService


def state_of(service: Any) -> ServiceState:
    state = getattr(service, "sandbox_state", None)
    if state is None:
        state = ServiceState()
        service.sandbox_state = state
    return state


def add_event(service: Any, message: str, at: datetime | None = None) -> None:
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": at or now(),
                              "message": f"(service {service.name}) {message}"})
    del service.events[MAX_EVENTS:]


def task_list(tasks: list[ServiceTask]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def circuit_breaker(service: Any) -> dict[str, Any]:
    config = getattr(service, "deployment_configuration", None) or {}
    return config.get("deploymentCircuitBreaker") or {"enable": False, "rollback": False}


def failure_threshold(desired: int) -> int:
    return max(3, min(200, math.ceil(desired / 2)))


def new_deployment(
    backend: Any, service: Any, task_definition: str, at: datetime | None = None
) -> dict[str, Any]:
    """A PRIMARY deployment; image tags are resolved to digests now, as ECS does."""
    definition = backend.describe_task_definition(task_definition)
    at = at or now()
    deployment_id = new_deployment_id(random.Random())
    network = getattr(service, "network_configuration", None) or None
    digests = {
        c["name"]: resolve_digest(backend.account_id, c["image"])
        for c in definition.container_definitions
    }
    return {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": definition.arn,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": at,
        "updatedAt": at,
        "launchType": service.launch_type,
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": network,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
        # Bookkeeping, never serialized (not members of the Deployment shape):
        "_digests": digests,
        "_revision": deployment_id.split("/", 1)[1],  # its service revision's id
        "_sources": [],
        "_finished_at": None,
        "_outcome": "IN_PROGRESS",
        "_rollback": None,
    }


def start_deployment(backend: Any, service: Any, task_definition: str) -> dict[str, Any]:
    """Make a new PRIMARY deployment; the one before becomes ACTIVE (drained by ticks)."""
    state = state_of(service)
    state.held = False
    deployment = new_deployment(backend, service, task_definition)
    deployment["_sources"] = [d["_revision"] for d in service.deployments]
    for older in service.deployments:
        older["status"] = "ACTIVE"
        older["updatedAt"] = deployment["createdAt"]
        if older["_outcome"] == "IN_PROGRESS":
            older["_outcome"] = "STOPPED"  # superseded before it finished
    service.deployments.insert(0, deployment)
    state.history.append(deployment)
    service.task_definition = deployment["taskDefinition"]
    return deployment


def step(backend: Any, service: Any, speed: float) -> None:
    """Advance tasks, then the deployments, of one service by one tick."""
    state = state_of(service)
    if not service.deployments:
        return
    t = now()
    for task in state.tasks:
        if task.last_status != "STOPPED" and t >= task.next_at:
            advance_task(task, t, speed, _deployment(service, task.deployment_id))
    primary = service.deployments[0]
    primary["desiredCount"] = service.desired_count
    if not state.held:
        _scale_primary(backend, service, state, primary, t)
        _drain_older(service, state, primary, t)
    _retire_drained(service, state, t)
    _count(service, state)
    _check_done(backend, service, state, primary, t)
    _forget_old_tasks(backend, service, state, t)


def _deployment(service: Any, deployment_id: str) -> dict[str, Any] | None:
    return next((d for d in service.deployments if d["id"] == deployment_id), None)


def _scale_primary(backend: Any, service: Any, state: ServiceState,
                   primary: dict[str, Any], t: datetime) -> None:
    if primary["rolloutState"] == "FAILED":
        return
    desired = service.desired_count
    live = [task for task in state.tasks if task.deployment_id == primary["id"] and task.live]
    max_percent = (getattr(service, "deployment_configuration", None) or {}).get(
        "maximumPercent", 200)
    if len(live) < desired:
        all_live = sum(1 for task in state.tasks if task.live)
        room = max(math.floor(desired * max_percent / 100) - all_live, 0)
        count = min(desired - len(live), room or (1 if not live else 0))
        started = [start_task(backend, service, primary, state.tasks) for _ in range(count)]
        if started:
            add_event(service, f"has started {len(started)} tasks: {task_list(started)}.")
    elif len(live) > desired:
        extra = sorted(live, key=lambda task: task.created_at)[desired:]
        for task in extra:
            stop_task(task, f"Scaling activity initiated by (deployment {primary['id']})", t)
        add_event(service, f"has stopped {len(extra)} running tasks: {task_list(extra)}.")


def _drain_older(service: Any, state: ServiceState, primary: dict[str, Any], t: datetime) -> None:
    if len(service.deployments) < 2:
        return
    config = getattr(service, "deployment_configuration", None) or {}
    min_healthy = math.ceil(service.desired_count * config.get("minimumHealthyPercent", 100) / 100)
    healthy = sum(1 for task in state.tasks if task.deployment_id == primary["id"]
                  and task.live and task.health_status == "HEALTHY")
    older_ids = [d["id"] for d in reversed(service.deployments[1:])]  # oldest first
    older = [task for task in state.tasks if task.deployment_id in older_ids and task.live]
    older.sort(key=lambda task: (older_ids.index(task.deployment_id), task.created_at))
    running = [task for task in older if task.last_status == "RUNNING" and not task.crashes]
    doomed = [task for task in older if task not in running]  # pending or crashing: no use
    allowed = healthy + len(running) - min_healthy
    doomed += running[: max(allowed, 0)]
    stopped = []
    for task in doomed:
        if task.desired_status == "RUNNING":
            stop_task(task, f"Scaling activity initiated by (deployment {task.deployment_id})", t)
            stopped.append(task)
    if stopped:
        add_event(service, f"has stopped {len(stopped)} running tasks: {task_list(stopped)}.")


def _retire_drained(service: Any, state: ServiceState, t: datetime) -> None:
    for deployment in list(service.deployments[1:]):
        busy = any(task.deployment_id == deployment["id"] and task.last_status != "STOPPED"
                   for task in state.tasks)
        if not busy:
            service.deployments.remove(deployment)
            deployment["status"] = "INACTIVE"
            deployment["updatedAt"] = t
            deployment["_finished_at"] = deployment["_finished_at"] or t


def _count(service: Any, state: ServiceState) -> None:
    for deployment in service.deployments:
        mine = [task for task in state.tasks if task.deployment_id == deployment["id"]]
        deployment["runningCount"] = sum(1 for task in mine if task.last_status == "RUNNING")
        deployment["pendingCount"] = sum(
            1 for task in mine if task.live and task.last_status in PENDING_STATES)
        if deployment["status"] == "ACTIVE":
            deployment["desiredCount"] = sum(1 for task in mine if task.live)
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = sum(d["pendingCount"] for d in service.deployments)


def _check_done(backend: Any, service: Any, state: ServiceState,
                primary: dict[str, Any], t: datetime) -> None:
    if primary["rolloutState"] != "IN_PROGRESS" or state.held:
        return
    breaker = circuit_breaker(service)
    if breaker.get("enable") and primary["failedTasks"] >= failure_threshold(
        service.desired_count
    ):
        _fail_deployment(backend, service, state, primary, t, bool(breaker.get("rollback")))
        return
    mine = [task for task in state.tasks if task.deployment_id == primary["id"] and task.live]
    healthy = [task for task in mine if task.health_status == "HEALTHY"]
    if len(service.deployments) == 1 and len(healthy) == len(mine) == service.desired_count:
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        primary["updatedAt"] = primary["_finished_at"] = t
        if primary["_outcome"] == "IN_PROGRESS":
            primary["_outcome"] = "SUCCESSFUL"
        if primary["_rollback"]:
            failed = next((d for d in state.history if d["id"] == primary["_rollback"]["from"]),
                          None)
            if failed is not None:
                failed["_outcome"] = "ROLLBACK_SUCCESSFUL"
        add_event(service, f"(deployment {primary['id']}) deployment completed.", t)
        add_event(service, "has reached a steady state.", t)


def _fail_deployment(backend: Any, service: Any, state: ServiceState,
                     primary: dict[str, Any], t: datetime, rollback: bool) -> None:
    primary["rolloutState"] = "FAILED"
    primary["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
    primary["updatedAt"] = primary["_finished_at"] = t
    primary["_outcome"] = "ROLLBACK_REQUESTED" if rollback else "STOPPED"
    add_event(service, f"(deployment {primary['id']}) deployment failed: tasks failed to start.", t)
    good = next((d for d in reversed(state.history)
                 if d["rolloutState"] == "COMPLETED" and d is not primary), None)
    if not rollback or good is None:
        return
    target = start_deployment(backend, service, good["taskDefinition"])
    target["_rollback"] = {"reason": "ECS deployment circuit breaker: tasks failed to start.",
                           "startedAt": t, "from": primary["id"], "to": good["_revision"]}
    primary["_outcome"] = "ROLLBACK_IN_PROGRESS"
    add_event(service, f"rolling back to deployment {good['id']}.", t)


def stop_deployment(backend: Any, service: Any, deployment: dict[str, Any], stop_type: str) -> None:
    """StopServiceDeployment: ROLLBACK returns to the last COMPLETED deployment's task
    definition; ABORT freezes the rollout where it is."""
    state, t = state_of(service), now()
    reason = f"ECS deployment {deployment['id']} stopped by a StopServiceDeployment request."
    deployment.update(rolloutState="FAILED", rolloutStateReason=reason, updatedAt=t,
                      _finished_at=t)
    if stop_type == "ABORT":
        deployment["_outcome"] = "STOPPED"
        state.held = True
        add_event(service, f"(deployment {deployment['id']}) deployment stopped.", t)
        return
    good = next((d for d in reversed(state.history)
                 if d["rolloutState"] == "COMPLETED" and d is not deployment), None)
    if good is None:
        deployment["_outcome"] = "STOPPED"
        return
    deployment["_outcome"] = "ROLLBACK_IN_PROGRESS"
    target = start_deployment(backend, service, good["taskDefinition"])
    target["_rollback"] = {"reason": "Rollback requested by StopServiceDeployment.",
                           "startedAt": t, "from": deployment["id"], "to": good["_revision"]}
    add_event(service, f"rolling back to deployment {good['id']}.", t)


def _forget_old_tasks(backend: Any, service: Any, state: ServiceState, t: datetime) -> None:
    stopped = [task for task in state.tasks if task.last_status == "STOPPED"]
    expired = {id(task) for task in stopped
               if task.stopped_at and t - task.stopped_at > KEEP_STOPPED}
    expired |= {id(task) for task in stopped[:-100]}
    if not expired:
        return
    cluster_tasks = backend.tasks.get(service.cluster_name, {})
    for task in [task for task in state.tasks if id(task) in expired]:
        state.tasks.remove(task)
        cluster_tasks.pop(task.task_arn, None)
