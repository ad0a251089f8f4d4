"""The sandbox GitHub's mutable world: repositories, workflow runs, environments, deployments.

Seeded from `ecstui.sandbox.world` so the SHAs GitHub built are the SHAs ECR and
ECS hold. One `Build and deploy` run per commit: older commits reached prod, the
commit each ServiceSpec marks `awaiting_prod` (and any newer pre-prod commit that
is not broken) waits for a prod reviewer, a broken commit failed in pre-prod.
Every mutation happens under one lock; the HTTP layer only reads snapshots.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecstui.sandbox import world

Clock = Callable[[], datetime]

VIEWER = "maria-oncall"  # the login the sandbox token belongs to
TOKEN = "ghp_" + "sandbox" + "0" * 29  # fake classic PAT: accepted only by the sandbox
WORKFLOW_FILE = ".github/workflows/build-deploy.yml"
WORKFLOW_NAME = "Build and deploy"
PROMOTE_FILE = ".github/workflows/promote.yml"
PROMOTE_NAME = "Promote to prod"
# Workflows with a `workflow_dispatch` trigger: their inputs, name -> required.
# promote.yml deploys inputs.sha to prod (the sandbox's stand-in for a real promote job).
DISPATCH_INPUTS: dict[str, dict[str, bool]] = {PROMOTE_FILE: {"sha": True}}
# Repositories whose prod reviewers do not include the viewer (the not-a-reviewer path).
NOT_REVIEWER_REPOS = frozenset({"orders"})
TEAMS = {"release-managers": (VIEWER, "oscar-ops"), "orders-owners": ("dev-ravi",)}


def user_id(login: str) -> int:
    return 1000 + sum(ord(c) for c in login)


@dataclass
class Job:
    id: int
    name: str
    status: str
    conclusion: str | None
    started_at: datetime
    completed_at: datetime | None
    environment: str | None = None


@dataclass
class Review:
    environment: str
    state: str  # approved | rejected
    user: str
    comment: str
    at: datetime


@dataclass
class Run:
    id: int
    repo: str
    workflow_id: int
    run_number: int
    head_sha: str
    title: str
    actor: str
    created_at: datetime
    updated_at: datetime
    status: str
    conclusion: str | None
    jobs: list[Job]
    branch: str = "main"
    event: str = "push"
    waiting_since: datetime | None = None  # when the prod job began waiting
    reviews: list[Review] = field(default_factory=list)

    @property
    def waiting_environment(self) -> str | None:
        job = next((j for j in self.jobs if j.status == "waiting"), None)
        return job.environment if job else None


@dataclass(frozen=True)
class Environment:
    id: int
    name: str
    reviewers: tuple[tuple[str, str], ...]  # ("User"|"Team", login or team slug)
    wait_timer: int = 0
    created_at: datetime = world.EPOCH - timedelta(days=200)

    def may_review(self, login: str) -> bool:
        return any(
            (kind == "User" and who == login) or (kind == "Team" and login in TEAMS[who])
            for kind, who in self.reviewers
        )


@dataclass
class DeploymentStatus:
    id: int
    state: str
    description: str
    at: datetime


@dataclass
class Deployment:
    id: int
    repo: str
    sha: str
    environment: str
    creator: str
    created_at: datetime
    statuses: list[DeploymentStatus] = field(default_factory=list)


@dataclass(frozen=True)
class Repository:
    id: int
    name: str
    created_at: datetime
    environments: tuple[Environment, ...]
    commits: tuple[world.Commit, ...]
    workflows: tuple[tuple[int, str, str], ...]  # (id, name, path)

    @property
    def full_name(self) -> str:
        return f"{world.ORG}/{self.name}"

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)

    @property
    def default_branch_head(self) -> world.Commit:
        return self.commits[-1]

    def commit(self, ref: str) -> world.Commit | None:
        if len(ref) < 7:
            return None
        return next((c for c in self.commits if c.sha.startswith(ref)), None)


def _jobs(run_id: int, start: datetime, outcome: str) -> list[Job]:
    """The three jobs of a build-deploy run, by how far it got."""
    minute = timedelta(minutes=1)
    plan = [("build", None), ("deploy (pre-prod)", "pre-prod"), ("deploy (prod)", "prod")]
    jobs = []
    for i, (name, env) in enumerate(plan):
        started = start + 3 * i * minute
        if outcome == "waiting" and env == "prod":
            jobs.append(Job(run_id * 10 + i, name, "waiting", None, started, None, env))
        elif outcome == "failure" and env == "prod":
            jobs.append(Job(run_id * 10 + i, name, "completed", "skipped", started, started, env))
        elif outcome == "failure" and env == "pre-prod":
            jobs.append(Job(run_id * 10 + i, name, "completed", "failure", started,
                            started + 2 * minute, env))
        else:
            jobs.append(Job(run_id * 10 + i, name, "completed", "success", started,
                            started + 2 * minute, env))
    return jobs


class GitHubState:
    """All repositories and their runs; thread-safe through `lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.repos: dict[str, Repository] = {}
        self.runs: dict[int, Run] = {}
        self.deployments: dict[int, Deployment] = {}
        self._next_id = 7_000_000
        for index, spec in enumerate(world.SERVICES):
            self._seed(index, spec)

    def next_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def _seed(self, index: int, spec: world.ServiceSpec) -> None:
        repo_id = 600_000 + index
        prod_reviewers: tuple[tuple[str, str], ...] = (
            (("Team", "orders-owners"), ("User", "dev-ravi"))
            if spec.name in NOT_REVIEWER_REPOS
            else (("Team", "release-managers"), ("User", VIEWER))
        )
        envs = (
            Environment(repo_id * 10 + 1, "pre-prod", ()),
            Environment(repo_id * 10 + 2, "prod", prod_reviewers,
                        wait_timer=5 if spec.name == "payments" else 0),
        )
        workflows = ((repo_id * 10 + 1, WORKFLOW_NAME, WORKFLOW_FILE),
                     (repo_id * 10 + 2, PROMOTE_NAME, PROMOTE_FILE))
        repo = Repository(repo_id, spec.name, world.EPOCH - timedelta(days=400), envs,
                          spec.commits, workflows)
        self.repos[spec.name] = repo
        prod, preprod = spec.running["prod"], spec.running["pre-prod"]
        waiting = {spec.awaiting_prod} if spec.awaiting_prod is not None else set()
        if preprod > prod and preprod not in spec.broken:
            waiting.add(preprod)
        for i, commit in enumerate(spec.commits):
            run_id = 9_100_000 + index * 1000 + i
            start = commit.committed_at + timedelta(minutes=1)
            if i in waiting:
                outcome = "waiting"
            elif i in spec.broken:
                outcome = "failure"
            else:
                outcome = "success"
            jobs = _jobs(run_id, start, outcome)
            if outcome == "success" and i > prod:
                # Superseded before prod: a newer commit's run took over the prod slot.
                jobs[-1] = Job(jobs[-1].id, jobs[-1].name, "completed", "cancelled",
                               jobs[-1].started_at, jobs[-1].started_at, "prod")
                outcome = "cancelled"
            last = max(j.completed_at or j.started_at for j in jobs)
            run = Run(
                id=run_id, repo=spec.name, workflow_id=workflows[0][0], run_number=i + 1,
                head_sha=commit.sha, title=commit.title, actor=commit.author,
                created_at=start, updated_at=last,
                status="waiting" if outcome == "waiting" else "completed",
                conclusion=None if outcome == "waiting" else outcome, jobs=jobs,
                waiting_since=jobs[-1].started_at if outcome == "waiting" else None,
            )
            self.runs[run_id] = run
            for job in jobs:
                if job.environment and job.conclusion == "success":
                    self._seed_deployment(run, job)

    def _seed_deployment(self, run: Run, job: Job) -> None:
        dep = Deployment(self.next_id(), run.repo, run.head_sha, job.environment or "",
                         run.actor, job.started_at)
        dep.statuses.append(DeploymentStatus(self.next_id(), "in_progress", "Deploying",
                                             job.started_at))
        dep.statuses.append(DeploymentStatus(self.next_id(), "success", "Deployed",
                                             job.completed_at or job.started_at))
        self.deployments[dep.id] = dep

    def repo_runs(self, repo: str) -> list[Run]:
        """Newest first, as GitHub lists them."""
        with self.lock:
            runs = [r for r in self.runs.values() if r.repo == repo]
        return sorted(runs, key=lambda r: (r.created_at, r.id), reverse=True)

    def repo_deployments(self, repo: str) -> list[Deployment]:
        with self.lock:
            deps = [d for d in self.deployments.values() if d.repo == repo]
        return sorted(deps, key=lambda d: (d.created_at, d.id), reverse=True)
