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


def client_certificate(tmp_path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A self-signed certificate and its key, as files (what `client_cert` names)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecstui-test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "client.pem", tmp_path / "client.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_a_proxy_or_a_client_certificate_gets_contexts_of_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Both change the context they are given: a shared one would carry a client's
    certificate to every connection of the process."""
    shared, _ = SharedContextHTTPSession(verify=True)._build_ssl_contexts(None)
    own, proxy = SharedContextHTTPSession(verify=True)._build_ssl_contexts(
        "http://proxy.example:3128")
    assert own is not shared and proxy is not None and proxy is not shared
    with_cert, _ = SharedContextHTTPSession(
        verify=True, client_cert=client_certificate(tmp_path))._build_ssl_contexts(None)
    assert with_cert is not shared
    again, _ = SharedContextHTTPSession(verify=True)._build_ssl_contexts(None)
    assert again is shared  # the certificate went to its own context only


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
