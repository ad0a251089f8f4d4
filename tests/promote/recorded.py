"""Recorded, realistic API shapes (DescribeTaskDefinition, DescribeServices) for the plan tests.

Trimmed from real responses: the read-only fields RegisterTaskDefinition rejects
are all present, as are the fields a promote must carry over untouched.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from ecstui.domain.images import ImageRef
from ecstui.domain.inventory import Service
from ecstui.domain.models import ContainerRun, Deployment, Task
from ecstui.gateways.aws.ecs import task_definition_from_api

ACCOUNT = "222222222222"
REPO = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/acme/my-app"
BUILD_REPO = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/acme/my-app"
SHA_OLD = "07b6593938be4902557ab034de84bff7a6836349"
SHA_CUR = "02b8b688cac3e1dbc368160bd3994d63e07b3bf8"
SHA_NEW = "95b2c02942e7d3c5ab29fc11407d4e65814ce109"
DIGEST_OLD = "sha256:" + "c" * 64
DIGEST_CUR = "sha256:" + "a" * 64
DIGEST_NEW = "sha256:" + "b" * 64
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def arn(revision: int, family: str = "my-app") -> str:
    return f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/{family}:{revision}"


def describe_task_definition(revision: int, image: str, git_sha: str = SHA_CUR) -> dict[str, Any]:
    """One DescribeTaskDefinition `taskDefinition`, as AWS returns it."""
    return copy.deepcopy({
        "taskDefinitionArn": arn(revision),
        "containerDefinitions": [
            {
                "name": "app",
                "image": image,
                "cpu": 0,
                "memory": 512,
                "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp",
                                  "name": "http", "appProtocol": "http"}],
                "essential": True,
                "environment": [{"name": "GIT_SHA", "value": git_sha},
                                {"name": "API_KEY", "value": "s3cr3t-value"}],
                "mountPoints": [],
                "volumesFrom": [],
                "secrets": [{"name": "DATABASE_URL", "valueFrom":
                             f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/db-AbC123"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": "/ecs/my-app", "awslogs-region": "eu-west-1",
                    "awslogs-stream-prefix": "ecs"}},
                "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:8080/health"],
                                "interval": 30, "timeout": 5, "retries": 3},
                "systemControls": [],
            },
            {
                "name": "datadog-agent",
                "image": "public.ecr.aws/datadog/agent:7.58.2",
                "cpu": 0, "memory": 256, "essential": False,
                "environment": [{"name": "DD_ENV", "value": "prod"}],
            },
        ],
        "family": "my-app",
        "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/my-app-task",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        "networkMode": "awsvpc",
        "revision": revision,
        "volumes": [{"name": "tmp", "host": {}}],
        "status": "ACTIVE",
        "requiresAttributes": [
            {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
            {"name": "ecs.capability.execution-role-awslogs"},
            {"name": "ecs.capability.secrets.asm.environment-variables"},
            {"name": "com.amazonaws.ecs.capability.task-iam-role"},
            {"name": "ecs.capability.task-eni"},
        ],
        "placementConstraints": [],
        "compatibilities": ["EC2", "FARGATE"],
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "ephemeralStorage": {"sizeInGiB": 30},
        "registeredAt": T0 - timedelta(days=revision),
        "registeredBy": f"arn:aws:sts::{ACCOUNT}:assumed-role/github-deploy/GitHubActions",
    })


TAGS = (("service", "my-app"), ("team", "payments"))


def task(revision: int, image: str, digest: str | None, *, status: str = "RUNNING",
         health: str = "HEALTHY", n: int = 0, stopped_reason: str | None = None,
         exit_code: int | None = None) -> Task:
    return Task(
        arn=f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task/prod/{revision:04d}{n:028d}",
        task_definition_arn=arn(revision),
        last_status=status, desired_status=status,
        containers=(ContainerRun("app", ImageRef.parse(image, digest), status, health,
                                 exit_code=exit_code),),
        group="service:my-app", health_status=health, stopped_reason=stopped_reason,
    )


def deployment(id_: str, status: str, revision: int, state: str = "COMPLETED",
               running: int = 3, desired: int = 3, age_minutes: int = 0) -> Deployment:
    return Deployment(id=id_, status=status, task_definition_arn=arn(revision),
                      desired_count=desired, running_count=running, pending_count=0,
                      rollout_state=state, created_at=T0 - timedelta(minutes=age_minutes))


def service(
    revision: int = 4,
    image: str = f"{REPO}:{SHA_CUR}",
    digest: str | None = DIGEST_CUR,
    deployments: tuple[Deployment, ...] | None = None,
    tasks: tuple[Task, ...] | None = None,
    environment: str = "prod",
    controller: str = "ECS",
    desired: int = 3,
    running: int | None = None,
) -> Service:
    raw = describe_task_definition(revision, image)
    definition = task_definition_from_api(raw, [{"key": k, "value": v} for k, v in TAGS])
    if tasks is None:
        tasks = tuple(task(revision, image, digest, n=i) for i in range(desired))
    return Service(
        environment=environment, cluster=environment, name="my-app",
        arn=f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/{environment}/my-app",
        status="ACTIVE", desired_count=desired,
        running_count=desired if running is None else running, pending_count=0,
        task_definition=definition,
        deployments=deployments if deployments is not None else (
            deployment("ecs-svc/1", "PRIMARY", revision),),
        tasks=tasks, deployment_controller=controller,
    )
