"""The process environment of a sandbox: what to set, what to remove, and undoing both."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.files import SandboxFiles

# Credentials and pointers that must never leak from the operator's shell into the sandbox.
UNSET_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_ENDPOINT_URL_ECS",
    "AWS_ENDPOINT_URL_ECR",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


class EnvPatch:
    """os.environ changes applied at construction, undone by `restore()` (idempotent)."""

    def __init__(self, values: Mapping[str, str], unset: tuple[str, ...]) -> None:
        self._saved = {name: os.environ.get(name) for name in (*values, *unset)}
        for name in unset:
            os.environ.pop(name, None)
        os.environ.update(values)
        self._active = True

    def restore(self) -> None:
        if not self._active:
            return
        self._active = False
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def __enter__(self) -> EnvPatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()


def sandbox_env(moto_url: str, files: SandboxFiles, github: Any) -> dict[str, str]:
    """Variables that point any ecstui process at a sandbox (see `unset_names`)."""
    env = {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_CONFIG_FILE": str(files.aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(files.aws_credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": world.REGION,
        "AWS_REGION": world.REGION,
    }
    if github is not None:
        # The sandbox GitHub's fake token, so a real one never reaches it (or is printed).
        env.update(GH_TOKEN=github.token, GITHUB_TOKEN=github.token,
                   ECSTUI_SANDBOX_GITHUB_URL=github.url)
    return env


def unset_names(env: Mapping[str, str]) -> tuple[str, ...]:
    """The names of UNSET_ENV that `env` does not set itself."""
    return tuple(name for name in UNSET_ENV if name not in env)


def merged_env(base: Mapping[str, str], env: Mapping[str, str],
               unset: tuple[str, ...]) -> dict[str, str]:
    """`base` without `unset`, plus `env`: the environment of a subprocess."""
    merged = dict(base)
    for name in unset:
        merged.pop(name, None)
    merged.update(env)
    return merged
