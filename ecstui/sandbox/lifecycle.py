"""The ECS lifecycle layer: what moto's ECS does not do, done by a background thread.

moto 5.2.5 never starts a service's tasks and never advances deployments. In the
sandbox process the lifecycle works on moto's in-process models
(`moto.ecs.models.ecs_backends[account][region]`, the same objects the server
answers from): it adopts every service (seeded ones as already steady, new ones
with a fresh deployment), starts a PRIMARY deployment on each UpdateService that
changes the task definition (via `patches.UPDATE_SERVICE_HOOKS`), and every tick
advances tasks and rollouts (see rollout.py). All changes happen under
`patches.BACKEND_LOCK`, which every ECS request also holds.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ecstui.sandbox import patches, world
from ecstui.sandbox.background import BackgroundThread
from ecstui.sandbox.rollout import start_deployment, state_of, step
from ecstui.sandbox.steady import adopt_seeded


def ecs_backends_in_use() -> list[Any]:
    from moto.ecs.models import ecs_backends

    found = []
    for per_region in list(ecs_backends.values()):
        found.extend(list(per_region.values()))
    return found


class Lifecycle(BackgroundThread):
    """Background thread advancing every ECS service's deployments and tasks."""

    thread_name = "ecstui-sandbox-lifecycle"

    def __init__(self, sandbox: Any, speed: float = 1.0) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.speed = speed

    @property
    def tick_seconds(self) -> float:
        return 0.1 if self._speed() >= 2 else 0.25

    def _speed(self) -> float:
        return float(getattr(self.sandbox, "speed", self.speed) or self.speed)

    def start(self) -> None:
        patches.UPDATE_SERVICE_HOOKS.append(self._on_service_change)
        self.adopt_all()
        self._start_thread()

    def stop(self) -> None:
        super().stop()
        with contextlib.suppress(ValueError):
            patches.UPDATE_SERVICE_HOOKS.remove(self._on_service_change)

    def reseeded(self) -> None:
        self.adopt_all()

    def _run(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            self.tick()

    def tick(self) -> None:
        with patches.BACKEND_LOCK:
            if self._paused:
                return
            for backend in ecs_backends_in_use():
                for service in list(backend.services.values()):
                    if service.status != "ACTIVE":
                        service.desired_count = 0  # deleted: its tasks drain away
                    try:
                        step(backend, service, self._speed())
                    except Exception as error:  # keep the world turning; record for tests
                        self.errors.append(error)
                        del self.errors[:-20]

    def adopt_all(self) -> None:
        """Give every service that has no lifecycle state one: seeded ones arrive steady."""
        with patches.BACKEND_LOCK:
            for backend in ecs_backends_in_use():
                for service in list(backend.services.values()):
                    if getattr(service, "sandbox_state", None) is None:
                        self._adopt(backend, service)

    def _adopt(self, backend: Any, service: Any) -> None:
        env = next((e for e in world.ENVIRONMENTS if e.account_id == backend.account_id
                    and e.cluster == service.cluster_name), None)
        spec = next((s for s in world.SERVICES if s.name == service.name), None)
        if env is not None and spec is not None and backend.region_name == world.REGION:
            adopt_seeded(backend, service, env, spec)
        else:
            service.deployments = []
            state_of(service)
            if service.task_definition:
                start_deployment(backend, service, service.task_definition)

    def _on_service_change(self, service: Any, requested: dict[str, Any]) -> None:
        """Runs inside CreateService/UpdateService, before moto serializes the answer."""
        if self._paused:
            return
        backend = service._backend
        if requested.get("created") or getattr(service, "sandbox_state", None) is None:
            self._adopt(backend, service)
            return
        if service.task_definition:
            service.task_definition = backend.describe_task_definition(
                service.task_definition).arn
        primary = service.deployments[0] if service.deployments else None
        changed = primary is None or primary["taskDefinition"] != service.task_definition
        if changed or requested.get("force_new_deployment"):
            start_deployment(backend, service, service.task_definition)
