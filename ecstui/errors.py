"""The error tree and exit codes: the CLI's contract with scripts.

Every error an operator can cause or meet is one of these, carrying one clear
sentence (what was wrong and what to do). The faces print the sentence; they
never show a traceback for them.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes are an API: scripts and CI branch on them."""

    OK = 0
    FAILED = 1  # an operation failed (API error, rollout failed, timeout)
    USAGE = 2  # bad input or configuration; also: refusing without a terminal
    AUTH = 3  # no usable short-lived credentials
    INTERRUPTED = 130  # Ctrl+C


class EcstuiError(Exception):
    """Base of every error ecstui reports as one sentence."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(EcstuiError):
    """The operator asked for something that cannot be done as asked."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The configuration file is missing a key, has a wrong type, or cannot be parsed."""


class AuthError(EcstuiError):
    """Credentials are missing, expired, or of a refused kind (long-lived keys)."""

    exit_code = ExitCode.AUTH


class OperationError(EcstuiError):
    """An AWS or GitHub call, or a deployment, failed."""

    exit_code = ExitCode.FAILED


class NotFoundError(UsageError):
    """A named environment, cluster, service, SHA or run does not exist."""


class RefusedError(UsageError):
    """A safety check refused a change to production (the message says which and why)."""

    exit_code = ExitCode.FAILED
