"""One aiobotocore session per environment: credential policy, identity, clients.

Credentials come from botocore's own chain for the environment's profile (SSO,
web identity, container/instance roles...), never from keys ecstui stores. The
policy in `credential_policy.py` runs once, before the first API call; clients
are created once per service and closed together by `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.exceptions import BotoCoreError, ClientError
from botocore.loaders import Loader, create_loader

from ecstui.config import EnvironmentSettings
from ecstui.domain.models import CallerIdentity
from ecstui.errors import AuthError, ConfigError, EcstuiError
from ecstui.gateways.aws.credential_policy import CredentialPolicy, advice
from ecstui.gateways.aws.endpoints import endpoint_warnings, is_loopback
from ecstui.gateways.aws.errors import translate
from ecstui.gateways.aws.httpsession import SharedContextHTTPSession
from ecstui.gateways.aws.timestamps import install as parse_timestamps_as_utc

__all__ = ["AwsSession", "endpoint_warnings"]

# botocore ships a NullHandler, aiobotocore does not: without one, its token refresher's
# warnings (with a traceback) reach stderr through logging's last-resort handler, in
# front of the one-sentence AuthError. Records still propagate to any configured handler.
logging.getLogger("aiobotocore").addHandler(logging.NullHandler())

MAX_POOL_CONNECTIONS = 50
RETRIES = {"mode": "adaptive", "max_attempts": 8}


@functools.cache
def shared_loader(data_path: str | None) -> Loader:
    """botocore's loader for a data path (AWS_DATA_PATH), made once per process."""
    return create_loader(data_path)


# What the first inventory reads from botocore's data: ECS's model alone is ~40 ms of
# JSON and the endpoints file ~15 ms, parsed on the event loop at the first sign-in.
FIRST_LOAD_MODELS = (("sts", "service-2"), ("sts", "endpoint-rule-set-1"),
                     ("ecs", "service-2"), ("ecs", "endpoint-rule-set-1"),
                     ("ecs", "paginators-1"),
                     ("ecr", "service-2"), ("ecr", "endpoint-rule-set-1"))


def preload_models() -> None:
    """Parse the data files of the first inventory into the shared loader now (`--demo`
    does it while its sandbox starts), so signing in does not wait for them."""
    # Only a head start: whatever fails here (AWS_PROFILE naming a missing profile, a
    # custom data path without a model) fails again, and is reported, on first use.
    with contextlib.suppress(BotoCoreError):
        loader = shared_loader(AioSession().get_config_variable("data_path"))
        loader.load_data("endpoints")
        for service, kind in FIRST_LOAD_MODELS:
            loader.load_service_model(service, kind)


