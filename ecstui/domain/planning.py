"""Building promote and rollback plans: pure functions of fetched data.

The core fetches (services, definitions, registry facts) and calls these; every
decision about what to change and whether it is safe is made here, where it is
tested table-driven on recorded API shapes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecstui.domain.dispatch import DispatchTarget, dispatch_inputs, workflow_check
from ecstui.domain.history import RollbackTarget, same_image
from ecstui.domain.images import ImageRef, short_digest, short_sha
from ecstui.domain.inventory import Service
from ecstui.domain.plans import (
    Check,
    Method,
    PromotePlan,
    Revision,
    RollbackPlan,
    ServiceSnapshot,
)
from ecstui.domain.taskdefs import (
    diff,
    registration_input,
    with_container_image,
)


@dataclass(frozen=True)
class RegistryFacts:
    """What prod's registry says about the digest to promote (gathered by the core)."""

    repository: str  # the repository URI the new definition will name
    digest_visible: bool  # prod's credentials see the digest there
    critical_findings: int | None = None  # None: no scan results for the digest
    scan_status: str | None = None
    copy_from: str | None = None  # image to copy into `repository` on apply
    advice: str | None = None  # what to do when prod cannot see the digest


def snapshot_of(service: Service) -> ServiceSnapshot:
    return ServiceSnapshot(
        task_definition_arn=service.task_definition_arn,
        deployment_ids=tuple(sorted(d.id for d in service.deployments)),
        desired_count=service.desired_count,
    )


def current_image_of(service: Service) -> ImageRef | None:
    """The current definition's image, with the digest its tasks run when it names a tag."""
    defined = service.defined_image
    if defined is None or defined.digest:
        return defined
    for task in service.tasks:
        if task.task_definition_arn != service.task_definition_arn:
            continue
        run = task.container(service.container_name)
        if run is not None and run.image.digest:
            return defined.with_digest(run.image.digest)
    return defined


def source_image(upstream: Service | None, sha: str) -> ImageRef | None:
    """The image pre-prod runs for `sha`, with the digest its tasks actually run."""
    if upstream is None:
        return None
    for image in upstream.task_images:
        if image.sha == sha and image.digest:
            return image
    defined = upstream.defined_image
    if defined is not None and defined.sha == sha and defined.digest:
        return defined
    return next((i for i in upstream.task_images if i.sha == sha), None)


def preprod_check(upstream: Service | None, sha: str, source_env: str, forced: bool) -> Check:
    """Does pre-prod run `sha`, healthy and settled?"""
    name = f"runs healthy in {source_env}"
    if upstream is None:
        return Check(name, False, f"the service has no {source_env} twin to promote from.",
                     blocking=not forced)
    running = [t for t in upstream.tasks if t.last_status == "RUNNING"]
    on_sha = [
        t for t in running
        if (c := t.container(upstream.container_name)) is not None and c.image.sha == sha
    ]
    unhealthy = [t for t in on_sha if t.health_status == "UNHEALTHY"]
    problem = None
    if not on_sha:
        problem = f"no running {source_env} task runs {short_sha(sha)}"
    elif unhealthy:
        problem = f"{len(unhealthy)} of its {source_env} tasks on {short_sha(sha)} are UNHEALTHY"
    elif upstream.in_flight:
        problem = f"a deployment is still in flight in {source_env}"
    elif upstream.running_count < upstream.desired_count:
        problem = (f"{source_env} runs {upstream.running_count} of "
                   f"{upstream.desired_count} desired tasks")
    if problem is None:
        return Check(name, True, f"{len(on_sha)}/{upstream.desired_count} {source_env} tasks run "
                     f"{short_sha(sha)} and its deployment is settled.")
    if forced:
        return Check(name, False, f"{problem}; promoting anyway because of --force.",
                     blocking=False)
    return Check(name, False, f"{problem}; wait for it, or pass the SHA with --force.")


