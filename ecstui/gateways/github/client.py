"""PyGithub behind an async facade: every call runs in a thread, answers are domain models.

One `GitHubGateway` per workspace. Polite by construction: polled lists are
conditional requests (ETag -> 304, which GitHub does not count against the rate
limit), commits are cached (they never change), and after a rate-limit answer
the gateway refuses to call GitHub again until the back-off has passed. With a
loopback base URL (the sandbox) PyGithub's throttles and retries are off.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

from ecstui.domain.runs import Commit, PendingApproval, RateLimit, ReviewResult, WorkflowRun
from ecstui.errors import NotFoundError, RefusedError, UsageError
from ecstui.gateways.github.errors import (
    GitHubRateLimited,
    GitHubUnavailable,
    NotAReviewer,
    translate,
)
from ecstui.gateways.github.mapping import commit_from_pygithub, pending_from_json, run_from_json
from ecstui.gateways.github.token import Token, is_loopback, resolve_token

T = TypeVar("T")


class GitHubGateway:
    def __init__(self, api_url: str, token: Token | None, *, per_page: int = 30) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.per_page = per_page
        self._github: Any = None
        self._lock = threading.Lock()
        self._etags: dict[str, tuple[str, Any]] = {}  # request key -> (etag, data)
        self._commits: dict[tuple[str, str], Commit] = {}
        self._viewer: str | None = None
        self.backoff_until = 0.0  # monotonic time before which GitHub is not called

    @classmethod
    def from_api_url(cls, api_url: str, use_gh: bool = True) -> GitHubGateway:
        return cls(api_url, resolve_token(api_url, use_gh=use_gh))

    @property
    def available(self) -> bool:
        return self.token is not None

    @property
    def token_source(self) -> str | None:
        return self.token.source if self.token else None

    @staticmethod
    def preload() -> None:
        """Import PyGithub now (~0.2 s): `_client` runs in the event loop on first use."""
        import github  # noqa: F401

    # -- plumbing ------------------------------------------------------------------------
    def _client(self) -> Any:
        if self.token is None:
            raise GitHubUnavailable()
        with self._lock:
            if self._github is None:
                from github import Auth, Github

                options: dict[str, Any] = {"per_page": self.per_page, "pool_size": 8, "lazy": True}
                if is_loopback(self.api_url):
                    options.update(seconds_between_requests=None, seconds_between_writes=None,
                                   retry=None)
                self._github = Github(base_url=self.api_url, auth=Auth.Token(self.token.value),
                                      **options)
            return self._github

    async def _call(self, what: str, fn: Callable[[Any], T]) -> T:
        """Run `fn(github)` in a thread; translate errors; honour rate-limit back-off."""
        wait = self.backoff_until - time.monotonic()
        if wait > 0:
            raise GitHubRateLimited(
                f"GitHub rate limit: backing off for {int(wait) + 1} s more before trying to "
                f"{what}.", wait)
        client = self._client()

        def work() -> T:
            try:
                return fn(client)
            except Exception as exc:
                raise translate(exc, what, self.api_url, time.time()) from exc

        try:
            return await asyncio.to_thread(work)
        except GitHubRateLimited as exc:
            self.backoff_until = time.monotonic() + exc.retry_after
            raise

    def _conditional_get(self, client: Any, path: str, params: dict[str, Any]) -> Any:
        """GET with If-None-Match; a 304 returns the cached body (free against the limit)."""
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        cached = self._etags.get(key)
        headers = {"If-None-Match": cached[0]} if cached else {}
        response_headers, data = client.requester.requestJsonAndCheck(
            "GET", path, parameters=params, headers=headers)
        if data is None and cached:
            return cached[1]
        etag = response_headers.get("etag")
        if etag:
            self._etags[key] = (etag, data)
        return data

    # -- reads ---------------------------------------------------------------------------
    async def viewer(self) -> str:
        """The login the token belongs to."""
        if self._viewer is None:
            self._viewer = await self._call("read the current user",
                                            lambda gh: gh.get_user().login)
        return self._viewer

    async def recent_runs(self, repository: str, *, limit: int = 20, head_sha: str | None = None,
                          status: str | None = None, branch: str | None = None,
                          ) -> tuple[WorkflowRun, ...]:
        """The newest runs of one repository (one conditional request per call)."""
        params: dict[str, Any] = {"per_page": max(1, min(limit, 100))}
        for name, value in (("head_sha", head_sha), ("status", status), ("branch", branch)):
            if value:
                params[name] = value

        def fetch(gh: Any) -> tuple[WorkflowRun, ...]:
            data = self._conditional_get(gh, f"/repos/{repository}/actions/runs", params)
            return tuple(run_from_json(raw, repository) for raw in data["workflow_runs"])

        return await self._call(f"list workflow runs of {repository}", fetch)

    async def run(self, repository: str, run_id: int) -> WorkflowRun:
        return await self._call(
            f"read run {run_id} of {repository}",
            lambda gh: run_from_json(
                gh.get_repo(repository).get_workflow_run(run_id).raw_data, repository),
        )

    async def pending(self, run: WorkflowRun) -> PendingApproval:
        """The environments a waiting run waits for, with reviewers and wait timers."""
        path = f"/repos/{run.repository}/actions/runs/{run.id}/pending_deployments"

        def fetch(gh: Any) -> PendingApproval:
            _, items = gh.requester.requestJsonAndCheck("GET", path)
            return pending_from_json(run, items or [])

        return await self._call(f"read pending deployments of run {run.id}", fetch)

    async def commit(self, repository: str, sha: str) -> Commit:
        key = (repository, sha)
        if key not in self._commits:
            self._commits[key] = await self._call(
                f"read commit {sha[:7]} of {repository}",
                lambda gh: commit_from_pygithub(gh.get_repo(repository).get_commit(sha)),
            )
        return self._commits[key]

    async def rate_limit(self) -> RateLimit:
        """GET /rate_limit: exact, and free (GitHub does not count it against the limit)."""

        def fetch(gh: Any) -> RateLimit:
            core = gh.get_rate_limit().resources.core
            reset_at = core.reset.astimezone(UTC) if core.reset else None
            return RateLimit(core.limit, core.remaining, reset_at)

        return await self._call("read the rate limit", fetch)

    async def dispatch_target(self, repository: str, workflow: str) -> tuple[str, str, str]:
        """(default branch, workflow name, workflow state): what a dispatch would run on."""

        def fetch(gh: Any) -> tuple[str, str, str]:
            repo = gh.get_repo(repository)
            branch = repo.default_branch  # reads the repository first: its 404 is its own
            found = _dispatch_errors(repository, workflow,
                                     lambda: repo.get_workflow(workflow).raw_data)
            return branch, found["name"], found["state"]

        return await self._call(f"read workflow {workflow} of {repository}", fetch)

    # -- the writes ----------------------------------------------------------------------
    async def dispatch(self, repository: str, workflow: str, ref: str,
                       inputs: dict[str, str]) -> None:
        """Create a workflow_dispatch event (GitHub answers 204; the run appears shortly)."""

        def send(gh: Any) -> None:
            wf = gh.get_repo(repository).get_workflow(workflow)  # lazy: no request yet
            _dispatch_errors(repository, workflow,
                             lambda: wf.create_dispatch(ref, inputs, throw=True))

        await self._call(f"dispatch {workflow} of {repository}", send)

    # -- reviews -------------------------------------------------------------------
    async def review(self, run: WorkflowRun, environment: str, state: str,
                     comment: str) -> ReviewResult:
        """Approve or reject one waiting environment of a run; refuses non-reviewers first."""
        if state not in ("approved", "rejected"):
            raise UsageError(f"Review state must be approved or rejected, not {state!r}.")
        pending = await self.pending(run)
        env = pending.environment(environment)
        if env is None:
            waiting = ", ".join(e.name for e in pending.environments) or "nothing"
            raise NotFoundError(f"Run {run.id} of {run.repository} is not waiting for "
                                f"environment {environment!r} (it waits for: {waiting}).")
        if not env.current_user_can_approve:
            login = await self.viewer()
            raise NotAReviewer(
                f"{login} is not a required reviewer of {environment!r} in {run.repository}; "
                f"ask one of {env.reviewer_names} to review run {run.id}.")
        path = f"/repos/{run.repository}/actions/runs/{run.id}/pending_deployments"
        body = {"environment_ids": [env.id], "state": state, "comment": comment}
        verb = "approve" if state == "approved" else "reject"
        _, created = await self._call(
            f"{verb} run {run.id} for {environment}",
            lambda gh: gh.requester.requestJsonAndCheck("POST", path, input=body))
        return ReviewResult(run.id, run.repository, environment, state, comment,
                            tuple(int(d["id"]) for d in created or []), run)

    def close(self) -> None:
        with self._lock:
            if self._github is not None:
                self._github.close()
                self._github = None


def _dispatch_errors(repository: str, workflow: str, call: Callable[[], T]) -> T:
    """The three answers an operator can act on, each as one sentence."""
    from github import GithubException

    try:
        return call()
    except GithubException as exc:
        text = str((exc.data or {}).get("message", "") if isinstance(exc.data, dict) else "")
        if exc.status == 404:
            raise NotFoundError(
                f"Workflow {workflow} was not found in {repository}; set "
                "services.<name>.promote_workflow to a file under .github/workflows (and check "
                "that the token can read the repository).") from exc
        if exc.status == 422 and "workflow_dispatch" in text:
            raise RefusedError(
                f"Workflow {workflow} in {repository} has no workflow_dispatch trigger; add "
                "`on: workflow_dispatch` with an input `sha`, or promote another way.") from exc
        if exc.status == 403:
            raise RefusedError(
                f"GitHub does not permit this token to dispatch {workflow} in {repository} "
                f"({text or 'forbidden'}); it needs 'actions: write' (classic tokens: the "
                "repo scope).") from exc
        if exc.status == 422:
            raise UsageError(f"GitHub refused to dispatch {workflow} in {repository}: "
                             f"{text.rstrip('.')}.") from exc
        raise
