"""The credential policy: short-lived credentials only, checked before any API call.

Accepted: SSO, web identity (OIDC), `aws login`, container and instance roles,
and `credential_process` or environment credentials that are temporary (session
token, not AKIA); assume-role chains whose source is one of those. Refused:
long-lived keys anywhere — in the environment, in the shared credentials or
config file, or at the end of an assume-role `source_profile` chain, where
botocore would otherwise hand back ASIA keys from `assume-role` and hide them.

No flag turns this off: an on-call console that can change production must not
run on keys that never expire.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ecstui.errors import AuthError
from ecstui.gateways.aws.errors import WEB_IDENTITY_HINT

STORED_KEY_METHODS = {
    "shared-credentials-file": "the shared credentials file",
    "config-file": "the AWS config file",
    "explicit": "keys passed explicitly",
    "boto-config": "the legacy boto config file",
    "ec2-credentials-file": "the legacy AWS_CREDENTIAL_FILE",
}
STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key")
SSO_KEYS = ("sso_session", "sso_start_url", "sso_account_id", "sso_role_name")


def advice(profile: str) -> str:
    return (f"sign in with `aws sso login --profile {profile}` (an SSO profile) or use "
            f"{WEB_IDENTITY_HINT}")


class CredentialPolicy:
    """Judges one environment's credentials; every refusal is an AuthError sentence."""

    def __init__(self, environment: str, profile: str, config: Mapping[str, Any],
                 config_file: str, credentials_file: str) -> None:
        self.environment, self.profile = environment, profile
        self.profiles: Mapping[str, Mapping[str, Any]] = config.get("profiles", {})
        self.config = config
        self.config_file, self.credentials_file = config_file, credentials_file

    def refuse(self, why: str, fix: str = "") -> AuthError:
        """One sentence: what is refused and why, then what to do instead."""
        return AuthError(f"{why}, which ecstui refuses (environment {self.environment!r}); "
                         f"{fix + ' and ' if fix else ''}{advice(self.profile)}.")

    # -- before any key is used -------------------------------------------------------
    async def check_method(self, method: str | None) -> None:
        """Refuse stored-key methods, and walk an assume-role chain to its source."""
        if method in STORED_KEY_METHODS:
            where = self._where_keys(self.profile) if method in (
                "shared-credentials-file", "config-file") else STORED_KEY_METHODS[method]
            raise self.refuse(
                f"AWS profile {self.profile!r} uses long-lived access keys stored in {where}")
        if method == "assume-role":
            await self.check_assume_role_chain()

    async def check_assume_role_chain(self) -> None:
        """Follow `source_profile` the way botocore's AssumeRoleProvider does."""
        name, visited = self.profile, [self.profile]
        chain = [self.profile]
        while True:
            profile = self.profiles.get(name, {})
            source = profile.get("credential_source")
            if source:
                self._check_credential_source(source, chain)
                return
            next_name = profile.get("source_profile")
            if not next_name:
                return  # botocore raises its own error, translated by the session
            nxt = self.profiles.get(next_name, {})
            chain.append(next_name)
            is_static = any(k in nxt for k in STATIC_KEYS)
            if next_name in visited and not (next_name == name and is_static):
                return  # an infinite loop: botocore raises InfiniteLoopConfigError
            visited.append(next_name)
            if is_static or "role_arn" not in nxt or "web_identity_token_file" in nxt:
                await self._check_source_profile(next_name, nxt, chain)
                return
            name = next_name

    async def _check_source_profile(self, name: str, profile: Mapping[str, Any],
                                    chain: list[str]) -> None:
        """The end of the chain, resolved like botocore's profile providers (no env vars)."""
        if "role_arn" in profile and "web_identity_token_file" in profile:
            return
        if any(k in profile for k in SSO_KEYS):
            return
        path = " -> ".join(chain)
        if any(k in profile for k in STATIC_KEYS):
            raise self.refuse(
                f"AWS profile {self.profile!r} assumes a role through source_profile chain "
                f"{path}, which ends in long-lived access keys stored in {self._where_keys(name)}"
            )
        if "login_session" in profile:
            return
        if "credential_process" in profile:
            from aiobotocore.credentials import AioProcessProvider

            provider = AioProcessProvider(profile_name=name, load_config=lambda: self.config)
            creds = await provider.load()
            if creds is not None:
                frozen = await creds.get_frozen_credentials()
                self.check_keys(frozen.access_key, frozen.token,
                                f"the credential_process of AWS profile {name!r} (chain {path})")

    def _check_credential_source(self, source: str, chain: list[str]) -> None:
        if source != "Environment":
            return  # Ec2InstanceMetadata / EcsContainer: role credentials
        key = os.environ.get("AWS_ACCESS_KEY_ID")
        if key:
            token = os.environ.get("AWS_SESSION_TOKEN") or os.environ.get("AWS_SECURITY_TOKEN")
            self.check_keys(key, token, "AWS_ACCESS_KEY_ID in the environment "
                            f"(credential_source of AWS profile {chain[-1]!r})")

    # -- once keys are known --------------------------------------------------------------
    def check_keys(self, access_key: str | None, token: str | None, source: str,
                   fix: str = "") -> None:
        """AKIA means an IAM user key; no session token means it never expires."""
        if access_key and access_key.startswith("AKIA"):
            raise self.refuse(f"{source} is a long-lived IAM user key (AKIA…)", fix)
        if access_key and not token:
            raise self.refuse(f"{source} has no session token, so it is a long-lived key", fix)

    def _where_keys(self, name: str) -> str:
        """Which file holds a profile's keys (credentials file wins, like botocore)."""
        from botocore.configloader import raw_config_parse
        from botocore.exceptions import BotoCoreError

        try:
            creds = raw_config_parse(self.credentials_file)
        except BotoCoreError:
            creds = {}
        if any(k in creds.get(name, {}) for k in STATIC_KEYS):
            return f"the shared credentials file {self.credentials_file} [{name}]"
        return f"the AWS config file {self.config_file} [profile {name}]"
