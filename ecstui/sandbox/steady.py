"""The seeded services' past: deployment history, running tasks and events, already steady.

The demo opens on a world that has been running for days: each revision the seed
registered was deployed once (the broken one failed and was rolled back by the
circuit breaker), the current one runs healthy tasks, and payments in prod is caught
mid-rollout (tasks on two revisions) until someone deploys it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.ecsmodel import ServiceTask, now
from ecstui.sandbox.rollout import add_event, new_deployment, state_of, task_list
from ecstui.sandbox.seed import expected_digest
from ecstui.sandbox.taskstate import start_task

DEPLOY_TAKES = timedelta(minutes=4)
PIPELINE_ROLE = "github-actions-deploy"


def revisions_of(backend: Any, family: str) -> list[str]:
    found = backend.task_definitions.get(family, {})
    return [found[number].arn for number in sorted(found)]


def deploy_times(env: world.EnvironmentSpec, spec: world.ServiceSpec) -> list[datetime]:
    """When each commit reached this environment: pre-prod soon after merge, prod hours later."""
    delay = timedelta(minutes=25) if not env.protected else timedelta(hours=3)
    times = [commit.committed_at + delay for commit in spec.commits]
    latest_allowed = now() - timedelta(minutes=20)
    shift = min(timedelta(0), latest_allowed - max(times))
    return [t + shift for t in times]


def adopt_seeded(
    backend: Any, service: Any, env: world.EnvironmentSpec, spec: world.ServiceSpec
) -> None:
    state = state_of(service)
    service.deployments = []
    service.events = []
    revisions = revisions_of(backend, spec.name)
    times = deploy_times(env, spec)
    _backdate(backend, env, spec, revisions, times)
    pipeline = f"arn:aws:iam::{env.account_id}:role/{PIPELINE_ROLE}"
    service.created_at, service.created_by = times[0] - timedelta(minutes=2), pipeline
    mixed = spec.mixed.get(env.name)
    last = len(revisions) - 1
    for index, arn in enumerate(revisions):
        at = times[index]
        if mixed and index == mixed[1]:
            at = now() - timedelta(minutes=12)
        deployment = _past_deployment(backend, service, spec, arn, index, at)
        state.history.append(deployment)
        if index in spec.broken and index > 0:
            _failed_then_rolled_back(backend, service, spec, deployment, revisions, index, at)
            continue
        current = index == last or (mixed is not None and index == mixed[0])
        if not current:
            _finish(service, deployment, at + DEPLOY_TAKES, quiet=index < last - 2)
            deployment["status"] = "INACTIVE"
    primary = state.history[-1]
    if mixed:
        old = next(d for d in reversed(state.history) if d["taskDefinition"] == revisions[mixed[0]])
        _finish(service, old, old["createdAt"] + DEPLOY_TAKES, quiet=False)
        old["status"] = "ACTIVE"
        new_count = service.desired_count // 2
        _run_tasks(backend, service, primary, new_count, primary["createdAt"])
        _run_tasks(backend, service, old, service.desired_count - new_count, old["createdAt"])
        service.deployments = [primary, old]
        old["desiredCount"] = service.desired_count - new_count
        state.held = True
    else:
        _run_tasks(backend, service, primary, service.desired_count, primary["createdAt"])
        _finish(service, primary, primary["createdAt"] + DEPLOY_TAKES, quiet=False)
        service.deployments = [primary]
        _steady_reminders(service, primary["updatedAt"])
    primary["status"] = "PRIMARY"
    service.task_definition = primary["taskDefinition"]
    for deployment in service.deployments:
        mine = [t for t in state.tasks if t.deployment_id == deployment["id"]]
        deployment["runningCount"] = len(mine)
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = 0
    service.events.sort(key=lambda event: event["createdAt"], reverse=True)


def _backdate(backend: Any, env: world.EnvironmentSpec, spec: world.ServiceSpec,
              revisions: list[str], times: list[datetime]) -> None:
    """Registration and push times as the pipeline left them, not the seed's "now"."""
    from moto.ecr.models import ecr_backends

    registered_by = f"arn:aws:sts::{env.account_id}:assumed-role/{PIPELINE_ROLE}/GitHubActions"
    for arn, at in zip(revisions, times, strict=False):
        definition = backend.describe_task_definition(arn)
        definition.registered_at = at - timedelta(minutes=1)
        definition.registered_by = registered_by
    repository = ecr_backends[env.account_id][world.REGION].repositories.get(spec.repository)
    pushed = {c.sha: c.committed_at + timedelta(minutes=9) for c in spec.commits}
    for image in repository.images if repository else []:
        at = min((pushed[t] for t in image.image_tags if t in pushed), default=None)
        if at is not None:
            image.image_pushed_at = int(at.timestamp())


