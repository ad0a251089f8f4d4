"""GitHub Actions runs, pending approvals and commits, and how they meet what ECS runs.

The gateway builds these from GitHub's answers; the joining functions at the end
are pure so the faces and the tests see the same story: for each SHA running in
an environment, the run that built it and its commit title; for each run, where
its SHA runs now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecstui.domain.inventory import Inventory

TERMINAL_FAILURES = frozenset({"failure", "cancelled", "timed_out", "startup_failure"})


@dataclass(frozen=True)
class WorkflowRun:
    """One workflow run, as GitHub lists it."""

    id: int
    repository: str  # owner/name
    workflow: str  # the workflow's display name, e.g. "Build and deploy"
    run_number: int
    status: str  # queued | in_progress | waiting | completed | ...
    conclusion: str | None  # success | failure | cancelled | ... once completed
    head_sha: str
    title: str  # display title: the commit title for push runs
    branch: str | None
    event: str
    actor: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    url: str  # the run's web page (html_url)
    api_url: str = ""  # the run's API URL (pending deployments hang off it)

    @property
    def waiting(self) -> bool:
        return self.status == "waiting"

    @property
    def state(self) -> str:
        """One word for a table: the conclusion once completed, else the status."""
        return self.conclusion if self.status == "completed" and self.conclusion else self.status

    @property
    def failed(self) -> bool:
        return self.conclusion in TERMINAL_FAILURES

    def duration(self, now: datetime) -> timedelta:
        """Wall time: to the last update once completed, to `now` while it runs or waits."""
        start = self.started_at or self.created_at
        end = self.updated_at if self.status == "completed" else now
        return max(timedelta(0), end - start)


@dataclass(frozen=True)
class Reviewer:
    kind: str  # User | Team
    name: str  # login or team slug


@dataclass(frozen=True)
class PendingEnvironment:
    """One environment a run waits for, with who may let it through."""

    id: int
    name: str
    wait_timer_minutes: int
    wait_timer_started_at: datetime | None
    current_user_can_approve: bool
    reviewers: tuple[Reviewer, ...] = ()

    def wait_remaining(self, now: datetime) -> timedelta:
        """Time left on the environment's wait timer (zero when none or elapsed)."""
        if not self.wait_timer_minutes or self.wait_timer_started_at is None:
            return timedelta(0)
        end = self.wait_timer_started_at + timedelta(minutes=self.wait_timer_minutes)
        return max(timedelta(0), end - now)

    @property
    def reviewer_names(self) -> str:
        return ", ".join(f"@{r.name}" if r.kind == "User" else f"team:{r.name}"
                         for r in self.reviewers) or "-"


@dataclass(frozen=True)
class PendingApproval:
    """A run waiting for a reviewer, and the environments it waits for."""

    run: WorkflowRun
    environments: tuple[PendingEnvironment, ...]

    @property
    def can_approve(self) -> bool:
        return any(e.current_user_can_approve for e in self.environments)

    def environment(self, name: str) -> PendingEnvironment | None:
        return next((e for e in self.environments if e.name == name), None)


@dataclass(frozen=True)
class ReviewResult:
    """What a review did: the state sent and the deployments GitHub created."""

    run_id: int
    repository: str
    environment: str
    state: str  # approved | rejected
    comment: str
    deployment_ids: tuple[int, ...] = ()
    run: WorkflowRun | None = None  # the run as it was when reviewed (for the plan text)


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    author: str | None
    committed_at: datetime | None
    url: str = ""

    @property
    def title(self) -> str:
        return self.message.splitlines()[0] if self.message else ""


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset_at: datetime | None

    @property
    def low(self) -> bool:
        """Under a tenth left: slow polling down."""
        return self.limit > 0 and self.remaining < self.limit // 10


# -- joining runs with what ECS runs ---------------------------------------------------


def same_sha(a: str | None, b: str | None) -> bool:
    """Full or abbreviated (>= 7 hex) SHAs naming the same commit."""
    if not a or not b or min(len(a), len(b)) < 7:
        return False
    return a.startswith(b) or b.startswith(a)


def build_run(runs: Iterable[WorkflowRun], sha: str) -> WorkflowRun | None:
    """The run that built `sha`: the first push run for it, else the first run at all."""
    found = sorted((r for r in runs if same_sha(r.head_sha, sha)),
                   key=lambda r: (r.event != "push", r.created_at, r.id))
    return found[0] if found else None


@dataclass(frozen=True)
class RunningBuild:
    """A SHA running in one environment, with the run that built it."""

    service: str
    environment: str
    sha: str
    run: WorkflowRun | None
    title: str | None  # commit title: from the commit, else the run's display title


@dataclass(frozen=True)
class PlacedRun:
    """A run and the environments where its SHA runs now."""

    run: WorkflowRun
    service: str | None
    environments: tuple[str, ...]


def running_builds(
    inventory: Inventory,
    runs_by_repository: Mapping[str, Iterable[WorkflowRun]],
    commits: Mapping[str, Commit] | None = None,
) -> tuple[RunningBuild, ...]:
    """For every service with a known repository and SHA, the run that built what it runs."""
    found = []
    for service in inventory.services:
        if not service.repository or not service.sha:
            continue
        runs = list(runs_by_repository.get(service.repository, ()))
        run = build_run(runs, service.sha)
        commit = next((c for s, c in (commits or {}).items() if same_sha(s, service.sha)), None)
        title = commit.title if commit else (run.title if run else None)
        found.append(RunningBuild(service.name, service.environment, service.sha, run, title))
    return tuple(found)


def place_runs(
    inventory: Inventory, runs_by_repository: Mapping[str, Iterable[WorkflowRun]]
) -> tuple[PlacedRun, ...]:
    """Every run with the environments (in inventory order) whose service runs its SHA now."""
    placed = []
    for repository, runs in runs_by_repository.items():
        services = [s for s in inventory.services if s.repository == repository]
        name = services[0].name if services else None
        for run in runs:
            envs = tuple(dict.fromkeys(
                s.environment for s in services
                if any(same_sha(run.head_sha, sha) for sha in (s.sha, *s.running_shas))
            ))
            placed.append(PlacedRun(run, name, envs))
    return tuple(placed)
