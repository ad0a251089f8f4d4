"""A private AWS home per test: temp HOME, config and credentials files, a clean environment.

Nothing here reads or writes the developer's real ~/.aws: HOME, AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE all point into tmp_path, and every credential variable
from the outer shell (or the session-wide sandbox) is removed for the test.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecstui.sandbox import world
from ecstui.sandbox.files import oidc_token

CLEARED = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CREDENTIAL_FILE", "BOTO_CONFIG",
    "AWS_DEFAULT_REGION", "AWS_REGION",
)


@dataclass
class AwsHome:
    """The temp home of one test; helpers write its ~/.aws files."""

    root: Path
    endpoint: str

    @property
    def config(self) -> Path:
        return self.root / ".aws" / "config"

    @property
    def credentials(self) -> Path:
        return self.root / ".aws" / "credentials"

    @property
    def token_file(self) -> Path:
        return self.root / "oidc-token.jwt"

    def add_config(self, text: str) -> None:
        with self.config.open("a", encoding="utf-8") as fh:
            fh.write(text.strip() + "\n\n")

    def add_credentials(self, text: str) -> None:
        with self.credentials.open("a", encoding="utf-8") as fh:
            fh.write(text.strip() + "\n\n")

    def web_identity_profile(self, name: str, env: world.EnvironmentSpec) -> None:
        self.add_config(
            f"[profile {name}]\nrole_arn = {env.role_arn}\n"
            f"web_identity_token_file = {self.token_file}\nregion = {world.REGION}"
        )


def _clean_env(monkeypatch: pytest.MonkeyPatch, home: Path, endpoint: str) -> AwsHome:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    aws = AwsHome(home, endpoint)
    aws.config.parent.mkdir(parents=True)
    aws.config.write_text("", encoding="utf-8")
    aws.credentials.write_text("", encoding="utf-8")
    aws.token_file.write_text(oidc_token(), encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws.credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return aws


@pytest.fixture
def aws_home(sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AwsHome:
    """A clean AWS setup whose calls go to the sandbox's moto server."""
    return _clean_env(monkeypatch, tmp_path / "home", sandbox.moto_url)


@pytest.fixture
def dead_endpoint() -> Iterator[str]:
    """A loopback URL where nothing listens: any API call there fails to connect, so an
    AuthError proves the refusal came before any call."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def offline_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dead_endpoint: str) -> AwsHome:
    """A clean AWS setup whose every endpoint is unreachable (no call may succeed)."""
    return _clean_env(monkeypatch, tmp_path / "home", dead_endpoint)
