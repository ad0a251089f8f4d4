"""Inventory speed: ecstui against a serial boto3 script and the round-trip lower bound.

A world of 4 clusters x 100 services x 2 tasks runs in the sandbox (moto + the
ECS lifecycle) in a child process, behind a loopback proxy that adds 25 ms to
every request and counts them. Both clients go through the proxy with the same
web-identity profile, so credentials (AssumeRoleWithWebIdentity) are included.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from typing import Any

CLUSTERS, SERVICES, TASKS = 4, 100, 2
LATENCY = 0.025
RUNS = 3
PAGE = 100  # ListServices / ListTasks maximum page size
POOL = 50  # connections per client (the session's max_pool_connections)


class World:
    def __init__(self) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._bigworld", str(CLUSTERS), str(SERVICES),
             str(TASKS), str(LATENCY)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.child.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise SystemExit("the benchmark world did not start")
        self.info: dict[str, Any] = json.loads(line)
        for name in self.info["unset"]:
            os.environ.pop(name, None)
        os.environ.update(self.info["env"])

    def counts(self) -> Counter[str]:
        self.child.stdin.write("counts\n")  # type: ignore[union-attr]
        self.child.stdin.flush()  # type: ignore[union-attr]
        return Counter(json.loads(self.child.stdout.readline()))  # type: ignore[union-attr]

    def close(self) -> None:
        self.child.stdin.close()  # type: ignore[union-attr]
        self.child.wait(timeout=60)


def settings(world: World) -> Any:
    from ecstui.config import EnvironmentSettings, Settings

    env = EnvironmentSettings(name="bench", profile=world.info["profile"], region="eu-west-1",
                              clusters=tuple(world.info["clusters"]))
    return Settings(path=None, environments=(env,))


def ecstui_cold(world: World) -> tuple[float, Any]:
    """A fresh process's view: new workspace, credentials, clients, empty caches."""
    from ecstui.core.inventory import load_inventory
    from ecstui.core.workspace import Workspace

    async def once() -> tuple[float, Any]:
        workspace = Workspace(settings(world))
        try:
            started = time.perf_counter()
            inventory = await load_inventory(workspace)
            return time.perf_counter() - started, inventory
        finally:
            await workspace.close()

    return asyncio.run(once())


def ecstui_refresh(world: World) -> list[float]:
    """The TUI's refresh: same workspace, previous result passed back."""
    from ecstui.core.inventory import load_inventory
    from ecstui.core.workspace import Workspace

    async def loop() -> list[float]:
        workspace = Workspace(settings(world))
        try:
            inventory = await load_inventory(workspace)
            world.counts()
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                inventory = await load_inventory(workspace, previous=inventory)
                times.append(time.perf_counter() - started)
            return times
        finally:
            await workspace.close()

    return asyncio.run(loop())


def serial_boto3(world: World) -> tuple[float, int]:
    """What a careful script does without concurrency: the same facts, one call at a time."""
    import boto3

    started = time.perf_counter()
    session = boto3.Session(profile_name=world.info["profile"], region_name="eu-west-1")
    session.client("sts").get_caller_identity()
    ecs = session.client("ecs")
    facts = 0
    for cluster in world.info["clusters"]:
        arns = [a for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
                for a in page["serviceArns"]]
        for i in range(0, len(arns), 10):
            for service in ecs.describe_services(cluster=cluster,
                                                 services=arns[i:i + 10])["services"]:
                ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
                for status in ("RUNNING", "STOPPED"):
                    tasks = ecs.list_tasks(cluster=cluster, serviceName=service["serviceName"],
                                           desiredStatus=status)["taskArns"]
                    if tasks:
                        described = ecs.describe_tasks(cluster=cluster, tasks=tasks)["tasks"]
                        facts += sum(1 for t in described for c in t["containers"]
                                     if c.get("imageDigest"))
    return time.perf_counter() - started, facts


def lower_bound() -> tuple[int, dict[str, int]]:
    """Round trips on the critical path of the fetch plan, at the APIs' page/batch limits."""
    services_chain = math.ceil(SERVICES / PAGE) + 1 + 1  # ListServices, DescribeServices, TD
    tasks_chain = math.ceil(SERVICES * TASKS / PAGE) + 1  # ListTasks pages, DescribeTasks
    trips = 1 + max(services_chain, tasks_chain)  # credentials first (AssumeRoleWithWebIdentity)
    minimum = {  # the fewest requests the batching limits allow
        "AssumeRoleWithWebIdentity": 1,
        "GetCallerIdentity": 1,
        "ListServices": CLUSTERS * math.ceil(SERVICES / PAGE),
        "DescribeServices": CLUSTERS * math.ceil(SERVICES / 10),
        "ListTasks": 2 * CLUSTERS * math.ceil(SERVICES * TASKS / PAGE),  # RUNNING and STOPPED
        "DescribeTasks": CLUSTERS * math.ceil(SERVICES * TASKS / 100),
        "DescribeTaskDefinition": CLUSTERS * SERVICES,
    }
    return trips, minimum


