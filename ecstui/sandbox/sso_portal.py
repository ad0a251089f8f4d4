"""A tiny IAM Identity Center (SSO) portal on loopback, so SSO sign-in works offline.

moto has no SSO portal. botocore's SSO provider calls `GET /federation/credentials`
(bearer token in header `x-amz-sso_bearer_token`) on `AWS_ENDPOINT_URL_SSO`, and
refreshes its token with SSO-OIDC `POST /token` on `AWS_ENDPOINT_URL_SSO_OIDC`.
This server answers both. The role credentials it hands out come from moto's own
STS `AssumeRole` of `arn:aws:iam::<account_id>:role/<role_name>`, so moto accepts
them and maps them to that account, as real SSO role credentials would be.

Note: botocore fixes its SSO token cache directory (`~/.aws/sso/cache`) when it is
first imported, so a temporary HOME must be set before botocore is imported (run
the client in a subprocess with HOME set, as the tests do).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
START_URL = "https://acme-sandbox.awsapps.com/start"
TOKEN_LIFETIME = timedelta(hours=8)


@dataclass
class _Grant:
    expires_at: datetime
    user: str


class SsoPortal:
    """`with SsoPortal(moto_url) as portal:`; `portal.url` goes in AWS_ENDPOINT_URL_SSO(_OIDC)."""

    def __init__(self, sts_url: str, region: str = "us-east-1") -> None:
        self.sts_url, self.region = sts_url.rstrip("/"), region
        self._tokens: dict[str, _Grant] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> user
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[str] = []  # "GET /federation/credentials 200", for tests

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> SsoPortal:
        portal = self

        class Handler(_Handler):
            owner = portal

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="sso-portal")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SsoPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the portal first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- tokens ----------------------------------------------------------------------------
    def issue_token(self, user: str = "maria-oncall", lifetime: timedelta = TOKEN_LIFETIME,
                    refresh_token: str | None = None) -> tuple[str, datetime]:
        """A bearer token as `aws sso login` would cache it; optionally refreshable."""
        token = "sso-" + secrets.token_urlsafe(24)
        expires_at = datetime.now(UTC) + lifetime
        with self._lock:
            self._tokens[token] = _Grant(expires_at, user)
            if refresh_token:
                self._refresh[refresh_token] = user
        return token, expires_at

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def _valid(self, token: str | None) -> _Grant | None:
        with self._lock:
            grant = self._tokens.get(token or "")
        if grant is None or grant.expires_at <= datetime.now(UTC):
            return None
        return grant

    # -- the two operations ------------------------------------------------------------------
    def role_credentials(self, account_id: str, role_name: str, user: str) -> dict[str, Any]:
        """Credentials for the role, from moto's STS AssumeRole in that account."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        body = urlencode({
            "Action": "AssumeRole", "Version": "2011-06-15",
            "RoleArn": f"arn:aws:iam::{account_id}:role/{role_name}",
            "RoleSessionName": user, "DurationSeconds": "3600",
        })
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        request = AWSRequest("POST", self.sts_url + "/", data=body, headers=headers)
        # The portal's own identity towards moto; moto does not check signatures.
        signer = Credentials("ASIASSOPORTALSANDBOX", "sandbox-portal", "sandbox-portal")
        SigV4Auth(signer, "sts", self.region).add_auth(request)
        req = urllib.request.Request(self.sts_url + "/", data=body.encode(),
                                     headers=dict(request.headers.items()), method="POST")
        with urllib.request.urlopen(req, timeout=10) as reply:  # noqa: S310 (loopback)
            root = ET.fromstring(reply.read())
        creds = root.find(f".//{STS_NS}Credentials")
        if creds is None:
            raise RuntimeError("moto's AssumeRole returned no credentials")

        def text(name: str) -> str:
            return creds.findtext(f"{STS_NS}{name}") or ""

        expiration = datetime.fromisoformat(text("Expiration").replace("Z", "+00:00"))
        return {
            "accessKeyId": text("AccessKeyId"),
            "secretAccessKey": text("SecretAccessKey"),
            "sessionToken": text("SessionToken"),
            "expiration": int(expiration.timestamp() * 1000),
        }

    def create_token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """SSO-OIDC CreateToken with grant type refresh_token."""
        if body.get("grantType") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            user = self._refresh.get(str(body.get("refreshToken")))
        if user is None or not body.get("clientId"):
            return 400, {"error": "invalid_grant", "error_description": "unknown refresh token"}
        refresh = "refresh-" + secrets.token_urlsafe(16)
        token, _ = self.issue_token(user, refresh_token=refresh)
        seconds = int(TOKEN_LIFETIME.total_seconds())
        return 200, {"accessToken": token, "tokenType": "Bearer", "expiresIn": seconds,
                     "refreshToken": refresh}


