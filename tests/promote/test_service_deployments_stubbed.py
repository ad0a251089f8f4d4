"""The real-ECS service-deployment path, on canned responses botocore validates against its model.

The sandbox serves ListServiceDeployments and DescribeServiceRevisions but not
StopServiceDeployment, and real ECS pages and orders them its own way: AioStubber
checks every canned response against the ECS service model, so these shapes are
the API's, not ours.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiobotocore.session import AioSession
from aiobotocore.stub import AioStubber

from ecstui.domain.history import choose_target
from ecstui.domain.images import ImageRef
from ecstui.gateways.aws.service_deployments import (
    HistoryUnavailable,
    deployment_history,
    stop_service_deployment,
)
from tests.promote.recorded import (
    DIGEST_CUR,
    DIGEST_NEW,
    DIGEST_OLD,
    REPO,
    arn,
    deployment,
    service,
)

ACCOUNT = "222222222222"
BASE = f"arn:aws:ecs:eu-west-1:{ACCOUNT}"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def deployment_arn(n: int) -> str:
    return f"{BASE}:service-deployment/prod/my-app/d{n}"


def revision_arn(n: int) -> str:
    return f"{BASE}:service-revision/prod/my-app/r{n}"


def brief(n: int, status: str, minutes_ago: int) -> dict:
    created = T0 - timedelta(minutes=minutes_ago)
    item = {
        "serviceDeploymentArn": deployment_arn(n), "serviceArn": f"{BASE}:service/prod/my-app",
        "clusterArn": f"{BASE}:cluster/prod", "createdAt": created, "startedAt": created,
        "targetServiceRevisionArn": revision_arn(n), "status": status,
    }
    if status != "IN_PROGRESS":
        item["finishedAt"] = created + timedelta(minutes=4)
    return item


def revision(n: int, task_definition: int, digest: str) -> dict:
    return {
        "serviceRevisionArn": revision_arn(n), "serviceArn": f"{BASE}:service/prod/my-app",
        "clusterArn": f"{BASE}:cluster/prod", "taskDefinition": arn(task_definition),
        "launchType": "FARGATE", "platformVersion": "1.4.0", "platformFamily": "Linux",
        "containerImages": [
            {"containerName": "app", "imageDigest": digest, "image": f"{REPO}@{digest}"},
            {"containerName": "datadog-agent", "imageDigest": "sha256:" + "d" * 64,
             "image": "public.ecr.aws/datadog/agent:7.58.2"},
        ],
        "guardDutyEnabled": False, "createdAt": T0,
    }


@pytest.fixture
async def ecs() -> AsyncIterator[object]:
    session = AioSession()
    async with session.create_client(
        "ecs", region_name="eu-west-1", aws_access_key_id="ASIATEST", aws_secret_access_key="x",
        aws_session_token="t",
    ) as client:
        yield client


async def test_history_pages_sorted_by_time_and_joined_with_revisions(ecs) -> None:
    stub = AioStubber(ecs)
    # Two pages, in no particular order (the API documents none).
    stub.add_response("list_service_deployments",
                      {"serviceDeployments": [brief(1, "SUCCESSFUL", 300),
                                              brief(3, "SUCCESSFUL", 10)], "nextToken": "p2"},
                      {"cluster": "prod", "service": "my-app", "maxResults": 100})
    stub.add_response("list_service_deployments",
                      {"serviceDeployments": [brief(2, "ROLLBACK_SUCCESSFUL", 100)]},
                      {"cluster": "prod", "service": "my-app", "maxResults": 100,
                       "nextToken": "p2"})
    stub.add_response("describe_service_revisions",
                      {"serviceRevisions": [revision(3, 4, DIGEST_CUR),
                                            revision(2, 5, DIGEST_NEW),
                                            revision(1, 3, DIGEST_OLD)], "failures": []},
                      {"serviceRevisionArns": [revision_arn(3), revision_arn(2),
                                               revision_arn(1)]})
    with stub:
        records = await deployment_history(ecs, "prod", "my-app", "app")
        stub.assert_no_pending_responses()
    assert [r.arn for r in records] == [deployment_arn(3), deployment_arn(2), deployment_arn(1)]
    assert [r.task_definition_arn for r in records] == [arn(4), arn(5), arn(3)]
    assert records[0].image == ImageRef(REPO, None, DIGEST_CUR)

    current = ImageRef(REPO, None, DIGEST_CUR)
    target = choose_target(service(), current, (), records)
    # Not the rolled-back revision 5, not the current 4: the last SUCCESSFUL other image.
    assert target.revision.task_definition_arn == arn(3)
    assert target.source == "service-deployments" and target.stop_deployment is None


async def test_in_flight_deployment_is_stopped_with_rollback(ecs) -> None:
    stub = AioStubber(ecs)
    stub.add_response("list_service_deployments",
                      {"serviceDeployments": [brief(2, "IN_PROGRESS", 1),
                                              brief(1, "SUCCESSFUL", 60)]},
                      {"cluster": "prod", "service": "my-app", "maxResults": 100})
    stub.add_response("describe_service_revisions",
                      {"serviceRevisions": [revision(2, 5, DIGEST_NEW),
                                            revision(1, 4, DIGEST_CUR)], "failures": []},
                      {"serviceRevisionArns": [revision_arn(2), revision_arn(1)]})
    stub.add_response("stop_service_deployment", {"serviceDeploymentArn": deployment_arn(2)},
                      {"serviceDeploymentArn": deployment_arn(2), "stopType": "ROLLBACK"})
    with stub:
        records = await deployment_history(ecs, "prod", "my-app", "app")
        svc = service(revision=5, image=f"{REPO}@{DIGEST_NEW}", digest=DIGEST_NEW, deployments=(
            deployment("ecs-svc/2", "PRIMARY", 5, "IN_PROGRESS", 1),
            deployment("ecs-svc/1", "ACTIVE", 4, age_minutes=60)))
        target = choose_target(svc, ImageRef(REPO, None, DIGEST_NEW), (), records)
        assert target.stop_deployment == deployment_arn(2)
        assert target.revision.task_definition_arn == arn(4)
        assert await stop_service_deployment(ecs, target.stop_deployment) == deployment_arn(2)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(("code", "status"), [
    ("500", 500),  # moto: not implemented
    ("AccessDeniedException", 400),  # a role without ecs:ListServiceDeployments
    ("UnknownOperationException", 400),  # an endpoint that predates the API
])
async def test_unavailable_history_falls_back(ecs, code: str, status: int) -> None:
    stub = AioStubber(ecs)
    stub.add_client_error("list_service_deployments", code, "nope", http_status_code=status)
    with stub, pytest.raises(HistoryUnavailable):
        await deployment_history(ecs, "prod", "my-app", "app")


async def test_stop_not_served_is_reported_as_unavailable(ecs) -> None:
    stub = AioStubber(ecs)
    stub.add_client_error("stop_service_deployment", "500", "not implemented",
                          http_status_code=500)
    with stub, pytest.raises(HistoryUnavailable):
        await stop_service_deployment(ecs, deployment_arn(2))