def build_promote_plan(
    *,
    prod: Service,
    upstream: Service | None,
    source_env: str,
    sha: str,
    image: ImageRef | None,
    registry: RegistryFacts | None,
    forced: bool = False,
    protected: bool = False,
    promote_via: str = "ecs",
    github_run_id: int | None = None,
    workflow: str | None = None,
    repository: str | None = None,
    github_can_approve: bool | None = None,
    dispatch: DispatchTarget | None = None,
) -> PromotePlan:
    """The plan to run `image` (pinned by digest) in prod, with every check spelled out."""
    container = prod.container_name or prod.app_container or "?"
    current_image = current_image_of(prod)
    checks = [preprod_check(upstream, sha, source_env, forced)]
    digest = image.digest if image else None
    checks.append(Check(
        "pinned by digest", digest is not None,
        f"{source_env} runs {short_sha(sha)} as {short_digest(digest)}." if digest else
        f"no digest is known for {short_sha(sha)} (not running in {source_env}, not in ECR).",
    ))
    if registry is None or digest is None:
        checks.append(Check("in prod's registry", False, "not checked: no digest to look up."))
    elif registry.digest_visible:
        where = _repo_name(registry.repository)
        checks.append(Check("in prod's registry", True,
                            f"prod sees {short_digest(digest)} in {where}."))
    elif registry.copy_from:
        checks.append(Check("in prod's registry", True,
                            f"not yet: it will be copied into {_repo_name(registry.repository)} "
                            "before registering."))
    else:
        checks.append(Check("in prod's registry", False,
                            registry.advice or f"prod cannot see {short_digest(digest)}."))
    target_image = ImageRef(registry.repository if registry else
                            (current_image.repository if current_image else ""), sha, digest)
    running_same = any(same_image(target_image, i) for i in prod.task_images)
    already = same_image(target_image, current_image) or (running_same and not prod.mixed)
    checks.append(Check("not already in prod", not already,
                        f"prod already runs {short_sha(sha)}." if already else
                        f"prod runs {short_sha(prod.sha) if prod.sha else '-'}, "
                        f"not {short_sha(sha)}."))
    checks.append(Check("no deployment in flight", not prod.in_flight,
                        f"prod has {len(prod.deployments)} deployment(s), primary "
                        f"{prod.rollout_state or 'unknown'}; wait for it or roll it back."
                        if prod.in_flight else "prod's deployment is settled."))
    checks.append(_scan_check(registry))
    checks.append(Check("ECS deployment controller", prod.deployment_controller == "ECS",
                        f"the service uses the {prod.deployment_controller} controller."))

    body: dict[str, Any] = {}
    changes = ()
    current_body = registration_input(prod.definition.raw, prod.definition.tags)
    if digest and registry:
        body = with_container_image(current_body, container, f"{registry.repository}@{digest}")
        changes = diff(current_body, body)
        image_path = f"containerDefinitions[{container}].image"
        others = [c.path for c in changes if c.path != image_path]
        checks.append(Check("only the image changes", not others,
                            "every other field of the current revision is kept." if not others
                            else f"unexpected changes: {', '.join(others)}."))

    ref = dispatch.ref if dispatch and promote_via == "github-dispatch" else None
    method, steps = _promote_steps(prod, container, target_image, registry, promote_via,
                                   github_run_id, workflow, repository, ref)
    notes: tuple[str, ...] = ()
    if promote_via != "ecs":
        notes = ("the workflow writes the new task definition; the diff above is what ecstui "
                 "would change, for comparison.",)
    if promote_via == "github-approval":
        checks.append(Check("run waiting for approval", github_run_id is not None,
                            f"run {github_run_id} waits for prod approval for {short_sha(sha)}."
                            if github_run_id else
                            f"no workflow run for {short_sha(sha)} waits for prod approval."))
        if github_run_id is not None and github_can_approve is not None:
            checks.append(Check("you may approve", github_can_approve,
                                "you are a required reviewer of the environment."
                                if github_can_approve else
                                "you are not a required reviewer; ask one to approve."))
    if promote_via == "github-dispatch":
        checks.append(Check("promote workflow configured", bool(workflow and repository),
                            f"{workflow} in {repository}." if workflow and repository else
                            "set services.<name>.promote_workflow and repository in the config."))
        checks.append(workflow_check(dispatch, workflow, repository))
    return PromotePlan(
        service=prod.name, environment=prod.environment, cluster=prod.cluster,
        current=Revision(prod.definition_label, prod.task_definition_arn, current_image),
        target=Revision(f"{prod.family}:(new)"
                        if method is Method.REGISTER_AND_UPDATE else "(set by the workflow)",
                        None, target_image),
        method=method, container=container, checks=tuple(checks), changes=changes,
        steps=steps, notes=notes, snapshot=snapshot_of(prod), protected=protected,
        source_environment=source_env, sha=sha, forced=forced, new_task_definition=body,
        copy_image=registry.copy_from if registry else None, github_run_id=github_run_id,
        workflow=workflow, repository=repository, github_ref=ref,
        dispatch_inputs=dispatch_inputs(sha) if method is Method.GITHUB_DISPATCH else {},
    )


