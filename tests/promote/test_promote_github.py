"""Promote through GitHub (promote_via = github-approval): approve the run waiting for prod."""

from __future__ import annotations

import dataclasses

from ecstui.config import load_settings
from ecstui.core import audit
from ecstui.core.promote import apply_promote, plan_promote
from ecstui.core.workspace import Workspace
from ecstui.domain.plans import Method
from ecstui.domain.rollout import RolloutState
from tests.promote.helpers import prod_service, run_to_end, sha


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
