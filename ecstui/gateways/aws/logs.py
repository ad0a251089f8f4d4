"""CloudWatch Logs: FilterLogEvents pages and Live Tail sessions, as domain LogEvents.

I/O only. Errors an operator can fix become one-sentence EcstuiErrors; the ways a
Live Tail session ends are their own exceptions, because the tail reacts to them
(reconnect, or fall back to polling) rather than report them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from botocore.exceptions import BotoCoreError, ClientError

from ecstui.domain.logs import MAX_STREAM_NAMES, LogEvent
from ecstui.errors import AuthError, EcstuiError, NotFoundError, UsageError
from ecstui.gateways.aws.errors import translate as shared_translate

PAGE_LIMIT = 5_000


class LiveTailUnavailable(Exception):
    """Live Tail was refused or broke (too many sessions, no permission, stream error)."""

    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


class LiveTailTimedOut(LiveTailUnavailable):
    """The session reached its three-hour limit: start a new one."""


@dataclass(frozen=True)
class LiveTailUpdate:
    events: tuple[LogEvent, ...]
    sampled: bool


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def translate(exc: ClientError, group: str, pattern: str | None) -> EcstuiError:
    """The one sentence for an error the operator can act on."""
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "") or str(exc)
    if code == "InvalidParameterException" and pattern:
        return UsageError(
            f"CloudWatch Logs refused the filter pattern {pattern!r} ({message}); "
            'use terms like ERROR, "exact phrase", -excluded, or { $.level = "error" }.'
        )
    if code == "ResourceNotFoundException":
        return NotFoundError(
            f"Log group {group!r} does not exist; the task definition names it in its "
            "awslogs options, so create the group or fix the task definition."
        )
    if code in {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}:
        return AuthError(
            f"Not allowed to read log group {group!r} ({message}); "
            "ask for logs:FilterLogEvents and logs:StartLiveTail on it."
        )
    return shared_translate(exc, f"read log group {group!r}")


class LogsGateway:
    """CloudWatch Logs of one environment; the session owns (and closes) the client."""

    def __init__(self, session: Any) -> None:
        self.session = session  # anything with `async client(name)`: AwsSession in ecstui

    async def _client(self) -> Any:
        return await self.session.client("logs")

    async def group_arn(self, group: str) -> str:
        """The log group's ARN (Live Tail takes ARNs), proving the group exists."""
        try:
            page = await (await self._client()).describe_log_groups(logGroupNamePrefix=group)
        except ClientError as exc:
            raise translate(exc, group, None) from None
        for found in page.get("logGroups", []):
            if found.get("logGroupName") == group:
                arn = found.get("logGroupArn") or found.get("arn", "")
                return arn.removesuffix(":*")
        raise NotFoundError(
            f"Log group {group!r} does not exist yet; the task definition names it, so the "
            "service has either never logged or points at the wrong group."
        )

    async def filter_pages(
        self,
        group: str,
        streams: Sequence[str],
        start_ms: int,
        end_ms: int | None = None,
        pattern: str | None = None,
        prefix: str | None = None,
    ) -> AsyncIterator[list[LogEvent]]:
        """Pages of events from `start_ms` on, following nextToken to the end.

        With more than 100 streams, or none named, the caller passes `prefix` (or
        nothing) and filters by task itself.
        """
        params: dict[str, Any] = {"logGroupName": group, "startTime": start_ms,
                                  "limit": PAGE_LIMIT, "interleaved": True}
        if streams and len(streams) <= MAX_STREAM_NAMES:
            params["logStreamNames"] = list(streams)
        elif prefix:
            params["logStreamNamePrefix"] = prefix
        if end_ms is not None:
            params["endTime"] = end_ms
        if pattern:
            params["filterPattern"] = pattern
        while True:
            try:
                page = await (await self._client()).filter_log_events(**params)
            except ClientError as exc:
                raise translate(exc, group, pattern) from None
            events = [LogEvent.from_api(raw, group) for raw in page.get("events", [])]
            if events:
                yield events
            token = page.get("nextToken")
            if not token or token == params.get("nextToken"):
                return
            params["nextToken"] = token

    async def live_tail(
        self,
        group_arn: str,
        group: str,
        streams: Sequence[str] = (),
        prefixes: Sequence[str] = (),
        pattern: str | None = None,
    ) -> AsyncIterator[LiveTailUpdate]:
        """Updates of one Live Tail session until it ends.

        Returns normally when the server closes the stream; raises LiveTailTimedOut at
        the three-hour limit and LiveTailUnavailable when refused or broken.
        """
        params: dict[str, Any] = {"logGroupIdentifiers": [group_arn]}
        if streams and len(streams) <= MAX_STREAM_NAMES:
            params["logStreamNames"] = list(streams)
        elif prefixes:
            params["logStreamNamePrefixes"] = list(prefixes)[:MAX_STREAM_NAMES]
        if pattern:
            params["logEventFilterPattern"] = pattern
        try:
            response = await (await self._client()).start_live_tail(**params)
        except ClientError as exc:
            code = error_code(exc)
            if code == "LimitExceededException":
                raise LiveTailUnavailable(
                    "too many Live Tail sessions are open in this account", code
                ) from None
            if code in {"AccessDeniedException", "InvalidOperationException"}:
                raise LiveTailUnavailable(f"Live Tail is not allowed here ({code})", code) from None
            raise translate(exc, group, pattern) from None
        stream = response["responseStream"]
        try:
            async for item in stream:
                update = item.get("sessionUpdate")
                if update is None:
                    continue  # sessionStart
                events = tuple(
                    LogEvent.from_api(raw, group) for raw in update.get("sessionResults", [])
                )
                sampled = bool(update.get("sessionMetadata", {}).get("sampled", False))
                yield LiveTailUpdate(events, sampled)
        except ClientError as exc:  # EventStreamError: an exception sent inside the stream
            code = error_code(exc)
            if code == "SessionTimeoutException":
                raise LiveTailTimedOut("the Live Tail session reached its 3-hour limit",
                                       code) from None
            raise LiveTailUnavailable(f"the Live Tail stream failed ({code or exc})",
                                      code) from None
        except (OSError, TimeoutError, aiohttp.ClientError, BotoCoreError) as exc:  # dropped
            raise LiveTailUnavailable(f"the Live Tail connection dropped ({exc})") from None
        finally:
            closer = getattr(stream, "close", None)
            if closer is not None:
                closer()
