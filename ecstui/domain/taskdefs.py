"""Task-definition surgery for promote and rollback: copy, change one image, diff.

A promote must change nothing but the app container's image, so the new revision
is built from prod's current definition as DescribeTaskDefinition returned it,
minus the read-only fields RegisterTaskDefinition rejects. The diff is what the
plan shows under "what else changes" (for a promote: the image line and nothing else).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Returned by DescribeTaskDefinition, rejected (or meaningless) on RegisterTaskDefinition.
READ_ONLY_FIELDS = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
        "deleteRequestedAt",
    }
)
# Lists whose items carry a `name`: diffed item by item so a reorder is not a change.
NAMED_LISTS = frozenset(
    {"containerDefinitions", "environment", "secrets", "volumes", "portMappings", "tags"}
)
# Plain environment values may hold secrets (bad practice, but common): never shown.
REDACTED_PARENTS = ("environment",)


@dataclass(frozen=True)
class Change:
    """One field that differs between two definitions, as `path: before -> after`."""

    path: str
    before: str
    after: str


def registration_input(
    raw: Mapping[str, Any], tags: Iterable[tuple[str, str]] = ()
) -> dict[str, Any]:
    """The RegisterTaskDefinition arguments that re-create `raw` as a new revision."""
    body = {k: copy.deepcopy(v) for k, v in raw.items() if k not in READ_ONLY_FIELDS}
    tag_list = [{"key": k, "value": v} for k, v in tags]
    if tag_list and "tags" not in body:
        body["tags"] = tag_list
    return body


def with_container_image(body: Mapping[str, Any], container: str, image: str) -> dict[str, Any]:
    """A deep copy of `body` with only `container`'s image replaced."""
    new = copy.deepcopy(dict(body))
    for definition in new.get("containerDefinitions", []):
        if definition.get("name") == container:
            definition["image"] = image
            return new
    names = ", ".join(d.get("name", "?") for d in new.get("containerDefinitions", []))
    raise ValueError(f"no container named {container!r} in the task definition (has: {names})")


def container_image(body: Mapping[str, Any], container: str | None) -> str | None:
    """The image string of the named (or first essential) container."""
    definitions = body.get("containerDefinitions", [])
    for definition in definitions:
        if container is None and definition.get("essential", True):
            return definition.get("image")
        if definition.get("name") == container:
            return definition.get("image")
    return None


def diff(before: Any, after: Any, path: str = "") -> tuple[Change, ...]:
    """Every leaf that differs, with stable paths like `containerDefinitions[app].image`."""
    return tuple(_diff(before, after, path))


def _diff(before: Any, after: Any, path: str) -> Iterable[Change]:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in sorted(set(before) | set(after)):
            child = f"{path}.{key}" if path else str(key)
            yield from _diff(before.get(key), after.get(key), child)
        return
    field = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if field in NAMED_LISTS and _named(before) and _named(after):
        old, new = _by_name(before), _by_name(after)
        for name in sorted(set(old) | set(new), key=str):
            yield from _diff(old.get(name), new.get(name), f"{path}[{name}]")
        return
    if before != after:
        redact = any(f".{p}[" in path or path.startswith(f"{p}[") for p in REDACTED_PARENTS)
        yield Change(
            path,
            _show(before, redact),
            _show(after, redact),
        )


def _named(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and ("name" in item or "key" in item) for item in value
    )


def _by_name(value: list[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    return {str(item.get("name", item.get("key"))): item for item in value or []}


def _show(value: Any, redact: bool) -> str:
    if value is None:
        return "(none)"
    if redact:
        return "(value not shown)"
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, sort_keys=True, default=str)
