"""Recent workflow runs per service repository, tied to what ECS runs.

Both faces call `load_runs`. Without a GitHub token it returns an overview whose
`unavailable` sentence says how to get one (nothing raises), so the rest of the
app keeps working. One repository failing (rate limit, 404) never hides others.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecstui.domain.runs import (
    Commit,
    PlacedRun,
    RateLimit,
    RunningBuild,
    WorkflowRun,
    build_run,
    place_runs,
    running_builds,
)
from ecstui.errors import EcstuiError, NotFoundError, UsageError

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace
    from ecstui.domain.inventory import Inventory
    from ecstui.gateways.github.client import GitHubGateway


@dataclass(frozen=True)
class RepositoryRuns:
    service: str
    repository: str
    runs: tuple[WorkflowRun, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class RunsOverview:
    repositories: tuple[RepositoryRuns, ...] = ()
    builds: tuple[RunningBuild, ...] = ()  # per running SHA: its build run and commit title
    placed: tuple[PlacedRun, ...] = ()  # per run: where its SHA runs now
    rate_limit: RateLimit | None = None
    unavailable: str | None = None  # set when there is no token: the sentence to show
    viewer: str | None = None

    @property
    def runs(self) -> tuple[WorkflowRun, ...]:
        return tuple(r for repo in self.repositories for r in repo.runs)

    @property
    def waiting(self) -> tuple[WorkflowRun, ...]:
        return tuple(r for r in self.runs if r.waiting)

    def environments_of(self, run: WorkflowRun) -> tuple[str, ...]:
        return next((p.environments for p in self.placed if p.run.id == run.id), ())


def repositories(workspace: Workspace, service: str | None = None) -> dict[str, str]:
    """service name -> GitHub repository, from the configuration."""
    found = {name: s.repository for name, s in workspace.settings.services.items()
             if s.repository}
    if service is not None:
        if service not in found:
            known = ", ".join(sorted(found)) or "none"
            raise NotFoundError(f"Service {service!r} has no GitHub repository configured "
                                f"(services with one: {known}); add repository = \"owner/name\" "
                                f"under [services.{service}].")
        return {service: found[service]}
    if not found:
        raise UsageError("No service has a GitHub repository configured; add repository = "
                         "\"owner/name\" under [services.NAME] in ecstui.toml.")
    return found


async def load_runs(workspace: Workspace, service: str | None = None,
                    inventory: Inventory | None = None, limit: int = 10) -> RunsOverview:
    repos = repositories(workspace, service)
    github = workspace.github
    if not github.available:
        from ecstui.gateways.github.errors import GitHubUnavailable

        return RunsOverview(unavailable=GitHubUnavailable().message)

    async def one(name: str, repo: str) -> RepositoryRuns:
        try:
            return RepositoryRuns(name, repo, await github.recent_runs(repo, limit=limit))
        except EcstuiError as error:
            return RepositoryRuns(name, repo, error=error.message)

    listed = await asyncio.gather(*(one(n, r) for n, r in repos.items()))
    builds: tuple[RunningBuild, ...] = ()
    placed: tuple[PlacedRun, ...] = ()
    if inventory is not None:
        builds, placed, listed = await _tie_to_inventory(github, inventory, list(listed))
    rate = None
    with contextlib.suppress(EcstuiError):
        rate = await github.rate_limit()
    viewer = None
    with contextlib.suppress(EcstuiError):
        viewer = await github.viewer()
    return RunsOverview(tuple(listed), builds, placed, rate, viewer=viewer)


async def _tie_to_inventory(
    github: GitHubGateway, inventory: Inventory, listed: list[RepositoryRuns]
) -> tuple[tuple[RunningBuild, ...], tuple[PlacedRun, ...], list[RepositoryRuns]]:
    """Find the build run of every running SHA (asking by head_sha when it is older than
    the recent list) and the commit titles, then place every run."""
    by_repo = {r.repository: list(r.runs) for r in listed if r.error is None}
    wanted = {(s.repository, s.sha) for s in inventory.services
              if s.repository in by_repo and s.sha}

    async def older(repo: str, sha: str) -> None:
        if build_run(by_repo[repo], sha) is None:
            with contextlib.suppress(EcstuiError):
                by_repo[repo].extend(await github.recent_runs(repo, head_sha=sha, limit=5))

    async def title(repo: str, sha: str) -> tuple[str, Commit | None]:
        try:
            return sha, await github.commit(repo, sha)
        except EcstuiError:
            return sha, None

    await asyncio.gather(*(older(repo, sha) for repo, sha in wanted))
    commits = {sha: c for sha, c in await asyncio.gather(*(title(r, s) for r, s in wanted)) if c}
    builds = running_builds(inventory, by_repo, commits)
    placed = place_runs(inventory, {r.repository: r.runs for r in listed if r.error is None})
    return builds, placed, listed
