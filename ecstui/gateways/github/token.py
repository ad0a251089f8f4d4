"""Where the GitHub token comes from: GH_TOKEN, GITHUB_TOKEN, else `gh auth token`.

ecstui never writes a token anywhere and never prints one: the value lives only
in memory, in the PyGithub client. Only the *source* is ever shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
GH_NOT_LOGGED_IN = 4  # `gh auth token` exit status when there is no login for the host
HINT = "set GH_TOKEN or run `gh auth login`"


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)  # never in a repr, a log line or an error message
    source: str  # GH_TOKEN | GITHUB_TOKEN | GH_ENTERPRISE_TOKEN | gh auth token


def web_host(api_url: str) -> str:
    """`github.com` for api.github.com, else the Enterprise host gh knows it by."""
    host = urlsplit(api_url).hostname or ""
    return "github.com" if host in ("api.github.com", "github.com") else host


def is_loopback(api_url: str) -> bool:
    return (urlsplit(api_url).hostname or "") in LOOPBACK


def resolve_token(api_url: str, environ: Mapping[str, str] | None = None,
                  use_gh: bool = True) -> Token | None:
    """The first token found, or None (the faces then say HINT and keep working)."""
    env = os.environ if environ is None else environ
    names = ["GH_TOKEN", "GITHUB_TOKEN"]
    if web_host(api_url) != "github.com":
        names = ["GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", *names]
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return Token(value, name)
    if not use_gh or is_loopback(api_url):
        return None
    return _from_gh(web_host(api_url))


def _from_gh(host: str) -> Token | None:
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        done = subprocess.run([gh, "auth", "token", "--hostname", host], capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    if done.returncode == GH_NOT_LOGGED_IN or done.returncode != 0 or not value:
        return None
    return Token(value, "gh auth token")
