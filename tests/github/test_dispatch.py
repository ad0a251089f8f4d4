"""workflow_dispatch in the sandbox GitHub and through the gateway (PyGithub), contract-checked."""

from __future__ import annotations

import time
from typing import Any

import pytest
from github import Github, GithubException

from ecstui.errors import NotFoundError, RefusedError, UsageError
from ecstui.gateways.github.client import GitHubGateway
from ecstui.gateways.github.token import Token
from ecstui.sandbox import world
from ecstui.sandbox.github import TOKEN, GitHubSandbox
from ecstui.sandbox.github.contract import OpenApiContract
from ecstui.sandbox.github.server import Exchange

DISPATCHES = "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"
PARAMS = {"owner": "acme", "repo": "my-app", "workflow_id": "promote.yml"}
SHA = world.sha_for("my-app", 5)


@pytest.fixture
def gateway(github_sandbox: GitHubSandbox):  # type: ignore[no-untyped-def]
    gw = GitHubGateway(github_sandbox.url, Token(TOKEN, "GH_TOKEN"))
    yield gw
    gw.close()


def _promote_runs(gh: Github) -> list[Any]:
    return [r for r in gh.get_repo("acme/my-app").get_workflow_runs(event="workflow_dispatch")]


def _wait_completed(gh: Github, run_id: int, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        run = gh.get_repo("acme/my-app").get_workflow_run(run_id)
        if run.status == "completed":
            return run
        assert time.monotonic() < deadline, f"run {run_id} stayed {run.status}"
        time.sleep(0.02)


def test_the_promote_workflow_is_listed(gh: Github) -> None:
    names = {w.path: w.name for w in gh.get_repo("acme/my-app").get_workflows()}
    assert names[".github/workflows/promote.yml"] == "Promote to prod"


def test_dispatch_creates_a_run_that_deploys_the_sha(
    gh: Github, github_sandbox: GitHubSandbox, deploys: list[Any]
) -> None:
    workflow = gh.get_repo("acme/my-app").get_workflow("promote.yml")
    assert workflow.create_dispatch("main", {"sha": SHA}, throw=True) is True
    assert [(m, s) for m, p, s in github_sandbox.requests if p.endswith("/dispatches")] == [
        ("POST", 204)]
    [run] = _promote_runs(gh)
    assert run.status in ("queued", "in_progress", "completed")
    assert run.event == "workflow_dispatch" and run.name == "Promote to prod"
    spec = next(s for s in world.SERVICES if s.name == "my-app")
    assert run.head_sha == spec.commits[-1].sha  # the default branch's head, as GitHub does
    assert SHA in run.display_title
    done = _wait_completed(gh, run.id)
    assert done.conclusion == "success"
    assert deploys == [("prod", "my-app", SHA)]
    [deployment] = gh.get_repo("acme/my-app").get_deployments(environment="prod", sha=SHA)
    assert [s.state for s in deployment.get_statuses()] == ["success", "in_progress"]
    assert github_sandbox.dirty


def test_dispatch_can_return_the_run(gh: Github, github_sandbox: GitHubSandbox) -> None:
    workflow = gh.get_repo("acme/my-app").get_workflow("promote.yml")
    run = workflow.create_dispatch("main", {"sha": SHA}, throw=True, return_run_details=True)
    assert run.id == _promote_runs(gh)[0].id


@pytest.mark.parametrize(("workflow", "body", "status", "message"), [
    ("promote.yml", {"ref": "main", "inputs": {"sha": SHA, "colour": "red"}}, 422,
     'Unexpected inputs provided: ["colour"]'),
    ("promote.yml", {"ref": "nope", "inputs": {"sha": SHA}}, 422, "No ref found for: nope"),
    ("promote.yml", {"ref": "main", "inputs": {}}, 422, "Required input 'sha' not provided"),
    ("build-deploy.yml", {"ref": "main", "inputs": {"sha": SHA}}, 422,
     "Workflow does not have 'workflow_dispatch' trigger"),
    ("nope.yml", {"ref": "main", "inputs": {"sha": SHA}}, 404, "Not Found"),
])
def test_refused_dispatches_change_nothing(
    gh: Github, deploys: list[Any], workflow: str, body: dict[str, Any], status: int,
    message: str,
) -> None:
    url = f"{gh.get_repo('acme/my-app').url}/actions/workflows/{workflow}/dispatches"
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck("POST", url, input=body)
    assert caught.value.status == status and caught.value.data["message"] == message
    assert _promote_runs(gh) == [] and deploys == []


def test_contract_covers_the_dispatch(contract: OpenApiContract) -> None:
    def ex(request: Any, status: int, response: Any) -> Exchange:
        return Exchange("POST", DISPATCHES, PARAMS, {}, request, status, response)

    good = {"ref": "main", "inputs": {"sha": SHA}}
    assert contract.check(ex(good, 204, None)) == []
    assert contract.check(ex({"inputs": {"sha": SHA}}, 204, None))  # ref is required
    assert contract.check(ex(good, 204, {"id": 1}))  # 204 has no body
    details = {"workflow_run_id": 1, "run_url": "http://127.0.0.1:1/x", "html_url": "http://h/x"}
    assert contract.check(ex({**good, "return_run_details": True}, 200, details)) == []
    assert contract.check(ex(good, 200, {"workflow_run_id": 1}))  # urls missing
    assert contract.check(ex(good, 422, {"message": "No ref found for: x"})) == []


async def test_gateway_dispatch_and_target(
    gateway: GitHubGateway, gh: Github, deploys: list[Any]
) -> None:
    assert await gateway.dispatch_target("acme/my-app", "promote.yml") == (
        "main", "Promote to prod", "active")
    await gateway.dispatch("acme/my-app", "promote.yml", "main", {"sha": SHA})
    [run] = _promote_runs(gh)
    _wait_completed(gh, run.id)
    assert deploys == [("prod", "my-app", SHA)]


@pytest.mark.parametrize(("workflow", "error", "words"), [
    ("nope.yml", NotFoundError, "Workflow nope.yml was not found in acme/my-app"),
    ("build-deploy.yml", RefusedError, "has no workflow_dispatch trigger"),
])
async def test_gateway_dispatch_errors_are_one_sentence(
    gateway: GitHubGateway, deploys: list[Any], workflow: str, error: type, words: str
) -> None:
    with pytest.raises(error) as caught:
        await gateway.dispatch("acme/my-app", workflow, "main", {"sha": SHA})
    assert words in caught.value.message and caught.value.message.count(". ") == 0
    assert deploys == []


async def test_gateway_unknown_input_and_unknown_workflow_target(gateway: GitHubGateway) -> None:
    with pytest.raises(UsageError, match="Unexpected inputs"):
        await gateway.dispatch("acme/my-app", "promote.yml", "main", {"sha": SHA, "x": "1"})
    with pytest.raises(NotFoundError, match="nope.yml was not found"):
        await gateway.dispatch_target("acme/my-app", "nope.yml")
