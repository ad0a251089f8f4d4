"""Endpoint overrides the operator must hear about before ecstui talks to AWS.

A stray `AWS_ENDPOINT_URL` (or profile `endpoint_url`) that is neither AWS nor this
machine would receive SSO bearer tokens and OIDC web-identity JWTs. Both faces show
these sentences: the CLI on stderr before its output, the TUI as a notification.
"""

from __future__ import annotations

from ecstui.config import Settings
from ecstui.gateways.aws.endpoints import endpoint_warning, unsafe_endpoints


def endpoint_warnings(settings: Settings) -> list[str]:
    """One sentence per unsafe override, naming every environment it affects.

    All configured environments are checked, not only `--env`: promote and rollback
    read more than one, and a shared `AWS_ENDPOINT_URL` gives one line, not one per
    environment.
    """
    affected: dict[tuple[str, str], list[str]] = {}
    for env in settings.environments:
        for where, url in unsafe_endpoints(env):
            names = affected.setdefault((where, url), [])
            if env.name not in names:
                names.append(env.name)
    return [endpoint_warning(where, url, names) for (where, url), names in affected.items()]
