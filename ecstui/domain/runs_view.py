"""Runs and approvals as both faces show them: pure rows and the JSON documents.

`now` is a parameter so tables, snapshots and tests can freeze the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecstui.domain.images import short_sha
from ecstui.domain.inventory_view import age, duration
from ecstui.domain.runs import PendingApproval, RateLimit, RunningBuild, WorkflowRun

SCHEMA_VERSION = 1
STATE_SYMBOLS = {
    "success": "✓", "failure": "✗", "cancelled": "⊘", "timed_out": "✗", "waiting": "⏸",
    "in_progress": "↻", "queued": "…", "pending": "…", "skipped": "-",
}


@dataclass(frozen=True)
class RunRow:
    run_id: str
    number: str
    service: str
    workflow: str
    state: str
    branch: str
    sha: str
    title: str
    actor: str
    age: str
    duration: str
    running_in: str
    url: str
    waiting: bool
    failed: bool


def state_text(run: WorkflowRun) -> str:
    return f"{STATE_SYMBOLS.get(run.state, '?')} {run.state}"


def run_row(run: WorkflowRun, service: str, running_in: tuple[str, ...],
            now: datetime) -> RunRow:
    return RunRow(
        run_id=str(run.id), number=f"#{run.run_number}", service=service,
        workflow=run.workflow, state=state_text(run), branch=run.branch or "-",
        sha=short_sha(run.head_sha), title=_clip(run.title, 48), actor=run.actor or "-",
        age=age(run.created_at, now), duration=duration(run.duration(now).total_seconds()),
        running_in=", ".join(running_in) or "-", url=run.url, waiting=run.waiting,
        failed=run.failed,
    )


@dataclass(frozen=True)
class ApprovalRow:
    run_id: str
    service: str
    environment: str
    sha: str
    title: str
    waiting: str
    timer: str
    reviewers: str
    can_approve: str
    url: str


def approval_rows(approval: PendingApproval, service: str, now: datetime) -> list[ApprovalRow]:
    run, out = approval.run, []
    for env in approval.environments:
        left = env.wait_remaining(now)
        timer = f"{duration(left.total_seconds())} left" if left.total_seconds() > 0 else (
            "elapsed" if env.wait_timer_minutes else "-")
        since = env.wait_timer_started_at or run.updated_at
        out.append(ApprovalRow(
            run_id=str(run.id), service=service, environment=env.name,
            sha=short_sha(run.head_sha), title=_clip(run.title, 40), waiting=age(since, now),
            timer=timer, reviewers=env.reviewer_names,
            can_approve="yes" if env.current_user_can_approve else "no", url=run.url,
        ))
    return out


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def run_document(run: WorkflowRun, running_in: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": run.id, "repository": run.repository, "workflow": run.workflow,
        "run_number": run.run_number, "status": run.status, "conclusion": run.conclusion,
        "head_sha": run.head_sha, "title": run.title, "branch": run.branch, "event": run.event,
        "actor": run.actor, "created_at": _time(run.created_at),
        "updated_at": _time(run.updated_at), "url": run.url, "running_in": list(running_in),
    }


def build_document(build: RunningBuild) -> dict[str, Any]:
    return {
        "service": build.service, "environment": build.environment, "sha": build.sha,
        "title": build.title, "run_id": build.run.id if build.run else None,
        "run_number": build.run.run_number if build.run else None,
        "run_url": build.run.url if build.run else None,
        "run_state": build.run.state if build.run else None,
    }


def approval_document(approval: PendingApproval) -> dict[str, Any]:
    return {
        "run": run_document(approval.run),
        "environments": [
            {"id": e.id, "name": e.name, "wait_timer_minutes": e.wait_timer_minutes,
             "wait_timer_started_at": _time(e.wait_timer_started_at),
             "current_user_can_approve": e.current_user_can_approve,
             "reviewers": [{"type": r.kind, "name": r.name} for r in e.reviewers]}
            for e in approval.environments
        ],
    }


def rate_limit_text(limit: RateLimit | None, now: datetime) -> str:
    if limit is None:
        return "GitHub rate limit: unknown"
    reset = f", resets in {age(now, limit.reset_at)}" if limit.reset_at else ""
    return f"GitHub rate limit: {limit.remaining}/{limit.limit}{reset}"


def rate_limit_document(limit: RateLimit | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    return {"limit": limit.limit, "remaining": limit.remaining, "reset_at": _time(limit.reset_at)}


def review_plan(run: WorkflowRun, environment: str, state: str) -> str:
    """The sentence shown before a review is sent (TUI prompt) and after (CLI)."""
    what = (f"run {run.id} of {run.repository} (#{run.run_number} \"{run.title}\", "
            f"SHA {short_sha(run.head_sha)})")
    if state == "approved":
        return (f"Approve {what} for {environment}: the workflow's {environment} job then "
                f"deploys {short_sha(run.head_sha)}.")
    return f"Reject {what} for {environment}: the run fails and nothing is deployed."
