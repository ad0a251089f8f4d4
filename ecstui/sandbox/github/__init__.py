"""The sandbox's GitHub: a local REST server whose runs built the SHAs the AWS sandbox runs."""

from ecstui.sandbox.github.server import GitHubSandbox
from ecstui.sandbox.github.state import TOKEN, VIEWER

__all__ = ["GitHubSandbox", "TOKEN", "VIEWER"]
