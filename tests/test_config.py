"""ecstui.toml: found nearest-first, parsed to frozen settings, every error naming file,
key and what was expected."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ecstui.config import (
    EnvironmentSettings,
    ServiceSettings,
    Settings,
    find_config,
    load_settings,
)
from ecstui.errors import ConfigError, ExitCode

FULL = """
[environments.pre-prod]
profile = "acme-preprod"
region = "eu-west-1"
account_id = "111111111111"
clusters = ["pre-prod"]

[environments.prod]
profile = "acme-prod"
region = "eu-west-1"
account_id = "222222222222"
clusters = ["prod", "prod-batch"]
protected = true

[services.my-app]
repository = "acme/my-app"
container = "app"
promote_via = "github-approval"

[services.burrito]
repository = "acme/burrito"
promote_via = "github-dispatch"
promote_workflow = "promote.yml"
ecr_repository_prod = "burrito"

[promote]
from = "pre-prod"
to = "prod"

[github]
api_url = "https://github.example.com/api/v3/"
"""


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An empty working directory and user config dir (never the developer's own)."""
    cwd, xdg = tmp_path / "work", tmp_path / "xdg"
    cwd.mkdir()
    (xdg / "ecstui").mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    return {"cwd": cwd / "ecstui.toml", "user": xdg / "ecstui" / "ecstui.toml",
            "explicit": tmp_path / "explicit.toml"}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- finding the file ---------------------------------------------------------------------------
def test_no_file_gives_the_default_environment(places) -> None:
    settings = load_settings()
    assert settings.path is None
    assert settings.environments == (EnvironmentSettings(name="default"),)
    assert settings.services == {}
    assert settings.promote_from is None and settings.promote_to is None
    assert settings.service("anything") == ServiceSettings(name="anything")


def test_nearest_first(places) -> None:
    write(places["user"], "[environments.user]\n")
    assert find_config(None) == places["user"]
    assert load_settings().environments[0].name == "user"
    write(places["cwd"], "[environments.local]\n")
    assert find_config(None) == places["cwd"]
    assert load_settings().environments[0].name == "local"
    write(places["explicit"], "[environments.explicit]\n")
    assert load_settings(places["explicit"]).environments[0].name == "explicit"
    assert load_settings(str(places["explicit"])).path == places["explicit"]


def test_explicit_file_must_exist(places) -> None:
    with pytest.raises(ConfigError, match=r"explicit\.toml does not exist; pass an existing"):
        load_settings(places["explicit"])
    with pytest.raises(ConfigError, match="is not a file"):
        load_settings(places["cwd"].parent)


# -- a full file ---------------------------------------------------------------------------------
def test_full_file(places) -> None:
    settings = load_settings(write(places["explicit"], FULL))
    assert isinstance(settings, Settings)
    prod = settings.environment("prod")
    assert prod == EnvironmentSettings(
        name="prod", profile="acme-prod", region="eu-west-1", account_id="222222222222",
        clusters=("prod", "prod-batch"), protected=True,
    )
    assert settings.environment("pre-prod").protected is False
    assert settings.service("my-app").promote_via == "github-approval"
    burrito = settings.service("burrito")
    assert (burrito.promote_workflow, burrito.ecr_repository_prod) == ("promote.yml", "burrito")
    assert burrito.container is None
    assert (settings.promote_from, settings.promote_to) == ("pre-prod", "prod")
    assert settings.github.api_url == "https://github.example.com/api/v3"  # trailing / dropped
    with pytest.raises(dataclasses.FrozenInstanceError):
        prod.region = "us-east-1"  # type: ignore[misc]


def test_promote_defaults_to_pre_prod_then_prod(places) -> None:
    settings = load_settings(write(places["cwd"], "[environments.pre-prod]\n[environments.prod]\n"))
    assert (settings.promote_from, settings.promote_to) == ("pre-prod", "prod")
    settings = load_settings(write(places["cwd"], "[environments.staging]\n[environments.live]\n"))
    assert (settings.promote_from, settings.promote_to) == (None, None)


def test_a_single_cluster_may_be_a_string(places) -> None:
    settings = load_settings(write(places["cwd"], '[environments.prod]\nclusters = "prod"\n'))
    assert settings.environment("prod").clusters == ("prod",)


