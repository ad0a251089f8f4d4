"""Pure joining of runs with what ECS runs, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecstui.domain.images import ImageRef
from ecstui.domain.inventory import EnvironmentInventory, Inventory, Service
from ecstui.domain.models import ContainerDefinition, ContainerRun, Task, TaskDefinition
from ecstui.domain.runs import (
    Commit,
    PendingEnvironment,
    WorkflowRun,
    build_run,
    place_runs,
    running_builds,
    same_sha,
)

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
REPO_URI = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app"
A, B, C = "a" * 40, "b" * 40, "c" * 40


def run(id: int, sha: str, *, event: str = "push", minutes: int = 0, status: str = "completed",
        conclusion: str | None = "success", title: str = "t") -> WorkflowRun:
    at = T0 + timedelta(minutes=minutes)
    return WorkflowRun(id, "acme/my-app", "Build and deploy", id, status, conclusion, sha, title,
                       "main", event, "dev", at, at + timedelta(minutes=8), at, f"https://x/{id}")


def service(env: str, *shas: str, repository: str | None = "acme/my-app") -> Service:
    definition = TaskDefinition(f"arn:td/my-app:{len(shas)}", "my-app", 1, "ACTIVE",
                                (ContainerDefinition("app", ImageRef(REPO_URI, shas[0])),))
    tasks = tuple(
        Task(f"arn:task/{env}/{i}", definition.arn, "RUNNING", "RUNNING",
             (ContainerRun("app", ImageRef(REPO_URI, sha, "sha256:" + sha[0] * 64)),))
        for i, sha in enumerate(shas)
    )
    return Service(env, env, "my-app", f"arn:svc/{env}", "ACTIVE", len(shas), len(shas), 0,
                   definition, tasks=tasks, repository=repository)


def inventory(*services: Service) -> Inventory:
    envs = sorted({s.environment for s in services}, key=["pre-prod", "prod"].index)
    return Inventory(tuple(EnvironmentInventory(e, "eu-west-1",
                                                tuple(s for s in services if s.environment == e))
                           for e in envs), "pre-prod", "prod")


@pytest.mark.parametrize(("a", "b", "same"), [
    (A, A, True), (A, A[:7], True), (A[:7], A, True), (A, A[:6], False), (A, B, False),
    (None, A, False), ("", "", False),
])
def test_same_sha(a: str | None, b: str | None, same: bool) -> None:
    assert same_sha(a, b) is same


@pytest.mark.parametrize(("runs", "expected"), [
    ([], None),
    ([run(1, B)], None),
    ([run(2, A, minutes=5), run(1, A)], 1),  # the first run for the commit built it
    ([run(1, A, event="pull_request"), run(2, A, minutes=5)], 2),  # push beats a PR run
    ([run(1, A, event="pull_request")], 1),
])
def test_build_run(runs: list[WorkflowRun], expected: int | None) -> None:
    found = build_run(runs, A)
    assert (found.id if found else None) == expected


def test_running_builds_prefers_the_commit_title() -> None:
    inv = inventory(service("pre-prod", B), service("prod", A),
                    service("prod", C, repository=None))
    runs = {"acme/my-app": [run(2, B, title="run title B"), run(1, A, title="run title A")]}
    builds = running_builds(inv, runs, {A: Commit(A, "Commit A\n\nbody", "dev", T0)})
    assert [(b.environment, b.sha, b.run.id if b.run else None, b.title) for b in builds] == [
        ("pre-prod", B, 2, "run title B"),
        ("prod", A, 1, "Commit A"),
    ]


def test_running_builds_without_a_run() -> None:
    [build] = running_builds(inventory(service("prod", C)), {"acme/my-app": [run(1, A)]})
    assert build.run is None and build.title is None


@pytest.mark.parametrize(("services", "expected"), [
    ((service("pre-prod", B), service("prod", A)), {1: ("prod",), 2: ("pre-prod",), 3: ()}),
    ((service("pre-prod", A), service("prod", A)), {1: ("pre-prod", "prod"), 2: (), 3: ()}),
    ((service("pre-prod", B), service("prod", A, B, B)),  # mid-rollout: both SHAs run in prod
     {1: ("prod",), 2: ("pre-prod", "prod"), 3: ()}),
])
def test_place_runs(services: tuple[Service, ...], expected: dict[int, tuple[str, ...]]) -> None:
    runs = {"acme/my-app": [run(1, A), run(2, B), run(3, C)]}
    placed = place_runs(inventory(*services), runs)
    assert {p.run.id: p.environments for p in placed} == expected
    assert {p.service for p in placed} == {"my-app"}


@pytest.mark.parametrize(("minutes", "started", "left"), [
    (0, None, 0), (5, None, 0), (5, T0, 180), (5, T0 - timedelta(minutes=9), 0),
])
def test_wait_timer(minutes: int, started: datetime | None, left: int) -> None:
    env = PendingEnvironment(1, "prod", minutes, started, True)
    assert env.wait_remaining(T0 + timedelta(minutes=2)).total_seconds() == left


def test_run_state_and_duration() -> None:
    done = run(1, A)
    assert done.state == "success" and done.duration(T0 + timedelta(hours=5)) == timedelta(
        minutes=8)
    waiting = run(2, A, status="waiting", conclusion=None)
    assert waiting.state == "waiting" and waiting.waiting
    assert waiting.duration(T0 + timedelta(hours=1)) == timedelta(hours=1)
    assert run(3, A, conclusion="cancelled").failed
