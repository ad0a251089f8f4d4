"""The inventory use case against the sandbox over HTTP (moto + the ECS lifecycle layer)."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from typing import Any

import pytest

from ecstui.config import load_settings
from ecstui.core.inventory import load_inventory
from ecstui.core.workspace import Workspace
from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest


@pytest.fixture
def settings(fresh_world):  # type: ignore[no-untyped-def]
    return load_settings(fresh_world.config_path)


def expected_sha(spec: world.ServiceSpec, env: str) -> str:
    return world.sha_for(spec.name, spec.running[env])


async def test_every_seeded_service_with_sha_and_digest(settings) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace(settings)
    try:
        inventory = await load_inventory(workspace)
    finally:
        await workspace.close()

    assert [e.name for e in inventory.environments] == ["pre-prod", "prod"]
    for env in world.ENVIRONMENTS:
        found = inventory.environment(env.name)
        assert found is not None and found.error is None and not found.cluster_errors
        assert found.identity is not None and found.identity.account == env.account_id
        assert found.identity.expires_at is not None
        assert {s.name for s in found.services} == {s.name for s in world.SERVICES}
        for spec in world.SERVICES:
            (service,) = inventory.find(spec.name, env.name)
            assert service.cluster == env.cluster
            if env.name in spec.mixed:
                old, new = (world.sha_for(spec.name, i) for i in spec.mixed[env.name])
                assert set(service.running_shas) == {old, new}
                assert service.mixed and service.in_flight
                continue
            sha = expected_sha(spec, env.name)
            assert service.sha == sha, (env.name, spec.name)
            assert service.digest == expected_digest(spec.name, sha), (env.name, spec.name)
            assert not service.mixed
            assert service.running_count == spec.desired[env.name]
            running = [t for t in service.tasks if t.last_status == "RUNNING"]
            assert len(running) == spec.desired[env.name]
            for task in running:
                run = task.container(spec.container)
                assert run is not None and run.image.digest == expected_digest(spec.name, sha)

    # The facts an operator looks for first.
    (my_app_prod,) = inventory.find("my-app", "prod")
    assert inventory.behind(my_app_prod)
    (burrito_prod,) = inventory.find("burrito", "prod")
    assert not inventory.behind(burrito_prod)
    (edge_prod,) = inventory.find("edge-proxy", "prod")
    assert edge_prod.mutable_tag and edge_prod.defined_image.tag == "latest"  # type: ignore[union-attr]
    # ... and ECR mapped the digest the tasks run back to the commit's SHA.
    assert edge_prod.sha == expected_sha(world.service_spec("edge-proxy"), "prod")
    (edge_pre,) = inventory.find("edge-proxy", "pre-prod")
    assert not edge_pre.mutable_tag


async def test_one_service_in_one_environment(settings) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace(settings)
    try:
        inventory = await load_inventory(workspace, env="prod", service="my-app")
    finally:
        await workspace.close()
    assert [s.name for s in inventory.services] == ["my-app"]
    assert inventory.services[0].sha == expected_sha(world.service_spec("my-app"), "prod")


async def test_a_failing_environment_or_cluster_does_not_hide_the_others(settings) -> None:  # type: ignore[no-untyped-def]
    prod = settings.environment("prod")
    broken_env = dataclasses.replace(prod, name="dr", account_id="333333333333")
    broken_cluster = dataclasses.replace(prod, clusters=("prod", "no-such-cluster"))
    environments = (settings.environment("pre-prod"), broken_cluster, broken_env)
    workspace = Workspace(dataclasses.replace(settings, environments=environments))
    try:
        inventory = await load_inventory(workspace)
    finally:
        await workspace.close()

    dr = inventory.environment("dr")
    assert dr is not None and dr.services == () and "333333333333" in (dr.error or "")
    assert dr.error_exit_code == 3
    prod_inv = inventory.environment("prod")
    assert prod_inv is not None and prod_inv.error is None
    assert [c for c, _ in prod_inv.cluster_errors] == ["no-such-cluster"]
    assert len(prod_inv.services) == len(world.SERVICES)  # the good cluster is all there
    assert len(inventory.environment("pre-prod").services) == len(world.SERVICES)  # type: ignore[union-attr]


async def test_a_refresh_that_fails_keeps_the_last_good_data(settings) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace(settings)
    try:
        first = await load_inventory(workspace)
    finally:
        await workspace.close()
    # The same environments, but prod now signs in to the wrong account.
    prod = dataclasses.replace(settings.environment("prod"), account_id="333333333333")
    environments = (settings.environment("pre-prod"), prod)
    workspace = Workspace(dataclasses.replace(settings, environments=environments))
    try:
        second = await load_inventory(workspace, previous=first)
    finally:
        await workspace.close()
    prod_before, prod_after = first.environment("prod"), second.environment("prod")
    assert prod_after is not None and prod_before is not None
    assert prod_after.error and prod_after.stale
    assert prod_after.services == prod_before.services
    assert prod_after.fetched_at == prod_before.fetched_at
    assert second.environment("pre-prod").fetched_at > first.environment("pre-prod").fetched_at  # type: ignore[union-attr,operator]

    # A cluster that stops answering (here: looked for in another region) keeps its rows.
    moved = dataclasses.replace(settings.environment("prod"), region="us-east-1")
    workspace = Workspace(dataclasses.replace(settings, environments=(moved,)))
    try:
        third = await load_inventory(workspace, previous=first)
    finally:
        await workspace.close()
    prod_third = third.environment("prod")
    assert prod_third is not None and prod_third.error is None
    assert [c for c, _ in prod_third.cluster_errors] == ["prod"]
    assert prod_third.services == prod_before.services
    assert prod_third.data_time("prod") == prod_before.fetched_at


class CallCounter:
    """Counts API operations with botocore's own event hooks on our clients."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    async def attach(self, workspace: Workspace, env: str) -> None:
        session = workspace.session(env)
        for name in ("ecs", "ecr", "sts"):
            client = await session.client(name)
            service_id = client.meta.service_model.service_id.hyphenize()
            client.meta.events.register(f"before-call.{service_id}", self)