def test_unknown_environment_name_lists_the_configured_ones(places) -> None:
    settings = load_settings(write(places["cwd"], FULL))
    with pytest.raises(ConfigError) as caught:
        settings.environment("staging")
    assert caught.value.message == "No environment named 'staging' (configured: pre-prod, prod)."


# -- every error names the file, the key and the expectation -----------------------------------
ERRORS = [
    ("wrong type: protected", '[environments.prod]\nprotected = "yes"\n',
     "key 'environments.prod.protected' must be true or false."),
    ("wrong type: profile", "[environments.prod]\nprofile = 3\n",
     "key 'environments.prod.profile' must be a non-empty string."),
    ("wrong type: clusters", "[environments.prod]\nclusters = [1, 2]\n",
     """key 'environments.prod.clusters' must be a list of names, e.g. ["pre-prod"]."""),
    ("wrong type: environment", 'environments = "prod"\n',
     "key 'environments' must be a table of environments, e.g. [environments.prod]."),
    ("wrong type: one environment", "[environments]\nprod = 1\n",
     "key 'environments.prod' must be a table."),
    ("unknown key", '[environments.prod]\nregoin = "eu-west-1"\n',
     "key 'environments.prod.regoin' must be one of the known keys (account_id, clusters, "
     "profile, protected, region); remove or rename it."),
    ("unknown top-level key", '[enviroments.prod]\nregion = "eu-west-1"\n',
     "key 'enviroments' must be one of the known keys (environments, github, promote, "
     "services); remove or rename it."),
    ("bad account id: int", "[environments.prod]\naccount_id = 222222222222\n",
     "key 'environments.prod.account_id' must be a 12-digit account id in quotes."),
    ("bad account id: short", '[environments.prod]\naccount_id = "2222"\n',
     "key 'environments.prod.account_id' must be a 12-digit account id in quotes."),
    ("bad account id: newline", '[environments.prod]\naccount_id = "222222222222\\n"\n',
     "key 'environments.prod.account_id' must be a 12-digit account id in quotes."),
    ("bad region", '[environments.prod]\nregion = "Ireland"\n',
     """key 'environments.prod.region' must be an AWS region name like "eu-west-1"."""),
    ("bad promote target", '[environments.pre-prod]\n[environments.prod]\n'
     '[promote]\nfrom = "pre-prod"\nto = "production"\n',
     "key 'promote.to' must be the name of a configured environment (pre-prod, prod)."),
    ("promote half set", '[environments.pre-prod]\n[environments.prod]\n'
     '[promote]\nfrom = "pre-prod"\n',
     "key 'promote.to' must be set too: promote needs both `from` and `to`."),
    ("promote to itself", '[environments.prod]\n[promote]\nfrom = "prod"\nto = "prod"\n',
     "key 'promote.to' must be a different environment than promote.from ('prod')."),
    ("bad promote_via", '[services.app]\npromote_via = "jenkins"\n',
     "key 'services.app.promote_via' must be one of ecs, github-approval, github-dispatch."),
    ("bad repository", '[services.app]\nrepository = "https://github.com/acme/app"\n',
     """key 'services.app.repository' must be a GitHub repository "owner/name"."""),
    ("approval without repository", '[services.app]\npromote_via = "github-approval"\n',
     """key 'services.app.repository' must be set (a GitHub "owner/name") when promote_via """
     "is github-approval."),
    ("dispatch without workflow",
     '[services.app]\nrepository = "acme/app"\npromote_via = "github-dispatch"\n',
     """key 'services.app.promote_workflow' must be set (a workflow file such as """
     """"promote.yml") when promote_via is github-dispatch."""),
    ("bad github url", '[github]\napi_url = "github.example.com"\n',
     "key 'github.api_url' must be an http(s) URL."),
]


@pytest.mark.parametrize(("text", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_name_file_key_and_expectation(places, text: str, expected: str) -> None:
    path = write(places["explicit"], text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.message == f"{path}: {expected}"
    assert caught.value.exit_code == ExitCode.USAGE


def test_invalid_toml_names_file_and_line(places) -> None:
    path = write(places["cwd"], '[environments.prod]\nregion = "eu-west-1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = caught.value.message
    assert message.startswith(f"{path}: is not valid TOML (")
    assert "line 2" in message and message.endswith("; fix the syntax.")


def test_binary_file_is_a_config_error(places) -> None:
    places["cwd"].write_bytes(b"\xff\xfe[environments]")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_settings()
