"""Seed the world of `world.py` into moto, as each environment's operator role.

Clusters and services are created over HTTP through boto3 with the web-identity
credentials of the environment's profile (STS served by moto), so seeding also proves
the credentials flow and goes through the sandbox's CreateService patches. What the
infrastructure code and the pipeline left behind (ECR repositories, log groups, every
commit's image, every past revision: see `History`) and the default VPC's IDs go
straight into moto's models in this process, which keeps the demo's start-up short. What runs
(tasks, deployments) is the lifecycle layer's business; this module registers what a
pipeline would have left behind: clusters, ECR images, log groups, task-definition
history and services.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.history import History

CIRCUIT_BREAKER: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
SIDECAR = "datadog-agent"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def _sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def image_manifest(service: str, sha: str) -> str:
    """A Docker v2 manifest: shared base layers plus layers unique to this commit.

    moto derives an image's digest from its layer digests, so distinct app layers
    give each commit a distinct, deterministic digest in every registry.
    """
    base = [("debian:bookworm-slim", 29_150_000), ("python:3.12-slim/runtime", 14_870_000)]
    own = [(f"{service}/{sha}/deps", 41_200_000), (f"{service}/{sha}/app", 380_000)]
    layers = [
        {"mediaType": LAYER_TYPE, "size": size + (int(sha[:4], 16) if sha in name else 0),
         "digest": _sha256(name)}
        for name, size in base + own
    ]
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7_023,
            "digest": _sha256(f"{service}/{sha}/config"),
        },
        "layers": layers,
    }
    return json.dumps(manifest, indent=3)


def expected_digest(service: str, sha: str) -> str:
    """The digest moto computes for `image_manifest(service, sha)` (sha256 of layer digests)."""
    layers = json.loads(image_manifest(service, sha))["layers"]
    return _sha256("".join(layer["digest"] for layer in layers))


def image_uri(env: world.EnvironmentSpec, spec: world.ServiceSpec) -> str:
    """Each account pulls from its own registry: prod's holds the replicated images."""
    return world.ecr_repository_uri(env.account_id, spec.repository)


def container_definitions(
    env: world.EnvironmentSpec, spec: world.ServiceSpec, image: str, sha: str
) -> list[dict[str, Any]]:
    def logs(container: str) -> dict[str, Any]:
        return {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/{spec.name}",
                "awslogs-region": world.REGION,
                "awslogs-stream-prefix": "ecs",
            },
        }

    secret = (
        f"arn:aws:secretsmanager:{world.REGION}:{env.account_id}:secret:"
        f"{env.name}/{spec.name}/database-AbC123"
    )
    app = {
        "name": spec.container,
        "image": image,
        "essential": True,
        "cpu": 0,
        "memory": 512,
        "portMappings": [{"containerPort": spec.port, "hostPort": spec.port, "protocol": "tcp"}],
        "environment": [
            {"name": "APP_ENV", "value": env.name},
            {"name": "GIT_SHA", "value": sha},
            {"name": "PORT", "value": str(spec.port)},
            {"name": "LOG_LEVEL", "value": "info"},
        ],
        "secrets": [{"name": "DATABASE_URL", "valueFrom": secret}],
        "healthCheck": {
            "command": ["CMD-SHELL", f"curl -fsS http://localhost:{spec.port}/health || exit 1"],
            "interval": 15, "timeout": 5, "retries": 3, "startPeriod": 20,
        },
        "logConfiguration": logs(spec.container),
    }
    containers = [app]
    if spec.sidecar:
        containers.append(
            {
                "name": SIDECAR,
                "image": "public.ecr.aws/datadog/agent:7.58.2",
                "essential": False,
                "cpu": 0,
                "memory": 256,
                "environment": [{"name": "ECS_FARGATE", "value": "true"},
                                {"name": "DD_ENV", "value": env.name}],
                "logConfiguration": logs(SIDECAR),
            }
        )
    return containers


def task_definition_request(
    env: world.EnvironmentSpec, spec: world.ServiceSpec, image: str, sha: str
) -> dict[str, Any]:
    """RegisterTaskDefinition arguments for one revision (Fargate, awsvpc)."""
    return {
        "family": spec.name,
        "taskRoleArn": f"arn:aws:iam::{env.account_id}:role/{spec.name}-task",
        "executionRoleArn": f"arn:aws:iam::{env.account_id}:role/ecsTaskExecutionRole",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256" if not spec.sidecar else "512",
        "memory": "512" if not spec.sidecar else "1024",
        "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
        "containerDefinitions": container_definitions(env, spec, image, sha),
        "tags": [
            {"key": "service", "value": spec.name},
            {"key": "git-sha", "value": sha},
            {"key": "managed-by", "value": "github-actions"},
        ],
    }


