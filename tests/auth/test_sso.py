"""SSO end to end through the sandbox's SSO portal, in a subprocess.

A subprocess because botocore fixes its SSO token cache directory (~/.aws/sso/cache)
when it is first imported; the child starts with HOME already pointing at tmp_path,
exactly like an operator's shell, so the real home is never read or written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecstui.sandbox import world
from ecstui.sandbox.sso_portal import (
    START_URL,
    SsoPortal,
    sso_cache_path,
    sso_environment,
    sso_legacy_profile_text,
    sso_profile_text,
    write_sso_token,
)

SESSION = "acme"
PROFILE = "oncall-prod"
CHILD = """
import asyncio, json, sys
from ecstui.config import EnvironmentSettings
from ecstui.errors import EcstuiError
from ecstui.gateways.aws.session import AwsSession

async def main():
    session = AwsSession(EnvironmentSettings("prod", profile=sys.argv[1], account_id=sys.argv[2]))
    try:
        who = await session.identity()
        creds = await (await session.credentials()).get_frozen_credentials()
        print(json.dumps({"account": who.account, "arn": who.arn, "method": who.credential_method,
                          "key": creds.access_key[:4], "token": bool(creds.token),
                          "expires_at": who.expires_at.isoformat()}))
    except EcstuiError as error:
        print(json.dumps({"error": error.message, "exit_code": int(error.exit_code)}))
    finally:
        await session.close()

asyncio.run(main())
"""


@pytest.fixture
def portal(sandbox) -> Iterator[SsoPortal]:
    with SsoPortal(sandbox.moto_url, region=world.REGION) as started:
        yield started


@pytest.fixture
def sso_home(tmp_path: Path, portal: SsoPortal) -> Path:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(
        sso_profile_text(PROFILE, SESSION, world.PROD.account_id, world.PROD.role_name,
                         world.REGION)
    )
    (home / ".aws" / "credentials").write_text("")
    return home


def run_child(sandbox, home: Path, portal: SsoPortal, profile: str = PROFILE) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(sso_environment(home, portal.url), AWS_ENDPOINT_URL=sandbox.moto_url,
               AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run([sys.executable, "-c", CHILD, profile, world.PROD.account_id],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sso_signs_in_through_the_portal(sandbox, portal, sso_home) -> None:
    token, expires = portal.issue_token(user="maria-oncall")
    write_sso_token(sso_home, SESSION, token, expires, world.REGION)
    result = run_child(sandbox, sso_home, portal)
    assert result["method"] == "sso"
    assert result["account"] == world.PROD.account_id
    assert result["arn"] == (f"arn:aws:sts::{world.PROD.account_id}:assumed-role/"
                             f"{world.PROD.role_name}/maria-oncall")
    assert result["key"] == "ASIA" and result["token"]
    assert datetime.fromisoformat(result["expires_at"]) > datetime.now(UTC)
    assert portal.requests == ["GET /federation/credentials 200"]


def test_missing_sso_token_says_aws_sso_login(sandbox, portal, sso_home) -> None:
    assert not sso_cache_path(sso_home, SESSION).exists()
    result = run_child(sandbox, sso_home, portal)
    assert result["exit_code"] == 3
    assert f"run `aws sso login --profile {PROFILE}`" in result["error"]
    assert portal.requests == []  # nothing to send


def test_expired_sso_token_says_aws_sso_login(sandbox, portal, sso_home) -> None:
    token, _ = portal.issue_token()
    write_sso_token(sso_home, SESSION, token, datetime.now(UTC) - timedelta(minutes=5),
                    world.REGION)
    result = run_child(sandbox, sso_home, portal)
    assert result["exit_code"] == 3
    assert result["error"] == (
        f"The SSO sign-in of profile '{PROFILE}' has expired or was never made, so ecstui "
        f"cannot sign in for environment 'prod'; run `aws sso login --profile {PROFILE}` "
        "and try again."
    )


def test_revoked_sso_token_is_an_auth_error(sandbox, portal, sso_home) -> None:
    token, expires = portal.issue_token()
    write_sso_token(sso_home, SESSION, token, expires, world.REGION)
    portal.revoke(token)  # the portal answers 401, as after a sign-out
    result = run_child(sandbox, sso_home, portal)
    assert result["exit_code"] == 3
    assert f"aws sso login --profile {PROFILE}" in result["error"]
    assert portal.requests == ["GET /federation/credentials 401"]


def test_expiring_sso_token_is_refreshed_through_sso_oidc(sandbox, portal, sso_home) -> None:
    token, _ = portal.issue_token(refresh_token="refresh-1")
    write_sso_token(sso_home, SESSION, token, datetime.now(UTC) + timedelta(minutes=5),
                    world.REGION, refresh_token="refresh-1")
    result = run_child(sandbox, sso_home, portal)
    assert result["method"] == "sso" and result["account"] == world.PROD.account_id
    assert portal.requests == ["POST /token 200", "GET /federation/credentials 200"]
    cached = json.loads(sso_cache_path(sso_home, SESSION).read_text())
    assert cached["accessToken"] != token  # botocore saved the refreshed token


def test_legacy_sso_profile(sandbox, portal, tmp_path) -> None:
    home = tmp_path / "legacy-home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(
        sso_legacy_profile_text("legacy", world.PROD.account_id, world.PROD.role_name,
                                world.REGION))
    token, expires = portal.issue_token(user="oscar-ops")
    # Legacy tokens are cached under sha1(start URL).
    write_sso_token(home, START_URL, token, expires, world.REGION)
    result = run_child(sandbox, home, portal, profile="legacy")
    assert result["method"] == "sso"
    assert result["arn"].endswith(f":assumed-role/{world.PROD.role_name}/oscar-ops")
    write_sso_token(home, START_URL, token, datetime.now(UTC) - timedelta(minutes=1),
                    world.REGION)
    result = run_child(sandbox, home, portal, profile="legacy")
    assert result["exit_code"] == 3
    assert "run `aws sso login --profile legacy`" in result["error"]
