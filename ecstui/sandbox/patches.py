"""Where moto 5.2.5 departs from the ECS API reference, patched in the sandbox process only.

`install()` is idempotent and touches moto's classes, never ecstui's code. Each patch
names the documented behaviour it restores:

1. Lock: every ECS, ECR and CloudWatch Logs request runs under `BACKEND_LOCK`, which the
   lifecycle and log writer threads also hold while they change moto's models, so a
   request never sees a half-made deployment (or a dict changing size mid-iteration).
   `LOGS_REQUEST_HOOKS` run first for a Logs request (the log writer's back-fill).
2. CreateService keeps `deploymentConfiguration` (circuit breaker, min/max percent),
   `enableECSManagedTags`, `enableExecuteCommand` and `healthCheckGracePeriodSeconds`;
   moto drops them. DescribeServices returns them, as AWS does.
3. UpdateService: after moto's update, `UPDATE_SERVICE_HOOKS` run, so the lifecycle
   can start a new PRIMARY deployment (moto leaves the deployments list stale). A
   desiredCount change no longer fakes `runningCount` (the lifecycle moves counts).
4. ListTasks honours `serviceName` (tasks of group `service:<name>`) and, as documented,
   lists only `desiredStatus=RUNNING` tasks when no desiredStatus is given.
6. RegisterTaskDefinition stamps `registeredAt` (moto leaves it out; ecstui shows it).
5. The service deployment APIs (ListServiceDeployments, DescribeServiceDeployments,
   DescribeServiceRevisions, StopServiceDeployment) are served from the lifecycle's
   records; see servicedeployments.py.
7. Speed only, no behaviour: moto's server routes every request by listing its own
   package folder (`list_of_moto_modules`, ~180 `stat` calls, ~1 ms a request); the
   listing is read once, since the installed package does not change while it serves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

BACKEND_LOCK = threading.RLock()
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "BatchGet", "BatchCheck", "Filter",
                      "StartLiveTail", "TestMetricFilter")


class _Counter:
    """How many write requests the sandbox's server has answered (tests reset when dirty)."""

    count = 0


MUTATIONS = _Counter()
UPDATE_SERVICE_HOOKS: list[Callable[[Any, dict[str, Any]], None]] = []
LOGS_REQUEST_HOOKS: list[Callable[[], None]] = []
_installed = False

KEPT_ON_CREATE = {
    "deploymentConfiguration": "deployment_configuration",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "enableExecuteCommand": "enable_execute_command",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
}


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.ecr.responses import ECRResponse
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.logs.responses import LogsResponse

    for response_class in (EC2ContainerServiceResponse, ECRResponse):
        _lock_requests(response_class)
    _lock_requests(LogsResponse, LOGS_REQUEST_HOOKS)
    _keep_create_service_fields(EC2ContainerServiceResponse)
    _hook_update_service(EC2ContainerServiceBackend)
    _filter_list_tasks(EC2ContainerServiceBackend)
    _stamp_registrations(EC2ContainerServiceBackend)
    _cache_module_listing()
    from ecstui.sandbox import servicedeployments

    servicedeployments.install(EC2ContainerServiceResponse)
    from ecstui.sandbox import loaders

    loaders.install_moto()
    _installed = True


def _lock_requests(response_class: Any, hooks: list[Callable[[], None]] | None = None) -> None:
    original = response_class.call_action

    def call_action(self: Any) -> Any:
        with BACKEND_LOCK:
            for hook in hooks or ():
                hook()
            if not self._get_action().startswith(READ_ONLY_PREFIXES):
                MUTATIONS.count += 1
            return original(self)

    response_class.call_action = call_action


def _keep_create_service_fields(response_class: Any) -> None:
    original = response_class.create_service

    def create_service(self: Any) -> Any:
        result = original(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        for param, attribute in KEPT_ON_CREATE.items():
            value = self._get_param(param)
            if value is not None:
                setattr(service, attribute, value)
        if getattr(service, "deployment_configuration", None) is None:
            # AWS fills in the defaults for the rolling (ECS) controller.
            service.deployment_configuration = {
                "deploymentCircuitBreaker": {"enable": False, "rollback": False},
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
            }
        for hook in UPDATE_SERVICE_HOOKS:
            hook(service, {"created": True})
        return result

    response_class.create_service = create_service


def _hook_update_service(backend_class: Any) -> None:
    original = backend_class.update_service

    def update_service(self: Any, properties: dict[str, Any]) -> Any:
        requested = dict(properties)
        before = self._get_service(properties.get("cluster", "default"),
                                   properties["service"].split("/")[-1])
        counts = (before.running_count, before.pending_count)
        service = original(self, properties)
        service.running_count, service.pending_count = counts
        for hook in UPDATE_SERVICE_HOOKS:
            hook(service, requested)
        return service

    backend_class.update_service = update_service


def _filter_list_tasks(backend_class: Any) -> None:
    original = backend_class.list_tasks

    def list_tasks(
        self: Any, cluster_str: str | None = None, container_instance: str | None = None,
        family: str | None = None, started_by: str | None = None,
        service_name: str | None = None, desiredStatus: str | None = None,  # noqa: N803
    ) -> list[Any]:
        tasks = original(self, cluster_str, container_instance, family, started_by, None,
                         desiredStatus or "RUNNING")
        if service_name:
            group = "service:" + service_name.split("/")[-1]
            tasks = [t for t in tasks if t.group == group]
        return tasks

    backend_class.list_tasks = list_tasks


def _stamp_registrations(backend_class: Any) -> None:
    original = backend_class.register_task_definition

    def register_task_definition(self: Any, *args: Any, **kwargs: Any) -> Any:
        from ecstui.sandbox.ecsmodel import now

        definition = original(self, *args, **kwargs)
        definition.registered_at = now()
        return definition

    backend_class.register_task_definition = register_task_definition


def _cache_module_listing() -> None:
    import moto.backends

    modules = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules


def reset_backends(account_ids: list[str], region: str | None = None) -> None:
    """Wipe ECS, ECR and Logs in place for these accounts (STS, IAM and EC2 are kept)."""
    from moto.ecr.models import ecr_backends
    from moto.ecs.models import ecs_backends
    from moto.logs.models import logs_backends

    from ecstui.sandbox.world import REGION

    with BACKEND_LOCK:
        for backends in (ecs_backends, ecr_backends, logs_backends):
            for account in account_ids:
                backends[account][region or REGION].reset()
