"""botocore errors -> one-sentence ecstui errors, shared by every AWS gateway.

Operators must never see a botocore traceback: an expired SSO token, a missing
permission or a throttled call each become one sentence saying what happened
and what to do. Use `translate(exc, what)` in an `except`, or wrap a block in
`with translating("list services in prod"):`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore import exceptions as bce

from ecstui.errors import AuthError, EcstuiError, NotFoundError, OperationError

WEB_IDENTITY_HINT = "OIDC web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)"

AUTH_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidIdentityToken",
        "IDPRejectedClaim",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "AuthFailure",
        "MissingAuthenticationToken",
        "UnauthorizedException",
    }
)
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}
)
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
        "RequestThrottledException",
    }
)


def login_hint(profile: str | None) -> str:
    """What to run to get fresh short-lived credentials."""
    if profile:
        return f"run `aws sso login --profile {profile}`"
    return "run `aws sso login --profile <profile>`"


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError ('' for anything else)."""
    if isinstance(exc, bce.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def translate(exc: BaseException, what: str, profile: str | None = None) -> EcstuiError:
    """One ecstui error for an SDK exception raised while trying to `what`.

    `what` is a short verb phrase ("describe services in prod"); `profile` is the
    AWS profile in use, so sign-in advice names it.
    """
    if isinstance(exc, EcstuiError):
        return exc
    if isinstance(exc, bce.ClientError):
        return _client_error(exc, what, profile)
    if isinstance(exc, bce.SSOError | bce.TokenRetrievalError):
        where = f"profile {profile!r}" if profile else "this profile"
        return AuthError(
            f"The SSO sign-in of {where} has expired or was never made, so ecstui cannot "
            f"{what}; {login_hint(profile)} and try again."
        )
    if isinstance(exc, bce.LoginError):
        return AuthError(f"The `aws login` session has expired, so ecstui cannot {what}; run "
                         "`aws login` again.")
    if isinstance(exc, bce.NoCredentialsError):
        return AuthError(
            f"No AWS credentials were found to {what}; {login_hint(profile)} or use "
            f"{WEB_IDENTITY_HINT}."
        )
    if isinstance(exc, bce.ProfileNotFound):
        return AuthError(
            f"The AWS profile {exc.kwargs.get('profile')!r} is not in your AWS config "
            "(~/.aws/config or AWS_CONFIG_FILE); add it or fix `profile` in ecstui.toml."
        )
    if isinstance(exc, bce.PartialCredentialsError | bce.InvalidConfigError
                  | bce.CredentialRetrievalError | bce.ConfigParseError):
        return AuthError(f"The AWS credential configuration is unusable ({exc}); fix it and "
                         f"{login_hint(profile)}.")
    if isinstance(exc, bce.NoRegionError):
        return OperationError(f"No AWS region is set to {what}; set `region` for the "
                              "environment in ecstui.toml or in the AWS profile.")
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return OperationError(f"Could not reach {url} to {what}; check the network or VPN, "
                              "and AWS_ENDPOINT_URL if you set one.")
    if isinstance(exc, bce.ReadTimeoutError | bce.ConnectionClosedError | bce.HTTPClientError):
        return OperationError(f"The connection to AWS failed while trying to {what} ({exc}); "
                              "try again.")
    if isinstance(exc, bce.BotoCoreError):
        return OperationError(f"Could not {what}: {exc}.")
    return OperationError(f"Could not {what}: {type(exc).__name__}: {exc}.")


def _client_error(exc: bce.ClientError, what: str, profile: str | None) -> EcstuiError:
    code = error_code(exc)
    message = str(exc.response.get("Error", {}).get("Message", "")).rstrip(".")
    detail = f"{code}: {message}" if message else code
    if code in AUTH_CODES:
        return AuthError(
            f"AWS rejected the credentials while trying to {what} ({detail}); "
            f"{login_hint(profile)} for fresh credentials."
        )
    if code in DENIED_CODES:
        return AuthError(
            f"The signed-in role is not allowed to {what} ({detail}); use a role that has "
            "the permission or ask for it to be granted."
        )
    if code in THROTTLE_CODES:
        return OperationError(f"AWS throttled the request to {what} ({code}) after retries; "
                              "wait a moment and try again.")
    if code.endswith(("NotFoundException", "NotFound")) or code in {
        "NoSuchEntity",
        "ResourceNotFound",
    }:
        return NotFoundError(f"Could not {what}: {detail}.")
    return OperationError(f"Could not {what}: {detail}.")


@contextmanager
def translating(what: str, profile: str | None = None) -> Iterator[None]:
    """Re-raise SDK errors inside the block as ecstui errors (works around awaits too)."""
    try:
        yield
    except EcstuiError:
        raise
    except (bce.BotoCoreError, bce.ClientError) as exc:
        raise translate(exc, what, profile) from exc