def _scan_check(registry: RegistryFacts | None) -> Check:
    if registry is None or registry.critical_findings is None:
        status = f" (scan status {registry.scan_status})" if registry and registry.scan_status \
            else ""
        return Check("no CRITICAL scan findings", True,
                     f"no scan findings exist for this digest{status}.", blocking=False)
    count = registry.critical_findings
    return Check("no CRITICAL scan findings", count == 0,
                 f"the image scan reports {count} CRITICAL finding(s)." if count else
                 "the image scan reports no CRITICAL findings.")


def _promote_steps(
    prod: Service, container: str, image: ImageRef, registry: RegistryFacts | None,
    via: str, run_id: int | None, workflow: str | None, repository: str | None,
    ref: str | None = None,
) -> tuple[Method, tuple[str, ...]]:
    watch = "watch the rollout until the new deployment is COMPLETED and the only one"
    if via == "github-approval":
        return Method.GITHUB_APPROVE, (
            f"approve run {run_id} of {repository} waiting for environment {prod.environment}",
            "the workflow deploys the SHA; ecstui does not touch ECS itself", watch)
    if via == "github-dispatch":
        inputs = json.dumps(dispatch_inputs(image.sha or ""))
        return Method.GITHUB_DISPATCH, (
            f"dispatch workflow {workflow} of {repository} on ref {ref or '(default branch)'} "
            f"with inputs {inputs}",
            "the workflow deploys the SHA; ecstui does not touch ECS itself",
            f"wait for the workflow's deployment to reach {prod.cluster}/{prod.name}", watch)
    steps = []
    if registry and registry.copy_from:
        steps.append(f"copy {registry.copy_from} into {registry.repository} (ECR PutImage, "
                     "same manifest and digest)")
    steps += [
        f"register a new revision of {prod.family} from "
        f"{prod.definition_label}, with only the {container} image changed to "
        f"{_repo_name(image.repository)}@{short_digest(image.digest)}",
        f"UpdateService {prod.cluster}/{prod.name} to the new revision (rolling deployment)",
        watch,
    ]
    return Method.REGISTER_AND_UPDATE, tuple(steps)


def build_rollback_plan(
    *,
    service: Service,
    target: RollbackTarget,
    current_image: ImageRef | None,
    target_raw: Mapping[str, Any] | None,
    protected: bool = False,
) -> RollbackPlan:
    """The plan to return `service` to `target` (an existing revision: nothing is registered)."""
    current = service.definition
    container = service.container_name or "?"
    checks = [
        Check("target differs from current",
              target.revision.task_definition_arn != current.arn,
              f"{current.label} -> {target.revision.label}."),
        Check("target proven good", target.verified,
              "it completed successfully before." if target.verified else
              "chosen from the family's revisions; ECS has no record here that it completed.",
              blocking=False),
    ]
    changes = ()
    notes = [f"{current.label} stays registered (never deregistered), so you can roll forward."]
    if target_raw:
        changes = diff(registration_input(current.raw), registration_input(target_raw))
        image_path = f"containerDefinitions[{container}].image"
        others = [c.path for c in changes if c.path != image_path]
        checks.append(Check("only the image changes", not others,
                            "the revisions differ only in the image." if not others else
                            f"{len(others)} other field(s) differ and are restored too.",
                            blocking=False))
    if target.stop_deployment:
        method = Method.STOP_ROLLBACK
        deployment_id = target.stop_deployment.rsplit("/", 1)[-1]
        steps = (f"StopServiceDeployment {deployment_id} with stopType ROLLBACK (ECS returns "
                 f"the service to {target.revision.label})",
                 "watch the rollout until the service is COMPLETED on that revision")
    else:
        method = Method.UPDATE_SERVICE
        steps = (f"UpdateService {service.cluster}/{service.name} to the existing revision "
                 f"{target.revision.label} (no new revision is registered)",
                 "watch the rollout until the new deployment is COMPLETED and the only one")
        if service.in_flight:
            notes.append("the deployment in flight is replaced by this one.")
    return RollbackPlan(
        service=service.name, environment=service.environment, cluster=service.cluster,
        current=Revision(current.label, current.arn, current_image),
        target=Revision(target.revision.label, target.revision.task_definition_arn,
                        target.revision.image),
        method=method, container=container, checks=tuple(checks), changes=changes,
        steps=steps, notes=tuple(notes), snapshot=snapshot_of(service), protected=protected,
        chosen_because=target.reason, deployment_to_stop=target.stop_deployment,
    )


def _repo_name(repository: str) -> str:
    return repository.split("/", 1)[1] if "/" in repository else repository
