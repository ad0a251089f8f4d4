"""Pilot tests of promote and rollback in the TUI, against the sandbox.

The confirmation needs the service name typed for prod (a wrong name leaves Apply
disabled and changes nothing); the rollout runs in the app's `prod-change` worker
group, so going back to the main screen does not cancel it.
"""

from __future__ import annotations

from typing import Any

from ecstui.core import audit
from ecstui.domain.rollout import RolloutState
from ecstui.tui.app import EcstuiApp
from ecstui.tui.screens.change import (
    WORKER_GROUP,
    ConfirmChangeScreen,
    PromoteOptionsScreen,
    RolloutScreen,
)
from tests.promote.helpers import prod_service, revisions, sha, wait_settled

SIZE = (160, 48)


async def wait_for(pilot: Any, predicate: Any, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def type_into(pilot: Any, selector: str, *keys: str) -> None:
    """Press `keys` once the input `selector` holds focus.

    A dialog is the app's screen before its `on_mount` has moved focus to its input:
    keys pressed in between go to whatever the screen focused first, and are lost.
    """
    app = pilot.app
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == selector[1:])
    await pilot.press(*keys)


def app_on(workspace: Any, service: str = "my-app") -> EcstuiApp:
    return EcstuiApp(workspace, env="prod", service=service, refresh_seconds=60)


async def test_promote_confirmation_needs_the_service_name_then_rolls_out(
    fresh_world, workspace
) -> None:
    before = prod_service(fresh_world)["taskDefinition"]
    app = app_on(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.selected_service is not None)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PromoteOptionsScreen))
        await type_into(pilot, "#promote-sha", "enter")  # empty SHA: what pre-prod runs
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen))
        confirm = app.screen
        text = str(confirm.query_one("#change-plan-text").render())
        assert "+ containerDefinitions[app].image:" in text  # the before/after diff
        apply = confirm.query_one("#change-apply")
        assert apply.disabled

        await type_into(pilot, "#change-name", *"my-ap", "enter")  # the wrong name
        await pilot.pause()
        assert app.screen is confirm and apply.disabled
        assert "not 'my-app'" in str(confirm.query_one("#change-hint").render())
        assert prod_service(fresh_world)["taskDefinition"] == before

        await pilot.press("p")  # now "my-app"
        assert not apply.disabled
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RolloutScreen))
        change = app.screen.change

        await pilot.press("escape")  # navigation never cancels a change to prod
        assert not isinstance(app.screen, RolloutScreen)
        await wait_for(pilot, lambda: change.finished, seconds=60)
        assert change.last is not None and change.last.state is RolloutState.SUCCEEDED
        assert not [w for w in app.workers if w.group == WORKER_GROUP and w.is_cancelled]

    assert prod_service(fresh_world)["taskDefinition"] == change.applied.task_definition_arn
    assert [r["outcome"] for r in audit.read_records()] == ["started", "succeeded"]


async def test_cancelling_the_confirmation_changes_nothing(fresh_world, workspace) -> None:
    before = (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world))
    app = app_on(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.selected_service is not None)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen))
        assert "Rollback my-app in prod" in str(app.screen.query_one("#change-title").render())
        await type_into(pilot, "#change-name", *"wrong", "enter", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmChangeScreen))
    assert (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world)) == before
    assert audit.read_records() == []


async def test_a_refused_plan_offers_no_apply_button(fresh_world, workspace) -> None:
    app = app_on(workspace, "edge-proxy")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.selected_service is not None)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PromoteOptionsScreen))
        await type_into(pilot, "#promote-sha", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen))
        assert not app.screen.query("#change-apply")
        assert "REFUSED" in str(app.screen.query_one("#change-plan-text").render())
        await pilot.press("escape")


async def test_promote_the_broken_image_with_force_and_watch_the_circuit_breaker(
    fresh_world, workspace
) -> None:
    before = prod_service(fresh_world)["taskDefinition"]
    app = app_on(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main_screen.selected_service is not None)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PromoteOptionsScreen))
        await type_into(pilot, "#promote-sha", *sha("my-app", 4), "tab", "space", "shift+tab",
                        "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen))
        assert "FORCED" in str(app.screen.query_one("#change-plan-text").render())
        await type_into(pilot, "#change-name", *"my-app", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RolloutScreen))
        rollout = app.screen
        await wait_for(pilot, lambda: rollout.change.finished, seconds=60)
        await pilot.pause(0.3)
        assert rollout.change.last.state is RolloutState.FAILED
        assert rollout.has_class("-failed")
        assert "Essential container in task exited" in " ".join(
            rollout.change.last.stopped_reasons)
    assert wait_settled(fresh_world)["taskDefinition"] == before
