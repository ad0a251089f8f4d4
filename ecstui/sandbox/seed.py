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
import re
from dataclasses import dataclass, field
from typing import Any

from ecstui.sandbox import world

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


class History:
    """The pipeline's past, written straight into moto's backends of one account.

    Every commit's image (PutImage), every revision deployed so far
    (RegisterTaskDefinition), the repositories (CreateRepository) and the log groups
    with their retention (CreateLogGroup, PutRetentionPolicy) are ~90 of the seed's
    ~100 calls; over HTTP they cost ~0.4 s of the demo's start-up (client and server
    side, and an ECR and a Logs client per environment) for objects any client then
    reads back over HTTP like the others (tests/sandbox/test_seed.py reads them so).
    The arguments are the API's, the backend methods are the ones moto's server calls
    for those requests, with the values its request parsing would pass, under
    `patches.BACKEND_LOCK` as a request would be. Clusters and services, which ecstui
    reads and changes, still go over HTTP with the environment's web-identity
    credentials.
    """

    def __init__(self, account_id: str) -> None:
        from moto.ecr.models import ecr_backends
        from moto.ecs.models import ecs_backends
        from moto.logs.models import logs_backends

        self.ecr = ecr_backends[account_id][world.REGION]
        self.ecs = ecs_backends[account_id][world.REGION]
        self.logs = logs_backends[account_id][world.REGION]

    def create_repository(self, *, repositoryName: str, imageTagMutability: str,  # noqa: N803
                          imageScanningConfiguration: dict[str, Any],  # noqa: N803
                          tags: list[dict[str, str]]) -> None:
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.ecr.create_repository(
                repository_name=repositoryName, registry_id=None, encryption_config=None,
                image_scan_config=imageScanningConfiguration,
                image_tag_mutability=imageTagMutability, tags=tags)

    def create_log_group(self, *, logGroupName: str, retentionInDays: int) -> None:  # noqa: N803
        """CreateLogGroup then PutRetentionPolicy, as the infrastructure code would."""
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.logs.create_log_group(logGroupName, {})
            self.logs.put_retention_policy(logGroupName, retentionInDays)

    def put_image(self, *, repositoryName: str, imageTag: str,  # noqa: N803 (API names)
                  imageManifest: str, imageManifestMediaType: str) -> None:
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.ecr.put_image(repositoryName, imageManifest, imageTag, imageManifestMediaType)

    def register_task_definition(self, **request: Any) -> str:
        """The new revision's ARN."""
        from ecstui.sandbox.patches import BACKEND_LOCK

        kwargs = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): value
                  for name, value in request.items()}
        with BACKEND_LOCK:
            return str(self.ecs.register_task_definition(**kwargs).arn)


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
