"""Promote against the sandbox over HTTP: digest pinning, field preservation, failure, refusals."""

from __future__ import annotations

import json
import urllib.request

import pytest

from ecstui.core import audit
from ecstui.core.promote import apply_promote, plan_promote
from ecstui.domain.rollout import RolloutState
from ecstui.domain.taskdefs import READ_ONLY_FIELDS
from ecstui.errors import RefusedError, UsageError
from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest
from tests.promote.helpers import prod_service, revisions, run_to_end, sha, wait_settled

PROD_REPO = world.ecr_repository_uri(world.PROD.account_id, "acme/my-app")


def refused(plan) -> list[str]:
    return [c.name for c in plan.refusals]


async def test_promote_pins_the_digest_pre_prod_runs_and_keeps_every_other_field(
    fresh_world, workspace
) -> None:
    before = prod_service(fresh_world)
    plan = await plan_promote(workspace, "my-app")
    new_sha = sha("my-app", world.service_spec("my-app").running["pre-prod"])
    assert plan.ok, plan.render()
    assert plan.sha == new_sha and plan.environment == "prod" and plan.protected

    applied = await apply_promote(workspace, plan)
    events = await run_to_end(workspace, applied)
    assert events[-1].state is RolloutState.SUCCEEDED, events[-1].message
    assert any(img.startswith(new_sha[:7]) for img, _ in events[-1].images)

    ecs = fresh_world.client("prod", "ecs")
    old = ecs.describe_task_definition(taskDefinition=before["taskDefinition"], include=["TAGS"])
    new = ecs.describe_task_definition(taskDefinition=applied.task_definition_arn,
                                       include=["TAGS"])
    assert new["tags"] == old["tags"]
    old_td, new_td = old["taskDefinition"], new["taskDefinition"]
    assert new_td["revision"] == old_td["revision"] + 1
    for key in set(old_td) | set(new_td):
        if key in READ_ONLY_FIELDS or key == "containerDefinitions":
            continue
        assert new_td.get(key) == old_td.get(key), key
    by_name = {c["name"]: c for c in new_td["containerDefinitions"]}
    for container in old_td["containerDefinitions"]:
        changed = by_name[container["name"]]
        if container["name"] == "app":
            # Pinned by the digest pre-prod's tasks run, in the registry prod pulls from.
            assert changed["image"] == f"{PROD_REPO}@{expected_digest('my-app', new_sha)}"
            changed = {**changed, "image": container["image"]}
        assert changed == container  # secrets, environment, logs... untouched
    assert prod_service(fresh_world)["taskDefinition"] == applied.task_definition_arn

    records = audit.read_records()
    assert [r["outcome"] for r in records] == ["started", "succeeded"]
    assert {r["deployment_id"] for r in records} == {applied.deployment_id}
    assert records[0]["who"] == (f"arn:aws:sts::{world.PROD.account_id}:assumed-role/"
                                 "ecstui-operator/ecstui-prod")
    assert records[0]["plan"]["target"]["digest"] == expected_digest("my-app", new_sha)
    assert "database" not in json.dumps(records).lower()  # no secret references, no bodies


async def test_promote_of_the_broken_image_fails_with_reasons_and_comes_back(
    fresh_world, workspace
) -> None:
    before = prod_service(fresh_world)["taskDefinition"]
    broken = sha("my-app", 4)
    plan = await plan_promote(workspace, "my-app", sha=broken, force=True)
    assert plan.ok and plan.forced, plan.render()
    assert [c.name for c in plan.warnings] == ["runs healthy in pre-prod"]

    applied = await apply_promote(workspace, plan)
    events = await run_to_end(workspace, applied)
    last = events[-1]
    assert last.state is RolloutState.FAILED, last.message
    assert last.stopped_reasons, "the stopped tasks' reasons are reported"
    assert "Essential container in task exited" in " ".join(last.stopped_reasons)

    settled = wait_settled(fresh_world)
    assert settled["taskDefinition"] == before  # the circuit breaker brought it back
    assert audit.read_records()[-1]["outcome"] == "failed"
    assert audit.failed_revisions("prod", "my-app") == {applied.task_definition_arn}


async def test_refuses_a_sha_pre_prod_does_not_run_without_force(fresh_world, workspace) -> None:
    plan = await plan_promote(workspace, "my-app", sha=sha("my-app", 2))
    assert refused(plan) == ["runs healthy in pre-prod"]
    count = len(revisions(fresh_world))
    with pytest.raises(RefusedError, match="runs healthy in pre-prod"):
        await apply_promote(workspace, plan)
    assert len(revisions(fresh_world)) == count
    assert audit.read_records() == []


