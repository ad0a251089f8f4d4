"""Fixed data for the promote/rollback screens: snapshot tests and screenshots share it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from ecstui.domain.images import ImageRef
from ecstui.domain.models import ServiceEvent
from ecstui.domain.planning import RegistryFacts, build_promote_plan
from ecstui.domain.rollout import RolloutProgress, RolloutState
from ecstui.tui.screens.change import ChangeRun, ConfirmChangeScreen, RolloutScreen
from ecstui.tui.styles import load_css
from tests.promote.recorded import (
    BUILD_REPO,
    DIGEST_NEW,
    REPO,
    SHA_CUR,
    SHA_NEW,
    T0,
    arn,
    deployment,
    service,
)

SIZE = (150, 40)


def fixed_plan() -> Any:
    upstream = service(revision=9, image=f"{BUILD_REPO}:{SHA_NEW}", digest=DIGEST_NEW,
                       environment="pre-prod", desired=2)
    return build_promote_plan(
        prod=service(), upstream=upstream, source_env="pre-prod", sha=SHA_NEW,
        image=ImageRef(BUILD_REPO, SHA_NEW, DIGEST_NEW), registry=RegistryFacts(REPO, True),
        protected=True)


def fixed_run() -> ChangeRun:
    plan = fixed_plan()
    run = ChangeRun("promote", service(), plan=plan, status="watching")
    run.progress.append(RolloutProgress(
        RolloutState.RUNNING, "2/3 tasks on revision 5; 2 deployment(s).", 14.2,
        deployments=(deployment("ecs-svc/5", "PRIMARY", 5, "IN_PROGRESS", running=2),
                     deployment("ecs-svc/4", "ACTIVE", 4, "COMPLETED", running=3)),
        images=((SHA_CUR[:7], 3), (SHA_NEW[:7], 2)),
        new_events=(ServiceEvent("e1", T0, "(service my-app) has started 3 tasks: (task 5b46)"),),
        deployment_id="ecs-svc/5", target_task_definition=arn(5)))
    return run


class ChangeApp(App[None]):
    CSS = load_css()

    def __init__(self, screen: str) -> None:
        super().__init__()
        self.which = screen

    def on_mount(self) -> None:
        if self.which == "confirm":
            self.push_screen(ConfirmChangeScreen(fixed_plan()))
        else:
            self.push_screen(RolloutScreen(fixed_run()))


async def shoot_change(out: Path) -> list[Path]:
    """screenshots/promote-confirm.svg and promote-rollout.svg."""
    paths = []
    for which, name in (("confirm", "promote-confirm"), ("rollout", "promote-rollout")):
        app = ChangeApp(which)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(out))
        paths.append(out / f"{name}.svg")
    return paths
