"""Promote through GitHub: approve the run waiting for prod (promote_via = github-approval),
or dispatch the promote workflow with the SHA (promote_via = github-dispatch)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
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


def test_cli_dry_run_prints_the_dispatch_and_changes_nothing(
    fresh_world, sandbox_env, state_dir: Path, tmp_path: Path
) -> None:
    text = Path(fresh_world.config_path).read_text(encoding="utf-8")
    text = text.replace("[services.my-app]\n", "[services.my-app]\npromote_via = "
                        '"github-dispatch"\npromote_workflow = "promote.yml"\n')
    config = tmp_path / "ecstui.toml"
    config.write_text(text, encoding="utf-8")
    before = prod_service(fresh_world)["taskDefinition"]
    done = subprocess.run(
        [sys.executable, "-m", "ecstui", "--config", str(config), "--service", "my-app",
         "promote", "--dry-run"],
        env={**sandbox_env, "ECSTUI_STATE_DIR": str(state_dir), "NO_COLOR": "1"},
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert (f'dispatch workflow promote.yml of acme/my-app on ref main with inputs '
            f'{{"sha": "{sha("my-app", 5)}"}}') in done.stdout
    assert "[  ok] promote workflow can run: promote.yml (Promote to prod)" in done.stdout
    assert "--dry-run: nothing was changed." in done.stderr
    assert prod_service(fresh_world)["taskDefinition"] == before
    assert not fresh_world.github.dirty
    assert not (state_dir / "audit.jsonl").exists()


async def test_tui_shows_the_same_dispatch_plan_and_rolls_out(fresh_world) -> None:
    from ecstui.tui.screens.change import ConfirmChangeScreen, PromoteOptionsScreen, RolloutScreen
    from tests.promote.test_tui_change import SIZE, app_on, type_into, wait_for

    workspace = configured(fresh_world, promote_via="github-dispatch",
                           promote_workflow="promote.yml")
    try:
        plan = await plan_promote(workspace, "my-app")
        app = app_on(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.main_screen.selected_service is not None)
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PromoteOptionsScreen))
            await type_into(pilot, "#promote-sha", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen))
            text = str(app.screen.query_one("#change-plan-text").render())
            dispatch_step = next(line for line in plan.render().splitlines()
                                 if "dispatch workflow" in line)
            assert dispatch_step.strip() in text
            assert app.screen.plan.ok, text
            await type_into(pilot, "#change-name", *"my-app", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, RolloutScreen))
            change = app.screen.change
            await wait_for(pilot, lambda: change.finished, seconds=60)
            assert change.last is not None and change.last.state is RolloutState.SUCCEEDED
        assert [r["outcome"] for r in audit.read_records()] == [
            "dispatched", "started", "succeeded"]
    finally:
        await workspace.close()
