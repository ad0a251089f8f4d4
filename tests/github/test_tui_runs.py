"""The runs/approvals screen: snapshot on fixed data; Pilot approvals against the live sandbox."""

from __future__ import annotations

import pytest

from ecstui.sandbox import world
from tests.github.tui_fixed import SIZE, frozen_github, github_app, open_runs, wait_for

MY_APP = world.service_spec("my-app")
WAITING_SHA = world.sha_for("my-app", MY_APP.awaiting_prod or 0)


@pytest.fixture
def frozen(monkeypatch):  # type: ignore[no-untyped-def]
    github = frozen_github()
    monkeypatch.setenv("GH_TOKEN", github.token)
    with github:
        yield github


def test_runs_and_approvals_snapshot(snap_compare, frozen) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(github_app(frozen), terminal_size=SIZE, run_before=open_runs)


async def test_main_screen_counts_pending_approvals(frozen) -> None:  # type: ignore[no-untyped-def]
    from ecstui.tui.widgets.runs import ApprovalsBadge

    app = github_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.approvals is not None)
        badge = app.screen.query_one(ApprovalsBadge)
        assert badge.display and "2 approvals waiting (1 you can approve)" in str(badge.render())
        assert badge.has_class("-waiting", "-mine")


async def test_no_token_says_how_to_get_one(frozen, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ecstui.tui.widgets.runs import ApprovalsBadge

    monkeypatch.delenv("GH_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    app = github_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.approvals is not None and app.inventory is not None)
        assert "set GH_TOKEN or run `gh auth login`" in str(
            app.screen.query_one(ApprovalsBadge).render())
        assert app.screen.query_one("ServiceTable").row_count > 0  # the rest works
    assert frozen.requests == []


async def test_not_a_reviewer_gets_no_prompt(frozen) -> None:  # type: ignore[no-untyped-def]
    from ecstui.tui.widgets.runs import ApprovalsTable

    app = github_app(frozen)
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot)
        table = app.screen.query_one(ApprovalsTable)
        orders = next(r for r in frozen.state.repo_runs("orders") if r.status == "waiting")
        table.move_cursor(row=table.get_row_index(f"{orders.id}/prod"))
        await pilot.press("a")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "RunsScreen"
        assert any("not a required reviewer of prod in acme/orders" in n.message
                   for n in app._notifications)
    assert not any(method == "POST" for method, _, _ in frozen.requests)


async def test_approve_in_the_tui_rolls_prod_to_the_sha(fresh_world) -> None:  # type: ignore[no-untyped-def]
    """The newcomer's path: g, pick the waiting run, a, comment, enter; prod rolls."""
    from ecstui.config import load_settings
    from ecstui.core.workspace import Workspace
    from ecstui.tui.app import EcstuiApp
    from ecstui.tui.widgets.runs import ApprovalsTable

    app = EcstuiApp(Workspace(load_settings(fresh_world.config_path)), refresh_seconds=1.0)
    app.github_poll_seconds = 2.0
    run = next(r for r in fresh_world.github.state.repo_runs("my-app") if r.status == "waiting")
    async with app.run_test(size=SIZE) as pilot:
        await open_runs(pilot)
        table = app.screen.query_one(ApprovalsTable)
        table.move_cursor(row=table.get_row_index(f"{run.id}/prod"))
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ReviewScreen")
        assert "Approve run" in str(app.screen.query_one("#review-plan").render())
        # Keys pressed before the dialog's on_mount focuses its input would be lost.
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "review-comment")
        await pilot.press(*"ship it", "enter")
        await wait_for(pilot, lambda: run.status != "waiting")
        await pilot.press("escape")  # back to the main screen, which keeps refreshing

        def prod_runs_new_sha() -> bool:
            found = app.inventory.find("my-app", "prod") if app.inventory else ()
            return bool(found) and not found[0].mixed and found[0].sha == WAITING_SHA

        await wait_for(pilot, prod_runs_new_sha, tries=3000)
        await wait_for(pilot, lambda: run.conclusion == "success")
        assert run.reviews[0].comment == "ship it"
    assert fresh_world.github.violations == []


@pytest.mark.parametrize("outcome", ["loaded", "failed", "crashed", "hangs"])
async def test_approvals_poll_waits_for_the_first_inventory(frozen, outcome, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'What runs where' first: GitHub is asked only once the first load has finished,
    however it finished (a failed or crashing load must not leave approvals unpolled),
    or a few seconds after start while it hangs (AWS down must not hide approvals)."""
    import asyncio

    from ecstui.errors import OperationError
    from tests.inventory.fixed import fixed_inventory

    monkeypatch.setattr("ecstui.tui.app.APPROVALS_AT_LATEST", 1.5)
    release = asyncio.Event()

    async def loader(previous: object) -> object:
        await release.wait()
        if outcome == "failed":
            raise OperationError("ECS is unreachable.")
        if outcome == "crashed":
            raise RuntimeError("a bug")
        return fixed_inventory()

    app = github_app(frozen, loader)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        assert frozen.requests == [] and app.approvals is None
        if outcome != "hangs":
            release.set()
        await wait_for(pilot, lambda: app.approvals is not None)
        assert frozen.requests
        assert (app.inventory is not None) is (outcome == "loaded")
        assert (app.main_screen.load_error is not None) is (outcome in ("failed", "crashed"))
        release.set()