@dataclass
class SeededService:
    """What the seed registered for one service in one environment."""

    environment: str
    cluster: str
    name: str
    revisions: list[str] = field(default_factory=list)  # task-definition ARNs, oldest first
    current: str = ""  # the revision the service runs (the PRIMARY deployment's)
    previous: str | None = None  # for a mid-rollout service: the ACTIVE deployment's revision


def seed_environment(session: Any, env: world.EnvironmentSpec) -> list[SeededService]:
    """Seed one environment through `session` (a boto3 Session on its web-identity profile)."""
    ecs = session.client("ecs")
    subnets, group = default_network(env.account_id)
    history = History(env.account_id)
    ecs.create_cluster(
        clusterName=env.cluster,
        settings=[{"name": "containerInsights", "value": "enabled"}],
        tags=[{"key": "environment", "value": env.name}],
    )
    seeded = []
    for spec in world.SERVICES:
        seed_registry(history, spec, env)
        history.create_log_group(logGroupName=f"/ecs/{spec.name}", retentionInDays=30)
        seeded.append(seed_service(ecs, history, env, spec, subnets, group))
    return seeded


def default_network(account_id: str) -> tuple[list[str], str]:
    """Three subnets and the security group of the account's default VPC, for services'
    awsvpc configuration (moto's CreateService checks they exist).

    Read from moto's EC2 backend in this process rather than over HTTP: nothing in
    ecstui reads EC2, and an EC2 client plus moto's parse of EC2's model cost ~0.1 s of
    the demo's start-up for these four IDs.
    """
    from moto.ec2 import ec2_backends

    backend = ec2_backends[account_id][world.REGION]
    subnets = [subnet.id for subnet in backend.describe_subnets()][:3]
    (group,) = backend.describe_security_groups(groupnames=["default"])
    return subnets, group.id


def seed_registry(history: History, spec: world.ServiceSpec,
                  env: world.EnvironmentSpec) -> None:
    history.create_repository(
        repositoryName=spec.repository,
        imageTagMutability="MUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "service", "Value": spec.name}],
    )
    commits = spec.commits
    for commit in commits:
        history.put_image(repositoryName=spec.repository, imageTag=commit.sha,
                          imageManifest=image_manifest(spec.name, commit.sha),
                          imageManifestMediaType=MANIFEST_TYPE)
    if env.name in spec.latest_tag:
        running = commits[spec.running[env.name]].sha
        history.put_image(repositoryName=spec.repository, imageTag="latest",
                          imageManifest=image_manifest(spec.name, running),
                          imageManifestMediaType=MANIFEST_TYPE)


def seed_service(
    ecs: Any, history: History, env: world.EnvironmentSpec, spec: world.ServiceSpec,
    subnets: list[str], security_group: str,
) -> SeededService:
    """Register one revision per commit deployed so far, then create the service."""
    seeded = SeededService(env.name, env.cluster, spec.name)
    commits = spec.commits
    repo = image_uri(env, spec)
    for commit in commits[: spec.running[env.name] + 1]:
        tag = "latest" if env.name in spec.latest_tag else commit.sha
        request = task_definition_request(env, spec, f"{repo}:{tag}", commit.sha)
        seeded.revisions.append(history.register_task_definition(**request))
    seeded.current = seeded.revisions[-1]
    if env.name in spec.mixed:
        old, _new = spec.mixed[env.name]
        seeded.previous = seeded.revisions[old]
    ecs.create_service(
        cluster=env.cluster,
        serviceName=spec.name,
        taskDefinition=seeded.current,
        desiredCount=spec.desired[env.name],
        launchType="FARGATE",
        platformVersion="LATEST",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets, "securityGroups": [security_group], "assignPublicIp": "DISABLED",
        }},
        deploymentConfiguration=CIRCUIT_BREAKER,
        deploymentController={"type": "ECS"},
        propagateTags="SERVICE",
        enableECSManagedTags=True,
        tags=[{"key": "environment", "value": env.name}, {"key": "service", "value": spec.name}],
    )
    return seeded
