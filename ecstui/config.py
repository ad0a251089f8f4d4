"""TOML configuration -> frozen settings.

Found nearest-first: `--config PATH`, then `./ecstui.toml`, then the platform
config dir (`platformdirs.user_config_dir("ecstui")/ecstui.toml`). With no file,
ecstui uses the default AWS profile and region and discovers clusters. Every
error names the file, the key and what was expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecstui.errors import ConfigError

CONFIG_NAME = "ecstui.toml"
PROMOTE_VIA = ("ecs", "github-approval", "github-dispatch")
ACCOUNT_ID = re.compile(r"^\d{12}$")
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class EnvironmentSettings:
    name: str
    profile: str | None = None  # None: the default profile / environment credentials
    region: str | None = None  # None: the profile's region
    account_id: str | None = None  # when set, a session in another account is refused
    clusters: tuple[str, ...] = ()  # empty: discover with ListClusters
    protected: bool = False  # changes need the service name typed to confirm


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    repository: str | None = None  # GitHub owner/name that builds this service
    container: str | None = None  # the container that carries the app image
    promote_via: str = "ecs"  # ecs | github-approval | github-dispatch
    promote_workflow: str | None = None  # workflow file for github-dispatch
    ecr_repository_prod: str | None = None  # prod-account repository to copy into, if any


@dataclass(frozen=True)
class GitHubSettings:
    api_url: str = "https://api.github.com"


@dataclass(frozen=True)
class Settings:
    path: Path | None
    environments: tuple[EnvironmentSettings, ...]
    services: Mapping[str, ServiceSettings] = field(default_factory=dict)
    github: GitHubSettings = field(default_factory=GitHubSettings)
    promote_from: str | None = None
    promote_to: str | None = None

    def environment(self, name: str) -> EnvironmentSettings:
        for env in self.environments:
            if env.name == name:
                return env
        known = ", ".join(e.name for e in self.environments) or "none"
        raise ConfigError(f"No environment named {name!r} (configured: {known}).")

    def service(self, name: str) -> ServiceSettings:
        return self.services.get(name) or ServiceSettings(name=name)


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to use, nearest first; None when there is none."""
    if explicit is not None:
        path = Path(explicit)
        if not path.exists():
            raise ConfigError(f"Config file {path} does not exist; pass an existing file.")
        if not path.is_file():
            raise ConfigError(f"Config file {path} is not a file; pass the path of a TOML file.")
        return path
    local = Path.cwd() / CONFIG_NAME
    if local.is_file():
        return local
    from platformdirs import user_config_dir

    user = Path(user_config_dir("ecstui")) / CONFIG_NAME
    return user if user.is_file() else None


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    path = find_config(explicit)
    if path is None:
        return Settings(path=None, environments=(EnvironmentSettings(name="default"),))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: is not valid TOML ({exc}); fix the syntax.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text; save it as UTF-8 TOML.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check its permissions.") \
            from None
    return parse_settings(data, path)


class _Reader:
    """Typed access to one table, with errors that name file and key."""

    def __init__(self, path: Path | None, prefix: str, table: Mapping[str, Any]) -> None:
        self.path, self.prefix, self.table = path, prefix, table

    def fail(self, key: str, expected: str) -> ConfigError:
        where = f"{self.path}: " if self.path else ""
        return ConfigError(f"{where}key '{self.prefix}{key}' must be {expected}.")

    def unknown(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                raise self.fail(key, f"one of the known keys ({names}); remove or rename it")

    def str(self, key: str, pattern: re.Pattern[str] | None = None, hint: str = "") -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or (pattern and not pattern.fullmatch(value)):
            raise self.fail(key, hint or "a non-empty string")
        return value

    def bool(self, key: str) -> bool:
        value = self.table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def str_list(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, 'a list of names, e.g. ["pre-prod"]')
        return tuple(value)


def parse_settings(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    root = _Reader(path, "", data)
    root.unknown({"environments", "services", "github", "promote"})
    envs_table = data.get("environments", {})
    if not isinstance(envs_table, dict):
        raise root.fail("environments", "a table of environments, e.g. [environments.prod]")
    environments = []
    for name, table in envs_table.items():
        if not isinstance(table, dict):
            raise root.fail(f"environments.{name}", "a table")
        r = _Reader(path, f"environments.{name}.", table)
        r.unknown({"profile", "region", "account_id", "clusters", "protected"})
        environments.append(
            EnvironmentSettings(
                name=name,
                profile=r.str("profile"),
                region=r.str("region", REGION, 'an AWS region name like "eu-west-1"'),
                account_id=r.str("account_id", ACCOUNT_ID, 'a 12-digit account id in quotes'),
                clusters=r.str_list("clusters"),
                protected=r.bool("protected"),
            )
        )
    if not environments:
        environments.append(EnvironmentSettings(name="default"))

    services_table = data.get("services", {})
    if not isinstance(services_table, dict):
        raise root.fail("services", "a table of services, e.g. [services.my-app]")
    services = {}
    for name, table in services_table.items():
        if not isinstance(table, dict):
            raise root.fail(f"services.{name}", "a table")
        r = _Reader(path, f"services.{name}.", table)
        r.unknown(
            {"repository", "container", "promote_via", "promote_workflow", "ecr_repository_prod"}
        )
        via = r.str("promote_via") or "ecs"
        if via not in PROMOTE_VIA:
            raise r.fail("promote_via", "one of " + ", ".join(PROMOTE_VIA))
        service = ServiceSettings(
            name=name,
            repository=r.str("repository", REPOSITORY, 'a GitHub repository "owner/name"'),
            container=r.str("container"),
            promote_via=via,
            promote_workflow=r.str("promote_workflow"),
            ecr_repository_prod=r.str("ecr_repository_prod"),
        )
        if via != "ecs" and service.repository is None:
            raise r.fail("repository", f'set (a GitHub "owner/name") when promote_via is {via}')
        if via == "github-dispatch" and service.promote_workflow is None:
            raise r.fail("promote_workflow",
                         'set (a workflow file such as "promote.yml") when promote_via is '
                         "github-dispatch")
        services[name] = service

    gh_table = data.get("github", {})
    if not isinstance(gh_table, dict):
        raise root.fail("github", "a table")
    gh = _Reader(path, "github.", gh_table)
    gh.unknown({"api_url"})
    api_url = gh.str("api_url", re.compile(r"https?://\S+"), "an http(s) URL") or (
        GitHubSettings.api_url
    )

    promote_table = data.get("promote", {})
    if not isinstance(promote_table, dict):
        raise root.fail("promote", "a table")
    pr = _Reader(path, "promote.", promote_table)
    pr.unknown({"from", "to"})
    names = [e.name for e in environments]
    promote_from, promote_to = pr.str("from"), pr.str("to")
    for key, value in (("from", promote_from), ("to", promote_to)):
        if value is not None and value not in names:
            raise pr.fail(key, "the name of a configured environment (" + ", ".join(names) + ")")
    if (promote_from is None) != (promote_to is None):
        missing = "to" if promote_to is None else "from"
        raise pr.fail(missing, "set too: promote needs both `from` and `to`")
    if promote_from is not None and promote_from == promote_to:
        raise pr.fail("to", f"a different environment than promote.from ({promote_from!r})")
    if promote_from is None and {"pre-prod", "prod"} <= set(names):
        promote_from, promote_to = "pre-prod", "prod"
    return Settings(
        path=path,
        environments=tuple(environments),
        services=services,
        github=GitHubSettings(api_url=api_url.rstrip("/")),
        promote_from=promote_from,
        promote_to=promote_to,
    )
