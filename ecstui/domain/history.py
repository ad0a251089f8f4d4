"""Choosing a rollback target from a service's deployment history and its family's revisions.

Without `--to`, the target is the last deployment that completed successfully with
a different image. Real ECS describes that history (ListServiceDeployments +
DescribeServiceRevisions, since 2024-10-25); where it does not, the choice falls
back to the service's live deployment list and the family's ACTIVE revisions,
newest first, skipping any whose image equals the current one and any that
ecstui saw fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ecstui.domain.images import ImageRef, short_sha
from ecstui.domain.inventory import Service
from ecstui.domain.models import revision_of
from ecstui.errors import NotFoundError, RefusedError

IN_FLIGHT_STATUSES = frozenset({"PENDING", "IN_PROGRESS"})
HEX = re.compile(r"^[0-9a-f]{7,40}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RevisionInfo:
    """One task-definition revision and the app image it names."""

    task_definition_arn: str
    image: ImageRef | None
    status: str = "ACTIVE"

    @property
    def revision(self) -> int:
        return revision_of(self.task_definition_arn) or 0

    @property
    def label(self) -> str:
        return self.task_definition_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ServiceDeploymentRecord:
    """One entry of ListServiceDeployments, joined with its target service revision."""

    arn: str
    status: str  # PENDING | SUCCESSFUL | STOPPED | IN_PROGRESS | ROLLBACK_* ...
    task_definition_arn: str | None
    image: ImageRef | None
    created_at: datetime | None = None
    finished_at: datetime | None = None
    status_reason: str | None = None


@dataclass(frozen=True)
class RollbackTarget:
    revision: RevisionInfo
    reason: str  # one sentence: how the target was chosen
    source: str  # requested | service-deployments | deployments | revisions
    stop_deployment: str | None = None  # service deployment ARN to stop with ROLLBACK
    verified: bool = True  # False: chosen from revisions, not proven to have completed


def same_image(a: ImageRef | None, b: ImageRef | None) -> bool:
    """Same image by the strongest identity both sides carry: digest, then SHA, then text."""
    if a is None or b is None:
        return False
    if a.digest and b.digest:
        return a.digest == b.digest
    if a.sha and b.sha:
        return a.sha == b.sha
    return (a.repository, a.tag) == (b.repository, b.tag)


def refuse_controller(service: Service) -> None:
    """ecstui rolls back only services of the rolling-update (ECS) controller."""
    controller = service.deployment_controller or "ECS"
    if controller == "CODE_DEPLOY":
        raise RefusedError(
            f"{service.name} in {service.environment} uses the CODE_DEPLOY deployment "
            "controller: CodeDeploy owns its task sets and traffic shifting, so ecstui does "
            "not change it; roll back in CodeDeploy (stop the deployment with auto-rollback, "
            "or redeploy the previous revision there)."
        )
    if controller != "ECS":
        raise RefusedError(
            f"{service.name} in {service.environment} uses the {controller} deployment "
            "controller: its task sets belong to the tool that created them, and ECS's "
            "deployment and rollback APIs do not cover them; roll back with that tool."
        )


def parse_target(text: str) -> tuple[str, str | int]:
    """`--to` value: ("revision", 42) for `42`, `family:42` or an ARN; ("sha", hex) for a SHA."""
    value = text.strip().lower() if HEX.match(text.strip().lower()) else text.strip()
    if value.isdigit() and len(value) < 7:
        return "revision", int(value)
    if HEX.match(value):
        return "sha", value
    tail = value.rsplit(":", 1)
    if len(tail) == 2 and tail[1].isdigit():
        return "revision", int(tail[1])
    raise NotFoundError(
        f"--to {text!r} is neither a revision (42, family:42) nor a git SHA (7 to 40 hex "
        "characters); pass one of those."
    )


def choose_target(
    service: Service,
    current_image: ImageRef | None,
    revisions: tuple[RevisionInfo, ...],
    history: tuple[ServiceDeploymentRecord, ...] | None = None,
    known_failed: frozenset[str] = frozenset(),
    to: str | None = None,
) -> RollbackTarget:
    """The revision to roll back to; raises NotFoundError when there is none."""
    refuse_controller(service)
    current_arn = service.task_definition_arn
    if to is not None:
        return _requested(service, revisions, to, current_arn)
    newest_first = sorted(revisions, key=lambda r: r.revision, reverse=True)
    if history:
        found = _from_history(history, current_arn, current_image, known_failed)
        if found is not None:
            return found
    if service.in_flight:
        found = _from_live_deployments(service, newest_first, known_failed)
        if found is not None:
            return found
    current_revision = service.revision
    for revision in newest_first:
        if revision.revision >= current_revision or revision.status != "ACTIVE":
            continue
        if revision.task_definition_arn in known_failed:
            continue
        if same_image(revision.image, current_image):
            continue
        return RollbackTarget(
            revision,
            f"the newest earlier revision with a different image ({revision.label}); ECS "
            "keeps no deployment history for this service here, so it is the best evidence",
            "revisions",
            verified=False,
        )
    raise NotFoundError(
        f"No earlier ACTIVE revision of {service.family} runs an image "
        f"different from the current one; pick one with --to REVISION."
    )


def _requested(
    service: Service, revisions: tuple[RevisionInfo, ...], to: str, current_arn: str
) -> RollbackTarget:
    kind, value = parse_target(to)
    # Only ACTIVE revisions can be deployed; the core passes one it could not describe
    # (e.g. --to 999) as MISSING, which must end here, not in a later DescribeTaskDefinition.
    newest_first = sorted((r for r in revisions if r.status == "ACTIVE"),
                          key=lambda r: r.revision, reverse=True)
    if kind == "revision":
        match = next((r for r in newest_first if r.revision == value), None)
        if match is None:
            raise NotFoundError(
                f"Revision {value} of {service.family} does not exist or is "
                "not ACTIVE (an INACTIVE revision cannot be deployed); list them in the TUI."
            )
    else:
        sha = str(value)
        match = next(
            (r for r in newest_first if r.image and (r.image.tag or "").startswith(sha)), None
        )
        if match is None:
            raise NotFoundError(
                f"No ACTIVE revision of {service.family} names an image "
                f"tagged {short_sha(sha)}; to deploy a new SHA, use promote."
            )
    if match.task_definition_arn == current_arn:
        raise RefusedError(
            f"{service.name} in {service.environment} already runs {match.label}; nothing to "
            "roll back to."
        )
    return RollbackTarget(match, f"requested with --to {to}", "requested")


def _from_history(
    history: tuple[ServiceDeploymentRecord, ...],
    current_arn: str,
    current_image: ImageRef | None,
    known_failed: frozenset[str],
) -> RollbackTarget | None:
    ordered = sorted(history, key=lambda r: r.created_at or _EPOCH, reverse=True)
    newest = ordered[0]
    stop = newest.arn if newest.status in IN_FLIGHT_STATUSES else None
    for record in ordered:
        if record.status != "SUCCESSFUL" or record.task_definition_arn is None:
            continue
        if record is newest:
            continue  # the deployment that put the current revision in place
        if stop is None and (
            record.task_definition_arn == current_arn or same_image(record.image, current_image)
        ):
            continue
        if record.task_definition_arn in known_failed:
            continue
        revision = RevisionInfo(record.task_definition_arn, record.image)
        deployment_id = record.arn.rsplit("/", 1)[-1]
        if stop is not None:
            return RollbackTarget(
                revision,
                f"the deployment in flight is stopped with ROLLBACK; ECS returns to the last "
                f"successful deployment ({deployment_id}, {revision.label})",
                "service-deployments",
                stop_deployment=stop,
            )
        return RollbackTarget(
            revision,
            f"the last deployment that completed successfully with a different image "
            f"({deployment_id}, {revision.label})",
            "service-deployments",
        )
    return None


def _from_live_deployments(
    service: Service, newest_first: tuple[RevisionInfo, ...] | list[RevisionInfo],
    known_failed: frozenset[str],
) -> RollbackTarget | None:
    """A rollout in flight: go back to the ACTIVE deployment that served before it."""
    current_arn = service.task_definition_arn
    older = sorted(
        (d for d in service.deployments if d.status == "ACTIVE"),
        key=lambda d: d.created_at or _EPOCH,
        reverse=True,
    )
    for deployment in older:
        if deployment.task_definition_arn == current_arn or deployment.rollout_state == "FAILED":
            continue
        if deployment.task_definition_arn in known_failed:
            continue
        known = {r.task_definition_arn: r for r in newest_first}
        revision = known.get(deployment.task_definition_arn) or RevisionInfo(
            deployment.task_definition_arn, None
        )
        return RollbackTarget(
            revision,
            f"a deployment is in flight; going back to {revision.label}, which deployment "
            f"{deployment.id} was serving before it",
            "deployments",
        )
    return None