class _Handler(BaseHTTPRequestHandler):
    owner: SsoPortal

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Quiet: the TUI owns the terminal."""

    def _reply(self, status: int, payload: dict[str, Any], error_type: str = "") -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)
        self.owner.requests.append(f"{self.command} {urlsplit(self.path).path} {status}")

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        parts = urlsplit(self.path)
        if parts.path != "/federation/credentials":
            self._reply(404, {"message": "not found"}, "ResourceNotFoundException")
            return
        grant = self.owner._valid(self.headers.get("x-amz-sso_bearer_token"))
        if grant is None:
            self._reply(401, {"message": "Session token not found or invalid"},
                        "UnauthorizedException")
            return
        query = parse_qs(parts.query)
        account = (query.get("account_id") or [""])[0]
        role = (query.get("role_name") or [""])[0]
        if not (account.isdigit() and len(account) == 12 and role):
            self._reply(400, {"message": "role_name and account_id are required"},
                        "InvalidRequestException")
            return
        try:
            creds = self.owner.role_credentials(account, role, grant.user)
        except Exception as exc:  # a moto failure must still answer the client
            self._reply(500, {"message": f"sandbox STS failed: {exc}"}, "InternalServerException")
            return
        self._reply(200, {"roleCredentials": creds})

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        if urlsplit(self.path).path != "/token":
            self._reply(404, {"message": "not found"}, "ResourceNotFoundException")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        status, payload = self.owner.create_token(body)
        error_type = "" if status == 200 else "InvalidGrantException"
        self._reply(status, payload, error_type)


# -- the client side: a temp HOME with an SSO profile and a cached token -------------------------
def sso_cache_path(home: Path, session_name: str) -> Path:
    """Where botocore looks for an sso-session's token: ~/.aws/sso/cache/<sha1(name)>.json.

    For a legacy profile (no sso_session) pass the start URL: the key is sha1(start URL).
    """
    digest = hashlib.sha1(session_name.encode()).hexdigest()  # noqa: S324 - botocore's naming
    return Path(home) / ".aws" / "sso" / "cache" / f"{digest}.json"


def write_sso_token(home: Path, session_name: str, token: str, expires_at: datetime,
                    region: str, start_url: str = START_URL,
                    refresh_token: str | None = None) -> Path:
    """Cache a token as `aws sso login` does (with a client registration when refreshable)."""
    data: dict[str, Any] = {"startUrl": start_url, "region": region, "accessToken": token,
                            "expiresAt": _iso(expires_at)}
    if refresh_token:
        data.update(clientId="sandbox-client", clientSecret="sandbox-secret",
                    refreshToken=refresh_token,
                    registrationExpiresAt=_iso(datetime.now(UTC) + timedelta(days=90)))
    path = sso_cache_path(home, session_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def sso_profile_text(profile: str, session_name: str, account_id: str, role_name: str,
                     region: str, start_url: str = START_URL) -> str:
    """An `~/.aws/config` profile using `sso_session`, plus its sso-session section."""
    return (
        f"[profile {profile}]\nsso_session = {session_name}\nsso_account_id = {account_id}\n"
        f"sso_role_name = {role_name}\nregion = {region}\n\n"
        f"[sso-session {session_name}]\nsso_start_url = {start_url}\nsso_region = {region}\n"
        "sso_registration_scopes = sso:account:access\n\n"
    )


def sso_legacy_profile_text(profile: str, account_id: str, role_name: str, region: str,
                            start_url: str = START_URL) -> str:
    """A legacy SSO profile (start URL in the profile; its token cannot be refreshed)."""
    return (
        f"[profile {profile}]\nsso_start_url = {start_url}\nsso_region = {region}\n"
        f"sso_account_id = {account_id}\nsso_role_name = {role_name}\nregion = {region}\n\n"
    )


def sso_environment(home: Path, portal_url: str) -> dict[str, str]:
    """Environment variables that point botocore at the temp HOME and the portal."""
    aws = Path(home) / ".aws"
    return {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(aws / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"),
        "AWS_ENDPOINT_URL_SSO": portal_url,
        "AWS_ENDPOINT_URL_SSO_OIDC": portal_url,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
