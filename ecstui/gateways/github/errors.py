"""PyGithub errors -> one-sentence ecstui errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ecstui.errors import AuthError, EcstuiError, NotFoundError, OperationError, RefusedError
from ecstui.gateways.github.token import HINT


class GitHubUnavailable(AuthError):
    """No GitHub token: GitHub panes explain how to get one; everything else keeps working."""

    def __init__(self, message: str = f"No GitHub token found; {HINT}.") -> None:
        super().__init__(message)


class GitHubAuthError(AuthError):
    """GitHub rejected the token."""


class NotAReviewer(RefusedError):
    """The current user is not a required reviewer of the environment."""


class GitHubRateLimited(OperationError):
    """A primary or secondary rate limit; `retry_after` says how long to back off (seconds)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _message(exc: Any) -> str:
    data = getattr(exc, "data", None)
    text = data.get("message") if isinstance(data, dict) else None
    return str(text or getattr(exc, "message", None) or exc).rstrip(".")


def retry_after(headers: dict[str, Any] | None, now: float) -> float:
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if "retry-after" in headers:
        return max(1.0, float(headers["retry-after"]))
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return max(1.0, float(headers["x-ratelimit-reset"]) - now)
    return 60.0  # GitHub: "wait at least one minute" when it says nothing


def translate(exc: BaseException, what: str, api_url: str, now: float) -> EcstuiError:
    """One sentence for an exception raised while trying to `what` (e.g. "list runs of x/y")."""
    from github import GithubException, RateLimitExceededException
    from requests import exceptions as rex

    if isinstance(exc, EcstuiError):
        return exc
    if isinstance(exc, RateLimitExceededException):
        wait = retry_after(exc.headers, now)
        return GitHubRateLimited(
            f"GitHub rate limit hit while trying to {what}; ecstui backs off for "
            f"{int(wait)} s and retries.", wait)
    if isinstance(exc, GithubException):
        status, text = exc.status, _message(exc)
        if status == 401:
            return GitHubAuthError(f"GitHub rejected the token ({text}); {HINT} with a valid "
                                   "token.")
        if status == 404:
            return NotFoundError(f"GitHub found nothing when trying to {what} ({text}); check "
                                 "the name, and that the token can read the repository.")
        if status == 403:
            return RefusedError(f"GitHub refused to {what} ({text}); the token needs the "
                                "'actions' and 'deployments' permissions on the repository.")
        if status == 422 and "reviewer" in text.lower():
            return NotAReviewer(f"GitHub refused to {what}: {text}.")
        return OperationError(f"GitHub could not {what} (HTTP {status}: {text}).")
    if isinstance(exc, rex.RequestException | OSError | socket.timeout):
        return OperationError(f"Cannot reach GitHub at {api_url} to {what} "
                              f"({type(exc).__name__}); check the network or [github] api_url.")
    return OperationError(f"GitHub call failed while trying to {what} ({type(exc).__name__}).")


@contextmanager
def translating(what: str, api_url: str, now: float) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        raise translate(exc, what, api_url, now) from exc
