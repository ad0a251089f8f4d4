"""GitHub REST JSON (via PyGithub objects or raw) -> frozen domain models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecstui.domain.runs import Commit, PendingApproval, PendingEnvironment, Reviewer, WorkflowRun


def parse_time(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def run_from_json(raw: dict[str, Any], repository: str) -> WorkflowRun:
    """A workflow run from GitHub's `workflow-run` shape."""
    created = parse_time(raw["created_at"])
    updated = parse_time(raw.get("updated_at")) or created
    assert created is not None and updated is not None
    actor = raw.get("actor") or raw.get("triggering_actor") or {}
    return WorkflowRun(
        id=int(raw["id"]),
        repository=repository,
        workflow=raw.get("name") or raw.get("path", "").rsplit("/", 1)[-1],
        run_number=int(raw["run_number"]),
        status=raw.get("status") or "unknown",
        conclusion=raw.get("conclusion"),
        head_sha=raw["head_sha"],
        title=raw.get("display_title") or (raw.get("head_commit") or {}).get("message", ""),
        branch=raw.get("head_branch"),
        event=raw.get("event", ""),
        actor=actor.get("login"),
        created_at=created,
        updated_at=updated,
        started_at=parse_time(raw.get("run_started_at")),
        url=raw.get("html_url") or raw.get("url", ""),
        api_url=raw.get("url", ""),
    )


def pending_from_json(run: WorkflowRun, items: list[dict[str, Any]]) -> PendingApproval:
    """A run's `pending-deployment` list."""
    envs = []
    for item in items:
        env = item["environment"]
        reviewers = tuple(
            Reviewer(r.get("type", "User"),
                     (r.get("reviewer") or {}).get("login")
                     or (r.get("reviewer") or {}).get("slug") or "?")
            for r in item.get("reviewers", [])
        )
        envs.append(PendingEnvironment(
            id=int(env["id"]), name=env.get("name", str(env["id"])),
            wait_timer_minutes=int(item.get("wait_timer") or 0),
            wait_timer_started_at=parse_time(item.get("wait_timer_started_at")),
            current_user_can_approve=bool(item.get("current_user_can_approve")),
            reviewers=reviewers,
        ))
    return PendingApproval(run, tuple(envs))


def commit_from_pygithub(commit: Any) -> Commit:
    """From a PyGithub `Commit` (its `.commit` is the git commit with the message)."""
    git = commit.commit
    author = commit.author.login if commit.author else (git.author.name if git.author else None)
    when = parse_time(git.author.date) if git.author else None
    return Commit(sha=commit.sha, message=git.message or "", author=author, committed_at=when,
                  url=commit.html_url or "")
