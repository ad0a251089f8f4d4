"""Rollback against the sandbox over HTTP: target choice, in-flight, re-check, audit."""

from __future__ import annotations

import pytest

from ecstui.core import audit
from ecstui.core.promote import apply_promote, plan_promote
from ecstui.core.rollback import apply_rollback, plan_rollback
from ecstui.domain.plans import Method
from ecstui.domain.rollout import RolloutState
from ecstui.errors import RefusedError
from tests.promote.helpers import prod_service, revisions, run_to_end, sha, wait_settled


async def test_rollback_returns_to_the_last_good_revision(fresh_world, workspace) -> None:
    before = revisions(fresh_world)
    current = prod_service(fresh_world)["taskDefinition"]
    plan = await plan_rollback(workspace, "my-app")
    assert plan.ok, plan.render()
    assert plan.target.task_definition_arn == before[-2]
    assert plan.target.image is not None and plan.target.image.sha == sha("my-app", 2)
    assert plan.method is Method.UPDATE_SERVICE
    assert "completed successfully" in plan.chosen_because  # from ECS's deployment history

    applied = await apply_rollback(workspace, plan)
    events = await run_to_end(workspace, applied)
    assert events[-1].state is RolloutState.SUCCEEDED, events[-1].message
    assert prod_service(fresh_world)["taskDefinition"] == before[-2]
    assert revisions(fresh_world) == before  # nothing registered, nothing deregistered
    ecs = fresh_world.client("prod", "ecs")
    assert ecs.describe_task_definition(taskDefinition=current)["taskDefinition"]["status"] \
        == "ACTIVE"
    outcomes = [(r["action"], r["outcome"]) for r in audit.read_records()]
    assert outcomes == [("rollback", "started"), ("rollback", "succeeded")]


async def test_rollback_skips_a_previous_revision_with_the_same_image(
    fresh_world, workspace
) -> None:
    ecs = fresh_world.client("prod", "ecs")
    seeded = revisions(fresh_world)
    # A config-only change: same image, one more revision, deployed and settled.
    described = ecs.describe_task_definition(taskDefinition=seeded[-1])["taskDefinition"]
    body = {k: v for k, v in described.items() if k in {
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
        "requiresCompatibilities", "cpu", "memory", "runtimePlatform"}}
    body["containerDefinitions"][0]["environment"].append({"name": "FEATURE", "value": "on"})
    config_only = ecs.register_task_definition(**body)["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="prod", service="my-app", taskDefinition=config_only)
    wait_settled(fresh_world)

    plan = await plan_rollback(workspace, "my-app")
    # seeded[-1] has the image that runs now: the target is the one before it.
    assert plan.target.task_definition_arn == seeded[-2], plan.render()


async def test_rollback_of_a_deployment_in_flight(fresh_world, workspace, lifecycle) -> None:
    ecs = fresh_world.client("prod", "ecs")
    good = prod_service(fresh_world)["taskDefinition"]
    ecs.update_service(cluster="prod", service="my-app",
                       taskDefinition=revisions(fresh_world)[1])
    with lifecycle.pause():  # hold the rollout in flight while the plan is made
        plan = await plan_rollback(workspace, "my-app")
    assert plan.target.task_definition_arn == good, plan.render()
    assert plan.method is Method.STOP_ROLLBACK  # the history names the deployment in flight
    assert "StopServiceDeployment" in plan.render()

    # The sandbox does not serve StopServiceDeployment: apply falls back to UpdateService.
    applied = await apply_rollback(workspace, plan)
    events = await run_to_end(workspace, applied)
    assert events[-1].state is RolloutState.SUCCEEDED, events[-1].message
    assert prod_service(fresh_world)["taskDefinition"] == good


async def test_rollback_after_a_failed_promote_never_picks_the_broken_revision(
    fresh_world, workspace
) -> None:
    good_plan = await plan_promote(workspace, "my-app")
    await run_to_end(workspace, await apply_promote(workspace, good_plan))
    promoted = prod_service(fresh_world)["taskDefinition"]
    broken_plan = await plan_promote(workspace, "my-app", sha=sha("my-app", 4), force=True)
    broken = await apply_promote(workspace, broken_plan)
    assert (await run_to_end(workspace, broken))[-1].state is RolloutState.FAILED
    wait_settled(fresh_world)
    assert prod_service(fresh_world)["taskDefinition"] == promoted

    plan = await plan_rollback(workspace, "my-app")
    assert plan.target.task_definition_arn not in {broken.task_definition_arn, promoted}
    assert plan.target.image is not None and plan.target.image.sha == sha("my-app", 3)


async def test_rollback_to_a_sha_and_to_a_revision(fresh_world, workspace) -> None:
    seeded = revisions(fresh_world)
    by_sha = await plan_rollback(workspace, "my-app", to=sha("my-app", 1)[:8])
    assert by_sha.target.task_definition_arn == seeded[1]
    by_revision = await plan_rollback(workspace, "my-app", to="1")
    assert by_revision.target.task_definition_arn == seeded[0]


async def test_rollback_recheck_catches_a_concurrent_deploy(fresh_world, workspace) -> None:
    plan = await plan_rollback(workspace, "my-app")
    fresh_world.deploy_sha("prod", "my-app", sha("my-app", 5))
    with pytest.raises(RefusedError, match="another deployment started"):
        await apply_rollback(workspace, plan)
    assert audit.read_records() == []
