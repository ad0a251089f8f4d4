"""Promote: deploy the image pre-prod runs to prod, pinned by the digest pre-prod runs.

`plan_promote` fetches (both services, registry facts, GitHub facts) and hands the
decisions to `domain.planning`; `apply_promote` re-checks, then either registers the
new revision (prod's current definition with only the app image changed) and updates
the service, or lets GitHub deploy (approve the waiting run, or dispatch the promote
workflow with the SHA) and waits for that deployment to reach ECS; it records the
action either way. Watching is `core.changes.watch`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import TYPE_CHECKING

from ecstui.core import changes
from ecstui.core.github_promote import approve_run, dispatch_target, dispatch_workflow, waiting_run
from ecstui.domain.images import GIT_SHA, ImageRef, short_digest, short_sha
from ecstui.domain.inventory import Service
from ecstui.domain.planning import RegistryFacts, build_promote_plan, source_image
from ecstui.domain.plans import Method, PromotePlan
from ecstui.errors import EcstuiError, NotFoundError, OperationError, RefusedError, UsageError
from ecstui.gateways.aws.deploy import DeployGateway, deploy_gateway

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

SHORT_SHA_MIN = 7


async def plan_promote(
    workspace: Workspace,
    service: str,
    sha: str | None = None,
    env: str | None = None,
    force: bool = False,
) -> PromotePlan:
    """The promote plan for `service` (every check evaluated; nothing changed)."""
    settings = workspace.settings
    target_env = changes.default_environment(workspace, env)
    source_env = settings.promote_from
    if source_env is not None and source_env == target_env:
        raise UsageError(
            f"Promote goes from {source_env} to {settings.promote_to}, so nothing promotes "
            f"into {target_env}; leave out --env or pass --env {settings.promote_to}."
        )
    if source_env is None:
        others = [e.name for e in settings.environments if e.name != target_env]
        raise UsageError(
            f"No environment promotes into {target_env}: set [promote] from = "
            f"\"{others[0] if others else 'ENV'}\" and to = \"{target_env}\" in ecstui.toml."
        )
    if force and not sha:
        raise UsageError("--force needs an explicit SHA: name the commit you mean to ship.")
    if sha is not None:
        sha = sha.strip().lower()
        if not (SHORT_SHA_MIN <= len(sha) <= 40 and all(c in "0123456789abcdef" for c in sha)):
            raise UsageError(f"{sha!r} is not a git SHA (7 to 40 hex characters).")
    prod, upstream = await asyncio.gather(
        changes.find_service(workspace, target_env, service),
        _optional_service(workspace, source_env, service),
    )
    source_gw = deploy_gateway(workspace.session(source_env))
    prod_gw = deploy_gateway(workspace.session(target_env))
    sha = await _resolve_sha(upstream, sha, source_env, source_gw, prod)
    image = source_image(upstream, sha)
    if image is None or image.digest is None:
        image = await _from_registry(source_gw, upstream, prod, sha) or image
    registry = None
    configured = settings.service(service)
    if image is not None and image.digest:
        repository = await _prod_repository(workspace, target_env, prod,
                                            configured.ecr_repository_prod)
        registry = await registry_facts(prod_gw, source_gw, image, repository,
                                        copy_allowed=configured.ecr_repository_prod is not None)
    run_id, may_approve, note, dispatch = None, None, None, None
    if configured.promote_via == "github-approval":
        run_id, may_approve, note = await waiting_run(
            workspace, configured.repository, sha, target_env)
    elif configured.promote_via == "github-dispatch":
        dispatch = await dispatch_target(workspace, configured.repository,
                                          configured.promote_workflow)
    plan = build_promote_plan(
        prod=prod, upstream=upstream, source_env=source_env, sha=sha, image=image,
        registry=registry, forced=force, protected=settings.environment(target_env).protected,
        promote_via=configured.promote_via, github_run_id=run_id,
        workflow=configured.promote_workflow, repository=configured.repository,
        github_can_approve=may_approve, dispatch=dispatch,
    )
    return dataclasses.replace(plan, notes=(*plan.notes, note)) if note else plan


async def apply_promote(workspace: Workspace, plan: PromotePlan) -> changes.Applied:
    """Re-check, then change prod; the action is in the audit log before this returns."""
    if plan.method is Method.GITHUB_APPROVE:
        return await approve_run(workspace, plan)
    if plan.method is Method.GITHUB_DISPATCH:
        return await dispatch_workflow(workspace, plan)
    if plan.method is not Method.REGISTER_AND_UPDATE:
        raise UsageError(f"A promote plan cannot be applied with method {plan.method}.")
    await changes.recheck(workspace, plan)
    gateway = deploy_gateway(workspace.session(plan.environment))
    who = await changes.caller(workspace, plan.environment)
    action_id = uuid.uuid4().hex[:12]
    try:
        if plan.copy_image and plan.target.image is not None:
            await _copy(workspace, plan, gateway)
        registered = await gateway.register_task_definition(plan.new_task_definition)
        applied_at = changes.now()
        primary = await gateway.update_service(plan.cluster, plan.service, registered.arn)
    except EcstuiError as error:
        changes.record_apply_failed(plan, who, action_id, error.message)
        raise
    applied = changes.Applied(plan, action_id, who, registered.arn, primary.id, applied_at)
    changes.record_started(applied)
    return applied


async def registry_facts(
    prod_gw: DeployGateway, source_gw: DeployGateway, image: ImageRef, repository: str,
    copy_allowed: bool,
) -> RegistryFacts:
    """Can prod pull `image`'s digest from `repository`, and what does its scan say?"""
    target = ImageRef(repository, image.sha, image.digest)
    seen = await prod_gw.lookup_image(target)
    if seen.found:
        scan = await prod_gw.scan(target)
        return RegistryFacts(repository, True, scan.critical, scan.status)
    scan = await source_gw.scan(image) if image.registry_account else None
    different = image.repository != repository
    if different and copy_allowed and image.sha:
        return RegistryFacts(repository, False, scan.critical if scan else None,
                             scan.status if scan else None, copy_from=str(image.with_tag(None)))
    why = seen.error or "it is not there"
    advice = (
        f"prod cannot see {short_digest(image.digest)} in {target.repository_name} ({why}); "
        + (f"replicate {image.repository_name} from account {image.registry_account} to prod's "
           "account with ECR replication, or allow prod to pull it with a repository policy on "
           "the build repository and set services.<name>.ecr_repository_prod"
           if different else "push the image to prod's registry first")
        + "."
    )
    return RegistryFacts(repository, False, scan.critical if scan else None,
                         scan.status if scan else None, advice=advice)


