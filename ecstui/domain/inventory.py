"""What runs where: services across environments, and the facts derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ecstui.domain.images import ImageRef
from ecstui.domain.models import (
    CallerIdentity,
    CircuitBreaker,
    ContainerRun,
    Deployment,
    ServiceEvent,
    Task,
    TaskDefinition,
    family_of,
    revision_of,
)


def app_run_on_revision(
    tasks: Iterable[Task], task_definition_arn: str, app_container: str | None
) -> ContainerRun | None:
    """The app container of a task on that revision, when one says what the revision
    defines (DescribeTasks reports the image string the definition names); None when the
    task definition itself is needed to know."""
    for task in tasks:
        if task.task_definition_arn != task_definition_arn:
            continue
        if app_container:
            run = task.container(app_container)
        elif len(task.containers) == 1:
            run = task.containers[0]
        else:
            continue  # which container is "the app" needs the definition's essentials
        if run is not None and run.declared is not None:
            return run
    return None


@dataclass(frozen=True)
class Service:
    """One ECS service with its deployments, tasks and (when fetched) task definition.

    The fleet inventory leaves `task_definition` None when the service's tasks already
    say what it defines (the tasks running its current revision report the image string
    it names), so a fleet costs no DescribeTaskDefinition per service. Loading one
    service (for promote, rollback, logs) always fetches it: use `definition` there.
    """

    environment: str
    cluster: str  # cluster name
    name: str
    arn: str
    status: str
    desired_count: int
    running_count: int
    pending_count: int
    task_definition: TaskDefinition | None
    deployments: tuple[Deployment, ...] = ()
    tasks: tuple[Task, ...] = ()
    events: tuple[ServiceEvent, ...] = ()
    circuit_breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    deployment_controller: str = "ECS"
    app_container: str | None = None  # configured name; None: first essential container
    launch_type: str | None = None
    repository: str | None = None  # GitHub owner/name, from configuration
    task_definition_arn: str = ""  # the service's current revision; from the definition if ""

    def __post_init__(self) -> None:
        if not self.task_definition_arn and self.task_definition is not None:
            object.__setattr__(self, "task_definition_arn", self.task_definition.arn)

    @property
    def definition(self) -> TaskDefinition:
        """The full task definition; only services loaded one by one are sure to carry it."""
        if self.task_definition is None:
            raise LookupError(f"{self.name}: the task definition was not fetched; "
                              "load the service by name (load_inventory(service=...)).")
        return self.task_definition

    @property
    def family(self) -> str:
        return family_of(self.task_definition_arn)

    @property
    def definition_label(self) -> str:
        """`family:revision`, as the console and the CLI print a task definition."""
        return f"{self.family}:{self.revision}"

    def _current_run(self) -> ContainerRun | None:
        return app_run_on_revision(self.tasks, self.task_definition_arn, self.app_container)

    @property
    def primary(self) -> Deployment | None:
        return next((d for d in self.deployments if d.status == "PRIMARY"), None)

    @property
    def in_flight(self) -> bool:
        """A rollout is under way: more than one deployment, or the primary not COMPLETED."""
        primary = self.primary
        return len(self.deployments) > 1 or (
            primary is not None and primary.rollout_state == "IN_PROGRESS"
        )

    @property
    def container_name(self) -> str | None:
        if self.task_definition is None:
            run = self._current_run()
            return run.name if run else self.app_container
        definition = self.task_definition.container(self.app_container)
        return definition.name if definition else self.app_container

    @property
    def defined_image(self) -> ImageRef | None:
        """The app container's image as the current task definition names it."""
        if self.task_definition is None:
            run = self._current_run()
            return run.declared if run else None
        definition = self.task_definition.container(self.app_container)
        return definition.image if definition else None

    @property
    def task_images(self) -> tuple[ImageRef, ...]:
        """The app image each RUNNING task reports (digest from DescribeTasks)."""
        images = []
        for task in self.tasks:
            if task.last_status != "RUNNING":
                continue
            run = task.container(self.container_name)
            if run is not None:
                images.append(run.image)
        return tuple(images)

    @property
    def running_shas(self) -> tuple[str, ...]:
        """Distinct SHAs (or image identities) across running tasks, most common first."""
        counts: dict[str, int] = {}
        for image in self.task_images:
            key = image.sha or image.digest or str(image)
            counts[key] = counts.get(key, 0) + 1
        return tuple(sorted(counts, key=lambda k: -counts[k]))

    @property
    def image(self) -> ImageRef | None:
        """The image the service runs: the most common among tasks, else the definition's."""
        images = self.task_images
        if not images:
            return self.defined_image
        top = self.running_shas[0]
        return next(i for i in images if (i.sha or i.digest or str(i)) == top)

    @property
    def sha(self) -> str | None:
        image = self.image
        return image.sha if image else None

    @property
    def digest(self) -> str | None:
        image = self.image
        return image.digest if image else None

    @property
    def mixed(self) -> bool:
        """Tasks disagree on the image they run (as during a rollout)."""
        return len(self.running_shas) > 1

    @property
    def mutable_tag(self) -> bool:
        """The definition pins the image only by a tag that can move, such as `latest`."""
        image = self.defined_image
        return bool(image and image.mutable_tag and not image.digest)

    @property
    def revision(self) -> int:
        return revision_of(self.task_definition_arn) or 0

    @property
    def rollout_state(self) -> str | None:
        primary = self.primary
        return primary.rollout_state if primary else None

    @property
    def deployed_at(self) -> datetime | None:
        primary = self.primary
        return primary.created_at if primary else None

    @property
    def failed_tasks(self) -> int:
        return sum(d.failed_tasks for d in self.deployments)


