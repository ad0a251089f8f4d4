"""The sandbox GitHub over HTTP through PyGithub: world, filters, pages, ETags, reviews."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from github import Auth, BadCredentialsException, Github, GithubException

from ecstui.sandbox import world
from ecstui.sandbox.github import TOKEN, GitHubSandbox


def raw(sandbox: GitHubSandbox, path: str, headers: dict[str, str] | None = None,
        token: str | None = TOKEN) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(sandbox.url + path, headers=headers or {})
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request) as response:
            body = response.read()
            return response.status, dict(response.headers), json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, dict(error.headers), json.loads(body) if body else None


def test_every_commit_has_a_build_run_whose_head_sha_is_the_commit(gh: Github) -> None:
    for spec in world.SERVICES:
        runs = list(gh.get_repo(spec.repository).get_workflow_runs())
        assert sorted(r.head_sha for r in runs) == sorted(c.sha for c in spec.commits)
        assert {r.name for r in runs} == {"Build and deploy"}
        by_sha = {r.head_sha: r for r in runs}
        for env in ("pre-prod", "prod"):
            built = by_sha[spec.commits[spec.running[env]].sha]
            assert built.status in ("completed", "waiting")


def test_the_awaiting_prod_commit_waits_for_a_prod_reviewer(gh: Github) -> None:
    spec = next(s for s in world.SERVICES if s.awaiting_prod is not None)
    sha = spec.commits[spec.awaiting_prod].sha
    [run] = gh.get_repo(spec.repository).get_workflow_runs(head_sha=sha)
    assert (run.status, run.conclusion) == ("waiting", None)
    _, pending = gh.requester.requestJsonAndCheck("GET", f"{run.url}/pending_deployments")
    assert [p["environment"]["name"] for p in pending] == ["prod"]
    assert pending[0]["current_user_can_approve"] is True


def test_filters_status_branch_event(gh: Github) -> None:
    repo = gh.get_repo("acme/my-app")
    assert [r.run_number for r in repo.get_workflow_runs(status="waiting")] == [6]
    assert [r.run_number for r in repo.get_workflow_runs(status="failure")] == [5]
    assert repo.get_workflow_runs(branch="main").totalCount == 6
    assert repo.get_workflow_runs(branch="feature/x").totalCount == 0
    assert repo.get_workflow_runs(event="pull_request").totalCount == 0


def test_pagination_follows_link_headers(github_sandbox: GitHubSandbox, gh: Github) -> None:
    status, headers, body = raw(github_sandbox, "/repos/acme/my-app/actions/runs?per_page=4")
    assert status == 200 and len(body["workflow_runs"]) == 4 and body["total_count"] == 6
    assert 'rel="next"' in headers["Link"] and "page=2" in headers["Link"]
    assert headers["Link"].startswith(f"<{github_sandbox.url}/")
    paged = Github(base_url=github_sandbox.url, auth=gh.requester.auth, per_page=2,
                   seconds_between_requests=None, seconds_between_writes=None, retry=None)
    numbers = [r.run_number for r in paged.get_repo("acme/my-app").get_workflow_runs()]
    assert numbers == [6, 5, 4, 3, 2, 1]


def test_etag_gives_304_that_costs_no_rate_limit(github_sandbox: GitHubSandbox) -> None:
    path = "/repos/acme/burrito/actions/runs"
    status, headers, _ = raw(github_sandbox, path)
    remaining = int(headers["X-RateLimit-Remaining"])
    status, again, body = raw(github_sandbox, path, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, None)
    assert int(again["X-RateLimit-Remaining"]) == remaining


def test_tokens_are_checked(github_sandbox: GitHubSandbox) -> None:
    assert raw(github_sandbox, "/user", token=None)[0] == 401
    status, _, body = raw(github_sandbox, "/user", token="ghp_wrong")
    assert status == 401 and body["message"] == "Bad credentials"
    anonymous = Github(base_url=github_sandbox.url, retry=None)
    with pytest.raises(GithubException) as caught:
        anonymous.get_user().login  # noqa: B018
    assert caught.value.status == 401
    wrong = Github(base_url=github_sandbox.url, retry=None, auth=Auth.Token("ghp_not_it"))
    with pytest.raises(BadCredentialsException):
        wrong.get_user().login  # noqa: B018


def test_every_url_field_is_absolute_on_the_sandbox_host(github_sandbox: GitHubSandbox) -> None:
    bad: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if (key.endswith("url") and isinstance(value, str) and value
                        and key not in ("documentation_url", "git_url", "ssh_url")
                        and not value.startswith(github_sandbox.url + "/")):
                    bad.append(f"{where}.{key}={value}")
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for path in ("/user", "/repos/acme/my-app", "/repos/acme/my-app/actions/runs",
                 "/repos/acme/my-app/actions/runs/9100005/jobs",
                 "/repos/acme/my-app/actions/runs/9100005/pending_deployments",
                 "/repos/acme/my-app/environments", "/repos/acme/my-app/deployments",
                 "/repos/acme/my-app/actions/workflows",
                 f"/repos/acme/my-app/commits/{world.sha_for('my-app', 5)}"):
        status, _, body = raw(github_sandbox, path)
        assert status == 200, path
        walk(body, path)
    assert bad == []


def _wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_approving_deploys_and_completes_the_run(gh: Github, deploys: list[Any]) -> None:
    repo = gh.get_repo("acme/my-app")
    [run] = repo.get_workflow_runs(status="waiting")
    _, pending = gh.requester.requestJsonAndCheck("GET", f"{run.url}/pending_deployments")
    env_id = pending[0]["environment"]["id"]
    _, created = gh.requester.requestJsonAndCheck(
        "POST", f"{run.url}/pending_deployments",
        input={"environment_ids": [env_id], "state": "approved", "comment": "ship it"})
    assert [(d["environment"], d["sha"]) for d in created] == [("prod", run.head_sha)]
    assert repo.get_workflow_run(run.id).status in ("in_progress", "completed")
    _wait_for(lambda: repo.get_workflow_run(run.id).status == "completed")
    assert repo.get_workflow_run(run.id).conclusion == "success"
    assert deploys == [("prod", "my-app", run.head_sha)]
    deployment = repo.get_deployment(created[0]["id"])
    assert [s.state for s in deployment.get_statuses()] == ["success", "in_progress"]
    _, reviews = gh.requester.requestJsonAndCheck("GET", f"{run.url}/approvals")
    assert [(r["state"], r["comment"], r["user"]["login"]) for r in reviews] == [
        ("approved", "ship it", "maria-oncall")]
    _, after = gh.requester.requestJsonAndCheck("GET", f"{run.url}/pending_deployments")
    assert after == []


def test_rejecting_fails_the_run_and_deploys_nothing(gh: Github, deploys: list[Any]) -> None:
    repo = gh.get_repo("acme/my-app")
    [run] = repo.get_workflow_runs(status="waiting")
    gh.requester.requestJsonAndCheck(
        "POST", f"{run.url}/pending_deployments",
        input={"environment_ids": [6000002], "state": "rejected", "comment": "not tonight"})
    run = repo.get_workflow_run(run.id)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert deploys == []


def test_a_user_who_is_not_a_reviewer_is_refused(gh: Github, deploys: list[Any]) -> None:
    repo = gh.get_repo("acme/orders")
    [run] = repo.get_workflow_runs(status="waiting")
    _, pending = gh.requester.requestJsonAndCheck("GET", f"{run.url}/pending_deployments")
    assert pending[0]["current_user_can_approve"] is False
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck(
            "POST", f"{run.url}/pending_deployments",
            input={"environment_ids": [pending[0]["environment"]["id"]], "state": "approved",
                   "comment": "ok"})
    assert caught.value.status == 422 and "not a required reviewer" in caught.value.data["message"]
    assert repo.get_workflow_run(run.id).status == "waiting" and deploys == []


def test_commit_title_and_rate_limit(gh: Github) -> None:
    sha = world.sha_for("burrito", 2)
    assert gh.get_repo("acme/burrito").get_commit(sha).commit.message == "Spicier default"
    core = gh.get_rate_limit().resources.core
    assert core.limit == 5000 and 0 < core.remaining < 5000


def test_secondary_rate_limit_answers_403_with_retry_after(github_sandbox: GitHubSandbox) -> None:
    github_sandbox.throttle(1, retry_after=7)
    status, headers, body = raw(github_sandbox, "/user")
    assert status == 403 and headers["Retry-After"] == "7"
    assert body["message"].startswith("You have exceeded a secondary rate limit")
    assert raw(github_sandbox, "/user")[0] == 200


def test_every_endpoint_of_every_repository_conforms(github_sandbox: GitHubSandbox) -> None:
    """A sweep through the whole seeded world; the fixture fails on any contract violation."""
    paths = ["/user", "/rate_limit"]
    for spec in world.SERVICES:
        base = f"/repos/{spec.repository}"
        paths += [base, f"{base}/actions/workflows", f"{base}/environments",
                  f"{base}/environments/prod", f"{base}/deployments?environment=prod&per_page=2",
                  f"{base}/actions/workflows/build-deploy.yml/runs?status=completed",
                  f"{base}/actions/runs?branch=main&event=push&per_page=3&page=2"]
        for run in github_sandbox.state.repo_runs(spec.name):
            paths += [f"{base}/actions/runs/{run.id}", f"{base}/actions/runs/{run.id}/jobs",
                      f"{base}/actions/runs/{run.id}/pending_deployments",
                      f"{base}/actions/runs/{run.id}/approvals",
                      f"{base}/commits/{run.head_sha}"]
        for dep in github_sandbox.state.repo_deployments(spec.name)[:3]:
            paths += [f"{base}/deployments/{dep.id}", f"{base}/deployments/{dep.id}/statuses"]
    for path in paths:
        status, _, _ = raw(github_sandbox, path)
        assert status == 200, path
    assert raw(github_sandbox, "/repos/acme/nope")[0] == 404
    assert raw(github_sandbox, "/repos/acme/my-app/commits/0000000")[0] == 422
    assert github_sandbox.violations == []
