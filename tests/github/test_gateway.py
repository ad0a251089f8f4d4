"""The GitHub gateway against the sandbox over HTTP through PyGithub."""

from __future__ import annotations

import asyncio

import pytest

from ecstui.errors import NotFoundError
from ecstui.gateways.github.client import GitHubGateway
from ecstui.gateways.github.errors import (
    GitHubAuthError,
    GitHubRateLimited,
    GitHubUnavailable,
    NotAReviewer,
)
from ecstui.gateways.github.token import Token, resolve_token
from ecstui.sandbox import world
from ecstui.sandbox.github import TOKEN, GitHubSandbox


@pytest.fixture
def gateway(github_sandbox: GitHubSandbox):  # type: ignore[no-untyped-def]
    gw = GitHubGateway(github_sandbox.url, Token(TOKEN, "GH_TOKEN"))
    yield gw
    gw.close()


async def test_recent_runs_are_domain_models(gateway: GitHubGateway) -> None:
    runs = await gateway.recent_runs("acme/my-app")
    assert [r.run_number for r in runs] == [6, 5, 4, 3, 2, 1]
    newest = runs[0]
    assert newest.waiting and newest.state == "waiting"
    assert newest.head_sha == world.sha_for("my-app", 5)
    assert newest.title == "Retry payment webhook on 502"
    assert newest.workflow == "Build and deploy" and newest.actor and newest.branch == "main"
    assert newest.created_at.tzinfo is not None and newest.url.startswith("http://127.0.0.1")
    assert runs[1].state == "failure" and runs[1].failed


async def test_polling_uses_etags(gateway: GitHubGateway, github_sandbox: GitHubSandbox) -> None:
    first = await gateway.recent_runs("acme/burrito")
    again = await gateway.recent_runs("acme/burrito")
    assert first == again
    statuses = [s for m, p, s in github_sandbox.requests if "/acme/burrito/actions/runs" in p]
    assert statuses == [200, 304]


async def test_commit_title_is_cached(gateway: GitHubGateway,
                                      github_sandbox: GitHubSandbox) -> None:
    sha = world.sha_for("payments", 1)
    commit = await gateway.commit("acme/payments", sha)
    assert commit.title == "PCI log scrubbing" and commit.committed_at is not None
    before = len(github_sandbox.requests)
    assert await gateway.commit("acme/payments", sha) == commit
    assert len(github_sandbox.requests) == before


async def test_pending_shows_reviewers_and_whether_i_can_approve(gateway: GitHubGateway) -> None:
    [mine] = await gateway.recent_runs("acme/my-app", status="waiting")
    pending = await gateway.pending(mine)
    prod = pending.environment("prod")
    assert prod is not None and prod.current_user_can_approve and pending.can_approve
    assert "team:release-managers" in prod.reviewer_names
    [theirs] = await gateway.recent_runs("acme/orders", status="waiting")
    assert not (await gateway.pending(theirs)).can_approve


async def test_approve_then_the_run_completes(gateway: GitHubGateway, deploys: list) -> None:
    [run] = await gateway.recent_runs("acme/my-app", status="waiting")
    result = await gateway.review(run, "prod", "approved", "ship it")
    assert result.state == "approved" and len(result.deployment_ids) == 1
    for _ in range(200):
        if (await gateway.run("acme/my-app", run.id)).status == "completed":
            break
        await asyncio.sleep(0.02)
    done = await gateway.run("acme/my-app", run.id)
    assert done.conclusion == "success"
    assert deploys == [("prod", "my-app", run.head_sha)]


async def test_not_a_reviewer_is_refused_before_posting(
    gateway: GitHubGateway, github_sandbox: GitHubSandbox, deploys: list
) -> None:
    [run] = await gateway.recent_runs("acme/orders", status="waiting")
    with pytest.raises(NotAReviewer) as caught:
        await gateway.review(run, "prod", "approved", "please")
    assert "maria-oncall is not a required reviewer of 'prod'" in str(caught.value)
    assert "@dev-ravi" in str(caught.value)
    assert not any(m == "POST" for m, _, _ in github_sandbox.requests) and deploys == []


