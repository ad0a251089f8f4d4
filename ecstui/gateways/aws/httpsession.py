"""aiobotocore's HTTP session, with one verifying SSL context per process.

Every aiobotocore client builds its own aiohttp connector, and with it a new SSL
context that loads the whole CA bundle (~15 ms of CPU each, holding the GIL, even
for a plain-http loopback endpoint). ecstui makes three or four clients per
environment (STS for the credentials, STS for the identity, ECS, ECR, Logs), so
start-up paid ~0.1 s for copies of one context. An `ssl.SSLContext` is meant to be
shared by many connections (aiohttp shares its own default one), so the context
built for a `verify` setting is reused by every later session of the process.
A client certificate or a proxy still gets contexts of its own, built as
aiobotocore builds them (both change the context they are given).

Plugged in through aiobotocore's documented `AioConfig(http_session_cls=...)`;
overrides `_build_ssl_contexts` of the pinned aiobotocore (see tests/auth/
test_http_session.py, which fails if that method's contract changes).
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

from aiobotocore.httpsession import AIOHTTPSession

_CONTEXTS: dict[Any, ssl.SSLContext] = {}
_LOCK = threading.Lock()


class SharedContextHTTPSession(AIOHTTPSession):
    """AIOHTTPSession whose verifying SSL context is built once per `verify` setting."""

    def _build_ssl_contexts(
        self, proxy_url: str | None
    ) -> tuple[ssl.SSLContext, ssl.SSLContext | None]:
        if self._cert_file or proxy_url:
            return super()._build_ssl_contexts(proxy_url)  # type: ignore[no-any-return]
        with _LOCK:  # aiobotocore calls this from a worker thread
            context = _CONTEXTS.get(self._verify)
            if context is None:
                context = _CONTEXTS[self._verify] = self._build_verify_context()
        return context, None
