"""The objects the lifecycle puts into moto's ECS backend: service tasks and their containers.

moto serializes responses by reading attributes named after the API's members
(`availabilityZone` or `availability_zone`), so these plain classes carry exactly
the fields DescribeTasks documents and moto's own list/describe/stop code reads.
moto's `Task` is not reused: it needs an ENI in the EC2 backend, and its managed
state advances a RUNNING task towards STOPPED each time it is described.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, datetime
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest

PENDING_STATES = ("PROVISIONING", "PENDING", "ACTIVATING")
STOPPING_STATES = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")

# Images whose tasks crash on start: the broken commits of world.py, by digest.
BROKEN_DIGESTS = frozenset(
    expected_digest(spec.name, world.sha_for(spec.name, index))
    for spec in world.SERVICES
    for index in spec.broken
)


def now() -> datetime:
    return datetime.now(UTC)


def new_deployment_id(rng: random.Random) -> str:
    return f"ecs-svc/{rng.randrange(10**18, 10**19)}"


class TaskContainer:
    """One container of a task (the `Container` shape of DescribeTasks)."""

    def __init__(self, task: ServiceTask, definition: dict[str, Any], digest: str) -> None:
        self.container_arn = (
            f"arn:aws:ecs:{task.region_name}:{task.account_id}:container/"
            f"{task.cluster_name}/{task.id}/{uuid.uuid4()}"
        )
        self.task_arn = task.task_arn
        self.name = definition["name"]
        self.image = definition["image"]
        self.image_digest = digest
        self.runtime_id = f"{task.id}-{random.randrange(10**9, 4 * 10**9)}"
        self.last_status = "PENDING"
        self.exit_code: int | None = None
        self.reason: str | None = None
        self.network_interfaces = task.network_interfaces
        self.health_status = "UNKNOWN"
        self.cpu = str(definition.get("cpu", 0))
        self.memory = str(definition["memory"]) if definition.get("memory") else None
        self.essential = definition.get("essential", True)
        self.has_health_check = "healthCheck" in definition


class ServiceTask:
    """A task started by a service's deployment (the `Task` shape of DescribeTasks)."""

    def __init__(
        self,
        backend: Any,
        service: Any,
        deployment: dict[str, Any],
        definition: Any,
        digests: dict[str, str],
        zone: str,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.region_name = backend.region_name
        self.account_id = backend.account_id
        self.cluster_name = service.cluster_name
        self.cluster_arn = service.cluster_arn
        self.task_arn = (
            f"arn:aws:ecs:{self.region_name}:{self.account_id}:task/{self.cluster_name}/{self.id}"
        )
        self.task_definition_arn = definition.arn
        self.container_instance_arn = None
        self.resource_requirements = None
        self.group = f"service:{service.name}"
        self.started_by = deployment["id"]
        self.launch_type = "FARGATE"
        self.platform_version = "1.4.0"
        self.platform_family = "Linux"
        self.cpu = definition.cpu
        self.memory = definition.memory
        self.availability_zone = zone
        self.connectivity: str | None = None
        self.connectivity_at: datetime | None = None
        self.created_at = now()
        self.pull_started_at: datetime | None = None
        self.pull_stopped_at: datetime | None = None
        self.started_at: datetime | None = None
        self.stopping_at: datetime | None = None
        self.execution_stopped_at: datetime | None = None
        self.stopped_at: datetime | None = None
        self.stop_code: str | None = None
        self.stopped_reason: str | None = None
        self.last_status = "PROVISIONING"
        self.desired_status = "RUNNING"
        self.health_status = "UNKNOWN"
        self.version = 1
        self.enable_execute_command = False
        self.tags = list(getattr(service, "tags", []) or [])
        self.overrides: dict[str, Any] = {"containerOverrides": []}
        self.ephemeral_storage = {"sizeInGiB": 20}
        eni = "eni-" + hashlib.sha1(self.id.encode()).hexdigest()[:17]
        ip = f"10.0.{random.randrange(0, 48)}.{random.randrange(4, 250)}"
        self.network_interfaces = [{"attachmentId": str(uuid.uuid4()), "privateIpv4Address": ip}]
        self.attachments = [
            {
                "id": self.network_interfaces[0]["attachmentId"],
                "type": "ElasticNetworkInterface",
                "status": "PRECREATED",
                "details": [
                    {"name": "subnetId", "value": _subnet_for(service, zone)},
                    {"name": "networkInterfaceId", "value": eni},
                    {"name": "privateIPv4Address", "value": ip},
                ],
            }
        ]
        self.containers = [
            TaskContainer(self, container, digests.get(container["name"]) or "")
            for container in definition.container_definitions
        ]
        # Lifecycle bookkeeping (not API members, so never serialized).
        self.deployment_id = deployment["id"]
        self.next_at = self.created_at
        self.crashes = False
        self.counted_failure = False

    def advance(self) -> None:
        """moto's DescribeTasks calls this; our tasks move only with the lifecycle."""

    @property
    def live(self) -> bool:
        return self.desired_status == "RUNNING" and self.last_status != "STOPPED"

    @property
    def app_container(self) -> TaskContainer:
        return next((c for c in self.containers if c.essential), self.containers[0])


def _subnet_for(service: Any, zone: str) -> str:
    subnets = (getattr(service, "network_configuration", None) or {}).get(
        "awsvpcConfiguration", {}
    ).get("subnets") or ["subnet-0sandbox"]
    return subnets[ZONES.index(zone) % len(subnets)] if zone in ZONES else subnets[0]


def resolve_digest(account_id: str, image: str) -> str | None:
    """The digest ECS would pin for `image` when a deployment starts; None if not found.

    ECR images are looked up in moto's registry of the account the image names (a
    digest that registry does not hold cannot be pulled, as on ECS); public images get a
    stable made-up digest (the sandbox holds no public registry).
    """
    from moto.ecr.models import ecr_backends

    rest, _, digest = image.partition("@")
    host, _, path = rest.partition("/")
    repository, _, tag = path.rpartition(":") if ":" in path else (path, "", "latest")
    if ".dkr.ecr." not in host:
        return digest or "sha256:" + hashlib.sha256(image.encode()).hexdigest()
    registry_account = host.split(".", 1)[0]
    region = host.split(".")[3]
    backend = ecr_backends[registry_account][region]
    repo = backend.repositories.get(repository)
    if repo is None:
        return None
    for found in repo.images:
        if digest and found.get_image_digest() == digest:
            return digest  # pinned: it must exist in this very registry, or the pull fails
        if not digest and tag in (found.image_tags or [found.image_tag]):
            return found.get_image_digest()
    return None
