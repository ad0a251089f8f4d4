"""One verifying SSL context per process, shared by every aiobotocore client ecstui makes
(see ecstui/gateways/aws/httpsession.py): each used to load the whole CA bundle."""

from __future__ import annotations

import ssl

from aiobotocore.httpsession import AIOHTTPSession

from ecstui.config import load_settings
from ecstui.core.inventory import load_inventory, warm_up
from ecstui.core.workspace import Workspace
from ecstui.gateways.aws.httpsession import SharedContextHTTPSession


def test_the_verifying_context_is_built_once_and_still_verifies() -> None:
    first, no_proxy = SharedContextHTTPSession(verify=True)._build_ssl_contexts(None)
    second, _ = SharedContextHTTPSession(verify=True)._build_ssl_contexts(None)
    assert first is second and no_proxy is None
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname
    assert first.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded
    unverified, _ = SharedContextHTTPSession(verify=False)._build_ssl_contexts(None)
    assert unverified is not first and unverified.verify_mode == ssl.CERT_NONE


def test_a_proxy_or_a_client_certificate_gets_contexts_of_its_own(tmp_path) -> None:
    shared, _ = SharedContextHTTPSession(verify=True)._build_ssl_contexts(None)
    own, proxy = SharedContextHTTPSession(verify=True)._build_ssl_contexts(
        "http://proxy.example:3128")
    assert own is not shared and proxy is not None and proxy is not shared


async def test_every_client_of_a_load_shares_one_context(fresh_world, monkeypatch) -> None:
    built: list[object] = []
    original = AIOHTTPSession._build_verify_context

    def counted(self: AIOHTTPSession) -> ssl.SSLContext:
        built.append(self)
        return original(self)

    monkeypatch.setattr(AIOHTTPSession, "_build_verify_context", counted)
    monkeypatch.setattr("ecstui.gateways.aws.httpsession._CONTEXTS", {})
    workspace = Workspace(load_settings(fresh_world.config_path))
    try:
        await warm_up(workspace)  # credentials' STS, identity's STS, ECS, per environment
        inventory = await load_inventory(workspace)  # and ECR
    finally:
        await workspace.close()
    assert inventory.services and not [e.error for e in inventory.environments if e.error]
    assert len(built) == 1, f"{len(built)} SSL contexts built for one process"
