"""Core use cases (runs, approvals, review) over a Workspace against the sandbox GitHub."""

from __future__ import annotations

import pytest

from ecstui.config import EnvironmentSettings, GitHubSettings, ServiceSettings, Settings
from ecstui.core.approvals import find_waiting_run, list_approvals, review
from ecstui.core.runs import load_runs
from ecstui.core.workspace import Workspace
from ecstui.errors import NotFoundError, UsageError
from ecstui.sandbox import world
from ecstui.sandbox.github import GitHubSandbox


def workspace(github: GitHubSandbox, **extra: str) -> Workspace:
    services = {s.name: ServiceSettings(s.name, repository=s.repository)
                for s in world.SERVICES}
    services.update({name: ServiceSettings(name, repository=repo) for name, repo in extra.items()})
    return Workspace(Settings(path=None, environments=(EnvironmentSettings("prod"),),
                              services=services, github=GitHubSettings(github.url)))


@pytest.fixture
def token(github_sandbox, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GH_TOKEN", github_sandbox.token)


async def test_one_broken_repository_hides_nothing(github_sandbox, token) -> None:  # type: ignore[no-untyped-def]
    ws = workspace(github_sandbox, ghost="acme/ghost")
    try:
        overview = await load_runs(ws, limit=3)
    finally:
        await ws.close()
    by_name = {r.service: r for r in overview.repositories}
    assert by_name["ghost"].error and "acme/ghost" in by_name["ghost"].error
    assert all(len(by_name[s.name].runs) == min(3, len(s.commits)) for s in world.SERVICES)
    assert overview.viewer == "maria-oncall" and overview.rate_limit is not None
    assert {r.head_sha for r in overview.waiting} == {
        world.sha_for("my-app", 5), world.sha_for("orders", 2)}


async def test_no_token_is_a_state_not_an_exception(github_sandbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    ws = workspace(github_sandbox)
    runs, approvals = await load_runs(ws), await list_approvals(ws)
    assert runs.unavailable == approvals.unavailable
    assert "set GH_TOKEN or run `gh auth login`" in (runs.unavailable or "")
    assert github_sandbox.requests == []


async def test_approvals_and_who_can_approve(github_sandbox, token) -> None:  # type: ignore[no-untyped-def]
    ws = workspace(github_sandbox)
    overview = await list_approvals(ws)
    assert overview.count == 2 and [a.run.repository for a in overview.mine] == ["acme/my-app"]
    only = await list_approvals(ws, service="orders")
    assert [a.run.repository for a in only.approvals] == ["acme/orders"]
    await ws.close()


async def test_review_rules(github_sandbox, token) -> None:  # type: ignore[no-untyped-def]
    ws = workspace(github_sandbox)
    with pytest.raises(UsageError, match="needs a comment"):
        await review(ws, 9_100_005, "prod", "rejected", "  ")
    with pytest.raises(UsageError, match="is not waiting for a review"):
        await find_waiting_run(ws, 9_100_000)
    with pytest.raises(NotFoundError, match="No run 1 in"):
        await find_waiting_run(ws, 1, service="my-app")
    with pytest.raises(NotFoundError, match="has no GitHub repository configured"):
        await load_runs(ws, service="nope")
    result = await review(ws, 9_100_005, "prod", "rejected", "incident in progress")
    assert result.state == "rejected" and result.deployment_ids == ()
    assert github_sandbox.state.runs[9_100_005].conclusion == "failure"
    await ws.close()
