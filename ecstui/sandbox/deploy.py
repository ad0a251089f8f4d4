"""The sandbox's CI deploy step: what the pipeline does once a prod approval passes.

Over HTTP as the environment's operator role, like the real pipeline: read the
service's current task definition, register a new revision with the app container's
image pinned to `<repo>@<digest of that sha>` in this environment's registry, and
UpdateService. The lifecycle then rolls it out.
"""

from __future__ import annotations

from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.seed import image_uri

# Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept.
READ_ONLY = {
    "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
    "registeredAt", "registeredBy", "deregisteredAt", "inferenceAccelerators",
}


def deploy_sha(sandbox: Any, environment: str, service: str, sha: str) -> str:
    """Deploy `sha` of `service` to `environment`; returns the new deployment's id."""
    env = next(e for e in world.ENVIRONMENTS if e.name == environment)
    spec = world.service_spec(service)
    ecs, ecr = sandbox.client(environment, "ecs"), sandbox.client(environment, "ecr")
    found = ecr.describe_images(repositoryName=spec.repository, imageIds=[{"imageTag": sha}])
    digest = found["imageDetails"][0]["imageDigest"]
    current = ecs.describe_services(cluster=env.cluster, services=[service])["services"][0]
    described = ecs.describe_task_definition(
        taskDefinition=current["taskDefinition"], include=["TAGS"]
    )
    request = {k: v for k, v in described["taskDefinition"].items() if k not in READ_ONLY}
    for container in request["containerDefinitions"]:
        if container["name"] == spec.container:
            container["image"] = f"{image_uri(env, spec)}@{digest}"
            container["environment"] = [
                {"name": e["name"], "value": sha if e["name"] == "GIT_SHA" else e["value"]}
                for e in container.get("environment", [])
            ]
    tags = [t if t["key"] != "git-sha" else {"key": "git-sha", "value": sha}
            for t in described.get("tags", [])]
    if tags:
        request["tags"] = tags
    arn = ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]
    updated = ecs.update_service(cluster=env.cluster, service=service, taskDefinition=arn)
    primary = next(d for d in updated["service"]["deployments"] if d["status"] == "PRIMARY")
    return str(primary["id"])
