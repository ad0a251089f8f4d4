"""The sandbox GitHub REST server: loopback, port 0, one thread, stdlib only.

Speaks what ecstui uses of GitHub's REST API with GitHub's manners: token auth,
`X-RateLimit-*` headers, weak ETags with `If-None-Match` -> 304 (free, like
GitHub's), `Link` pagination, secondary rate limits on demand (tests). With a
contract checker (argument, or env `ECSTUI_GITHUB_OPENAPI=<openapi subset>`)
every request and response is validated against GitHub's OpenAPI description
and a violation becomes an HTTP 500, so no test can pass on a wrong shape.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ecstui.sandbox.github.pipeline import Deploy, Pipeline
from ecstui.sandbox.github.render import Renderer
from ecstui.sandbox.github.routes import ROUTES, Api, HttpError, Request
from ecstui.sandbox.github.state import TOKEN, VIEWER, Clock, GitHubState

RATE_LIMIT = 5000
CONTRACT_ENV = "ECSTUI_GITHUB_OPENAPI"


@dataclass(frozen=True)
class Exchange:
    """One request/response pair, as the contract checker sees it."""

    method: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    request_body: Any
    status: int
    response_body: Any


Checker = Callable[[Exchange], list[str]]


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


_ROUTES = [(method, template, _compile(template), handler)
           for method, template, handler in ROUTES]


class GitHubSandbox:
    """Start/stop the server; `url` is the base URL PyGithub should use."""

    def __init__(self, deploy: Deploy | None = None, *, clock: Clock | None = None,
                 step_seconds: float = 0.3, checker: Checker | None = None,
                 api_prefix: str = "") -> None:
        # api_prefix="/api/v3" serves the API as GitHub Enterprise Server does.
        self.api_prefix = api_prefix.rstrip("/")
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.state = GitHubState()
        self.pipeline = Pipeline(self.state, self.clock, deploy, step_seconds)
        self.token = TOKEN
        self.viewer = VIEWER
        self.checker = checker
        if checker is None and os.environ.get(CONTRACT_ENV):
            from ecstui.sandbox.github.contract import OpenApiContract

            self.checker = OpenApiContract.load(os.environ[CONTRACT_ENV]).check
        self.violations: list[str] = []
        self.dirty = False  # a review changed the seeded runs (the sandbox's reset_if_dirty)
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status), for tests
        self._used = 0
        self._reset = int(self.clock().timestamp()) + 3600
        self._throttle: list[int] = []  # pending secondary-limit answers (retry-after seconds)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.api: Api | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox GitHub server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.api_prefix}"

    def start(self) -> GitHubSandbox:
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.api = Api(self.state, self.pipeline, Renderer(self.url))
        # shutdown() waits for the loop's next poll: 0.5 s by default, on every exit.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="sandbox-github", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.pipeline.join(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GitHubSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to the seeded runs (the AWS sandbox's reset calls this too)."""
        self.pipeline.join(timeout=5)
        state = GitHubState()
        pipeline = Pipeline(state, self.clock, self.pipeline.deploy, self.pipeline.step_seconds)
        self.state, self.pipeline = state, pipeline
        self.dirty = False
        if self._server is not None:
            self.api = Api(state, pipeline, Renderer(self.url))

    def throttle(self, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` requests with a secondary rate limit (tests)."""
        with self._lock:
            self._throttle.extend([retry_after] * times)

    # the request pipeline --------------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(max(0, RATE_LIMIT - self._used)),
            "X-RateLimit-Reset": str(self._reset), "X-RateLimit-Used": str(self._used),
            "X-RateLimit-Resource": "core",
        }

    def rate_limit_body(self) -> dict[str, Any]:
        core = {"limit": RATE_LIMIT, "remaining": max(0, RATE_LIMIT - self._used),
                "reset": self._reset, "used": self._used}
        search = {"limit": 30, "remaining": 30, "reset": self._reset, "used": 0}
        graphql = {"limit": 5000, "remaining": 5000, "reset": self._reset, "used": 0}
        return {"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core}

    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path
        if self.api_prefix:
            inside = path.startswith(self.api_prefix + "/")
            path = path[len(self.api_prefix):] if inside else "/__outside_the_api_prefix__"
        status, payload, extra, template, params, request_body = (
            self._dispatch(method, path, query, headers, body))
        if self.checker is not None and template and status != 304:
            exchange = Exchange(method, template, params, query, request_body, status, payload)
            problems = self.checker(exchange)
            if problems:
                self.violations.extend(f"{method} {template}: {p}" for p in problems)
                status = 500
                payload = {"message": "sandbox contract violation: " + "; ".join(problems)}
        if method == "POST" and status in (200, 204):
            self.dirty = True
        data = b"" if status in (204, 304) else json.dumps(payload).encode()
        out = {"Content-Type": "application/json; charset=utf-8", **extra}
        with self._lock:
            self.requests.append((method, raw_path, status))
        return status, out, data

    def _dispatch(self, method: str, path: str, query: dict[str, str],
                  headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        route = next(((t, m.match(path), h) for verb, t, m, h in _ROUTES
                      if verb == method and m.match(path)), None)
        template = route[0] if route else ("/rate_limit" if path == "/rate_limit" else "")
        params = route[1].groupdict() if route and route[1] else {}
        try:
            request_body = json.loads(body) if body else None
        except ValueError:
            return 400, {"message": "Problems parsing JSON"}, {}, template, params, None
        auth = headers.get("authorization", "")
        token = auth.split(" ", 1)[1].strip() if " " in auth else ""
        if not token:
            return 401, self._error("Requires authentication", 401), {}, template, params, None
        if token != self.token:
            return 401, self._error("Bad credentials", 401), {}, template, params, None
        with self._lock:
            retry_after = self._throttle.pop(0) if self._throttle else None
        if retry_after is not None:
            message = ("You have exceeded a secondary rate limit. Please wait a few minutes "
                       "before you try again.")
            return (403, self._error(message, 403), {"Retry-After": str(retry_after)},
                    template, params, request_body)
        if path == "/rate_limit" and method == "GET":
            return 200, self.rate_limit_body(), self.rate_headers(), template, params, None
        if route is None:
            return 404, self._error("Not Found", 404), {}, "", params, request_body
        assert self.api is not None
        req = Request(method, template, params, query, request_body, self.viewer)
        try:
            status, payload = route[2](self.api, req)
        except HttpError as exc:
            status, payload = exc.status, self._error(exc.message, exc.status)
        extra: dict[str, str] = {}
        if method == "GET" and status == 200:
            etag = 'W/"' + hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:40] + '"'
            extra["ETag"] = etag
            if headers.get("if-none-match") == etag:
                return 304, None, {**extra, **self.rate_headers()}, template, params, None
            if req.meta:
                extra.update(self._links(path, query, req.meta))
        with self._lock:
            self._used += 1
        return status, payload, {**extra, **self.rate_headers()}, template, params, request_body

    def _links(self, path: str, query: dict[str, str], meta: dict[str, int]) -> dict[str, str]:
        page, last = meta["page"], meta["last_page"]
        if last <= 1:
            return {}

        def link(number: int, rel: str) -> str:
            return f'<{self.url}{path}?{urlencode({**query, "page": number})}>; rel="{rel}"'

        rels = []
        if page < last:
            rels += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            rels += [link(1, "first"), link(page - 1, "prev")]
        return {"Link": ", ".join(rels)} if rels else {}

    def _error(self, message: str, status: int) -> dict[str, str]:
        return {"message": message, "documentation_url": "https://docs.github.com/rest",
                "status": str(status)}


class _Handler(BaseHTTPRequestHandler):
    sandbox: GitHubSandbox
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out, data = self.sandbox.handle(self.command, self.path, headers, body)
        self.send_response(status)
        for key, value in out.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and the TUI
        pass