async def test_requests_are_batched_and_task_definitions_cached(fresh_world, settings) -> None:  # type: ignore[no-untyped-def]
    # A third cluster of 23 services sharing one task definition, in pre-prod's account.
    ecs = fresh_world.session("pre-prod").client("ecs")
    ecs.create_cluster(clusterName="bulk")
    definition = ecs.list_task_definitions(familyPrefix="burrito")["taskDefinitionArns"][-1]
    for n in range(23):
        ecs.create_service(cluster="bulk", serviceName=f"svc-{n:02d}",
                           taskDefinition=definition, desiredCount=0)
    pre_prod = dataclasses.replace(settings.environment("pre-prod"), clusters=())  # discover
    workspace = Workspace(dataclasses.replace(settings, environments=(pre_prod,)))
    counter = CallCounter()
    try:
        await counter.attach(workspace, "pre-prod")
        first = await load_inventory(workspace)
        initial = dict(counter.calls)
        counter.calls.clear()
        await load_inventory(workspace, previous=first)
        refresh = dict(counter.calls)
    finally:
        await workspace.close()

    env = first.environment("pre-prod")
    assert env is not None and set(env.clusters) >= {"bulk", "pre-prod"}
    clusters = len(env.clusters)
    services = {c: [s for s in env.services if s.cluster == c] for c in env.clusters}
    assert len(services["bulk"]) == 23
    # Task definitions stay off the fleet's path: only services with no task on their
    # current revision (here the 23 idle ones, sharing one revision) need theirs.
    idle = {s.task_definition_arn for s in env.services
            if not any(t.task_definition_arn == s.task_definition_arn for t in s.tasks)}
    assert len(idle) == 1 and all(s.task_definition is not None for s in services["bulk"])
    assert all(s.task_definition is None for s in services["pre-prod"])
    assert initial["ListClusters"] == 1
    assert initial["ListServices"] == clusters
    assert initial["DescribeServices"] == sum(math.ceil(len(v) / 10) for v in services.values())
    assert initial["DescribeServices"] == 3 + 1  # bulk: 10 + 10 + 3; pre-prod: 5
    assert initial["ListTasks"] == 2 * clusters  # RUNNING and STOPPED, one listing per cluster
    assert initial["DescribeTasks"] <= 2 * clusters  # at most one batch per listing (< 100)
    assert initial["DescribeTaskDefinition"] == len(idle)  # each needed ARN exactly once
    assert initial.get("GetCallerIdentity", 0) == 1
    # A refresh fetches only what can change.
    assert refresh.get("DescribeTaskDefinition", 0) == 0
    assert refresh.get("ListClusters", 0) == 0
    assert refresh.get("GetCallerIdentity", 0) == 0
    assert refresh.get("DescribeImages", 0) == 0
    assert refresh["DescribeServices"] == initial["DescribeServices"]


async def test_the_fleet_view_without_definitions_says_what_a_full_load_says(settings) -> None:  # type: ignore[no-untyped-def]
    """The fleet inventory reads what a revision defines from its tasks; loading each
    service by name reads the task definitions themselves: both must agree."""
    workspace = Workspace(settings)
    try:
        fleet = await load_inventory(workspace)
        one_by_one = [await load_inventory(workspace, s.environment, s.name)
                      for s in fleet.services]
    finally:
        await workspace.close()
    assert any(s.task_definition is None for s in fleet.services)
    for lean, full in zip(fleet.services, (i.services[0] for i in one_by_one), strict=True):
        assert full.task_definition is not None
        facts = ("defined_image", "container_name", "mutable_tag", "sha", "digest",
                 "revision", "definition_label", "running_shas")
        assert [getattr(lean, f) for f in facts] == [getattr(full, f) for f in facts], lean.name
    (edge,) = fleet.find("edge-proxy", "prod")  # `:latest` is seen without the definition
    assert edge.task_definition is None and edge.mutable_tag


PRELOAD_THEN_LOAD = r'''
import asyncio, json, sys
from ecstui.core.workspace import Workspace
Workspace.preload()
import botocore.loaders
read = []
original = botocore.loaders.JSONFileLoader.load_file
def load_file(self, file_path):
    read.append(file_path)
    return original(self, file_path)
botocore.loaders.JSONFileLoader.load_file = load_file
from ecstui.config import load_settings
from ecstui.core.inventory import load_inventory, warm_up
async def main():
    workspace = Workspace(load_settings(sys.argv[1]))
    try:
        await warm_up(workspace)
        inventory = await load_inventory(workspace)
    finally:
        await workspace.close()
    print(json.dumps({"services": len(inventory.services), "read": read}))
asyncio.run(main())
'''


def test_preload_parses_the_models_the_first_inventory_needs(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    """`--demo` preloads while its sandbox starts: signing in and the first inventory then
    parse no service model or endpoints file on the event loop."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", PRELOAD_THEN_LOAD, str(sandbox.config_path)],
                          env=sandbox_env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["services"] == 2 * len(world.SERVICES)
    heavy = [p for p in seen["read"] if p.endswith(("service-2", "endpoints",
                                                    "endpoint-rule-set-1", "paginators-1"))]
    assert heavy == []
