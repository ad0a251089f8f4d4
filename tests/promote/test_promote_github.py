"""Promote through GitHub: approve the run waiting for prod (promote_via = github-approval),
or dispatch the promote workflow with the SHA (promote_via = github-dispatch)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ecstui.config import load_settings
from ecstui.core import audit
from ecstui.core.promote import apply_promote, plan_promote
from ecstui.core.workspace import Workspace
from ecstui.domain.plans import Method
from ecstui.domain.rollout import RolloutState
from ecstui.errors import NotFoundError
from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest
from tests.promote.helpers import prod_service, run_to_end, sha

PROD_REPO = world.ecr_repository_uri(world.PROD.account_id, "acme/my-app")


def configured(sandbox: Any, **fields: Any) -> Workspace:
    """A workspace whose my-app promotes the way `fields` say."""
    settings = load_settings(sandbox.config_path)
    services = dict(settings.services)
    services["my-app"] = dataclasses.replace(services["my-app"], **fields)
    return Workspace(dataclasses.replace(settings, services=services))


async def test_promote_by_approving_the_waiting_run(fresh_world) -> None:
    settings = load_settings(fresh_world.config_path)
    services = dict(settings.services)
    services["my-app"] = dataclasses.replace(services["my-app"], promote_via="github-approval")
    workspace = Workspace(dataclasses.replace(settings, services=services))
    try:
        plan = await plan_promote(workspace, "my-app")
        assert plan.method is Method.GITHUB_APPROVE, plan.render()
        assert plan.ok, plan.render()
        assert plan.github_run_id is not None
        assert f"approve run {plan.github_run_id} of acme/my-app" in plan.render()

        applied = await apply_promote(workspace, plan)
        events = await run_to_end(workspace, applied)
        assert events[-1].state is RolloutState.SUCCEEDED, events[-1].message
        assert any(img == sha("my-app", 5)[:7] for img, _ in events[-1].images)
        assert prod_service(fresh_world)["taskDefinition"] == applied.task_definition_arn
        outcomes = [r["outcome"] for r in audit.read_records()]
        assert outcomes == ["approved", "started", "succeeded"]
        run = await workspace.github.run("acme/my-app", plan.github_run_id)
        assert not run.waiting
    finally:
        await workspace.close()


async def test_promote_by_dispatching_the_promote_workflow(fresh_world) -> None:
    workspace = configured(fresh_world, promote_via="github-dispatch",
                           promote_workflow="promote.yml")
    new_sha = sha("my-app", 5)
    try:
        plan = await plan_promote(workspace, "my-app")
        assert plan.method is Method.GITHUB_DISPATCH, plan.render()
        assert plan.ok, plan.render()
        assert (f'dispatch workflow promote.yml of acme/my-app on ref main with inputs '
                f'{{"sha": "{new_sha}"}}') in plan.render()

        applied = await apply_promote(workspace, plan)
        events = await run_to_end(workspace, applied)
        assert events[-1].state is RolloutState.SUCCEEDED, events[-1].message

        [run] = [r for r in await workspace.github.recent_runs("acme/my-app")
                 if r.event == "workflow_dispatch"]
        assert run.workflow == "Promote to prod" and new_sha in run.title
        assert (run.status, run.conclusion) == ("completed", "success")

        service = prod_service(fresh_world)
        assert service["taskDefinition"] == applied.task_definition_arn
        ecs = fresh_world.client("prod", "ecs")
        body = ecs.describe_task_definition(taskDefinition=applied.task_definition_arn)
        [app] = [c for c in body["taskDefinition"]["containerDefinitions"] if c["name"] == "app"]
        assert app["image"] == f"{PROD_REPO}@{expected_digest('my-app', new_sha)}"

        records = audit.read_records()
        assert [r["outcome"] for r in records] == ["dispatched", "started", "succeeded"]
        assert records[0]["plan"]["dispatch"] == {
            "repository": "acme/my-app", "workflow": "promote.yml", "ref": "main",
            "inputs": {"sha": new_sha}}
        assert records[1]["deployment_id"] == applied.deployment_id
    finally:
        await workspace.close()


async def test_unknown_promote_workflow_is_one_sentence_and_changes_nothing(fresh_world) -> None:
    workspace = configured(fresh_world, promote_via="github-dispatch",
                           promote_workflow="nope.yml")
    before = prod_service(fresh_world)["taskDefinition"]
    try:
        plan = await plan_promote(workspace, "my-app")
        assert [c.name for c in plan.refusals] == ["promote workflow can run"], plan.render()
        assert "Workflow nope.yml was not found in acme/my-app" in (plan.refusal or "")

        # Deleted between plan and apply: the dispatch itself answers 404.
        planner = configured(fresh_world, promote_via="github-dispatch",
                             promote_workflow="promote.yml")
        try:
            good = await plan_promote(planner, "my-app")
        finally:
            await planner.close()
        assert good.ok, good.render()
        with pytest.raises(NotFoundError) as caught:
            await apply_promote(workspace, dataclasses.replace(good, workflow="nope.yml"))
        message = caught.value.message
        assert message.startswith("Workflow nope.yml was not found in acme/my-app;")
        assert message.count(". ") == 0 and message.endswith(".")

        assert prod_service(fresh_world)["taskDefinition"] == before
        runs = await workspace.github.recent_runs("acme/my-app")
        assert not [r for r in runs if r.event == "workflow_dispatch"]
        assert [r["outcome"] for r in audit.read_records()] == ["apply-failed"]
    finally:
        await workspace.close()
