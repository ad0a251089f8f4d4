"""The live half of the sandbox pipeline: reviewing a waiting deployment moves the run.

Approving the prod environment of a waiting run does what the real workflow's
prod job would: it calls the deploy callback (the AWS sandbox registers a task
definition and updates the ECS service), records deployment statuses, and
completes the run. Rejecting fails the run. The deploy runs in a background
thread so the HTTP answer returns at once, as GitHub's does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ecstui.sandbox.github.state import (
    Clock,
    Deployment,
    DeploymentStatus,
    GitHubState,
    Review,
    Run,
)

Deploy = Callable[[str, str, str], None]  # (environment, service, sha)
log = logging.getLogger(__name__)


@dataclass
class ReviewError(Exception):
    """A review GitHub refuses; carries the HTTP status and GitHub-style message."""

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
        thread = threading.Thread(target=self._finish, args=(run, deployment),
                                  name=f"sandbox-github-deploy-{run.id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return [deployment]

    def _finish(self, run: Run, deployment: Deployment) -> None:
        time.sleep(self.step_seconds)
        ok, note = True, "Deployed"
        if self.deploy is not None:
            try:
                self.deploy(deployment.environment, run.repo, run.head_sha)
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
