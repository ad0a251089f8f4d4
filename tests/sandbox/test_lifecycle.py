"""The ECS lifecycle over HTTP: rollouts, circuit-breaker rollback, events, task listing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ecstui.sandbox import world


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {check}")
        time.sleep(0.1)


def describe(sandbox, env: str, name: str) -> dict[str, Any]:
    ecs = sandbox.client(env, "ecs")
    return ecs.describe_services(cluster=env, services=[name])["services"][0]


def running_tasks(sandbox, env: str, name: str) -> list[dict[str, Any]]:
    ecs = sandbox.client(env, "ecs")
    arns = ecs.list_tasks(cluster=env, serviceName=name)["taskArns"]
    return ecs.describe_tasks(cluster=env, tasks=arns)["tasks"] if arns else []


def settled(sandbox, env: str, name: str) -> dict[str, Any] | None:
    service = describe(sandbox, env, name)
    deployments = service["deployments"]
    if len(deployments) == 1 and deployments[0]["rolloutState"] in ("COMPLETED", "FAILED"):
        return service
    return None


def app_digests(tasks: list[dict[str, Any]], container: str) -> set[str]:
    return {c["imageDigest"] for t in tasks for c in t["containers"] if c["name"] == container}


def test_seeded_world_is_steady_with_real_tasks(sandbox) -> None:
    for env in world.ENVIRONMENTS:
        for spec in world.SERVICES:
            service = describe(sandbox, env.name, spec.name)
            tasks = running_tasks(sandbox, env.name, spec.name)
            assert len(tasks) == spec.desired[env.name] == service["runningCount"]
            assert {t["group"] for t in tasks} == {f"service:{spec.name}"}
            for task in tasks:
                assert task["lastStatus"] == "RUNNING" and task["healthStatus"] == "HEALTHY"
                assert task["availabilityZone"].startswith(world.REGION)
                assert task["startedBy"] in {d["id"] for d in service["deployments"]}
                app = next(c for c in task["containers"] if c["name"] == spec.container)
                assert app["imageDigest"].startswith("sha256:") and app["runtimeId"]
            if env.name in spec.mixed:
                continue
            (primary,) = service["deployments"]
            assert primary["rolloutState"] == "COMPLETED"
            assert primary["taskDefinition"] == service["taskDefinition"]


def test_payments_in_prod_is_mid_rollout_on_two_revisions(sandbox) -> None:
    service = describe(sandbox, "prod", "payments")
    primary, active = service["deployments"]
    assert (primary["status"], primary["rolloutState"]) == ("PRIMARY", "IN_PROGRESS")
    assert active["status"] == "ACTIVE" and primary["taskDefinition"] != active["taskDefinition"]
    tasks = running_tasks(sandbox, "prod", "payments")
    assert {t["taskDefinitionArn"] for t in tasks} == {
        primary["taskDefinition"], active["taskDefinition"]}
    old, new = world.service_spec("payments").mixed["prod"]
    digests = app_digests(tasks, "payments")
    ecr = sandbox.client("prod", "ecr")
    tags = {
        tag
        for d in digests
        for image in ecr.describe_images(repositoryName="acme/payments",
                                         imageIds=[{"imageDigest": d}])["imageDetails"]
        for tag in image["imageTags"]
    }
    assert tags == {world.sha_for("payments", old), world.sha_for("payments", new)}


def test_deploy_completes_and_replaces_tasks(fresh_world) -> None:
    sandbox = fresh_world
    before = running_tasks(sandbox, "prod", "burrito")
    sha = world.sha_for("burrito", 1)  # prod runs commit 2: this changes the digest
    deployment_id = sandbox.deploy_sha("prod", "burrito", sha)
    service = describe(sandbox, "prod", "burrito")
    primary = service["deployments"][0]
    assert (primary["id"], primary["status"], primary["rolloutState"]) == (
        deployment_id, "PRIMARY", "IN_PROGRESS")
    assert service["deployments"][1]["status"] == "ACTIVE"

    seen_counts = set()

    def done() -> dict[str, Any] | None:
        current = describe(sandbox, "prod", "burrito")
        seen_counts.add((current["runningCount"], current["pendingCount"]))
        return settled(sandbox, "prod", "burrito")

    service = wait_for(done, timeout=10)
    assert service["deployments"][0]["id"] == deployment_id
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    assert any(pending > 0 for _, pending in seen_counts)  # counts moved on the way
    after = running_tasks(sandbox, "prod", "burrito")
    assert len(after) == 2 and not {t["taskArn"] for t in after} & {t["taskArn"] for t in before}
    digest = sandbox.client("prod", "ecr").describe_images(
        repositoryName="acme/burrito", imageIds=[{"imageTag": sha}])["imageDetails"][0]
    assert app_digests(after, "burrito") == {digest["imageDigest"]}
    assert app_digests(before, "burrito") != app_digests(after, "burrito")
    messages = [e["message"] for e in service["events"]]
    assert messages[0] == "(service burrito) has reached a steady state."
    assert f"(service burrito) (deployment {deployment_id}) deployment completed." in messages
    assert any(m.startswith("(service burrito) has started 2 tasks: (task ") for m in messages)
    assert any(m.startswith("(service burrito) has stopped ") for m in messages)


def test_broken_image_rolls_back_through_the_circuit_breaker(fresh_world) -> None:
    sandbox = fresh_world
    good = describe(sandbox, "prod", "my-app")["taskDefinition"]
    broken = world.sha_for("my-app", min(world.service_spec("my-app").broken))
    failed_id = sandbox.deploy_sha("prod", "my-app", broken)

    def stopped_crash() -> list[dict[str, Any]]:
        ecs = sandbox.client("prod", "ecs")
        arns = ecs.list_tasks(cluster="prod", serviceName="my-app",
                              desiredStatus="STOPPED")["taskArns"]
        tasks = ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"] if arns else []
        return [t for t in tasks if t["startedBy"] == failed_id and t["lastStatus"] == "STOPPED"]

    crashed = wait_for(stopped_crash, timeout=10)[0]
    assert crashed["stoppedReason"] == "Essential container in task exited"
    assert crashed["stopCode"] == "EssentialContainerExited"
    assert next(c for c in crashed["containers"] if c["name"] == "app")["exitCode"] == 1

    service = wait_for(lambda: settled(sandbox, "prod", "my-app"), timeout=15)
    primary = service["deployments"][0]
    assert primary["rolloutState"] == "COMPLETED" and primary["id"] != failed_id
    assert service["taskDefinition"] == primary["taskDefinition"] == good
    messages = [e["message"] for e in service["events"]]
    assert (f"(service my-app) (deployment {failed_id}) deployment failed: "
            "tasks failed to start.") in messages
    assert any(m.startswith("(service my-app) rolling back to deployment ecs-svc/")
               for m in messages)
    assert {t["taskDefinitionArn"] for t in running_tasks(sandbox, "prod", "my-app")} == {good}
    ecs = sandbox.client("prod", "ecs")
    briefs = ecs.list_service_deployments(cluster="prod", service="my-app")["serviceDeployments"]
    assert briefs[0]["status"] == "ROLLBACK_SUCCESSFUL"
    assert briefs[0]["serviceDeploymentArn"].endswith(failed_id.split("/")[1])


def test_failed_tasks_count_while_the_breaker_watches(fresh_world) -> None:
    sandbox = fresh_world
    broken = world.sha_for("my-app", min(world.service_spec("my-app").broken))
    failed_id = sandbox.deploy_sha("pre-prod", "my-app", broken)

    def failed_deployment() -> dict[str, Any] | None:
        for deployment in describe(sandbox, "pre-prod", "my-app")["deployments"]:
            if deployment["id"] == failed_id and deployment["rolloutState"] == "FAILED":
                return deployment
        return None

    deployment = wait_for(failed_deployment, timeout=10)
    assert deployment["failedTasks"] >= 3
    assert deployment["rolloutStateReason"] == (
        "ECS deployment circuit breaker: tasks failed to start.")


def test_deployment_configuration_is_kept(sandbox) -> None:
    service = describe(sandbox, "prod", "orders")
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }


def test_list_tasks_filters_by_service_and_status(sandbox) -> None:
    ecs = sandbox.client("pre-prod", "ecs")
    everything = set(ecs.list_tasks(cluster="pre-prod")["taskArns"])
    per_service = [set(ecs.list_tasks(cluster="pre-prod", serviceName=s.name)["taskArns"])
                   for s in world.SERVICES]
    assert [len(tasks) for tasks in per_service] == [s.desired["pre-prod"] for s in world.SERVICES]
    assert set().union(*per_service) == everything
    assert not per_service[0] & per_service[1]


def test_scaling_changes_counts_without_a_new_deployment(fresh_world) -> None:
    sandbox = fresh_world
    ecs = sandbox.client("pre-prod", "ecs")
    before = describe(sandbox, "pre-prod", "orders")["deployments"][0]["id"]
    ecs.update_service(cluster="pre-prod", service="orders", desiredCount=3)
    service = wait_for(lambda: (s := describe(sandbox, "pre-prod", "orders"))["runningCount"] == 3
                       and s, timeout=10)
    assert [d["id"] for d in service["deployments"]] == [before]
    assert len(running_tasks(sandbox, "pre-prod", "orders")) == 3


def test_stop_service_deployment_rolls_back_an_in_flight_rollout(fresh_world) -> None:
    sandbox = fresh_world
    ecs = sandbox.client("pre-prod", "ecs")
    good = describe(sandbox, "pre-prod", "orders")["taskDefinition"]
    sandbox.deploy_sha("pre-prod", "orders", world.sha_for("orders", 0))
    latest = ecs.list_service_deployments(cluster="pre-prod", service="orders")
    brief = latest["serviceDeployments"][0]
    assert brief["status"] == "IN_PROGRESS"
    ecs.stop_service_deployment(serviceDeploymentArn=brief["serviceDeploymentArn"],
                                stopType="ROLLBACK")
    service = wait_for(lambda: settled(sandbox, "pre-prod", "orders"), timeout=10)
    assert service["taskDefinition"] == good
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    described = ecs.describe_service_deployments(
        serviceDeploymentArns=[brief["serviceDeploymentArn"]])["serviceDeployments"][0]
    assert described["status"] == "ROLLBACK_SUCCESSFUL"
    assert described["rollback"]["serviceRevisionArn"].startswith(
        "arn:aws:ecs:eu-west-1:111111111111:service-revision/pre-prod/orders/")


def test_an_image_missing_from_the_registry_cannot_start(fresh_world) -> None:
    sandbox = fresh_world
    ecs = sandbox.client("pre-prod", "ecs")
    current = describe(sandbox, "pre-prod", "orders")["taskDefinition"]
    definition = ecs.describe_task_definition(taskDefinition=current)["taskDefinition"]
    containers = definition["containerDefinitions"]
    repository = containers[0]["image"].rsplit(":", 1)[0]
    containers[0]["image"] = f"{repository}@sha256:{'0' * 64}"
    arn = ecs.register_task_definition(
        family="orders", containerDefinitions=containers, networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
    )["taskDefinition"]["taskDefinitionArn"]
    deployment = ecs.update_service(cluster="pre-prod", service="orders",
                                    taskDefinition=arn)["service"]["deployments"][0]["id"]

    def failed() -> list[dict[str, Any]]:
        arns = ecs.list_tasks(cluster="pre-prod", serviceName="orders",
                              desiredStatus="STOPPED")["taskArns"]
        tasks = ecs.describe_tasks(cluster="pre-prod", tasks=arns)["tasks"] if arns else []
        return [t for t in tasks if t["startedBy"] == deployment]

    task = wait_for(failed, timeout=10)[0]
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError:")


def test_background_threads_raised_nothing(sandbox) -> None:
    assert sandbox.background_errors == []