class AwsSession:
    """The AWS side of one environment; create once, reuse, `await close()` on exit."""

    def __init__(self, env: EnvironmentSettings) -> None:
        self.env = env
        self._session = AioSession(profile=env.profile)
        parse_timestamps_as_utc(self._session)
        # One loader per process: each session would otherwise parse the same service
        # models (ECS, STS, ...) again, ~30 ms each, on the event loop.
        with contextlib.suppress(BotoCoreError):  # a missing profile is reported on use
            self._session.register_component(
                "data_loader", shared_loader(self._session.get_config_variable("data_path")))
        if env.region:
            # Also used by the credential providers' own STS/SSO clients.
            self._session.set_config_variable("region", env.region)
        # Every client of this session, the credential providers' own included, shares
        # the process's SSL context (see httpsession.py).
        self._session.set_default_client_config(
            AioConfig(http_session_cls=SharedContextHTTPSession))
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}
        self._client_lock = asyncio.Lock()
        self._policy_lock = asyncio.Lock()
        self._credentials: Any = None
        self._identity: CallerIdentity | None = None

    @cached_property
    def endpoint_warnings(self) -> list[str]:
        """Endpoint overrides that are neither AWS nor loopback (the faces show these)."""
        return endpoint_warnings(self.env)

    @property
    def profile_name(self) -> str:
        """The AWS profile in effect (for messages: `aws sso login --profile X`)."""
        # botocore's own lookup: the configured profile, AWS_DEFAULT_PROFILE, AWS_PROFILE.
        return self.env.profile or self._session.get_config_variable("profile") or "default"

    @property
    def region(self) -> str:
        if self.env.region:
            return self.env.region
        try:
            region = self._session.get_config_variable("region")
        except BotoCoreError as exc:
            raise translate(exc, "read the AWS region", self.profile_name) from exc
        if not region:
            raise ConfigError(
                f"No AWS region for environment {self.env.name!r}: set `region` under "
                f"[environments.{self.env.name}] in ecstui.toml, in AWS profile "
                f"{self.profile_name!r}, or in AWS_REGION."
            )
        return str(region)

    async def credentials(self) -> Any:
        """Resolved, policy-checked credentials (botocore's object, refreshable)."""
        async with self._policy_lock:
            if self._credentials is None:
                self._credentials = await self._resolve()
            return self._credentials

    async def _resolve(self) -> Any:
        what = f"sign in for environment {self.env.name!r}"
        try:
            policy = self._policy()
            # Loading is cheap: SSO, web identity and assume-role defer their calls.
            creds = await self._session.get_credentials()
            if creds is None:
                raise AuthError(
                    f"No AWS credentials found for environment {self.env.name!r} "
                    f"(AWS profile {self.profile_name!r}); {advice(self.profile_name)}."
                )
            method = getattr(creds, "method", None)
            await policy.check_method(method)
            # Now the deferred call (SSO portal, STS) happens, with approved sources only.
            frozen = await creds.get_frozen_credentials()
            source = {"env": "AWS_ACCESS_KEY_ID in the environment",
                      "custom-process": f"the credential_process of profile {self.profile_name!r}"
                      }.get(method or "", f"the credentials of AWS profile {self.profile_name!r}")
            fix = "unset AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" if method == "env" else ""
            # Whatever the method: AKIA, or no session token, means a long-lived key.
            policy.check_keys(frozen.access_key, frozen.token, source, fix)
        except EcstuiError:
            raise
        except (BotoCoreError, ClientError) as exc:
            raise translate(exc, what, self.profile_name) from exc
        return creds

    def _policy(self) -> CredentialPolicy:
        """The policy over the loaded AWS config (reads ~/.aws/config once; cheap)."""
        variable = self._session.get_config_variable
        return CredentialPolicy(
            self.env.name,
            self.profile_name,
            self._session.full_config,
            os.path.expanduser(variable("config_file")),
            os.path.expanduser(variable("credentials_file")),
        )

    async def identity(self) -> CallerIdentity:
        """Who we are in this environment (checked against `account_id`); cached."""
        creds = await self.credentials()
        if self._identity is not None:
            # Refreshable credentials renew themselves: report the current expiry.
            return dataclasses.replace(self._identity, expires_at=_expiry(creds))
        sts = await self.client("sts")
        try:
            reply = await sts.get_caller_identity()
        except (BotoCoreError, ClientError) as exc:
            raise translate(exc, f"identify the caller in environment {self.env.name!r}",
                            self.profile_name) from exc
        identity = CallerIdentity(
            account=reply["Account"],
            arn=reply["Arn"],
            user_id=reply.get("UserId", ""),
            credential_method=getattr(creds, "method", "") or "",
            expires_at=_expiry(creds),
        )
        expected = self.env.account_id
        if expected and identity.account != expected:
            raise AuthError(
                f"AWS profile {self.profile_name!r} is signed in to account {identity.account} "
                f"but environment {self.env.name!r} expects {expected}; sign in with the "
                f"profile for account {expected} or fix `account_id` in ecstui.toml."
            )
        self._identity = identity
        return identity

    async def client(self, service: str) -> Any:
        """A ready client for `service`, created once and reused until `close()`."""
        await self.credentials()
        async with self._client_lock:
            if service not in self._clients:
                self._clients[service] = await self._create_client(service)
            return self._clients[service]

    async def _create_client(self, service: str) -> Any:
        region = self.region
        # The session's default client config (see __init__) adds the HTTP session class.
        options: dict[str, Any] = {"retries": RETRIES, "max_pool_connections": MAX_POOL_CONNECTIONS}
        try:
            if service == "logs":
                # StartLiveTail's `stream-` host prefix breaks loopback endpoints (moto).
                probe_ctx = self._session.create_client(
                    service, region_name=region, config=AioConfig(**options))
                async with probe_ctx as probe:
                    if is_loopback(probe.meta.endpoint_url):
                        options["inject_host_prefix"] = False
            ctx = self._session.create_client(service, region_name=region,
                                              config=AioConfig(**options))
            return await self._stack.enter_async_context(ctx)
        except (BotoCoreError, ClientError) as exc:
            raise translate(exc, f"create the {service} client for {self.env.name!r}",
                            self.profile_name) from exc

    async def close(self) -> None:
        """Close every client (idempotent)."""
        stack, self._stack = self._stack, AsyncExitStack()
        self._clients.clear()
        await stack.aclose()


def _expiry(creds: Any) -> datetime | None:
    """When the credentials expire, tz-aware UTC (None: unknown, e.g. env with no expiry)."""
    expiry = getattr(creds, "_expiry_time", None)
    if not isinstance(expiry, datetime):
        return None
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    return expiry.astimezone(UTC)
