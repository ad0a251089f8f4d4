"""Where AWS calls go, and a loud warning when that is not AWS or this machine.

botocore honours `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>` and a profile's
`endpoint_url` (also inside a `services` section) for every client, including the
ones its credential providers create. A stray value would send SSO bearer tokens
and OIDC web-identity JWTs to that host, so the faces show `endpoint_warnings()`.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from ecstui.config import EnvironmentSettings

ENV_PREFIX = "AWS_ENDPOINT_URL"
IGNORE_ENV = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


@cache
def aws_dns_suffixes() -> tuple[str, ...]:
    """Every partition's DNS suffixes (amazonaws.com, amazonaws.com.cn, api.aws, ...)."""
    import botocore

    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    suffixes = {"amazonaws.com", "amazonaws.com.cn", "api.aws"}
    for partition in data.get("partitions", []):
        outputs = partition.get("outputs", {})
        for key in ("dnsSuffix", "dualStackDnsSuffix"):
            if outputs.get(key):
                suffixes.add(outputs[key].lower())
    return tuple(sorted(suffixes))


def is_loopback(url: str | None) -> bool:
    """True for http(s)://localhost, 127.0.0.0/8 and ::1."""
    host = (urlsplit(url or "").hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_aws(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == s or host.endswith("." + s) for s in aws_dns_suffixes())


def configured_endpoints(env: EnvironmentSettings) -> list[tuple[str, str]]:
    """(where it is set, url) for every endpoint override botocore would use."""
    if os.environ.get(IGNORE_ENV, "").lower() == "true":
        return []
    found = [(k, v) for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIX) and v]
    found.extend(_profile_endpoints(env.profile))
    return found


def _profile_endpoints(configured: str | None) -> list[tuple[str, str]]:
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        session = botocore.session.Session(profile=configured)
        profile = configured or session.get_config_variable("profile") or "default"
        config = session.full_config
    except BotoCoreError:
        return []
    section = config.get("profiles", {}).get(profile, {})
    if str(section.get("ignore_configured_endpoint_urls", "")).lower() == "true":
        return []
    found = []
    if section.get("endpoint_url"):
        found.append((f"endpoint_url in AWS profile {profile!r}", section["endpoint_url"]))
    services = config.get("services", {}).get(section.get("services", ""), {})
    for service, values in sorted(services.items()):
        if isinstance(values, dict) and values.get("endpoint_url"):
            where = f"{service} endpoint_url in services {section['services']!r}"
            found.append((where, values["endpoint_url"]))
    return found


def unsafe_endpoints(env: EnvironmentSettings) -> list[tuple[str, str]]:
    """(where it is set, url) for every override that is neither AWS nor loopback."""
    return [(where, url) for where, url in configured_endpoints(env)
            if not (is_loopback(url) or is_aws(url))]


def endpoint_warning(where: str, url: str, environments: Sequence[str]) -> str:
    """The sentence the faces show for one unsafe override (naming every environment)."""
    quoted = [repr(name) for name in environments]
    names = " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    label = "environment" if len(environments) == 1 else "environments"
    return (
        f"{where} sends AWS calls for {label} {names} to {url}, which is neither "
        "AWS nor this machine, so SSO bearer tokens and OIDC web-identity tokens would go "
        "there too; unset it unless you trust that host."
    )


def endpoint_warnings(env: EnvironmentSettings) -> list[str]:
    """One sentence per endpoint override that is neither AWS nor loopback."""
    return [endpoint_warning(where, url, [env.name]) for where, url in unsafe_endpoints(env)]