async def test_wrong_environment_is_not_found(gateway: GitHubGateway) -> None:
    [run] = await gateway.recent_runs("acme/my-app", status="waiting")
    with pytest.raises(NotFoundError, match="waits for: prod"):
        await gateway.review(run, "pre-prod", "approved", "x")


async def test_unknown_repository_is_one_sentence(gateway: GitHubGateway) -> None:
    with pytest.raises(NotFoundError, match="acme/nope"):
        await gateway.recent_runs("acme/nope")


async def test_bad_token(github_sandbox: GitHubSandbox) -> None:
    gw = GitHubGateway(github_sandbox.url, Token("ghp_" + "x" * 36, "GH_TOKEN"))
    with pytest.raises(GitHubAuthError) as caught:
        await gw.viewer()
    assert "x" * 36 not in str(caught.value) and "gh auth login" in str(caught.value)


async def test_no_token_is_unavailable_not_a_crash(github_sandbox: GitHubSandbox) -> None:
    gw = GitHubGateway(github_sandbox.url, None)
    assert not gw.available
    with pytest.raises(GitHubUnavailable, match="set GH_TOKEN or run `gh auth login`"):
        await gw.recent_runs("acme/my-app")
    assert github_sandbox.requests == []


async def test_secondary_rate_limit_backs_off(gateway: GitHubGateway,
                                              github_sandbox: GitHubSandbox) -> None:
    github_sandbox.throttle(1, retry_after=30)
    with pytest.raises(GitHubRateLimited) as caught:
        await gateway.recent_runs("acme/my-app")
    assert caught.value.retry_after == 30
    sent = len(github_sandbox.requests)
    with pytest.raises(GitHubRateLimited, match="backing off"):
        await gateway.recent_runs("acme/my-app")
    assert len(github_sandbox.requests) == sent  # polite: no request during the back-off


async def test_rate_limit_is_exposed(gateway: GitHubGateway) -> None:
    await gateway.viewer()
    limit = await gateway.rate_limit()
    assert limit.limit == 5000 and 0 < limit.remaining < 5000 and limit.reset_at is not None


def test_token_sources_in_order() -> None:
    api = "https://api.github.com"
    both = {"GH_TOKEN": "ghp_a", "GITHUB_TOKEN": "ghp_b"}
    assert resolve_token(api, both, use_gh=False).source == "GH_TOKEN"  # type: ignore[union-attr]
    only = resolve_token(api, {"GITHUB_TOKEN": "ghp_b"}, use_gh=False)
    assert only is not None and only.source == "GITHUB_TOKEN" and "ghp_b" not in repr(only)
    assert resolve_token(api, {}, use_gh=False) is None
    ghe = resolve_token("https://ghe.corp/api/v3", {"GH_ENTERPRISE_TOKEN": "e", "GH_TOKEN": "g"},
                        use_gh=False)
    assert ghe is not None and ghe.source == "GH_ENTERPRISE_TOKEN"
    assert resolve_token("http://127.0.0.1:1", {}) is None  # never asks gh for the sandbox


async def test_enterprise_style_base_url(contract, deploys) -> None:  # type: ignore[no-untyped-def]
    """GitHub Enterprise Server serves the API under /api/v3: every URL carries the prefix."""
    with GitHubSandbox(deploy=lambda *a: deploys.append(a), step_seconds=0.01,
                       checker=contract.check, api_prefix="/api/v3") as ghes:
        assert ghes.url.endswith("/api/v3")
        gw = GitHubGateway(ghes.url, Token(TOKEN, "GH_ENTERPRISE_TOKEN"), per_page=2)
        try:
            [run] = await gw.recent_runs("acme/my-app", status="waiting")
            assert run.api_url.startswith(ghes.url + "/repos/acme/my-app/actions/runs/")
            result = await gw.review(run, "prod", "approved", "ghes")
            assert result.deployment_ids and (await gw.commit("acme/my-app", run.head_sha)).title
        finally:
            gw.close()
        assert all(path.startswith("/api/v3/") for _, path, _ in ghes.requests)
        assert ghes.violations == []
