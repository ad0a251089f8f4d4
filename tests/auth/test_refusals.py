"""Long-lived keys are refused before any API call, each with one sentence that says
why and what to do. Every test here runs with all endpoints unreachable: an AuthError
(rather than a connection error) proves that no call was attempted."""

from __future__ import annotations

import sys

import pytest

from ecstui.config import EnvironmentSettings
from ecstui.errors import AuthError, ExitCode
from ecstui.gateways.aws.session import AwsSession

PROD = EnvironmentSettings("prod", region="eu-west-1")


async def refusal(env: EnvironmentSettings = PROD) -> str:
    session = AwsSession(env)
    try:
        with pytest.raises(AuthError) as caught:
            await session.identity()
        # client() applies the same policy: still refused, still no call.
        with pytest.raises(AuthError):
            await session.client("ecs")
    finally:
        await session.close()
    assert caught.value.exit_code == ExitCode.AUTH == 3
    message = caught.value.message
    assert message.count(". ") == 0 and message.endswith("."), "one sentence"
    assert "which ecstui refuses" in message
    return message


def sso_advice(profile: str) -> str:
    return f"`aws sso login --profile {profile}`"


async def test_env_iam_user_key_is_refused(offline_home, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    # Even with a (meaningless) session token, AKIA is an IAM user key.
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    message = await refusal()
    assert "AWS_ACCESS_KEY_ID in the environment is a long-lived IAM user key (AKIA" in message
    assert "unset AWS_ACCESS_KEY_ID" in message and sso_advice("default") in message
    assert "AWS_WEB_IDENTITY_TOKEN_FILE" in message


async def test_env_key_without_session_token_is_refused(offline_home, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAY34FZKBOKMUTVV7A")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    message = await refusal()
    assert "has no session token, so it is a long-lived key" in message
    assert "AWS_ACCESS_KEY_ID in the environment" in message


async def test_credentials_file_keys_are_refused(offline_home) -> None:
    offline_home.add_credentials(
        "[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s"
    )
    message = await refusal(EnvironmentSettings("prod", profile="work", region="eu-west-1"))
    assert f"the shared credentials file {offline_home.credentials} [work]" in message
    assert "AWS profile 'work' uses long-lived access keys" in message
    assert sso_advice("work") in message


async def test_credentials_file_keys_of_default_profile_are_refused(offline_home) -> None:
    # With a session token too: keys stored in a file are refused whatever they are.
    offline_home.add_credentials(
        "[default]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\naws_secret_access_key = s\n"
        "aws_session_token = t"
    )
    message = await refusal()
    assert f"the shared credentials file {offline_home.credentials} [default]" in message


async def test_config_file_keys_are_refused(offline_home) -> None:
    offline_home.add_config(
        "[profile legacy]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s"
    )
    message = await refusal(EnvironmentSettings("prod", profile="legacy", region="eu-west-1"))
    assert f"the AWS config file {offline_home.config} [profile legacy]" in message


async def test_assume_role_chain_ending_in_stored_keys_is_refused(offline_home) -> None:
    # prod-admin -> jump (another role) -> base (IAM user keys in the credentials file).
    # botocore would report method `assume-role` with ASIA keys, hiding the AKIA source.
    offline_home.add_config(
        "[profile prod-admin]\nrole_arn = arn:aws:iam::222222222222:role/admin\n"
        "source_profile = jump"
    )
    offline_home.add_config(
        "[profile jump]\nrole_arn = arn:aws:iam::333333333333:role/jump\nsource_profile = base"
    )
    offline_home.add_credentials(
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s"
    )
    env = EnvironmentSettings("prod", profile="prod-admin", region="eu-west-1")
    message = await refusal(env)
    assert "source_profile chain prod-admin -> jump -> base" in message
    assert f"the shared credentials file {offline_home.credentials} [base]" in message
    assert sso_advice("prod-admin") in message


async def test_assume_role_sourcing_itself_with_keys_is_refused(offline_home) -> None:
    offline_home.add_config(
        "[profile selfish]\nrole_arn = arn:aws:iam::222222222222:role/admin\n"
        "source_profile = selfish\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = s"
    )
    message = await refusal(EnvironmentSettings("prod", profile="selfish", region="eu-west-1"))
    assert "source_profile chain selfish -> selfish" in message


async def test_assume_role_from_environment_keys_is_refused(offline_home, monkeypatch) -> None:
    offline_home.add_config(
        "[profile from-env]\nrole_arn = arn:aws:iam::222222222222:role/admin\n"
        "credential_source = Environment"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    message = await refusal(EnvironmentSettings("prod", profile="from-env", region="eu-west-1"))
    assert "credential_source of AWS profile 'from-env'" in message
    assert "long-lived IAM user key" in message


async def test_credential_process_giving_user_keys_is_refused(offline_home) -> None:
    script = offline_home.root / "creds.py"
    script.write_text(
        'import json; print(json.dumps({"Version": 1, '
        '"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "s"}))'
    )
    offline_home.add_config(f"[profile proc]\ncredential_process = {sys.executable} {script}")
    message = await refusal(EnvironmentSettings("prod", profile="proc", region="eu-west-1"))
    assert "the credential_process of profile 'proc' is a long-lived IAM user key" in message


async def test_no_credentials_at_all(offline_home) -> None:
    session = AwsSession(PROD)
    with pytest.raises(AuthError) as caught:
        await session.identity()
    await session.close()
    assert caught.value.message.startswith("No AWS credentials found for environment 'prod'")
    assert sso_advice("default") in caught.value.message
    assert "AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE" in caught.value.message


async def test_unknown_profile(offline_home) -> None:
    session = AwsSession(EnvironmentSettings("prod", profile="nope", region="eu-west-1"))
    with pytest.raises(AuthError) as caught:
        await session.identity()
    await session.close()
    assert "The AWS profile 'nope' is not in your AWS config" in caught.value.message