def run() -> str:
    world = World()
    try:
        world.counts()
        cold = []
        for _ in range(RUNS):
            seconds, inventory = ecstui_cold(world)
            cold.append(seconds)
            requests = world.counts()
        services = inventory.services
        assert len(services) == CLUSTERS * SERVICES, len(services)
        running = sum(s.running_count for s in services)
        assert all(s.sha and s.digest for s in services)
        refresh = ecstui_refresh(world)
        refresh_requests = world.counts()
        # The same cold load straight to moto: how much is the server's own time.
        os.environ["AWS_ENDPOINT_URL"] = world.info["moto"]
        direct = statistics.median(ecstui_cold(world)[0] for _ in range(RUNS))
        os.environ["AWS_ENDPOINT_URL"] = world.info["proxy"]
        world.counts()
        serial, digests = serial_boto3(world)
        serial_requests = world.counts()
    finally:
        world.close()
    trips, minimum = lower_bound()
    bound = trips * LATENCY
    total = sum(requests.values())
    throughput_bound = math.ceil(total / POOL) * LATENCY
    best = statistics.median(cold)
    lines = [
        "## Inventory",
        "",
        f"World: {CLUSTERS} clusters × {SERVICES} services × {TASKS} tasks "
        f"({CLUSTERS * SERVICES} services, {running} running tasks, each service its own task "
        f"definition), in the sandbox (moto 5.2.5 + lifecycle) in a child process, behind a "
        f"loopback proxy adding {LATENCY * 1000:.0f} ms per request. Times are wall clock, "
        f"median of {RUNS}; every ecstui run is cold (new session, credentials and caches).",
        "",
        "| | time | requests | vs serial |",
        "|---|---:|---:|---:|",
        f"| ecstui `load_inventory`, cold | {best * 1000:.0f} ms | {total} | "
        f"{serial / best:.1f}× faster |",
        f"| ecstui refresh (TUI loop, warm caches) | "
        f"{statistics.median(refresh) * 1000:.0f} ms | {sum(refresh_requests.values()) // RUNS} | "
        f"{serial / statistics.median(refresh):.1f}× faster |",
        f"| serial boto3 script, same facts | {serial:.2f} s | "
        f"{sum(serial_requests.values())} | 1× |",
        f"| lower bound: {trips} round trips on the critical path × {LATENCY * 1000:.0f} ms | "
        f"{bound * 1000:.0f} ms | | |",
        f"| same cold load with no proxy (moto's own time) | {direct * 1000:.0f} ms | | |",
        "",
        f"- Cold load / lower bound: **{best / bound:.1f}×** (target ≤ 2×). A second bound "
        f"applies: {total} requests through {POOL} pooled connections need at least "
        f"{math.ceil(total / POOL)} waves × {LATENCY * 1000:.0f} ms = "
        f"{throughput_bound * 1000:.0f} ms; cold load / that bound: "
        f"{best / max(throughput_bound, bound):.1f}×. Without the proxy moto alone takes "
        f"{direct * 1000:.0f} ms for the same requests, so the latency costs "
        f"{(best - direct) * 1000:.0f} ms.",
        f"- Serial script / ecstui cold: **{serial / best:.1f}×** (target ≥ 10×).",
        "- Requests of one cold load against the minimum the batching limits allow "
        "(page size 100, DescribeServices 10, DescribeTasks 100):",
        "",
        "| operation | ecstui | minimum | serial script |",
        "|---|---:|---:|---:|",
    ]
    for name in sorted(set(requests) | set(minimum) | set(serial_requests)):
        lines.append(f"| {name} | {requests.get(name, 0)} | {minimum.get(name, '-')} | "
                     f"{serial_requests.get(name, 0)} |")
    lines += [
        "",
        f"A warm refresh sends {dict(sorted(refresh_requests.items()))} over {RUNS} refreshes: "
        "task definitions, identity and ECR tags come from the caches. moto answers a "
        "ListTasks/ListServices in one page whatever its size; real ECS pages by 100, which "
        "the minimum and the lower bound count. The serial script digests checked: "
        f"{digests}.",
    ]
    return "\n".join(lines)