async def _copy(workspace: Workspace, plan: PromotePlan, prod_gw: DeployGateway) -> None:
    """PutImage the manifest into prod's repository (works when ECR has its layers there)."""
    assert plan.copy_image and plan.target.image and plan.sha
    source = ImageRef.parse(plan.copy_image)
    source_gw = deploy_gateway(workspace.session(plan.source_environment))
    manifest, media_type = await source_gw.manifest(source)
    digest = await prod_gw.put_manifest(plan.target.image, manifest, media_type, plan.sha)
    if digest != plan.target.image.digest:
        raise OperationError(
            f"The copy into {plan.target.image.repository_name} stored {short_digest(digest)}, "
            f"not {short_digest(plan.target.image.digest)}; nothing was deployed. Copy the image "
            "with ECR replication instead."
        )


async def _optional_service(workspace: Workspace, env: str, service: str) -> Service | None:
    try:
        return await changes.find_service(workspace, env, service)
    except NotFoundError:
        return None


async def _resolve_sha(
    upstream: Service | None, sha: str | None, source_env: str, gw: DeployGateway, prod: Service
) -> str:
    """A full SHA: pre-prod's (default), or the one an abbreviation names."""
    if sha is None:
        if upstream is None or upstream.sha is None:
            raise RefusedError(
                f"{prod.name} runs no identifiable SHA in {source_env}, so there is nothing to "
                "promote by default; pass the SHA to promote."
            )
        if upstream.mixed:
            raise RefusedError(
                f"{source_env} runs several SHAs of {prod.name} "
                f"({', '.join(short_sha(s) for s in upstream.running_shas)}); wait for its "
                "rollout to settle, or pass the SHA."
            )
        return upstream.sha
    if GIT_SHA.match(sha):
        return sha
    candidates = {i.sha for i in (upstream.task_images if upstream else ()) if i.sha}
    candidates |= {i.sha for i in prod.task_images if i.sha}
    matches = sorted(c for c in candidates if c and c.startswith(sha))
    if len(matches) == 1:
        return matches[0]
    raise UsageError(
        f"{sha} matches {'several' if matches else 'no'} running SHAs; pass the full "
        "40-character SHA."
    )


async def _from_registry(
    gw: DeployGateway, upstream: Service | None, prod: Service, sha: str
) -> ImageRef | None:
    """The digest of tag `sha` in the build registry (for an SHA pre-prod does not run)."""
    base = (upstream.defined_image if upstream else None) or prod.defined_image
    if base is None:
        return None
    found = await gw.lookup_image(ImageRef(base.repository, sha), by_tag=True)
    if not found.found or not found.digest:
        return None
    return ImageRef(base.repository, sha, found.digest)


async def _prod_repository(
    workspace: Workspace, env: str, prod: Service, configured: str | None
) -> str:
    """The repository the new definition names: configured for prod, else prod's current."""
    if configured:
        if ".dkr.ecr." in configured:
            return configured
        identity = await workspace.session(env).identity()
        region = workspace.session(env).region
        return f"{identity.account}.dkr.ecr.{region}.amazonaws.com/{configured}"
    current = prod.defined_image
    if current is None:
        raise RefusedError(f"{prod.name} in {env} has no app container image to replace; "
                           "set services.<name>.container in ecstui.toml.")
    return current.repository
