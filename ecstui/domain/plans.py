"""Promote and rollback plans: what will change in production, computed before anything does.

A plan is built from fetched data only (see `planning.py`), shown to the operator
with `render()` (the same text in the CLI and the TUI confirmation), re-checked
against a fresh read of the service, then applied. A failed blocking check is a
refusal, and the plan says which check and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from ecstui.domain.images import ImageRef, short_digest, short_sha
from ecstui.domain.taskdefs import Change


class Method(StrEnum):
    """How a plan is applied."""

    REGISTER_AND_UPDATE = "register-and-update"
    UPDATE_SERVICE = "update-service"
    STOP_ROLLBACK = "stop-deployment-rollback"
    GITHUB_APPROVE = "github-approve"
    GITHUB_DISPATCH = "github-dispatch"


@dataclass(frozen=True)
class Check:
    """One safety check: its name, whether it passed, and one sentence saying why."""

    name: str
    passed: bool
    detail: str
    blocking: bool = True  # False: a warning shown in the plan, never a refusal

    @property
    def mark(self) -> str:
        if self.passed:
            return "ok"
        return "FAIL" if self.blocking else "warn"


@dataclass(frozen=True)
class Revision:
    """One side of the plan: a task-definition revision and the app image it names."""

    label: str  # family:revision, or family:(new) for a revision registered on apply
    task_definition_arn: str | None
    image: ImageRef | None

    def describe(self) -> str:
        if self.image is None:
            return f"{self.label}  (image unknown)"
        sha = short_sha(self.image.sha) if self.image.sha else (self.image.tag or "-")
        return (
            f"{self.label}  sha {sha}  digest {short_digest(self.image.digest)}"
            f"  ({self.image.repository_name})"
        )


@dataclass(frozen=True)
class ServiceSnapshot:
    """What the plan saw of the service; the re-check compares a fresh read to it."""

    task_definition_arn: str
    deployment_ids: tuple[str, ...]
    desired_count: int


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Common part of a promote and a rollback plan."""

    action: ClassVar[str] = "change"

    service: str
    environment: str
    cluster: str
    current: Revision
    target: Revision
    method: Method
    container: str
    checks: tuple[Check, ...] = ()
    changes: tuple[Change, ...] = ()
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    snapshot: ServiceSnapshot
    protected: bool = False

    @property
    def refusals(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.blocking and not c.passed)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.blocking and not c.passed)

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def refusal(self) -> str | None:
        """One sentence naming the first failed check, for errors and exit messages."""
        first = next(iter(self.refusals), None)
        if first is None:
            return None
        more = len(self.refusals) - 1
        tail = f" (and {more} more failed check{'s' if more > 1 else ''})" if more else ""
        return f"{self.title()} refused: {first.name}: {first.detail}{tail}"

    def title(self) -> str:
        return f"{self.action.capitalize()} {self.service} in {self.environment}"

    def headline(self) -> list[str]:
        return [f"{self.title()} (cluster {self.cluster})"]

    def render(self) -> str:
        """The plan as text, identical in the CLI and the TUI confirmation."""
        lines = self.headline()
        lines.append(f"  current  {self.current.describe()}")
        lines.append(f"  target   {self.target.describe()}")
        lines.append("")
        lines.append("What changes in the task definition:")
        if not self.changes:
            lines.append("  nothing (same revision)")
        for change in self.changes:
            lines.append(f"  - {change.path}: {change.before}")
            lines.append(f"  + {change.path}: {change.after}")
        if self.checks:
            lines.append("")
            lines.append("Checks:")
            for check in self.checks:
                lines.append(f"  [{check.mark:>4}] {check.name}: {check.detail}")
        lines.append("")
        lines.append("How it will be applied:")
        for number, step in enumerate(self.steps, 1):
            lines.append(f"  {number}. {step}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        lines.append("")
        if self.ok:
            confirm = "typing the service name" if self.protected else "a yes"
            lines.append(f"Ready: applying needs {confirm}.")
        else:
            lines.append(f"REFUSED: {len(self.refusals)} check(s) failed; nothing will change.")
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        """The plan for the audit log: identities and checks, never definition bodies."""
        return {
            "action": self.action,
            "service": self.service,
            "environment": self.environment,
            "cluster": self.cluster,
            "method": str(self.method),
            "current": _revision_summary(self.current),
            "target": _revision_summary(self.target),
            "changes": [
                {"path": c.path, "before": c.before, "after": c.after} for c in self.changes
            ],
            "checks": [{"name": c.name, "passed": c.passed} for c in self.checks],
        }


@dataclass(frozen=True, kw_only=True)
class PromotePlan(Plan):
    """Deploy the image pre-prod runs to prod, pinned by digest."""

    action: ClassVar[str] = "promote"

    source_environment: str
    sha: str | None
    forced: bool = False
    # RegisterTaskDefinition arguments for the new revision (REGISTER_AND_UPDATE only).
    new_task_definition: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    copy_image: str | None = None  # source image to copy into prod's repository first
    github_run_id: int | None = None  # GITHUB_APPROVE: the run waiting for prod
    workflow: str | None = None  # GITHUB_DISPATCH: the workflow file
    repository: str | None = None  # GitHub owner/name
    github_ref: str | None = None  # GITHUB_DISPATCH: the branch the workflow runs on
    # GITHUB_DISPATCH: the workflow_dispatch inputs, exactly as sent ({"sha": <40 hex>}).
    dispatch_inputs: Mapping[str, str] = field(default_factory=dict)

    def headline(self) -> list[str]:
        lines = super().headline()
        forced = "  (FORCED: not verified in pre-prod)" if self.forced else ""
        lines.append(f"  sha {self.sha or '-'} from {self.source_environment}{forced}")
        return lines

    def summary(self) -> dict[str, Any]:
        data = super().summary()
        data.update(sha=self.sha, source_environment=self.source_environment, forced=self.forced)
        if self.github_run_id is not None:
            data["github_run_id"] = self.github_run_id
        if self.method is Method.GITHUB_DISPATCH:
            data["dispatch"] = {"repository": self.repository, "workflow": self.workflow,
                                "ref": self.github_ref, "inputs": dict(self.dispatch_inputs)}
        return data


@dataclass(frozen=True, kw_only=True)
class RollbackPlan(Plan):
    """Return a service to an earlier revision (or stop the deployment in flight)."""

    action: ClassVar[str] = "rollback"

    chosen_because: str
    deployment_to_stop: str | None = None  # STOP_ROLLBACK: the service deployment ARN

    def headline(self) -> list[str]:
        return [*super().headline(), f"  target chosen: {self.chosen_because}"]

    def summary(self) -> dict[str, Any]:
        data = super().summary()
        data.update(chosen_because=self.chosen_because)
        if self.deployment_to_stop:
            data["deployment_to_stop"] = self.deployment_to_stop
        return data


def _revision_summary(revision: Revision) -> dict[str, Any]:
    return {
        "label": revision.label,
        "task_definition_arn": revision.task_definition_arn,
        "image": str(revision.image) if revision.image else None,
        "sha": revision.image.sha if revision.image else None,
        "digest": revision.image.digest if revision.image else None,
    }
