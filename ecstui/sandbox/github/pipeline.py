"""The live half of the sandbox pipeline: reviewing a waiting deployment moves the run.

Approving the prod environment of a waiting run does what the real workflow's
prod job would: it calls the deploy callback (the AWS sandbox registers a task
definition and updates the ECS service), records deployment statuses, and
completes the run. Rejecting fails the run. Dispatching the promote workflow
creates a `workflow_dispatch` run that goes queued -> in_progress and then through
the same deploy step with `inputs.sha`. The deploy runs in a background thread so
the HTTP answer returns at once, as GitHub's does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ecstui.sandbox.github.state import (
    DISPATCH_INPUTS,
    Clock,
    Deployment,
    DeploymentStatus,
    GitHubState,
    Job,
    Repository,
    Review,
    Run,
)

Deploy = Callable[[str, str, str], None]  # (environment, service, sha)
log = logging.getLogger(__name__)


@dataclass
class ReviewError(Exception):
    """A review or dispatch GitHub refuses; carries the HTTP status and GitHub's message."""

    status: int
    message: str



class Pipeline:
    def __init__(self, state: GitHubState, clock: Clock, deploy: Deploy | None,
                 step_seconds: float = 0.3) -> None:
        self.state, self.clock, self.deploy = state, clock, deploy
        self.step_seconds = step_seconds
        self._threads: list[threading.Thread] = []

    def review(self, run: Run, environment_ids: list[int], decision: str, comment: str,
               login: str) -> list[Deployment]:
        """Apply one review; returns the deployments an approval created."""
        repo = self.state.repos[run.repo]
        with self.state.lock:
            waiting = run.waiting_environment
            env = repo.environment(waiting) if waiting else None
            if env is None or run.status != "waiting":
                raise ReviewError(422, f"No pending deployment for run {run.id}.")
            if environment_ids != [env.id] and set(environment_ids) != {env.id}:
                raise ReviewError(
                    422, f"Environment ids {environment_ids} are not pending for run {run.id}."
                )
            if not env.may_review(login):
                raise ReviewError(
                    422,
                    f"Unable to review deployment: {login} is not a required reviewer "
                    f"of environment '{env.name}'.",
                )
            now = self.clock()
            run.reviews.append(Review(env.name, decision, login, comment, now))
            job = next(j for j in run.jobs if j.status == "waiting")
            run.updated_at = now
            if decision == "rejected":
                job.status, job.conclusion, job.completed_at = "completed", "failure", now
                run.status, run.conclusion = "completed", "failure"
                return []
            job.status, job.started_at = "in_progress", now
            run.status = "in_progress"
            deployment = Deployment(self.state.next_id(), run.repo, run.head_sha, env.name,
                                    login, now)
            deployment.statuses.append(
                DeploymentStatus(self.state.next_id(), "in_progress", "Deploying", now)
            )
            self.state.deployments[deployment.id] = deployment
        self._background(self._finish, run, deployment)
        return [deployment]

    def dispatch(self, repo: Repository, workflow: tuple[int, str, str], ref: str,
                 inputs: dict[str, object], login: str) -> Run:
        """A workflow_dispatch event: validate as GitHub does, then queue the run."""
        declared = DISPATCH_INPUTS.get(workflow[2])
        if declared is None:
            raise ReviewError(422, "Workflow does not have 'workflow_dispatch' trigger")
        if ref not in ("main", "refs/heads/main"):
            raise ReviewError(422, f"No ref found for: {ref}")
        unexpected = sorted(set(inputs) - set(declared))
        if unexpected:
            raise ReviewError(422, "Unexpected inputs provided: "
                                + "[" + ", ".join(f'"{k}"' for k in unexpected) + "]")
        missing = [k for k, required in declared.items() if required and k not in inputs]
        if missing:
            raise ReviewError(422, f"Required input '{missing[0]}' not provided")
        sha = str(inputs.get("sha", ""))
        with self.state.lock:
            now = self.clock()
            run_id = self.state.next_id()
            number = 1 + sum(1 for r in self.state.runs.values()
                             if r.repo == repo.name and r.workflow_id == workflow[0])
            job = Job(run_id * 10, "promote (prod)", "queued", None, now, None, "prod")
            run = Run(id=run_id, repo=repo.name, workflow_id=workflow[0], run_number=number,
                      head_sha=repo.default_branch_head.sha, title=f"Promote {sha} to prod",
                      actor=login, created_at=now, updated_at=now, status="queued",
                      conclusion=None, jobs=[job], event="workflow_dispatch")
            self.state.runs[run.id] = run
        self._background(self._start_dispatched, run, sha, login)
        return run

    def _start_dispatched(self, run: Run, sha: str, login: str) -> None:
        """queued -> in_progress (a deployment of `sha` to prod), then the common deploy."""
        time.sleep(self.step_seconds)
        with self.state.lock:
            now = self.clock()
            job = run.jobs[0]
            job.status, job.started_at = "in_progress", now
            run.status, run.updated_at = "in_progress", now
            deployment = Deployment(self.state.next_id(), run.repo, sha, "prod", login, now)
            deployment.statuses.append(
                DeploymentStatus(self.state.next_id(), "in_progress", "Deploying", now))
            self.state.deployments[deployment.id] = deployment
        self._finish(run, deployment)

    def _background(self, target: Callable[..., None], run: Run, *args: object) -> None:
        thread = threading.Thread(target=target, args=(run, *args),
                                  name=f"sandbox-github-run-{run.id}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _finish(self, run: Run, deployment: Deployment) -> None:
        """The deploy step every path shares: deploy `deployment.sha`, complete the run."""
        time.sleep(self.step_seconds)
        ok, note = True, "Deployed"
        if self.deploy is not None:
            try:
                self.deploy(deployment.environment, run.repo, deployment.sha)
            except Exception as exc:  # the sandbox reports it as a failed job, like CI would
                log.warning("sandbox deploy of %s to %s failed: %s", run.repo,
                            deployment.environment, exc)
                ok, note = False, f"Deploy failed: {exc}"[:140]
        with self.state.lock:
            now = self.clock()
            deployment.statuses.append(DeploymentStatus(
                self.state.next_id(), "success" if ok else "failure", note, now))
            job = next(j for j in run.jobs if j.environment == deployment.environment)
            job.status, job.conclusion, job.completed_at = (
                "completed", "success" if ok else "failure", now)
            run.status, run.conclusion, run.updated_at = (
                "completed", "success" if ok else "failure", now)

    def join(self, timeout: float = 10.0) -> None:
        """Wait for deploys started by approvals (tests and shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout)
