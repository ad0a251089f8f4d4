"""A loopback HTTP proxy that adds a fixed latency to every request and counts them.

Stands between the AWS SDKs and moto so a benchmark sees round trips that cost
what they cost over a network (25 ms here), and counts requests per operation.
With `replay` on, answers to read operations (ECS/ECR, never STS) are recorded
on first sight and replayed afterwards: the world is frozen during a benchmark,
so the answers are the same, and the client then meets only the latency, not
moto's own time per request (moto serialises requests under one lock).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a client opening 50
    # connections at once, and the kernel retries them a second later.
    request_queue_size = 512
    daemon_threads = True


class LatencyProxy:
    def __init__(self, upstream: str, latency: float) -> None:
        self.upstream = urlsplit(upstream)
        self.latency = latency
        self.replay = False
        self.recorded: dict[tuple[str, bytes], tuple[int, list[tuple[str, str]], bytes]] = {}
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                target = self.headers.get("X-Amz-Target")
                proxy.count(target, body, self.path)
                key = (target or "", body)
                found = proxy.recorded.get(key) if proxy.replay and target else None
                if found is None:
                    conn = proxy.connection()
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    reply = conn.getresponse()
                    found = (reply.status, reply.getheaders(), reply.read())
                    if target and reply.status == 200:
                        proxy.recorded[key] = found
                time.sleep(proxy.latency)  # the network's share, on top of the server's
                status, reply_headers, data = found
                self.send_response(status)
                for name, value in reply_headers:
                    if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward  # noqa: N815

        self._local = threading.local()
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                              timeout=60)
            self._local.conn = conn
        return conn

    def count(self, target: str | None, body: bytes, path: str) -> None:
        if target:
            name = target.rsplit(".", 1)[-1]
        else:
            form = parse_qs(body.decode(errors="replace")) if body else {}
            name = (form.get("Action") or [path])[0]
        with self._lock:
            self.counts[name] += 1

    def reset(self) -> Counter[str]:
        with self._lock:
            counts, self.counts = self.counts, Counter()
        return counts

    def start(self) -> LatencyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
