"""Helpers for the sandbox tests: run a rollout to its end, read the world with boto3."""

from __future__ import annotations

import time
from contextlib import aclosing
from typing import Any

from ecstui.core.changes import Applied, watch
from ecstui.domain.rollout import RolloutProgress
from ecstui.sandbox import world


async def run_to_end(
    workspace: Any, applied: Applied, limit_seconds: float = 60
) -> list[RolloutProgress]:
    events = []
    async with aclosing(watch(workspace, applied, limit_seconds, interval=0.3)) as stream:
        async for progress in stream:
            events.append(progress)
    return events


def prod_service(sandbox: Any, name: str = "my-app", env: str = "prod") -> dict[str, Any]:
    ecs = sandbox.client(env, "ecs")
    return ecs.describe_services(cluster=env, services=[name])["services"][0]


def wait_settled(sandbox: Any, name: str = "my-app", env: str = "prod", timeout: float = 30):
    """Until the service has one COMPLETED deployment; returns the service."""
    deadline = time.monotonic() + timeout
    while True:
        svc = prod_service(sandbox, name, env)
        deployments = svc["deployments"]
        if len(deployments) == 1 and deployments[0].get("rolloutState") == "COMPLETED":
            return svc
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} did not settle: {deployments}")
        time.sleep(0.2)


def revisions(sandbox: Any, family: str = "my-app", env: str = "prod") -> list[str]:
    ecs = sandbox.client(env, "ecs")
    return ecs.list_task_definitions(familyPrefix=family, sort="ASC")["taskDefinitionArns"]


def sha(service: str, index: int) -> str:
    return world.sha_for(service, index)
