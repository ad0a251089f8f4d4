"""ECS service deployments (the 2024 history API): list, describe revisions, stop.

`ListServiceDeployments` has no paginator and documents no order, so pages are
followed by hand and records sorted by time. Where the API is not served (moto
answers HTTP 500, older partitions, a role without the permission) the caller
gets `None` and falls back to the family's revisions. Probes use a client of
their own with a single attempt: botocore retries 500s, and an operator in an
incident should not wait through eight retries to learn that an API is missing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecstui.domain.history import ServiceDeploymentRecord
from ecstui.domain.images import ImageRef
from ecstui.gateways.aws.errors import error_code, translate

if TYPE_CHECKING:
    from ecstui.gateways.aws.session import AwsSession

DESCRIBE_REVISIONS_BATCH = 20  # the API's limit
MAX_PAGES = 10
UNAVAILABLE_CODES = frozenset({
    "500", "501", "InternalFailure", "InternalError", "NotImplemented", "ServerException",
    "UnknownOperationException", "InvalidAction", "AccessDeniedException", "AccessDenied",
    "UnsupportedFeatureException",
})


class HistoryUnavailable(Exception):
    """The service-deployment APIs are not served here (the message says why)."""


def unavailable(exc: BaseException) -> bool:
    code = error_code(exc)
    status = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in UNAVAILABLE_CODES or status in (500, 501)


@asynccontextmanager
async def probe_client(session: AwsSession) -> AsyncIterator[Any]:
    """A short-lived ECS client that tries once (see the module docstring)."""
    from aiobotocore.config import AioConfig

    await session.credentials()  # the session's credential policy runs first
    inner = session._session  # noqa: SLF001 - same credentials, different retry policy
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15)
    async with inner.create_client("ecs", region_name=session.region, config=config) as client:
        yield client


async def list_service_deployments(
    client: Any, cluster: str, service: str
) -> list[dict[str, Any]]:
    """Every ServiceDeploymentBrief of the service, newest first."""
    briefs: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"cluster": cluster, "service": service, "maxResults": 100}
        if token:
            params["nextToken"] = token
        reply = await client.list_service_deployments(**params)
        briefs += reply.get("serviceDeployments", [])
        token = reply.get("nextToken")
        if not token:
            break
    briefs.sort(key=lambda b: _utc(b.get("createdAt") or b.get("startedAt")), reverse=True)
    return briefs


async def describe_service_revisions(client: Any, arns: Iterable[str]) -> dict[str, dict]:
    """ServiceRevision by ARN (20 per request)."""
    unique = list(dict.fromkeys(arns))
    found: dict[str, dict] = {}
    for i in range(0, len(unique), DESCRIBE_REVISIONS_BATCH):
        reply = await client.describe_service_revisions(
            serviceRevisionArns=unique[i : i + DESCRIBE_REVISIONS_BATCH]
        )
        for revision in reply.get("serviceRevisions", []):
            found[revision["serviceRevisionArn"]] = revision
    return found


async def deployment_history(
    client: Any, cluster: str, service: str, container: str | None
) -> tuple[ServiceDeploymentRecord, ...]:
    """Service deployments joined with their target revision's task definition and image.

    Raises HistoryUnavailable when the APIs are not served.
    """
    try:
        briefs = await list_service_deployments(client, cluster, service)
        wanted = [b["targetServiceRevisionArn"] for b in briefs
                  if b.get("targetServiceRevisionArn")]
        revisions = await describe_service_revisions(client, wanted) if wanted else {}
    except Exception as exc:
        if unavailable(exc):
            raise HistoryUnavailable(_why(exc)) from exc
        raise translate(exc, f"read the deployment history of {cluster}/{service}") from exc
    return tuple(record_from_api(b, revisions.get(b.get("targetServiceRevisionArn", "")),
                                 container) for b in briefs)


def record_from_api(
    brief: dict[str, Any], revision: dict[str, Any] | None, container: str | None
) -> ServiceDeploymentRecord:
    image = None
    task_definition = None
    if revision is not None:
        task_definition = revision.get("taskDefinition")
        images = revision.get("containerImages", [])
        chosen = next((i for i in images if i.get("containerName") == container), None)
        chosen = chosen or (images[0] if images and container is None else None)
        if chosen is not None:
            image = ImageRef.parse(chosen.get("image", ""), chosen.get("imageDigest"))
    return ServiceDeploymentRecord(
        arn=brief["serviceDeploymentArn"],
        status=brief.get("status", ""),
        task_definition_arn=task_definition,
        image=image,
        created_at=_utc(brief.get("createdAt") or brief.get("startedAt")),
        finished_at=_utc(brief.get("finishedAt")) if brief.get("finishedAt") else None,
        status_reason=brief.get("statusReason"),
    )


async def stop_service_deployment(client: Any, arn: str) -> str:
    """Stop an in-flight service deployment and have ECS roll back to the last good one.

    Raises HistoryUnavailable when the endpoint does not serve the API (nothing changed).
    """
    try:
        reply = await client.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    except Exception as exc:
        if unavailable(exc) and error_code(exc) not in {"AccessDeniedException", "AccessDenied"}:
            raise HistoryUnavailable(_why(exc)) from exc
        raise translate(exc, f"stop service deployment {arn.rsplit('/', 1)[-1]}") from exc
    return str(reply.get("serviceDeploymentArn", arn))


def _why(exc: BaseException) -> str:
    code = error_code(exc)
    if code in {"AccessDeniedException", "AccessDenied"}:
        return "the role may not call ListServiceDeployments"
    return f"the endpoint does not serve the service-deployment APIs ({code or exc})"


def _utc(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.min.replace(tzinfo=UTC)
