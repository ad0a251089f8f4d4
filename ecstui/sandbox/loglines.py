"""Realistic application log lines for the sandbox's services, one generator per container.

Python web services log plain lines with a request id and latency, some as JSON; the
Envoy edge proxy logs access lines; the Datadog agent logs its own format. Now and
then an ERROR carries a multi-line Python traceback (one event, as with the awslogs
driver's `awslogs-multiline-pattern`).
"""

from __future__ import annotations

import json
import random
from datetime import datetime

PATHS = {
    "my-app": ["/api/products", "/api/products/{id}", "/api/cart", "/api/orders/{id}/export",
               "/webhooks/payment"],
    "burrito": ["/burritos", "/burritos/{id}", "/salsas", "/orders"],
    "payments": ["/v1/charges", "/v1/refunds", "/v1/refunds/{id}", "/v1/webhooks/stripe"],
    "orders": ["/orders", "/orders/{id}", "/orders/history", "/checkout"],
}
WARNINGS = [
    "slow query took {ms}ms: SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC",
    "retrying webhook delivery to https://hooks.example.com/orders (attempt 2/5)",
    "connection pool at 85% capacity (17/20)",
    "deprecated header X-Client-Version used by client android/4.12.0",
]
ERRORS = [
    "upstream timeout calling inventory-service after 3000ms",
    "payment provider returned 502 Bad Gateway; will retry",
    "failed to publish event order.created to SNS: ThrottlingException",
]
TRACEBACK = """Traceback (most recent call last):
  File "/app/{pkg}/handlers.py", line 88, in handle
    result = await self.service.process(request)
  File "/app/{pkg}/service.py", line 142, in process
    row = await self.repo.fetch_one(key)
  File "/app/{pkg}/repo.py", line 57, in fetch_one
    raise LookupError(f"no row for {{key!r}}")
LookupError: no row for 'ord_{n}'"""
CRASH = """Traceback (most recent call last):
  File "/app/{pkg}/main.py", line 12, in <module>
    settings = Settings.from_env()
  File "/app/{pkg}/config.py", line 31, in from_env
    dsn = os.environ["DATABASE_DSN"]
  File "/usr/local/lib/python3.12/os.py", line 714, in __getitem__
    raise KeyError(key) from None
KeyError: 'DATABASE_DSN'"""


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def startup(service: str, container: str, port: int, sha: str) -> list[str]:
    if container == "envoy":
        return ["[info][main] initializing epoch 0 (base id=0, hot restart version=11.104)",
                "[info][config] all clusters initialized. initializing init manager",
                f"[info][main] starting main dispatch loop; listening on 0.0.0.0:{port}"]
    if container == "datadog-agent":
        return ["CORE | INFO | Starting Datadog Agent v7.58.2",
                "CORE | INFO | ECS Fargate task metadata endpoint detected"]
    return [f"INFO  [main] starting {service} git_sha={sha[:12]} env from APP_ENV",
            f"INFO  [gunicorn] Listening at: http://0.0.0.0:{port} (1)",
            "INFO  [gunicorn] Booting worker with pid: 8",
            "INFO  [main] application startup complete"]


def shutdown(container: str) -> list[str]:
    if container == "envoy":
        return ["[warning][main] caught SIGTERM", "[info][main] exiting"]
    if container == "datadog-agent":
        return ["CORE | INFO | Received SIGTERM, stopping agent"]
    return ["INFO  [gunicorn] Handling signal: term",
            "INFO  [gunicorn] Worker exiting (pid: 8)",
            "INFO  [gunicorn] Shutting down: Master"]


def crash(service: str) -> list[str]:
    pkg = service.replace("-", "_")
    return [f"INFO  [main] starting {service}", "ERROR [main] failed to load settings\n"
            + CRASH.format(pkg=pkg)]


def line(service: str, container: str, rng: random.Random) -> str:
    """One varied log line of a container (without its timestamp: see `stamped`)."""
    if container == "envoy":
        return _envoy(rng)
    if container == "datadog-agent":
        return _datadog(rng)
    return _app(service, rng)


def stamped(container: str, at: datetime, text: str) -> str:
    """The line as the container prints it, with its own timestamp format."""
    if container == "envoy":
        return f"[{stamp(at)}]{text}" if text.startswith("[") else f"[{stamp(at)}] {text}"
    if container == "datadog-agent":
        return f"{at.strftime('%Y-%m-%d %H:%M:%S')} UTC | {text}"
    if text.startswith("{"):  # structured lines carry their time as a field
        return json.dumps({"ts": stamp(at), **json.loads(text)})
    return f"{stamp(at)} {text}"


def _request_id(rng: random.Random) -> str:
    return f"req-{rng.getrandbits(48):012x}"


def _path(service: str, rng: random.Random) -> str:
    path = rng.choice(PATHS.get(service, ["/"]))
    return path.replace("{id}", str(rng.randrange(1000, 99999)))


def _app(service: str, rng: random.Random) -> str:
    roll = rng.random()
    rid = _request_id(rng)
    if roll < 0.55:
        method = rng.choice(["GET", "GET", "GET", "POST", "PUT"])
        status = rng.choice([200] * 12 + [201, 204, 400, 404, 500])
        return (f"INFO  [{rid}] {method} {_path(service, rng)} {status} "
                f"{int(rng.lognormvariate(3.5, 0.6))}ms")
    if roll < 0.75:
        return json.dumps({"level": "info", "logger": f"{service}.api", "request_id": rid,
                           "msg": rng.choice(["request handled", "cache miss", "job queued"]),
                           "path": _path(service, rng),
                           "latency_ms": round(rng.lognormvariate(3.4, 0.7), 1)})
    if roll < 0.87:
        return f"DEBUG [{rid}] cache hit product:{rng.randrange(1, 5000)} ttl=300s"
    if roll < 0.95:
        return f"WARN  [{rid}] " + rng.choice(WARNINGS).format(ms=rng.randrange(500, 4000))
    if roll < 0.985:
        return f"ERROR [{rid}] " + rng.choice(ERRORS)
    pkg = service.replace("-", "_")
    return (f"ERROR [{rid}] unhandled exception in request handler\n"
            + TRACEBACK.format(pkg=pkg, n=rng.randrange(10000, 99999)))


def _envoy(rng: random.Random) -> str:
    upstream = rng.choice(["my-app:8080", "orders:8081", "payments:9000", "burrito:8000"])
    path = rng.choice(["/api/products", "/orders", "/v1/charges", "/healthz", "/burritos"])
    status = rng.choice([200] * 15 + [301, 404, 503])
    return (f'"{rng.choice(["GET", "POST"])} {path} HTTP/1.1" '
            f"{status} - 0 {rng.randrange(2, 9000)} {rng.randrange(1, 400)} "
            f'"10.0.{rng.randrange(0, 48)}.{rng.randrange(4, 250)}" "Mozilla/5.0" '
            f'"{_request_id(rng)}" "{upstream}"')


def _datadog(rng: random.Random) -> str:
    return rng.choice([
        "CORE | INFO | (pkg/forwarder/transaction/transaction.go:386 in internalProcess) | "
        'Successfully posted payload to "https://7-58-2-app.agent.datadoghq.eu/api/v1/series"',
        "CORE | INFO | (pkg/collector/worker/check_logger.go:71) | check:ecs_fargate | Done",
        "TRACE | INFO | (pkg/trace/info/stats.go:104) | [lang:python] traces received: "
        f"{rng.randrange(20, 400)}, spans received: {rng.randrange(100, 3000)}",
        "CORE | WARN | (pkg/util/log/log.go:880) | Error while sending intake metadata: EOF",
    ])
