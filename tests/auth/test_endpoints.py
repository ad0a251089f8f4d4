"""Endpoint overrides that point anywhere but AWS or loopback are warned about, because
SSO bearer tokens and OIDC web-identity tokens would be sent there."""

from __future__ import annotations

import pytest

from ecstui.config import EnvironmentSettings
from ecstui.gateways.aws.session import AwsSession, endpoint_warnings

PROD = EnvironmentSettings("prod", region="eu-west-1")


def test_loopback_endpoint_gives_no_warning(offline_home) -> None:
    assert offline_home.endpoint.startswith("http://127.0.0.1:")
    assert endpoint_warnings(PROD) == []


@pytest.mark.parametrize("url", [
    "http://localhost:4566",
    "http://[::1]:5000",
    "https://ecs.eu-west-1.amazonaws.com",
    "https://sts.cn-north-1.amazonaws.com.cn",
    "https://ecs.us-east-1.api.aws",
    "https://portal.sso.eu-west-1.amazonaws.com",
])
def test_aws_and_loopback_hosts_are_trusted(offline_home, monkeypatch, url) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    assert endpoint_warnings(PROD) == []


@pytest.mark.parametrize("url", [
    "https://sso.attacker.example",
    "http://10.0.0.5:4566",
    "https://amazonaws.com.attacker.example",
    "http://127.0.0.1.nip.io:4566",
])
def test_other_hosts_are_warned_about(offline_home, monkeypatch, url) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    (warning,) = endpoint_warnings(PROD)
    assert warning == (
        f"AWS_ENDPOINT_URL_SSO sends AWS calls for environment 'prod' to {url}, which is "
        "neither AWS nor this machine, so SSO bearer tokens and OIDC web-identity tokens "
        "would go there too; unset it unless you trust that host."
    )


def test_profile_endpoints_are_checked_too(offline_home, monkeypatch) -> None:
    offline_home.add_config(
        "[profile lab]\nendpoint_url = http://lab.internal:4566\nservices = lab-services"
    )
    offline_home.add_config(
        "[services lab-services]\nsts =\n  endpoint_url = https://sts.attacker.example"
    )
    warnings = endpoint_warnings(EnvironmentSettings("lab", profile="lab"))
    assert len(warnings) == 2
    assert warnings[0].startswith("endpoint_url in AWS profile 'lab' sends AWS calls")
    assert "http://lab.internal:4566" in warnings[0]
    assert warnings[1].startswith("sts endpoint_url in services 'lab-services' sends")
    # The session exposes the same warnings for the faces to show.
    assert AwsSession(EnvironmentSettings("lab", profile="lab")).endpoint_warnings == warnings
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert endpoint_warnings(EnvironmentSettings("lab", profile="lab")) == []
