"""Short-lived credentials work end to end against moto's server over HTTP."""

from __future__ import annotations

import json
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ecstui.config import EnvironmentSettings
from ecstui.errors import AuthError, ConfigError
from ecstui.gateways.aws.session import AwsSession
from ecstui.sandbox import world


async def test_web_identity_from_environment(aws_home, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ROLE_ARN", world.PROD.role_arn)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(aws_home.token_file))
    session = AwsSession(EnvironmentSettings("prod", region=world.REGION,
                                             account_id=world.PROD.account_id))
    try:
        identity = await session.identity()
        creds = await (await session.credentials()).get_frozen_credentials()
        assert await session.identity() == identity  # cached
    finally:
        await session.close()
    assert identity.credential_method == "assume-role-with-web-identity"
    assert creds.access_key.startswith("ASIA") and creds.token
    assert identity.account == world.PROD.account_id
    assert identity.arn.startswith(f"arn:aws:sts::{world.PROD.account_id}:assumed-role/"
                                   f"{world.PROD.role_name}/")
    assert identity.expires_at is not None and identity.expires_at.tzinfo is not None
    assert identity.expires_at > datetime.now(UTC)


async def test_web_identity_profile_and_client_reuse(aws_home) -> None:
    aws_home.web_identity_profile("ci-preprod", world.PRE_PROD)
    session = AwsSession(EnvironmentSettings("pre-prod", profile="ci-preprod"))
    try:
        assert session.region == world.REGION  # from the profile
        identity = await session.identity()
        ecs = await session.client("ecs")
        assert await session.client("ecs") is ecs
        # botocore reads max_attempts=8 as 8 retries: 9 attempts in all.
        assert ecs.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 9}
        assert ecs.meta.config.max_pool_connections == 50
        logs = await session.client("logs")
        assert logs.meta.config.inject_host_prefix is False  # loopback: moto
        assert ecs.meta.config.inject_host_prefix is True
        await ecs.list_clusters()  # a real call with the vetted credentials
    finally:
        await session.close()
    assert identity.credential_method == "assume-role-with-web-identity"
    assert identity.account == world.PRE_PROD.account_id
    assert identity.principal.startswith(f"{world.PRE_PROD.role_name}/")


async def test_assume_role_chain_from_web_identity_is_accepted(aws_home) -> None:
    # deploy (role in prod) <- source_profile ci (web identity in pre-prod).
    aws_home.web_identity_profile("ci", world.PRE_PROD)
    aws_home.add_config(
        f"[profile deploy]\nrole_arn = {world.PROD.role_arn}\nsource_profile = ci\n"
        f"role_session_name = deployer\nregion = {world.REGION}"
    )
    session = AwsSession(EnvironmentSettings("prod", profile="deploy",
                                             account_id=world.PROD.account_id))
    try:
        identity = await session.identity()
    finally:
        await session.close()
    assert identity.credential_method == "assume-role"
    assert identity.account == world.PROD.account_id
    assert identity.principal == f"{world.PROD.role_name}/deployer"


async def test_temporary_env_credentials_are_accepted(aws_home, monkeypatch) -> None:
    # Obtain real temporary credentials first (as a CI step or `aws configure export` would).
    aws_home.web_identity_profile("ci", world.PROD)
    source = AwsSession(EnvironmentSettings("prod", profile="ci"))
    frozen = await (await source.credentials()).get_frozen_credentials()
    await source.close()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", frozen.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", frozen.secret_key)
    monkeypatch.setenv("AWS_SESSION_TOKEN", frozen.token)
    session = AwsSession(EnvironmentSettings("prod", region=world.REGION))
    try:
        identity = await session.identity()
    finally:
        await session.close()
    assert identity.credential_method == "env"
    assert identity.account == world.PROD.account_id


async def test_temporary_credential_process_is_accepted(aws_home) -> None:
    aws_home.web_identity_profile("ci", world.PROD)
    source = AwsSession(EnvironmentSettings("prod", profile="ci"))
    frozen = await (await source.credentials()).get_frozen_credentials()
    await source.close()
    script = aws_home.root / "creds.py"
    payload = {"Version": 1, "AccessKeyId": frozen.access_key,
               "SecretAccessKey": frozen.secret_key, "SessionToken": frozen.token,
               "Expiration": "2099-01-01T00:00:00Z"}
    script.write_text(f"print({json.dumps(json.dumps(payload))})")
    aws_home.add_config(f"[profile proc]\ncredential_process = {sys.executable} {script}\n"
                        f"region = {world.REGION}")
    session = AwsSession(EnvironmentSettings("prod", profile="proc"))
    try:
        identity = await session.identity()
    finally:
        await session.close()
    assert identity.credential_method == "custom-process"
    assert identity.expires_at == datetime(2099, 1, 1, tzinfo=UTC)


async def test_account_mismatch_is_refused(aws_home) -> None:
    aws_home.web_identity_profile("ci-preprod", world.PRE_PROD)
    session = AwsSession(EnvironmentSettings("prod", profile="ci-preprod",
                                             account_id=world.PROD.account_id))
    with pytest.raises(AuthError) as caught:
        await session.identity()
    await session.close()
    assert caught.value.message == (
        f"AWS profile 'ci-preprod' is signed in to account {world.PRE_PROD.account_id} but "
        f"environment 'prod' expects {world.PROD.account_id}; sign in with the profile for "
        f"account {world.PROD.account_id} or fix `account_id` in ecstui.toml."
    )


async def test_no_region_is_a_config_error(aws_home) -> None:
    aws_home.add_config(f"[profile bare]\nrole_arn = {world.PROD.role_arn}\n"
                        f"web_identity_token_file = {aws_home.token_file}")
    session = AwsSession(EnvironmentSettings("prod", profile="bare"))
    with pytest.raises(ConfigError) as caught:
        _ = session.region
    assert "No AWS region for environment 'prod'" in caught.value.message
    assert "[environments.prod]" in caught.value.message


class _ContainerCredentials(BaseHTTPRequestHandler):
    """The ECS/EKS container credentials endpoint: GET -> role credentials as JSON."""

    payload: dict = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        body = json.dumps(self.payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def container_endpoint(aws_home, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ContainerCredentials)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                       f"http://127.0.0.1:{server.server_address[1]}/v2/credentials")
    yield _ContainerCredentials
    server.shutdown()
    server.server_close()


async def test_container_role_is_accepted(aws_home, container_endpoint) -> None:
    aws_home.web_identity_profile("ci", world.PROD)
    source = AwsSession(EnvironmentSettings("prod", profile="ci"))
    frozen = await (await source.credentials()).get_frozen_credentials()
    await source.close()
    container_endpoint.payload = {
        "AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
        "Token": frozen.token, "Expiration": "2099-01-01T00:00:00Z"}
    session = AwsSession(EnvironmentSettings("prod", region=world.REGION))
    try:
        identity = await session.identity()
    finally:
        await session.close()
    assert identity.credential_method == "container-role"
    assert identity.account == world.PROD.account_id


async def test_container_role_with_user_keys_is_refused(aws_home, container_endpoint) -> None:
    container_endpoint.payload = {
        "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "s", "Token": "t",
        "Expiration": "2099-01-01T00:00:00Z"}
    session = AwsSession(EnvironmentSettings("prod", region=world.REGION))
    with pytest.raises(AuthError, match=r"long-lived IAM user key \(AKIA"):
        await session.identity()
    await session.close()
