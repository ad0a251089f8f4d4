"""A large ECS world in the sandbox behind a latency proxy, served from a child process.

`python -m benchmarks._bigworld CLUSTERS SERVICES TASKS LATENCY` builds CLUSTERS
clusters of SERVICES services with TASKS tasks each (every service its own task
definition family, images tagged with git SHAs in ECR), waits until every task
runs, freezes the lifecycle, starts the proxy and prints one JSON line describing
how to reach it. Then it answers line commands on stdin: `counts` (requests per
operation since the last `counts`, as JSON), `replay on` / `replay off` (see
_proxy.py), `latency SECONDS`; EOF stops it. A child process keeps
moto's CPU time off the measured client's interpreter.
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks._proxy import LatencyProxy
from ecstui.sandbox import world
from ecstui.sandbox.sandbox import Sandbox
from ecstui.sandbox.seed import image_manifest

REPOSITORY = "acme/bench"
SHAS = [world.sha_for("bench", i) for i in range(4)]


def build(sandbox: Sandbox, clusters: int, services: int, tasks: int) -> list[str]:
    session = sandbox.session("pre-prod")
    ecr, ecs = session.client("ecr"), session.client("ecs")
    ecr.create_repository(repositoryName=REPOSITORY)
    for sha in SHAS:
        ecr.put_image(repositoryName=REPOSITORY, imageTag=sha,
                      imageManifest=image_manifest("bench", sha))
    repo = world.ecr_repository_uri(world.PRE_PROD.account_id, REPOSITORY)
    names = []
    for c in range(clusters):
        cluster = f"bench-{c}"
        names.append(cluster)
        ecs.create_cluster(clusterName=cluster)
        for s in range(services):
            family = f"bench-{c}-svc-{s:03d}"
            arn = ecs.register_task_definition(
                family=family,
                requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                containerDefinitions=[{"name": "app", "image": f"{repo}:{SHAS[s % len(SHAS)]}",
                                       "memory": 512, "essential": True}],
            )["taskDefinition"]["taskDefinitionArn"]
            ecs.create_service(cluster=cluster, serviceName=f"svc-{s:03d}", taskDefinition=arn,
                               desiredCount=tasks, launchType="FARGATE")
    return names


def wait_running(sandbox: Sandbox, clusters: list[str], tasks: int, timeout: float = 600) -> None:
    """Until every service is steady: one deployment, all tasks running, none pending."""
    ecs = sandbox.session("pre-prod").client("ecs")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        steady = True
        for cluster in clusters:
            arns = ecs.list_services(cluster=cluster)["serviceArns"]
            for i in range(0, len(arns), 10):
                for service in ecs.describe_services(cluster=cluster,
                                                     services=arns[i:i + 10])["services"]:
                    steady = steady and (
                        service["runningCount"] == tasks and service["pendingCount"] == 0
                        and len(service["deployments"]) == 1)
            listed = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
            steady = steady and len(listed) == len(arns) * tasks
        if steady:
            return
        time.sleep(1.0)
    raise SystemExit(f"the services were not all steady within {timeout:.0f} s")


def main(argv: list[str]) -> int:
    clusters, services, tasks = (int(v) for v in argv[:3])
    latency = float(argv[3])
    sandbox = Sandbox(speed=1000.0, logs=False)
    sandbox.start()
    try:
        names = build(sandbox, clusters, services, tasks)
        wait_running(sandbox, names, tasks)
        lifecycle = next(t for t in sandbox._threads if hasattr(t, "pause"))
        with lifecycle.pause():
            proxy = LatencyProxy(sandbox.moto_url, latency).start()
            env = sandbox.env | {"AWS_ENDPOINT_URL": proxy.url}
            print(json.dumps({"proxy": proxy.url, "moto": sandbox.moto_url, "env": env,
                              "unset": list(sandbox.unset_env), "clusters": names,
                              "profile": world.PRE_PROD.profile,
                              "account": world.PRE_PROD.account_id}), flush=True)
            for line in sys.stdin:
                command = line.strip()
                if command == "counts":
                    print(json.dumps(proxy.reset()), flush=True)
                elif command.startswith("replay "):
                    proxy.replay = command == "replay on"
                    print(json.dumps({"replay": proxy.replay}), flush=True)
                elif command.startswith("latency "):
                    proxy.latency = float(command.split()[1])
                    print(json.dumps({"latency": proxy.latency}), flush=True)
            proxy.stop()
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