@dataclass(frozen=True)
class EnvironmentInventory:
    """One environment's services, or the error that hid them, with the time of good data."""

    name: str
    region: str
    services: tuple[Service, ...] = ()
    clusters: tuple[str, ...] = ()
    identity: CallerIdentity | None = None
    error: str | None = None
    error_exit_code: int | None = None  # the ExitCode of the error (3: authentication)
    fetched_at: datetime | None = None  # the last successful fetch
    cluster_errors: tuple[tuple[str, str], ...] = ()  # (cluster, one-sentence error)
    # (cluster, time of its last good data): differs from fetched_at for a failing cluster
    cluster_fetched_at: tuple[tuple[str, datetime | None], ...] = ()

    @property
    def stale(self) -> bool:
        return self.error is not None or bool(self.cluster_errors)

    def cluster_error(self, cluster: str) -> str | None:
        return dict(self.cluster_errors).get(cluster)

    def data_time(self, cluster: str | None = None) -> datetime | None:
        """When the data shown for a cluster (or the environment) was last fetched."""
        if self.error is None and cluster is not None:
            times = dict(self.cluster_fetched_at)
            if cluster in times:
                return times[cluster]
        return self.fetched_at


@dataclass(frozen=True)
class Inventory:
    environments: tuple[EnvironmentInventory, ...]
    promote_from: str | None = None  # e.g. "pre-prod"
    promote_to: str | None = None  # e.g. "prod"

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for env in self.environments for s in env.services)

    def environment(self, name: str) -> EnvironmentInventory | None:
        return next((e for e in self.environments if e.name == name), None)

    def find(self, service: str, environment: str | None = None) -> tuple[Service, ...]:
        return tuple(
            s
            for s in self.services
            if s.name == service and (environment is None or s.environment == environment)
        )

    def upstream_of(self, service: Service) -> Service | None:
        """The same service in the environment that promotes into this one."""
        if not self.promote_from or service.environment != self.promote_to:
            return None
        found = self.find(service.name, self.promote_from)
        return found[0] if found else None

    def behind(self, service: Service) -> bool:
        """True when this (prod) service runs a different SHA from its pre-prod twin."""
        upstream = self.upstream_of(service)
        if upstream is None or upstream.sha is None:
            return False
        return upstream.sha != service.sha