def _past_deployment(backend: Any, service: Any, spec: world.ServiceSpec, arn: str,
                     index: int, at: datetime) -> dict[str, Any]:
    deployment = new_deployment(backend, service, arn, at=at)
    # ECS pinned the digest the tag pointed at back then (matters for `:latest`).
    deployment["_digests"][spec.container] = expected_digest(spec.name, spec.commits[index].sha)
    return deployment


def _finish(service: Any, deployment: dict[str, Any], at: datetime, quiet: bool) -> None:
    deployment.update(rolloutState="COMPLETED", updatedAt=at, _finished_at=at,
                      rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
                      runningCount=service.desired_count, pendingCount=0)
    if deployment["_outcome"] == "IN_PROGRESS":
        deployment["_outcome"] = "SUCCESSFUL"
    if not quiet:
        add_event(service, f"(deployment {deployment['id']}) deployment completed.", at)
        add_event(service, "has reached a steady state.", at + timedelta(seconds=20))


def _failed_then_rolled_back(backend: Any, service: Any, spec: world.ServiceSpec,
                             failed: dict[str, Any], revisions: list[str], index: int,
                             at: datetime) -> None:
    state = state_of(service)
    failed_at = at + timedelta(minutes=6)
    reason = "ECS deployment circuit breaker: tasks failed to start."
    failed.update(rolloutState="FAILED", rolloutStateReason=reason, failedTasks=3,
                  updatedAt=failed_at, _finished_at=failed_at, status="INACTIVE",
                  _outcome="ROLLBACK_SUCCESSFUL")
    add_event(service, f"(deployment {failed['id']}) deployment failed: tasks failed to start.",
              failed_at)
    good = next(d for d in reversed(state.history[:-1]) if d["rolloutState"] == "COMPLETED")
    add_event(service, f"rolling back to deployment {good['id']}.", failed_at)
    back = _past_deployment(backend, service, spec, revisions[index - 1], index - 1, failed_at)
    back["_rollback"] = {"reason": reason, "startedAt": failed_at, "from": failed["id"],
                         "to": good["_revision"]}
    state.history.append(back)
    _finish(service, back, failed_at + DEPLOY_TAKES, quiet=False)
    back["status"] = "INACTIVE"


def _run_tasks(backend: Any, service: Any, deployment: dict[str, Any], count: int,
               since: datetime) -> list[ServiceTask]:
    tasks = [start_task(backend, service, deployment, state_of(service).tasks)
             for _ in range(count)]
    for offset, task in enumerate(tasks):
        task.created_at = since + timedelta(seconds=5 + offset)
        task.pull_started_at = task.created_at + timedelta(seconds=8)
        task.pull_stopped_at = task.created_at + timedelta(seconds=21)
        task.started_at = task.connectivity_at = task.created_at + timedelta(seconds=24)
        task.last_status, task.health_status, task.connectivity = "RUNNING", "HEALTHY", "CONNECTED"
        task.attachments[0]["status"] = "ATTACHED"
        task.next_at = now() + timedelta(days=3650)
        task.crashes = False
        for container in task.containers:
            container.last_status = "RUNNING"
            container.health_status = "HEALTHY" if container.has_health_check else "UNKNOWN"
    if tasks:
        add_event(service, f"has started {len(tasks)} tasks: {task_list(tasks)}.",
                  since + timedelta(seconds=5))
    return tasks


def _steady_reminders(service: Any, since: datetime) -> None:
    """ECS repeats "has reached a steady state." about every six hours while steady."""
    at = since + timedelta(hours=6)
    while at < now():
        add_event(service, "has reached a steady state.", at)
        at += timedelta(hours=6)
