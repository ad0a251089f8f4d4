"""A service task's life, step by step: PROVISIONING to RUNNING and HEALTHY, or to STOPPED.

The states and fields are those of the ECS task lifecycle (developer guide, "Task
lifecycle"): a task pulls its images while PENDING, is RUNNING once its containers
start, and goes DEACTIVATING, STOPPING, DEPROVISIONING to STOPPED with a stop code.
A broken image's essential container exits soon after it starts; an image that is not
in the registry fails the task before it runs. Each failure counts on its deployment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ecstui.sandbox.ecsmodel import (
    BROKEN_DIGESTS,
    PENDING_STATES,
    STOPPING_STATES,
    ZONES,
    ServiceTask,
)

# Seconds each step takes at speed 1; the sandbox's speed divides them.
PROVISION, PULL, HEALTHY, CRASH, STOP_STEP = 1.5, 2.5, 2.0, 1.5, 0.7
CRASH_REASON = "Essential container in task exited"


def advance_task(task: ServiceTask, t: datetime, speed: float, deployment: Any) -> None:
    def later(seconds: float) -> datetime:
        return t + timedelta(seconds=seconds / max(speed, 0.01))

    status = task.last_status
    if task.desired_status == "STOPPED" or status in STOPPING_STATES:
        if status in (*PENDING_STATES, "RUNNING"):
            task.last_status, task.stopping_at = "DEACTIVATING", t
        elif status == "DEACTIVATING":
            task.last_status = "STOPPING"
        elif status == "STOPPING":
            task.last_status, task.execution_stopped_at = "DEPROVISIONING", t
            for container in task.containers:
                if container.last_status != "STOPPED":
                    container.last_status = "STOPPED"
                    container.exit_code = 0 if container.exit_code is None else container.exit_code
                container.health_status = "UNKNOWN"
        else:
            task.last_status, task.stopped_at = "STOPPED", t
            task.attachments[0]["status"] = "DELETED"
            task.connectivity = None
        task.next_at = later(STOP_STEP)
        return
    if status == "PROVISIONING":
        task.last_status, task.pull_started_at = "PENDING", t
        task.attachments[0]["status"] = "ATTACHED"
        task.next_at = later(PULL)
    elif status == "PENDING":
        missing = [c for c in task.containers if not c.image_digest]
        if missing:
            reason = (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                      f"failed to resolve ref {missing[0].image}: not found")
            missing[0].reason = reason
            _fail(task, t, "TaskFailedToStart", reason, deployment)
            return
        task.last_status, task.pull_stopped_at, task.started_at = "RUNNING", t, t
        task.connectivity, task.connectivity_at = "CONNECTED", t
        for container in task.containers:
            container.last_status = "RUNNING"
        task.next_at = later(CRASH if task.crashes else HEALTHY)
    elif status == "RUNNING" and task.crashes:
        task.app_container.exit_code = 1
        task.app_container.last_status = "STOPPED"
        _fail(task, t, "EssentialContainerExited", CRASH_REASON, deployment)
    elif status == "RUNNING" and task.health_status != "HEALTHY":
        task.health_status = "HEALTHY"
        for container in task.containers:
            container.health_status = "HEALTHY" if container.has_health_check else "UNKNOWN"
        task.next_at = t + timedelta(days=3650)


def _fail(task: ServiceTask, t: datetime, code: str, reason: str, deployment: Any) -> None:
    task.desired_status, task.stop_code, task.stopped_reason = "STOPPED", code, reason
    task.health_status = "UNHEALTHY" if task.started_at else "UNKNOWN"
    task.last_status, task.stopping_at = "DEACTIVATING", t
    task.next_at = t
    if deployment is not None and not task.counted_failure:
        task.counted_failure = True
        deployment["failedTasks"] += 1


def stop_task(task: ServiceTask, reason: str, t: datetime) -> None:
    task.desired_status = "STOPPED"
    task.stop_code = "ServiceSchedulerInitiated"
    task.stopped_reason = reason
    task.next_at = t


def start_task(backend: Any, service: Any, deployment: dict[str, Any],
               tasks: list[ServiceTask]) -> ServiceTask:
    """A new task of `deployment`, in moto's task table and in `tasks` (the service's)."""
    definition = backend.describe_task_definition(deployment["taskDefinition"])
    zone = ZONES[len(tasks) % len(ZONES)]
    task = ServiceTask(backend, service, deployment, definition, deployment["_digests"], zone)
    task.crashes = task.app_container.image_digest in BROKEN_DIGESTS
    tasks.append(task)
    backend.tasks.setdefault(service.cluster_name, {})[task.task_arn] = task
    return task
