"""Every sandbox answer ecstui relies on parses with botocore and fits the operation's
output shape, checked as botocore's Stubber checks canned responses."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.validate import validate_parameters

from ecstui.sandbox import world


def validate(client: Any, operation: str, response: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    shape = client.meta.service_model.operation_model(operation).output_shape
    validate_parameters(body, shape)
    return body


@pytest.mark.parametrize("env", [e.name for e in world.ENVIRONMENTS])
def test_ecs_answers_fit_their_shapes(sandbox, env: str) -> None:
    ecs = sandbox.client(env, "ecs")
    services = [s.name for s in world.SERVICES]
    validate(ecs, "ListClusters", ecs.list_clusters())
    validate(ecs, "DescribeClusters", ecs.describe_clusters(clusters=[env]))
    listed = validate(ecs, "ListServices", ecs.list_services(cluster=env))
    assert len(listed["serviceArns"]) == len(services)
    described = validate(ecs, "DescribeServices", ecs.describe_services(
        cluster=env, services=services, include=["TAGS"]))
    arns = validate(ecs, "ListTasks", ecs.list_tasks(cluster=env, serviceName="my-app"))
    validate(ecs, "DescribeTasks", ecs.describe_tasks(cluster=env, tasks=arns["taskArns"]))
    definition = described["services"][0]["taskDefinition"]
    validate(ecs, "DescribeTaskDefinition",
             ecs.describe_task_definition(taskDefinition=definition, include=["TAGS"]))
    validate(ecs, "ListTaskDefinitions", ecs.list_task_definitions(familyPrefix="my-app"))
    briefs = validate(ecs, "ListServiceDeployments",
                      ecs.list_service_deployments(cluster=env, service="my-app"))
    full = validate(ecs, "DescribeServiceDeployments", ecs.describe_service_deployments(
        serviceDeploymentArns=[b["serviceDeploymentArn"] for b in briefs["serviceDeployments"]]))
    revisions = {d["targetServiceRevision"]["arn"] for d in full["serviceDeployments"]}
    validate(ecs, "DescribeServiceRevisions",
             ecs.describe_service_revisions(serviceRevisionArns=sorted(revisions)))


def test_update_service_answer_fits_its_shape(fresh_world) -> None:
    ecs = fresh_world.client("pre-prod", "ecs")
    service = ecs.describe_services(cluster="pre-prod", services=["orders"])["services"][0]
    answer = ecs.update_service(cluster="pre-prod", service="orders",
                                taskDefinition=service["taskDefinition"], forceNewDeployment=True)
    body = validate(ecs, "UpdateService", answer)
    assert body["service"]["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    ecs.get_waiter("services_stable").wait(cluster="pre-prod", services=["orders"],
                                          WaiterConfig={"Delay": 1, "MaxAttempts": 20})


@pytest.mark.parametrize("env", [e.name for e in world.ENVIRONMENTS])
def test_ecr_and_logs_answers_fit_their_shapes(sandbox, env: str) -> None:
    ecr, logs = sandbox.client(env, "ecr"), sandbox.client(env, "logs")
    validate(ecr, "DescribeRepositories", ecr.describe_repositories())
    images = validate(ecr, "DescribeImages", ecr.describe_images(repositoryName="acme/my-app"))
    assert len(images["imageDetails"]) == len(world.service_spec("my-app").commits)
    validate(ecr, "BatchGetImage", ecr.batch_get_image(
        repositoryName="acme/my-app", imageIds=[{"imageTag": world.sha_for("my-app", 0)}]))
    streams = validate(logs, "DescribeLogStreams", logs.describe_log_streams(
        logGroupName="/ecs/my-app", orderBy="LastEventTime", descending=True))
    validate(logs, "GetLogEvents", logs.get_log_events(
        logGroupName="/ecs/my-app", logStreamName=streams["logStreams"][0]["logStreamName"],
        limit=50))
    validate(logs, "FilterLogEvents", logs.filter_log_events(logGroupName="/ecs/my-app",
                                                             limit=50))
