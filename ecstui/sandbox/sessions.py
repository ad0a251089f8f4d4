"""boto3 sessions on the sandbox's own profiles, deaf to this process's endpoint variables.

The sandbox seeds and drives its world through these sessions; they must reach its own
moto even when os.environ points at another sandbox (a test run, or a shell that ran
`ecstui sandbox`'s exports).
"""

from __future__ import annotations

import functools
import os
from typing import Any

from ecstui.sandbox import world
from ecstui.sandbox.files import SandboxFiles


@functools.cache
def _isolated_session_class() -> Any:
    import botocore.session
    from botocore.configprovider import ConfiguredEndpointProvider

    class IsolatedSession(botocore.session.Session):
        """A botocore session deaf to the AWS_ENDPOINT_URL* variables of this process.

        botocore lets those variables beat the profile's `endpoint_url`, also for the
        web-identity provider's STS client, so they are filtered out here.
        """

        def _add_configured_endpoint_provider(self, client_name: str, config_store: Any) -> None:
            environ = {k: v for k, v in os.environ.items()
                       if not k.startswith(("AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED"))}
            config_store.set_config_provider(
                logical_name="endpoint_url",
                provider=ConfiguredEndpointProvider(
                    full_config=self.full_config, scoped_config=self.get_scoped_config(),
                    client_name=client_name, environ=environ),
            )

    return IsolatedSession


def env_spec(name: str) -> world.EnvironmentSpec:
    for env in world.ENVIRONMENTS:
        if env.name == name:
            return env
    raise KeyError(name)


def profile_session(files: SandboxFiles, environment: str) -> Any:
    """A boto3 Session on the environment's web-identity profile, independent of
    os.environ (its profile carries the endpoint; credentials come from moto's STS)."""
    import boto3

    # Its data loader is the process's shared one (loaders.py, installed with moto).
    core = _isolated_session_class()()
    core.set_config_variable("config_file", str(files.aws_config))
    core.set_config_variable("credentials_file", str(files.aws_credentials))
    core.set_config_variable("profile", env_spec(environment).profile)
    return boto3.Session(botocore_session=core)
