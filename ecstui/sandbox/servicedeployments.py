"""ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions and
StopServiceDeployment.

moto 5.2.5 answers these with HTTP 500. The sandbox serves them from the lifecycle's
deployment history, in the shapes of the ECS API reference: one service deployment
per UpdateService (a circuit-breaker rollback is part of the deployment it undoes,
which ends ROLLBACK_SUCCESSFUL), one service revision per deployment's target.
History starts at the seed, as real history starts on 2024-10-25.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

from ecstui.sandbox.rollout import circuit_breaker, failure_threshold, stop_deployment


def install(response_class: Any) -> None:
    response_class.list_service_deployments = _list_service_deployments
    response_class.describe_service_deployments = _describe_service_deployments
    response_class.describe_service_revisions = _describe_service_revisions
    response_class.stop_service_deployment = _stop_service_deployment


class ServiceDeploymentNotFound(ServiceException):
    code = "ServiceDeploymentNotFoundException"


class Conflict(ServiceException):
    code = "ConflictException"


def _stop_service_deployment(self: Any) -> ActionResult:
    arn = self._get_param("serviceDeploymentArn")
    stop_type = self._get_param("stopType") or "ROLLBACK"
    match = _find(self.ecs_backend, arn, "service-deployment")
    if match is None:
        raise ServiceDeploymentNotFound(f"The service deployment {arn} does not exist.")
    service, deployment, _ = match
    if deployment["_outcome"] != "IN_PROGRESS" or deployment is not service.deployments[0]:
        raise Conflict(f"The service deployment {arn} is not in progress; it cannot be stopped.")
    stop_deployment(self.ecs_backend, service, deployment, stop_type)
    return ActionResult({"serviceDeploymentArn": arn})


def _arn(service: Any, kind: str, ident: str) -> str:
    return (f"arn:aws:ecs:{service.region_name}:{service._account_id}:{kind}/"
            f"{service.cluster_name}/{service.name}/{ident}")


def deployment_arn(service: Any, deployment: dict[str, Any]) -> str:
    return _arn(service, "service-deployment", deployment["id"].split("/", 1)[1])


def revision_arn(service: Any, revision: str) -> str:
    return _arn(service, "service-revision", revision)


def _history(service: Any) -> list[dict[str, Any]]:
    state = getattr(service, "sandbox_state", None)
    return [d for d in (state.history if state else []) if not d["_rollback"]]


def _brief(service: Any, deployment: dict[str, Any]) -> dict[str, Any]:
    reason = deployment["rolloutStateReason"]
    return {
        "serviceDeploymentArn": deployment_arn(service, deployment),
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": deployment["createdAt"],
        "startedAt": deployment["createdAt"],
        "finishedAt": deployment["_finished_at"],
        "targetServiceRevisionArn": revision_arn(service, deployment["_revision"]),
        "status": deployment["_outcome"],
        "statusReason": reason if deployment["rolloutState"] == "FAILED" else None,
    }


def _list_service_deployments(self: Any) -> ActionResult:
    service = self.ecs_backend._get_service(self._get_param("cluster", "default"),
                                            self._get_param("service"))
    statuses = self._get_param("status") or []
    created = self._get_param("createdAt") or {}
    found = []
    for deployment in sorted(_history(service), key=lambda d: d["createdAt"], reverse=True):
        if statuses and deployment["_outcome"] not in statuses:
            continue
        if not _within(deployment["createdAt"], created):
            continue
        found.append(_brief(service, deployment))
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 20)
    page = found[start : start + size]
    more = str(start + size) if start + size < len(found) else None
    return ActionResult({"serviceDeployments": page, "nextToken": more})


def _within(at: datetime, window: dict[str, Any]) -> bool:
    def when(value: Any) -> float | None:
        if value is None:
            return None
        return value.timestamp() if isinstance(value, datetime) else float(value)

    before, after = when(window.get("before")), when(window.get("after"))
    return (before is None or at.timestamp() <= before) and (
        after is None or at.timestamp() >= after)


def _services(backend: Any) -> list[Any]:
    return list(backend.services.values())


def _describe_service_deployments(self: Any) -> ActionResult:
    found, failures = [], []
    for arn in self._get_param("serviceDeploymentArns") or []:
        match = _find(self.ecs_backend, arn, "service-deployment")
        if match is None:
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        service, deployment, history = match
        found.append(_full(service, deployment, history))
    return ActionResult({"serviceDeployments": found, "failures": failures})


def _find(backend: Any, arn: str, kind: str) -> tuple[Any, dict[str, Any], list[Any]] | None:
    for service in _services(backend):
        state = getattr(service, "sandbox_state", None)
        history = state.history if state else []
        for deployment in history:
            if kind == "service-deployment" and deployment_arn(service, deployment) == arn:
                return service, deployment, history
            if kind == "service-revision" and revision_arn(service, deployment["_revision"]) == arn:
                return service, deployment, history
    return None


def _summary(service: Any, deployment: dict[str, Any]) -> dict[str, Any]:
    return {
        "arn": revision_arn(service, deployment["_revision"]),
        "requestedTaskCount": deployment["desiredCount"],
        "runningTaskCount": deployment["runningCount"] if deployment["status"] != "INACTIVE" else 0,
        "pendingTaskCount": deployment["pendingCount"] if deployment["status"] != "INACTIVE" else 0,
    }


def _full(service: Any, deployment: dict[str, Any], history: list[Any]) -> dict[str, Any]:
    listed = [d for d in history if not d["_rollback"]]
    index = listed.index(deployment) if deployment in listed else 0
    sources = [d for d in history if d["_revision"] in deployment["_sources"]]
    if not sources and index > 0:
        sources = [listed[index - 1]]
    full = _brief(service, deployment)
    del full["targetServiceRevisionArn"]
    breaker = circuit_breaker(service)
    rollback = next((d for d in history if (d["_rollback"] or {}).get("from") == deployment["id"]),
                    None)
    full.update(
        updatedAt=deployment["updatedAt"],
        sourceServiceRevisions=[_summary(service, d) for d in sources],
        targetServiceRevision=_summary(service, deployment),
        lifecycleStage="BAKE_TIME" if deployment["_outcome"] == "IN_PROGRESS" else "CLEAN_UP",
        deploymentConfiguration=getattr(service, "deployment_configuration", None),
        deploymentCircuitBreaker={
            "status": ("DISABLED" if not breaker.get("enable")
                       else "TRIGGERED" if deployment["rolloutState"] == "FAILED"
                       else "MONITORING" if deployment["_outcome"] == "IN_PROGRESS"
                       else "MONITORING_COMPLETE"),
            "failureCount": deployment["failedTasks"],
            "threshold": failure_threshold(deployment["desiredCount"] or service.desired_count),
        },
    )
    if rollback is not None:
        full["rollback"] = {
            "reason": rollback["_rollback"]["reason"],
            "startedAt": rollback["_rollback"]["startedAt"],
            "serviceRevisionArn": revision_arn(service, rollback["_rollback"]["to"]),
        }
    return full


def _describe_service_revisions(self: Any) -> ActionResult:
    found, failures = [], []
    for arn in self._get_param("serviceRevisionArns") or []:
        match = _find(self.ecs_backend, arn, "service-revision")
        if match is None:
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        service, deployment, _history_list = match
        definition = self.ecs_backend.describe_task_definition(deployment["taskDefinition"])
        found.append({
            "serviceRevisionArn": arn,
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "taskDefinition": deployment["taskDefinition"],
            "launchType": service.launch_type,
            "platformVersion": "1.4.0",
            "platformFamily": "Linux",
            "networkConfiguration": deployment["networkConfiguration"],
            "loadBalancers": [],
            "serviceRegistries": [],
            "containerImages": [
                {"containerName": c["name"], "image": c["image"],
                 "imageDigest": deployment["_digests"].get(c["name"])}
                for c in definition.container_definitions
            ],
            "guardDutyEnabled": False,
            "createdAt": deployment["createdAt"],
        })
    return ActionResult({"serviceRevisions": found, "failures": failures})
