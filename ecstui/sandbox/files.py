"""The files a sandbox writes into its private temp dir: what points a process at it.

An OIDC token (JWT-shaped, as a CI runner's would be), an AWS config file with one
web-identity profile per environment, an empty shared-credentials file (so a
user's real keys are never read) and an `ecstui.toml` naming those profiles.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from ecstui.sandbox import world


@dataclass(frozen=True)
class SandboxFiles:
    root: Path

    @property
    def token(self) -> Path:
        return self.root / "oidc-token.jwt"

    @property
    def aws_config(self) -> Path:
        return self.root / "aws-config"

    @property
    def aws_credentials(self) -> Path:
        return self.root / "aws-credentials"

    @property
    def ecstui_config(self) -> Path:
        return self.root / "ecstui.toml"


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def oidc_token() -> str:
    """A JWT-shaped token like GitHub Actions' OIDC token; moto's STS does not verify it."""
    header = {"alg": "RS256", "typ": "JWT", "kid": "sandbox"}
    claims = {
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "sts.amazonaws.com",
        "sub": f"repo:{world.ORG}/my-app:environment:sandbox",
        "iat": int(world.EPOCH.timestamp()),
        "exp": int(world.EPOCH.timestamp()) + 10 * 365 * 86400,
    }
    return f"{_b64(header)}.{_b64(claims)}.{_b64(b'sandbox-signature')}"


def aws_config_text(files: SandboxFiles, moto_url: str) -> str:
    """One web-identity profile per environment; `endpoint_url` keeps even a process
    that missed AWS_ENDPOINT_URL (and the credential provider's own STS client) local."""
    lines = ["[default]", f"region = {world.REGION}", f"endpoint_url = {moto_url}", ""]
    for env in world.ENVIRONMENTS:
        lines += [
            f"[profile {env.profile}]",
            f"role_arn = {env.role_arn}",
            f"web_identity_token_file = {files.token}",
            f"role_session_name = ecstui-{env.name}",
            f"region = {world.REGION}",
            f"endpoint_url = {moto_url}",
            "",
        ]
    return "\n".join(lines)


def ecstui_toml_text(github_api_url: str | None) -> str:
    lines = ["# Written by the ecstui sandbox; every name here exists in its world.", ""]
    for env in world.ENVIRONMENTS:
        lines += [
            f"[environments.{env.name}]",
            f'profile = "{env.profile}"',
            f'region = "{world.REGION}"',
            f'account_id = "{env.account_id}"',
            f'clusters = ["{env.cluster}"]',
        ]
        if env.protected:
            lines.append("protected = true")
        lines.append("")
    for spec in world.SERVICES:
        lines += [
            f"[services.{spec.name}]",
            f'repository = "{spec.repository}"',
            f'container = "{spec.container}"',
            "",
        ]
    lines += ["[promote]", f'from = "{world.PRE_PROD.name}"', f'to = "{world.PROD.name}"', ""]
    if github_api_url:
        lines += ["[github]", f'api_url = "{github_api_url}"', ""]
    return "\n".join(lines)


def write_files(files: SandboxFiles, moto_url: str, github_api_url: str | None) -> None:
    files.token.write_text(oidc_token() + "\n", encoding="utf-8")
    files.aws_credentials.write_text("", encoding="utf-8")
    files.aws_config.write_text(aws_config_text(files, moto_url), encoding="utf-8")
    write_ecstui_config(files, github_api_url)


def write_ecstui_config(files: SandboxFiles, github_api_url: str | None) -> None:
    files.ecstui_config.write_text(ecstui_toml_text(github_api_url), encoding="utf-8")
