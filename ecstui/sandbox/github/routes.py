"""The sandbox GitHub's endpoints: each takes the parsed request and returns (status, body).

Route templates are written exactly as GitHub's OpenAPI description writes its
paths, so the contract checker can look the operation up by the same key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecstui.sandbox.github.pipeline import Pipeline, ReviewError
from ecstui.sandbox.github.render import Json, Renderer
from ecstui.sandbox.github.state import VIEWER, GitHubState, Repository, Run


@dataclass(frozen=True)
class Request:
    method: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    login: str
    meta: dict[str, int] = field(default_factory=dict)  # page/last_page for the Link header


@dataclass
class HttpError(Exception):
    status: int
    message: str


Result = tuple[int, Any]
Handler = Callable[["Api", Request], Result]


def _int(value: str | None, default: int, name: str, lo: int = 1, hi: int = 10**9) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise HttpError(422, f"Invalid value for parameter '{name}': {value!r}.") from None
    return max(lo, min(hi, number))


class Api:
    def __init__(self, state: GitHubState, pipeline: Pipeline, renderer: Renderer) -> None:
        self.state, self.pipeline, self.r = state, pipeline, renderer

    # lookups -------------------------------------------------------------------------
    def repo(self, req: Request) -> Repository:
        repo = self.state.repos.get(req.params["repo"])
        if repo is None or req.params["owner"] != repo.full_name.split("/")[0]:
            raise HttpError(404, "Not Found")
        return repo

    def run(self, req: Request) -> tuple[Repository, Run]:
        repo = self.repo(req)
        run = self.state.runs.get(_int(req.params["run_id"], 0, "run_id"))
        if run is None or run.repo != repo.name:
            raise HttpError(404, "Not Found")
        return repo, run

    def page(self, req: Request, items: list[Any]) -> tuple[list[Any], int, int]:
        """(slice, page, last page) for `per_page`/`page`; the server adds the Link header."""
        per_page = _int(req.query.get("per_page"), 30, "per_page", 1, 100)
        page = _int(req.query.get("page"), 1, "page")
        start = (page - 1) * per_page
        last = max(1, -(-len(items) // per_page))
        req.meta.update(page=page, last_page=last, per_page=per_page)
        return items[start:start + per_page], page, last

    # endpoints -----------------------------------------------------------------------
    def get_user(self, req: Request) -> Result:
        return 200, self.r.private_user(req.login)

    def get_repo(self, req: Request) -> Result:
        return 200, self.r.full_repo(self.repo(req))

    def list_workflows(self, req: Request) -> Result:
        repo = self.repo(req)
        items, *_ = self.page(req, list(repo.workflows))
        return 200, {"total_count": len(repo.workflows),
                     "workflows": [self.r.workflow(repo, w) for w in items]}

    def _workflow(self, repo: Repository, ident: str) -> tuple[int, str, str]:
        for wf in repo.workflows:
            if ident in (str(wf[0]), wf[2].rsplit("/", 1)[-1]):
                return wf
        raise HttpError(404, "Not Found")

    def get_workflow(self, req: Request) -> Result:
        repo = self.repo(req)
        return 200, self.r.workflow(repo, self._workflow(repo, req.params["workflow_id"]))

    def dispatch(self, req: Request) -> Result:
        """workflow_dispatch: 204 (or 200 with the run when `return_run_details` is true)."""
        repo = self.repo(req)
        workflow = self._workflow(repo, req.params["workflow_id"])
        body = req.body if isinstance(req.body, dict) else {}
        if not isinstance(body.get("ref"), str):
            raise HttpError(422, "Invalid request: ref is required.")
        inputs = body.get("inputs") or {}
        if not isinstance(inputs, dict):
            raise HttpError(422, "Invalid request: inputs must be an object.")
        try:
            run = self.pipeline.dispatch(repo, workflow, body["ref"], inputs, req.login)
        except ReviewError as exc:
            raise HttpError(exc.status, exc.message) from None
        if body.get("return_run_details") is True:
            return 200, {"workflow_run_id": run.id,
                         "run_url": f"{self.r.repo_url(repo)}/actions/runs/{run.id}",
                         "html_url": f"{self.r.base}/{repo.full_name}/actions/runs/{run.id}"}
        return 204, None

    def list_runs(self, req: Request) -> Result:
        repo = self.repo(req)
        runs = self.state.repo_runs(repo.name)
        if "workflow_id" in req.params:
            wid = self._workflow(repo, req.params["workflow_id"])[0]
            runs = [r for r in runs if r.workflow_id == wid]
        q = req.query
        if "status" in q:
            runs = [r for r in runs if q["status"] in (r.status, r.conclusion)]
        for key, attr in (("head_sha", "head_sha"), ("branch", "branch"), ("event", "event"),
                          ("actor", "actor")):
            if key in q:
                runs = [r for r in runs if getattr(r, attr) == q[key]]
        items, *_ = self.page(req, runs)
        with self.state.lock:
            rendered = [self.r.run(repo, run) for run in items]
        return 200, {"total_count": len(runs), "workflow_runs": rendered}

    def get_run(self, req: Request) -> Result:
        repo, run = self.run(req)
        with self.state.lock:
            return 200, self.r.run(repo, run)

    def list_jobs(self, req: Request) -> Result:
        repo, run = self.run(req)
        with self.state.lock:
            items, *_ = self.page(req, list(run.jobs))
            return 200, {"total_count": len(run.jobs), "jobs": [self.r.job(repo, run, j)
                                                                for j in items]}

    def list_approvals(self, req: Request) -> Result:
        repo, run = self.run(req)
        with self.state.lock:
            out = []
            for review in run.reviews:
                env = repo.environment(review.environment)
                assert env is not None
                out.append({
                    "environments": [self.r.environment(repo, env)], "state": review.state,
                    "user": self.r.user(review.user), "comment": review.comment,
                })
        return 200, out

    def get_pending(self, req: Request) -> Result:
        repo, run = self.run(req)
        with self.state.lock:
            name = run.waiting_environment if run.status == "waiting" else None
            env = repo.environment(name) if name else None
            return 200, [self.r.pending(repo, run, env, req.login)] if env else []

    def review_pending(self, req: Request) -> Result:
        repo, run = self.run(req)
        body = req.body if isinstance(req.body, dict) else {}
        missing = [k for k in ("environment_ids", "state", "comment") if k not in body]
        if missing:
            raise HttpError(422, f"Invalid request: missing {', '.join(missing)}.")
        if body["state"] not in ("approved", "rejected"):
            raise HttpError(422, "Invalid request: state must be approved or rejected.")
        try:
            deployments = self.pipeline.review(run, list(body["environment_ids"]), body["state"],
                                               str(body["comment"]), req.login)
        except ReviewError as exc:
            raise HttpError(exc.status, exc.message) from None
        with self.state.lock:
            return 200, [self.r.deployment(repo, d) for d in deployments]

    def list_environments(self, req: Request) -> Result:
        repo = self.repo(req)
        items, *_ = self.page(req, list(repo.environments))
        return 200, {"total_count": len(repo.environments),
                     "environments": [self.r.environment(repo, e) for e in items]}

    def get_environment(self, req: Request) -> Result:
        repo = self.repo(req)
        env = repo.environment(req.params["environment_name"])
        if env is None:
            raise HttpError(404, "Not Found")
        return 200, self.r.environment(repo, env)

    def list_deployments(self, req: Request) -> Result:
        repo = self.repo(req)
        deps = self.state.repo_deployments(repo.name)
        for key in ("sha", "environment", "ref"):
            if key in req.query:
                field = "sha" if key == "ref" else key
                deps = [d for d in deps if getattr(d, field) == req.query[key]]
        items, *_ = self.page(req, deps)
        with self.state.lock:
            return 200, [self.r.deployment(repo, d) for d in items]

    def _deployment(self, req: Request) -> tuple[Repository, Any]:
        repo = self.repo(req)
        dep = self.state.deployments.get(_int(req.params["deployment_id"], 0, "deployment_id"))
        if dep is None or dep.repo != repo.name:
            raise HttpError(404, "Not Found")
        return repo, dep

    def get_deployment(self, req: Request) -> Result:
        repo, dep = self._deployment(req)
        with self.state.lock:
            return 200, self.r.deployment(repo, dep)

    def list_statuses(self, req: Request) -> Result:
        repo, dep = self._deployment(req)
        with self.state.lock:
            statuses = list(reversed(dep.statuses))  # newest first, as GitHub lists them
            items, *_ = self.page(req, statuses)
            return 200, [self.r.deployment_status(repo, dep, s) for s in items]

    def get_commit(self, req: Request) -> Result:
        repo = self.repo(req)
        commit = repo.commit(req.params["ref"])
        if commit is None:
            raise HttpError(422, f"No commit found for SHA: {req.params['ref']}")
        return 200, self.r.commit(repo, commit)


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/user", Api.get_user),
    ("GET", "/repos/{owner}/{repo}", Api.get_repo),
    ("GET", "/repos/{owner}/{repo}/actions/workflows", Api.list_workflows),
    ("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}", Api.get_workflow),
    ("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", Api.list_runs),
    ("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", Api.dispatch),
    ("GET", "/repos/{owner}/{repo}/actions/runs", Api.list_runs),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}", Api.get_run),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", Api.list_jobs),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals", Api.list_approvals),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments", Api.get_pending),
    ("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments",
     Api.review_pending),
    ("GET", "/repos/{owner}/{repo}/environments", Api.list_environments),
    ("GET", "/repos/{owner}/{repo}/environments/{environment_name}", Api.get_environment),
    ("GET", "/repos/{owner}/{repo}/deployments", Api.list_deployments),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}", Api.get_deployment),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", Api.list_statuses),
    ("GET", "/repos/{owner}/{repo}/commits/{ref}", Api.get_commit),
)
__all__ = ["ROUTES", "Api", "HttpError", "Json", "Request", "VIEWER"]
