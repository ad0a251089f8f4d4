"""botocore errors become one-sentence ecstui errors with the right exit code."""

from __future__ import annotations

import pytest
from botocore import exceptions as bce

from ecstui.errors import AuthError, ConfigError, ExitCode, NotFoundError, OperationError
from ecstui.gateways.aws.errors import translate, translating


def client_error(code: str, message: str = "details") -> bce.ClientError:
    return bce.ClientError({"Error": {"Code": code, "Message": message}}, "DescribeServices")


CASES = [
    (client_error("ExpiredTokenException", "The security token included in the request is "
                  "expired"), AuthError,
     "AWS rejected the credentials while trying to describe services (ExpiredTokenException: "
     "The security token included in the request is expired); run `aws sso login --profile "
     "ops` for fresh credentials."),
    (client_error("AccessDeniedException", "not authorized to perform ecs:UpdateService"),
     AuthError, "The signed-in role is not allowed to describe services (AccessDeniedException: "
     "not authorized to perform ecs:UpdateService); use a role that has the permission or ask "
     "for it to be granted."),
    (client_error("ThrottlingException", "Rate exceeded"), OperationError,
     "AWS throttled the request to describe services (ThrottlingException) after retries; wait "
     "a moment and try again."),
    (client_error("ClusterNotFoundException", "Cluster not found."), NotFoundError,
     "Could not describe services: ClusterNotFoundException: Cluster not found."),
    (client_error("InvalidParameterException", "bad"), OperationError,
     "Could not describe services: InvalidParameterException: bad."),
    (bce.NoCredentialsError(), AuthError,
     "No AWS credentials were found to describe services; run `aws sso login --profile ops` "
     "or use OIDC web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)."),
    (bce.UnauthorizedSSOTokenError(), AuthError,
     "The SSO sign-in of profile 'ops' has expired or was never made, so ecstui cannot describe "
     "services; run `aws sso login --profile ops` and try again."),
    (bce.SSOTokenLoadError(error_msg="no token"), AuthError, None),
    (bce.TokenRetrievalError(provider="sso", error_msg="expired"), AuthError, None),
    (bce.EndpointConnectionError(endpoint_url="https://ecs.eu-west-1.amazonaws.com/"),
     OperationError, "Could not reach https://ecs.eu-west-1.amazonaws.com/ to describe "
     "services; check the network or VPN, and AWS_ENDPOINT_URL if you set one."),
    (bce.ProfileNotFound(profile="ops"), AuthError,
     "The AWS profile 'ops' is not in your AWS config (~/.aws/config or AWS_CONFIG_FILE); add "
     "it or fix `profile` in ecstui.toml."),
]


@pytest.mark.parametrize(("exc", "kind", "message"), CASES,
                         ids=[type(c[0]).__name__ + ":" + str(i) for i, c in enumerate(CASES)])
def test_translate(exc: Exception, kind: type, message: str | None) -> None:
    error = translate(exc, "describe services", "ops")
    assert type(error) is kind
    if message is not None:
        assert error.message == message
    else:  # every SSO failure says how to sign in again
        assert "run `aws sso login --profile ops`" in error.message
    assert error.exit_code == {AuthError: ExitCode.AUTH, OperationError: ExitCode.FAILED,
                               NotFoundError: ExitCode.USAGE}[kind]


def test_ecstui_errors_pass_through() -> None:
    error = ConfigError("already one sentence.")
    assert translate(error, "anything") is error


def test_translating_reraises_with_cause() -> None:
    original = client_error("ThrottlingException")
    with pytest.raises(OperationError) as caught, translating("list clusters"):
        raise original
    assert caught.value.__cause__ is original
