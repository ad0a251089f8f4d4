"""The seeded world, as plain data shared by the AWS and GitHub halves of the sandbox.

Modelled on one pipeline: GitHub Actions builds an image tagged with the git SHA,
pushes it to ECR, deploys it to pre-prod, then to prod behind an approval. The
SHAs here are the head SHAs of the sandbox's workflow runs and the tags in ECR.
Deterministic, so snapshots and tests see the same world every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

REGION = "eu-west-1"
ORG = "acme"
# A fixed "now" for seeded timestamps, so recorded data is the same on every run.
EPOCH = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class EnvironmentSpec:
    name: str
    account_id: str
    cluster: str
    role_name: str = "ecstui-operator"
    protected: bool = False

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name}"

    @property
    def profile(self) -> str:
        return f"sandbox-{self.name}"


PRE_PROD = EnvironmentSpec("pre-prod", "111111111111", "pre-prod")
PROD = EnvironmentSpec("prod", "222222222222", "prod", protected=True)
ENVIRONMENTS = (PRE_PROD, PROD)


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    author: str
    committed_at: datetime

    @property
    def title(self) -> str:
        return self.message.splitlines()[0]


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its commits (oldest first) and which of them each environment runs."""

    name: str
    container: str
    port: int
    desired: dict[str, int]
    commit_titles: tuple[str, ...]
    running: dict[str, int]  # environment -> index into commits
    mixed: dict[str, tuple[int, int]] = field(default_factory=dict)  # env -> (old, new) index
    latest_tag: frozenset[str] = frozenset()  # environments whose definition uses :latest
    broken: frozenset[int] = frozenset()  # commits whose image crashes on start
    awaiting_prod: int | None = None  # commit whose run waits for prod approval
    sidecar: bool = False

    @property
    def repository(self) -> str:
        return f"{ORG}/{self.name}"

    @property
    def commits(self) -> tuple[Commit, ...]:
        return commits_for(self)


AUTHORS = ("maria-oncall", "dev-ravi", "sam-builds", "li-wei", "oscar-ops")


def sha_for(service: str, index: int) -> str:
    return hashlib.sha1(f"{service}/{index}".encode()).hexdigest()


def commits_for(spec: ServiceSpec) -> tuple[Commit, ...]:
    count = len(spec.commit_titles)
    return tuple(
        Commit(
            sha=sha_for(spec.name, i),
            message=title,
            author=AUTHORS[(i + len(spec.name)) % len(AUTHORS)],
            committed_at=EPOCH - timedelta(hours=6 * (count - i)),
        )
        for i, title in enumerate(spec.commit_titles)
    )


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        name="my-app",
        container="app",
        port=8080,
        desired={"pre-prod": 2, "prod": 3},
        commit_titles=(
            "Add health endpoint",
            "Cache product lookups",
            "Bump base image to python 3.12",
            "Fix timezone in order export",
            "Crash on start: config key renamed",  # broken image, for the circuit breaker
            "Retry payment webhook on 502",
        ),
        running={"pre-prod": 5, "prod": 3},
        broken=frozenset({4}),
        awaiting_prod=5,
        sidecar=True,
    ),
    ServiceSpec(
        name="burrito",
        container="burrito",
        port=8000,
        desired={"pre-prod": 1, "prod": 2},
        commit_titles=("Initial burrito API", "Add salsa options", "Spicier default"),
        running={"pre-prod": 2, "prod": 2},
    ),
    ServiceSpec(
        name="payments",
        container="payments",
        port=9000,
        desired={"pre-prod": 2, "prod": 4},
        commit_titles=(
            "Idempotency keys for refunds",
            "PCI log scrubbing",
            "Upgrade stripe client",
            "Partial refunds",
        ),
        running={"pre-prod": 3, "prod": 3},
        mixed={"prod": (2, 3)},
    ),
    ServiceSpec(
        name="orders",
        container="orders",
        port=8081,
        desired={"pre-prod": 1, "prod": 2},
        commit_titles=("Orders v2 schema", "Paginate order history", "Faster checkout query"),
        running={"pre-prod": 2, "prod": 1},
    ),
    ServiceSpec(
        name="edge-proxy",
        container="envoy",
        port=10000,
        desired={"pre-prod": 1, "prod": 2},
        commit_titles=("Envoy 1.31", "Tighten TLS ciphers"),
        running={"pre-prod": 1, "prod": 1},
        latest_tag=frozenset({"prod"}),
    ),
)


def service_spec(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(name)


def ecr_repository_uri(account_id: str, repository: str) -> str:
    return f"{account_id}.dkr.ecr.{REGION}.amazonaws.com/{repository}"


# ECR lives in the pre-prod (build) account and is replicated to prod's account,
# so both accounts' registries hold the same images with the same digests.
BUILD_ACCOUNT = PRE_PROD.account_id
