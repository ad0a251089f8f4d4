"""Reading log lines: levels, JSON, plain output lines, durations and filter patterns.

Pure functions shared by the CLI formatter and the TUI log view, so a line reads
the same in both.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from ecstui.domain.logs import LogEvent
from ecstui.errors import UsageError

LEVELS = ("FATAL", "CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE")
_LEVEL_WORD = re.compile(
    r"\b(FATAL|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|DEBUG|TRACE)\b", re.IGNORECASE
)
_JSON_LEVEL = re.compile(r'"(?:level|severity|lvl|levelname|log\.level)"\s*:\s*"(\w+)"', re.I)
_ALIASES = {"CRIT": "CRITICAL", "ERR": "ERROR", "WARNING": "WARN"}
# Only the head of a line decides its level: a stack trace quoting "error" deep inside a
# message at INFO should stay INFO.
_LEVEL_SCAN = 120
_DURATION = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def detect_level(message: str) -> str | None:
    """The line's level (one of LEVELS), from a JSON field or the first level word."""
    head = message[:_LEVEL_SCAN]
    match = _JSON_LEVEL.search(message[:400]) if head.lstrip().startswith("{") else None
    if match is None:
        words = _LEVEL_WORD.finditer(head)
        match = next(words, None)
        following = next(words, None)
        # `... | TRACE | INFO | ...` (the Datadog agent: component, then level): when two
        # level words stand side by side, the second is the level.
        if match and following and not head[match.end():following.start()].strip(" |:[]-"):
            match = following
    if match is None:
        return None
    word = match.group(1).upper()
    word = _ALIASES.get(word, word)
    return word if word in LEVELS else None


def parse_json(message: str) -> dict | list | None:
    """The decoded JSON object or array when the whole line is one, else None."""
    text = message.strip()
    if len(text) < 2 or text[0] not in "{[" or text[-1] not in "}]":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def render_json(message: str, pretty: bool) -> str:
    """A JSON line pretty-printed (indented) or compacted; other lines unchanged."""
    value = parse_json(message)
    if value is None:
        return message
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def timestamp_text(event: LogEvent) -> str:
    """ISO 8601 UTC with milliseconds and `Z`: sorts as text, parses everywhere."""
    return event.timestamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{event.timestamp_ms % 1000:03d}Z"


def plain_line(event: LogEvent) -> str:
    """`<timestamp> <task-short-id> <container> <message>`: one line, for grep and awk."""
    message = event.message.replace("\r", "").replace("\n", "\\n")
    return f"{timestamp_text(event)} {event.short_task} {event.container or '-'} {message}"


def json_line(event: LogEvent) -> str:
    """One JSON object per line, for jq."""
    return json.dumps(
        {
            "timestamp": timestamp_text(event),
            "task": event.task_id,
            "container": event.container,
            "stream": event.stream,
            "group": event.group,
            "event_id": event.event_id,
            "level": detect_level(event.message),
            "message": event.message,
        },
        ensure_ascii=False,
    )


def parse_since(text: str, what: str = "--since") -> timedelta:
    """`90s`, `10m`, `2h`, `1d`, `1h30m` -> timedelta; a clear UsageError otherwise,
    naming the value as `what` (the CLI's flag, or the TUI's prompt)."""
    cleaned = text.strip().lower()
    matches = list(_DURATION.finditer(cleaned))
    if not matches or "".join(m.group(0) for m in matches).replace(" ", "") != cleaned.replace(
        " ", ""
    ):
        raise UsageError(
            f"{what} {text!r} is not a duration; use a number and a unit, e.g. 90s, 10m, 2h, 1d."
        )
    total = timedelta()
    try:
        for match in matches:
            total += timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    except OverflowError:  # e.g. 99999999999d: larger than timedelta can hold
        total = timedelta.max
    if total <= timedelta(0):
        raise UsageError(f"{what} {text!r} must be longer than zero, e.g. 5m.")
    if total > timedelta(days=30):
        raise UsageError(f"{what} {text!r} reaches back too far; use at most 30d.")
    return total


_PAIRS = {"{": "}", "[": "]", "(": ")"}


def check_filter_pattern(pattern: str | None) -> str | None:
    """Reject filter patterns CloudWatch would refuse for their shape, before any call.

    Catches unbalanced quotes and brackets and over-long patterns; CloudWatch's own
    InvalidParameterException covers the rest (the gateway turns it into the same sentence).
    """
    if pattern is None or not pattern.strip():
        return None
    if len(pattern) > 1024:
        raise UsageError("The filter pattern is longer than 1,024 characters; shorten it.")
    stack: list[str] = []
    quoted = False
    for char in pattern:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in _PAIRS.values() and (not stack or stack.pop() != char):
            raise bad_filter(pattern, f"{char!r} closes nothing")
    if quoted:
        raise bad_filter(pattern, "a quote is not closed")
    if stack:
        raise bad_filter(pattern, f"{stack[-1]!r} is missing")
    return pattern


def bad_filter(pattern: str, detail: str) -> UsageError:
    return UsageError(
        f"The filter pattern {pattern!r} is not valid CloudWatch Logs syntax ({detail}); "
        'use terms like ERROR, "exact phrase", -excluded, or { $.level = "error" }.'
    )


def matches_text(event: LogEvent, needle: str) -> bool:
    """The client-side filter: case-insensitive substring of message, task or container."""
    if not needle:
        return True
    lowered = needle.lower()
    return (
        lowered in event.message.lower()
        or (event.task_id is not None and event.task_id.startswith(lowered))
        or (event.container is not None and lowered == event.container.lower())
    )
