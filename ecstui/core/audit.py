"""The audit log: one JSON line per change ecstui made to a service, fsync'ed.

Lives in `platformdirs.user_state_dir("ecstui")/audit.jsonl` (or `$ECSTUI_STATE_DIR`,
for tests and the sandbox). An action writes a `started` record the moment ECS
accepted it (so a change is on record even if the watch is killed), then a
record with the final outcome under the same `action_id`; `ecstui audit` shows
one row per action with its latest outcome. Records hold identities (caller ARN,
task-definition ARNs, digests) and check names, never definition bodies,
environment values or tokens.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecstui.domain.plans import Plan

STATE_DIR_ENV = "ECSTUI_STATE_DIR"
FILE_NAME = "audit.jsonl"
FAILED_OUTCOMES = frozenset({"failed"})  # a timeout may still succeed later


def state_dir() -> Path:
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit)
    from platformdirs import user_state_dir

    return Path(user_state_dir("ecstui"))


def audit_path() -> Path:
    return state_dir() / FILE_NAME


def new_action_id() -> str:
    return uuid.uuid4().hex[:12]


def append(record: Mapping[str, Any], path: Path | None = None) -> Path:
    """Append one line and fsync it: an audit record must survive a crash right after."""
    path = path or audit_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = json.dumps(record, sort_keys=True, default=str, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def record(
    plan: Plan,
    *,
    who: str,
    action_id: str,
    outcome: str,
    deployment_id: str | None = None,
    task_definition_arn: str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """One audit record: who, what (the plan's summary), when, outcome, deployment id."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "action_id": action_id,
        "who": who,
        "action": plan.action,
        "service": plan.service,
        "environment": plan.environment,
        "outcome": outcome,
        "deployment_id": deployment_id,
        "task_definition_arn": task_definition_arn,
        "message": message,
        "plan": plan.summary(),
    }


@dataclass(frozen=True)
class AuditEntry:
    """One action as `ecstui audit` shows it: the first record, with the latest outcome."""

    action_id: str
    started: datetime | None
    finished: datetime | None
    who: str
    action: str
    service: str
    environment: str
    outcome: str
    deployment_id: str | None
    task_definition_arn: str | None
    message: str | None
    plan: Mapping[str, Any]


def read_records(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or audit_path()
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line after a crash; the rest still counts
        if isinstance(item, dict):
            records.append(item)
    return records


def entries(path: Path | None = None) -> list[AuditEntry]:
    """Actions oldest first, each merged from its records."""
    merged: dict[str, AuditEntry] = {}
    for item in read_records(path):
        key = str(item.get("action_id") or id(item))
        when = _time(item.get("when"))
        first = merged.get(key)
        merged[key] = AuditEntry(
            action_id=key,
            started=first.started if first else when,
            finished=when if first else None,
            who=str(item.get("who", "")),
            action=str(item.get("action", "")),
            service=str(item.get("service", "")),
            environment=str(item.get("environment", "")),
            outcome=str(item.get("outcome", "")),
            deployment_id=item.get("deployment_id") or (first.deployment_id if first else None),
            task_definition_arn=item.get("task_definition_arn")
            or (first.task_definition_arn if first else None),
            message=item.get("message"),
            plan=item.get("plan") or {},
        )
    return list(merged.values())


def failed_revisions(environment: str, service: str, path: Path | None = None) -> frozenset[str]:
    """Task definitions whose rollout ecstui saw fail: never a rollback target."""
    return frozenset(
        e.task_definition_arn
        for e in entries(path)
        if e.environment == environment and e.service == service
        and e.outcome in FAILED_OUTCOMES and e.task_definition_arn
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
