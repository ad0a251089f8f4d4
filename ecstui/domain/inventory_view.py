"""The inventory as both faces show it: pure row functions and the JSON document.

The CLI table, the TUI table and `status --output json` are built here from the
same Inventory, so a marker means the same thing everywhere. No I/O; `now` is a
parameter so tests and snapshots can freeze the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecstui.domain.images import short_digest, short_sha
from ecstui.domain.inventory import EnvironmentInventory, Inventory, Service
from ecstui.domain.models import CallerIdentity, Deployment, Task

SCHEMA_VERSION = 1

# Marker -> (symbol for tables, one-line meaning for help and legends).
MARKERS: dict[str, tuple[str, str]] = {
    "behind": ("↓", "prod runs a different SHA from pre-prod"),
    "mixed": ("≠", "tasks run different images (a rollout, or a stuck one)"),
    "mutable-tag": ("!", "the image is pinned only by a tag that can move, e.g. latest"),
    "in-flight": ("↻", "a deployment is in progress"),
    "failed": ("✗", "the latest rollout failed or tasks failed to start"),
    "stale": ("?", "this data could not be refreshed; it is from the time shown"),
}


def duration(seconds: float) -> str:
    """`42s`, `7m`, `3h`, `2d`: short enough for a table cell."""
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def age(moment: datetime | None, now: datetime) -> str:
    return duration((now - moment).total_seconds()) if moment else "-"


def markers(inventory: Inventory, service: Service, stale: bool = False) -> tuple[str, ...]:
    found = []
    if inventory.behind(service):
        found.append("behind")
    if service.mixed:
        found.append("mixed")
    if service.mutable_tag:
        found.append("mutable-tag")
    if service.in_flight:
        found.append("in-flight")
    if service.rollout_state == "FAILED":
        found.append("failed")
    if stale:
        found.append("stale")
    return tuple(found)


def marker_text(names: tuple[str, ...]) -> str:
    return " ".join(MARKERS[n][0] for n in names)


@dataclass(frozen=True)
class ServiceRow:
    """One table row: every cell as text, plus the markers that style it."""

    key: str  # environment/cluster/name: stable across refreshes
    name: str
    environment: str
    cluster: str
    sha: str
    digest: str
    tasks: str
    rollout: str
    age: str
    revision: str
    markers: tuple[str, ...]

    @property
    def flags(self) -> str:
        return marker_text(self.markers)


def service_key(service: Service) -> str:
    return f"{service.environment}/{service.cluster}/{service.name}"


def service_row(inventory: Inventory, service: Service, now: datetime) -> ServiceRow:
    env = inventory.environment(service.environment)
    stale = bool(env and (env.error or env.cluster_error(service.cluster)))
    sha = short_sha(service.sha)
    if service.sha is None and service.image is not None and service.image.tag:
        sha = service.image.tag  # e.g. `latest`: say what is known
    return ServiceRow(
        key=service_key(service),
        name=service.name,
        environment=service.environment,
        cluster=service.cluster,
        sha=sha,
        digest=short_digest(service.digest),
        tasks=f"{service.running_count}/{service.desired_count}",
        rollout=service.rollout_state or "-",
        age=age(service.deployed_at, now),
        revision=str(service.revision),
        markers=markers(inventory, service, stale),
    )


def rows(inventory: Inventory, now: datetime) -> list[ServiceRow]:
    return [service_row(inventory, s, now) for s in inventory.services]


def identity_text(env: EnvironmentInventory, now: datetime, compact: bool = False) -> str:
    """`prod: ecstui-operator/session @ 222222222222, expires in 55m` (compact: for a bar)."""
    if env.identity is None:
        return f"{env.name}: {'error' if env.error else 'not signed in'}"
    ident = env.identity
    text = f"{env.name}: {ident.principal} @ {ident.account}"
    if ident.expires_at is not None:
        left = (ident.expires_at - now).total_seconds()
        if compact:
            text += f" · {duration(left)} left" if left > 0 else " · EXPIRED"
        else:
            text += f", expires in {duration(left)}" if left > 0 else ", EXPIRED"
    return text


# --- JSON (schema version 1; documented in README.md ("JSON (--output json)")) ---


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def identity_document(identity: CallerIdentity | None) -> dict[str, Any] | None:
    if identity is None:
        return None
    return {
        "account": identity.account,
        "arn": identity.arn,
        "principal": identity.principal,
        "credential_method": identity.credential_method or None,
        "expires_at": _time(identity.expires_at),
    }


def task_document(service: Service, task: Task) -> dict[str, Any]:
    run = task.container(service.container_name)
    image = run.image if run else None
    return {
        "id": task.id,
        "arn": task.arn,
        "last_status": task.last_status,
        "desired_status": task.desired_status,
        "health": task.health_status,
        "sha": image.sha if image else None,
        "digest": image.digest if image else None,
        "image": str(image) if image else None,
        "revision": _revision(task.task_definition_arn),
        "availability_zone": task.availability_zone,
        "started_at": _time(task.started_at),
        "stopped_at": _time(task.stopped_at),
        "stopped_reason": task.stopped_reason,
    }


def _revision(arn: str) -> int | None:
    tail = arn.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def deployment_document(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "status": deployment.status,
        "task_definition": deployment.task_definition_arn,
        "revision": deployment.revision,
        "desired": deployment.desired_count,
        "running": deployment.running_count,
        "pending": deployment.pending_count,
        "failed_tasks": deployment.failed_tasks,
        "rollout_state": deployment.rollout_state,
        "rollout_state_reason": deployment.rollout_state_reason,
        "created_at": _time(deployment.created_at),
        "updated_at": _time(deployment.updated_at),
    }


def service_document(inventory: Inventory, service: Service) -> dict[str, Any]:
    image = service.image
    return {
        "name": service.name,
        "environment": service.environment,
        "cluster": service.cluster,
        "sha": service.sha,
        "short_sha": service.sha[:7] if service.sha else None,
        "digest": service.digest,
        "image": str(image) if image else None,
        "revision": service.revision,
        "task_definition": service.task_definition_arn,
        "running": service.running_count,
        "desired": service.desired_count,
        "pending": service.pending_count,
        "rollout_state": service.rollout_state,
        "deployed_at": _time(service.deployed_at),
        "mixed": service.mixed,
        "mutable_tag": service.mutable_tag,
        "behind": inventory.behind(service),
        "in_flight": service.in_flight,
        "running_shas": list(service.running_shas),
        "circuit_breaker": {
            "enable": service.circuit_breaker.enable,
            "rollback": service.circuit_breaker.rollback,
        },
        "tasks": [task_document(service, t) for t in service.tasks],
        "deployments": [deployment_document(d) for d in service.deployments],
    }


def environment_document(inventory: Inventory, env: EnvironmentInventory) -> dict[str, Any]:
    return {
        "name": env.name,
        "region": env.region or None,
        "identity": identity_document(env.identity),
        "fetched_at": _time(env.fetched_at),
        "error": env.error,
        "clusters": list(env.clusters),
        "cluster_errors": [
            {"cluster": c, "error": e, "fetched_at": _time(env.data_time(c))}
            for c, e in env.cluster_errors
        ],
        "services": [service_document(inventory, s) for s in env.services],
    }


def inventory_document(inventory: Inventory, now: datetime) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": _time(now),
        "promote": {"from": inventory.promote_from, "to": inventory.promote_to},
        "environments": [environment_document(inventory, e) for e in inventory.environments],
    }