async def test_force_needs_an_explicit_sha(workspace) -> None:
    with pytest.raises(UsageError, match="--force needs an explicit SHA"):
        await plan_promote(workspace, "my-app", force=True)


async def test_refuses_when_prods_registry_lacks_the_digest(fresh_world, workspace) -> None:
    new_sha = sha("my-app", 5)
    fresh_world.client("prod", "ecr").batch_delete_image(
        repositoryName="acme/my-app", imageIds=[{"imageTag": new_sha}])
    plan = await plan_promote(workspace, "my-app")
    assert refused(plan) == ["in prod's registry"]
    detail = plan.refusals[0].detail
    assert "ECR replication" in detail and "repository policy" in detail
    assert "acme/my-app" in detail


async def test_refuses_what_prod_already_runs(workspace) -> None:
    plan = await plan_promote(workspace, "edge-proxy")  # same commit in both, prod by :latest
    assert refused(plan) == ["not already in prod"]


async def test_refuses_while_a_deployment_is_in_flight(fresh_world, workspace, lifecycle) -> None:
    ecs = fresh_world.client("prod", "ecs")
    with_in_flight = revisions(fresh_world)[-2]
    ecs.update_service(cluster="prod", service="my-app", taskDefinition=with_in_flight)
    with lifecycle.pause():
        plan = await plan_promote(workspace, "my-app")
    assert refused(plan) == ["no deployment in flight"]


async def test_refuses_critical_scan_findings(fresh_world, workspace) -> None:
    digest = expected_digest("my-app", sha("my-app", 5))
    body = {"account_id": world.PROD.account_id, "region": world.REGION, "results": [{
        "repositoryName": "acme/my-app", "registryId": world.PROD.account_id,
        "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": "COMPLETE", "description": "done"},
        "imageScanFindings": {"findings": [], "findingSeverityCounts": {"CRITICAL": 2, "HIGH": 5}},
    }]}
    set_scan_results(fresh_world.moto_url, body)
    fresh_world.client("prod", "ecr").start_image_scan(
        repositoryName="acme/my-app", imageId={"imageDigest": digest})
    plan = await plan_promote(workspace, "my-app")
    assert refused(plan) == ["no CRITICAL scan findings"]
    assert "2 CRITICAL" in plan.refusals[0].detail


def set_scan_results(moto_url: str, body: dict) -> None:
    """moto's API for canned scan findings (DescribeImageScanFindings answers with them)."""
    request = urllib.request.Request(
        f"{moto_url}/moto-api/static/ecr/scan-finding-results",
        data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).close()  # the local sandbox


async def test_the_recheck_catches_a_concurrent_deploy(fresh_world, workspace) -> None:
    plan = await plan_promote(workspace, "my-app")
    assert plan.ok
    fresh_world.deploy_sha("prod", "my-app", sha("my-app", 2))  # someone else deploys
    count = len(revisions(fresh_world))
    with pytest.raises(RefusedError, match="changed since the plan"):
        await apply_promote(workspace, plan)
    assert len(revisions(fresh_world)) == count  # nothing registered
    assert audit.read_records() == []


async def test_planning_changes_nothing(fresh_world, workspace) -> None:
    before = (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world))
    await plan_promote(workspace, "my-app")
    await plan_promote(workspace, "my-app", sha=sha("my-app", 4), force=True)
    assert (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world)) == before


async def test_copies_the_image_into_a_configured_prod_repository(fresh_world) -> None:
    import dataclasses

    from ecstui.config import load_settings
    from ecstui.core.workspace import Workspace

    new_sha = sha("my-app", 5)
    ecr = fresh_world.client("prod", "ecr")
    ecr.batch_delete_image(repositoryName="acme/my-app", imageIds=[{"imageTag": new_sha}])
    settings = load_settings(fresh_world.config_path)
    services = dict(settings.services)
    services["my-app"] = dataclasses.replace(services["my-app"], ecr_repository_prod="acme/my-app")
    workspace = Workspace(dataclasses.replace(settings, services=services))
    try:
        plan = await plan_promote(workspace, "my-app")
        assert plan.ok, plan.render()
        assert plan.copy_image and plan.copy_image.startswith(world.ecr_repository_uri(
            world.PRE_PROD.account_id, "acme/my-app"))
        assert "PutImage" in plan.steps[0]
        applied = await apply_promote(workspace, plan)
        assert (await run_to_end(workspace, applied))[-1].state is RolloutState.SUCCEEDED
    finally:
        await workspace.close()
    found = ecr.describe_images(repositoryName="acme/my-app", imageIds=[{"imageTag": new_sha}])
    assert found["imageDetails"][0]["imageDigest"] == expected_digest("my-app", new_sha)
