"""Unsafe endpoint overrides reach the operator: once on stderr before a CLI command's
output, and as a warning notification in the TUI. Nothing here contacts the override:
the stored-keys refusal (exit 3) happens before any call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecstui.config import EnvironmentSettings, Settings
from ecstui.core.endpoints import endpoint_warnings

REMOTE = "http://10.1.2.3:4566"
TWO_ENVS = ('[environments.pre-prod]\nprofile = "work"\nregion = "eu-west-1"\n'
            '[environments.prod]\nprofile = "work"\nregion = "eu-west-1"\n')


@pytest.fixture
def refused_config(offline_home, tmp_path: Path) -> Path:
    """Two environments on a profile with stored keys: status is refused with exit 3."""
    offline_home.add_credentials(
        "[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s"
    )
    config = tmp_path / "ecstui.toml"
    config.write_text(TWO_ENVS, encoding="utf-8")
    return config


def ecstui(*argv: str, endpoint: str, merged: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    return subprocess.run([sys.executable, "-m", "ecstui", *argv], env=env, text=True,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE, timeout=60)


def test_remote_endpoint_is_warned_once_before_the_refusal(refused_config) -> None:
    done = ecstui("--config", str(refused_config), "status", endpoint=REMOTE)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.splitlines()
    warnings = [line for line in lines if line.startswith("ecstui: warning: ")]
    assert warnings == [
        f"ecstui: warning: AWS_ENDPOINT_URL sends AWS calls for environments 'pre-prod' and "
        f"'prod' to {REMOTE}, which is neither AWS nor this machine, so SSO bearer tokens and "
        "OIDC web-identity tokens would go there too; unset it unless you trust that host."
    ]
    assert "long-lived access keys" in done.stderr
    # Before anything else the command prints, on stdout or stderr.
    both = ecstui("--config", str(refused_config), "status", endpoint=REMOTE, merged=True)
    assert both.stdout.splitlines()[0] == warnings[0]
    assert both.stdout.count("ecstui: warning:") == 1


def test_loopback_endpoint_gives_no_warning(refused_config, offline_home) -> None:
    done = ecstui("--config", str(refused_config), "status", endpoint=offline_home.endpoint)
    assert done.returncode == 3, done.stderr
    assert "warning" not in done.stderr
    assert "long-lived access keys" in done.stderr


def test_commands_without_aws_do_not_warn(refused_config, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECSTUI_STATE_DIR", str(tmp_path / "state"))
    done = ecstui("--config", str(refused_config), "audit", endpoint=REMOTE)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr


def test_profile_endpoint_names_only_its_environment(offline_home, monkeypatch) -> None:
    offline_home.add_config("[profile lab]\nendpoint_url = https://lab.example:4566")
    settings = Settings(path=None, environments=(
        EnvironmentSettings("pre-prod", profile="lab"), EnvironmentSettings("prod")))
    (warning,) = endpoint_warnings(settings)
    assert warning.startswith("endpoint_url in AWS profile 'lab' sends AWS calls for "
                              "environment 'pre-prod' to https://lab.example:4566,")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", "https://sso.example")
    shared, profile = endpoint_warnings(settings)
    assert shared.startswith("AWS_ENDPOINT_URL_SSO sends AWS calls for environments "
                             "'pre-prod' and 'prod' to https://sso.example,")
    assert profile == warning


async def test_tui_shows_the_warning_at_start(offline_home, monkeypatch) -> None:
    from tests.inventory.fixed import fixed_app, until_loaded

    monkeypatch.setenv("AWS_ENDPOINT_URL", REMOTE)
    app = fixed_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await until_loaded(pilot)
        notes = [n for n in app._notifications if n.severity == "warning"]
        assert len(notes) == 1
        assert notes[0].title == "AWS endpoint"
        assert f"'pre-prod' and 'prod' to {REMOTE}" in notes[0].message


async def test_tui_without_overrides_shows_no_warning(offline_home) -> None:
    from tests.inventory.fixed import fixed_app, until_loaded

    app = fixed_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await until_loaded(pilot)
        assert not [n for n in app._notifications if n.severity == "warning"]
