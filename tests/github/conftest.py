"""A private sandbox GitHub per test, every exchange checked against GitHub's OpenAPI subset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github

from ecstui.sandbox.github import TOKEN, GitHubSandbox
from ecstui.sandbox.github.contract import OpenApiContract

SUBSET = Path(__file__).with_name("openapi-subset.json")


@pytest.fixture(scope="session")
def contract() -> OpenApiContract:
    return OpenApiContract.load(SUBSET)


@pytest.fixture
def deploys() -> list[tuple[str, str, str]]:
    """What the pipeline asked the AWS half to deploy: (environment, service, sha)."""
    return []


@pytest.fixture
def github_sandbox(contract, deploys) -> Iterator[GitHubSandbox]:  # type: ignore[no-untyped-def]
    server = GitHubSandbox(deploy=lambda *a: deploys.append(a), step_seconds=0.05,
                           checker=contract.check)
    with server:
        yield server
    assert server.violations == [], "\n".join(server.violations)


@pytest.fixture
def gh(github_sandbox: GitHubSandbox) -> Github:
    return Github(base_url=github_sandbox.url, auth=Auth.Token(TOKEN),
                  seconds_between_requests=None, seconds_between_writes=None, retry=None)
