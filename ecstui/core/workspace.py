"""The workspace: settings plus one lazily-created gateway per environment and GitHub.

Both faces build one Workspace and hand it to the use cases, so AWS clients are
created once per session and closed once on exit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecstui.config import Settings

if TYPE_CHECKING:
    from ecstui.gateways.aws.session import AwsSession
    from ecstui.gateways.github.client import GitHubGateway


class Workspace:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: dict[str, AwsSession] = {}
        self._github: GitHubGateway | None = None

    @staticmethod
    def preload() -> None:
        """Import the AWS and GitHub SDKs and parse the botocore models the first
        inventory reads now (~0.5 s of CPU), e.g. while `--demo` waits for its sandbox,
        rather than in the TUI's event loop on first use."""
        import ecstui.gateways.aws.endpoints  # noqa: F401
        from ecstui.gateways.aws.session import preload_models
        from ecstui.gateways.github.client import GitHubGateway

        GitHubGateway.preload()
        preload_models()

    @property
    def environment_names(self) -> tuple[str, ...]:
        return tuple(env.name for env in self.settings.environments)

    def session(self, environment: str) -> AwsSession:
        """The AWS session of one environment (created on first use, then reused)."""
        if environment not in self._sessions:
            from ecstui.gateways.aws.session import AwsSession

            self._sessions[environment] = AwsSession(self.settings.environment(environment))
        return self._sessions[environment]

    @property
    def github(self) -> GitHubGateway:
        """The GitHub gateway (token resolved on first use; `available` is False without one)."""
        if self._github is None:
            from ecstui.gateways.github.client import GitHubGateway

            self._github = GitHubGateway.from_api_url(self.settings.github.api_url)
        return self._github

    async def close(self) -> None:
        if self._github is not None:
            self._github.close()
            self._github = None
        sessions, self._sessions = self._sessions, {}
        for session in sessions.values():
            await session.close()
