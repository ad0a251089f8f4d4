"""Promote through GitHub: approve the run waiting for prod, or dispatch the promote workflow.

Either way the workflow deploys (ecstui does not touch ECS itself); ecstui re-checks
the service first, records what it asked GitHub to do, then waits for the
workflow's deployment to appear on the service and hands it to `changes.watch`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import TYPE_CHECKING

from ecstui.core import changes
from ecstui.core.watch import read_service
from ecstui.domain.dispatch import DispatchTarget
from ecstui.domain.images import short_sha
from ecstui.domain.plans import PromotePlan
from ecstui.errors import EcstuiError, OperationError

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

DEPLOY_APPEAR_SECONDS = 180.0  # a GitHub deploy job's wait before UpdateService


async def approve_run(
    workspace: Workspace, plan: PromotePlan, wait_seconds: float = DEPLOY_APPEAR_SECONDS
) -> changes.Applied:
    """Approve the run waiting for prod; the workflow deploys, then ecstui watches ECS."""
    assert plan.github_run_id is not None and plan.repository is not None
    await changes.recheck(workspace, plan)
    who = await changes.caller(workspace, plan.environment)
    action_id = uuid.uuid4().hex[:12]
    github = workspace.github
    try:
        run = await github.run(plan.repository, plan.github_run_id)
        await github.review(run, plan.environment, "approved",
                            f"Promoted {short_sha(plan.sha)} with ecstui ({who}).")
    except EcstuiError as error:
        changes.record_apply_failed(plan, who, action_id, error.message)
        raise
    approved_at = changes.now()
    pending = changes.Applied(plan, action_id, who, "", None, approved_at)
    changes.record_outcome(pending, "approved", f"approved run {run.id} of {run.repository}")
    return await _workflow_deployment(workspace, pending, f"Approved run {run.id} of "
                                      f"{run.repository}", wait_seconds)


async def dispatch_workflow(
    workspace: Workspace, plan: PromotePlan, wait_seconds: float = DEPLOY_APPEAR_SECONDS
) -> changes.Applied:
    """Dispatch the promote workflow with the SHA; it deploys, then ecstui watches ECS."""
    assert plan.repository is not None and plan.workflow is not None and plan.github_ref
    await changes.recheck(workspace, plan)
    who = await changes.caller(workspace, plan.environment)
    action_id = uuid.uuid4().hex[:12]
    inputs = dict(plan.dispatch_inputs)
    try:
        await workspace.github.dispatch(plan.repository, plan.workflow, plan.github_ref, inputs)
    except EcstuiError as error:
        changes.record_apply_failed(plan, who, action_id, error.message)
        raise
    dispatched_at = changes.now()
    pending = changes.Applied(plan, action_id, who, "", None, dispatched_at)
    what = (f"dispatched {plan.workflow} of {plan.repository} on {plan.github_ref} with "
            + ", ".join(f"{k}={v}" for k, v in inputs.items()))
    changes.record_outcome(pending, "dispatched", what)
    return await _workflow_deployment(workspace, pending, what[0].upper() + what[1:],
                                      wait_seconds)


async def _workflow_deployment(
    workspace: Workspace, pending: changes.Applied, done: str, wait_seconds: float
) -> changes.Applied:
    """Wait for the workflow's deploy job to update the service; the deployment to watch."""
    plan = pending.plan
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        fresh = await read_service(workspace, plan.environment, plan.cluster, plan.service)
        if fresh.task_definition_arn != plan.snapshot.task_definition_arn and fresh.primary:
            applied = dataclasses.replace(pending, task_definition_arn=fresh.task_definition_arn,
                                          deployment_id=fresh.primary.id)
            changes.record_started(applied)
            return applied
        if loop.time() > deadline:
            raise OperationError(
                f"{done}, but its deploy has not updated {plan.service} within "
                f"{int(wait_seconds)} s; follow the run with `ecstui runs`."
            )
        await asyncio.sleep(1.0)


async def dispatch_target(
    workspace: Workspace, repository: str | None, workflow: str | None
) -> DispatchTarget:
    """The ref a dispatch runs on and whether the workflow is there (read-only)."""
    if repository is None or workflow is None:
        return DispatchTarget(problem="set services.<name>.promote_workflow and repository in "
                              "ecstui.toml.")
    github = workspace.github
    if not github.available:
        return DispatchTarget(problem="GitHub is not reachable (no token): set GH_TOKEN or run "
                              "gh auth login.")
    try:
        ref, name, state = await github.dispatch_target(repository, workflow)
    except EcstuiError as error:
        return DispatchTarget(problem=error.message)
    return DispatchTarget(ref=ref, workflow_name=name, state=state)


async def waiting_run(
    workspace: Workspace, repository: str | None, sha: str, env: str
) -> tuple[int | None, bool | None, str | None]:
    """(run id, may the user approve it, note) for the run waiting for `env` on `sha`."""
    if repository is None:
        return None, None, "set services.<name>.repository to promote through GitHub."
    github = workspace.github
    if not github.available:
        return None, None, "GitHub is not reachable (no token): set GH_TOKEN or run gh auth login."
    try:
        runs = await github.recent_runs(repository, status="waiting", head_sha=sha, limit=10)
        for run in runs:
            pending = await github.pending(run)
            waiting = pending.environment(env)
            if waiting is not None:
                return run.id, waiting.current_user_can_approve, None
    except EcstuiError as error:
        return None, None, error.message
    return None, None, None
