"""The sandbox's profiles give short-lived web-identity credentials in the right account."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from ecstui.config import load_settings
from ecstui.sandbox import world


@pytest.mark.parametrize("env", world.ENVIRONMENTS, ids=lambda e: e.name)
def test_profile_uses_web_identity_in_its_account(sandbox, env) -> None:
    # A plain boto3 session, as any process with the sandbox env would build it.
    session = boto3.Session(profile_name=env.profile)
    credentials = session.get_credentials()
    assert credentials.method == "assume-role-with-web-identity"
    frozen = credentials.get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA")
    assert frozen.token
    identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == env.account_id
    role = f"arn:aws:sts::{env.account_id}:assumed-role/ecstui-operator/"
    assert identity["Arn"].startswith(role)


def test_env_hides_stored_keys(sandbox) -> None:
    env = sandbox.subprocess_env({"AWS_ACCESS_KEY_ID": "AKIAREALKEY", "AWS_PROFILE": "work"})
    assert "AWS_ACCESS_KEY_ID" not in env and "AWS_PROFILE" not in env
    assert env["AWS_ENDPOINT_URL"] == sandbox.moto_url
    assert Path(env["AWS_SHARED_CREDENTIALS_FILE"]).read_text() == ""


def test_written_config_names_the_world(sandbox) -> None:
    settings = load_settings(sandbox.config_path)
    assert [e.name for e in settings.environments] == [e.name for e in world.ENVIRONMENTS]
    prod = settings.environment("prod")
    assert prod.protected and prod.account_id == world.PROD.account_id
    assert prod.profile == world.PROD.profile and prod.clusters == ("prod",)
    assert settings.service("my-app").container == "app"
    assert (settings.promote_from, settings.promote_to) == ("pre-prod", "prod")
