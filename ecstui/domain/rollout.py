"""Rollout progress: one event per poll, and the rule for when a rollout is done.

Done means the PRIMARY deployment we started is COMPLETED and the only one left.
The `services_stable` waiter is not enough: it also reports "stable" after a
circuit-breaker rollback, so our deployment's identity is checked every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ecstui.domain.images import short_sha
from ecstui.domain.inventory import Service
from ecstui.domain.models import Deployment, ServiceEvent, revision_of


class RolloutState(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed-out"
    DETACHED = "detached"  # the operator stopped watching (Ctrl+C, --no-wait)

    @property
    def final(self) -> bool:
        return self is not RolloutState.RUNNING


@dataclass(frozen=True)
class RolloutProgress:
    """One observation of a rollout, rendered the same way by the CLI and the TUI."""

    state: RolloutState
    message: str
    elapsed: float  # seconds since the change was applied
    deployments: tuple[Deployment, ...] = ()
    images: tuple[tuple[str, int], ...] = ()  # (short SHA or digest, running tasks)
    new_events: tuple[ServiceEvent, ...] = ()
    stopped_reasons: tuple[str, ...] = ()
    deployment_id: str | None = None
    target_task_definition: str | None = None

    @property
    def done(self) -> bool:
        return self.state.final

    @property
    def fraction(self) -> float:
        """How far the target deployment is: its running tasks over desired (0..1)."""
        ours = self.ours
        if ours is None or ours.desired_count <= 0:
            return 1.0 if self.state is RolloutState.SUCCEEDED else 0.0
        return min(1.0, ours.running_count / ours.desired_count)

    @property
    def ours(self) -> Deployment | None:
        if self.deployment_id:
            return next((d for d in self.deployments if d.id == self.deployment_id), None)
        return next((d for d in self.deployments
                     if d.task_definition_arn == self.target_task_definition), None)

    def lines(self) -> list[str]:
        """Status lines: elapsed, one per deployment, the running images."""
        out = [f"[{int(self.elapsed):>4}s] {self.state}: {self.message}"]
        for d in self.deployments:
            mark = "*" if self.ours is not None and d.id == self.ours.id else " "
            out.append(
                f"  {mark}{d.status:<8} rev {revision_of(d.task_definition_arn) or '?':<4} "
                f"{d.rollout_state or '-':<11} running {d.running_count} pending "
                f"{d.pending_count} desired {d.desired_count} failed {d.failed_tasks}"
            )
        if self.images:
            out.append("   tasks: " + ", ".join(f"{n}x {img}" for img, n in self.images))
        out.extend(f"   event: {e.message}" for e in self.new_events)
        out.extend(f"   stopped: {r}" for r in self.stopped_reasons)
        return out


def assess(
    service: Service, target_arn: str, deployment_id: str | None
) -> tuple[RolloutState, str]:
    """RUNNING, SUCCEEDED or FAILED, with one sentence, from a fresh read of the service."""
    deployments = service.deployments
    primary = service.primary
    ours = next((d for d in deployments if d.id == deployment_id), None) if deployment_id else None
    if deployment_id and ours is None:
        back = f" it is back on revision {primary.revision}" if primary else ""
        return RolloutState.FAILED, (
            f"deployment {deployment_id} is gone: ECS replaced it (a circuit-breaker rollback "
            f"or another deployment);{back}."
        )
    if ours is not None and ours.rollout_state == "FAILED":
        reason = ours.rollout_state_reason or "rolloutState FAILED"
        return RolloutState.FAILED, f"deployment {deployment_id} FAILED: {reason}"
    if primary is not None and primary.task_definition_arn != target_arn:
        return RolloutState.FAILED, (
            f"the service now deploys revision {primary.revision}, not the target "
            f"{revision_of(target_arn)} (a circuit-breaker rollback or another deployment)."
        )
    if primary is None:
        return RolloutState.RUNNING, "waiting for the deployment to appear."
    settled = primary.rollout_state == "COMPLETED" or (
        primary.rollout_state is None and primary.running_count == primary.desired_count
    )
    if len(deployments) == 1 and settled:
        return RolloutState.SUCCEEDED, (
            f"revision {primary.revision} is COMPLETED with {primary.running_count}/"
            f"{primary.desired_count} tasks and is the only deployment."
        )
    return RolloutState.RUNNING, (
        f"{primary.running_count}/{primary.desired_count} tasks on revision "
        f"{primary.revision}; {len(deployments)} deployment(s)."
    )


def image_counts(service: Service) -> tuple[tuple[str, int], ...]:
    """Running tasks per image (short SHA, else short digest), most common first."""
    counts: dict[str, int] = {}
    for image in service.task_images:
        key = short_sha(image.sha) if image.sha else (image.digest or str(image))[:19]
        counts[key] = counts.get(key, 0) + 1
    return tuple(sorted(counts.items(), key=lambda kv: -kv[1]))
