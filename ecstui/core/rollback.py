"""Rollback: return a service to the last revision that completed with a different image.

History comes from ECS's service-deployment APIs where they are served; else
from the live deployment list and the family's ACTIVE revisions (see
`domain.history`), minus revisions ecstui itself saw fail (audit log). Applying
is an UpdateService to the existing revision, or StopServiceDeployment(ROLLBACK)
for a deployment in flight. Nothing is ever deregistered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import TYPE_CHECKING

from ecstui.core import audit, changes
from ecstui.domain.history import (
    RevisionInfo,
    ServiceDeploymentRecord,
    choose_target,
    parse_target,
    refuse_controller,
)
from ecstui.domain.images import ImageRef
from ecstui.domain.inventory import Service
from ecstui.domain.planning import build_rollback_plan, current_image_of
from ecstui.domain.plans import Method, RollbackPlan
from ecstui.errors import EcstuiError
from ecstui.gateways.aws.deploy import deploy_gateway
from ecstui.gateways.aws.ecr import ecr_gateway
from ecstui.gateways.aws.ecs import ecs_gateway
from ecstui.gateways.aws.service_deployments import (
    HistoryUnavailable,
    deployment_history,
    probe_client,
    stop_service_deployment,
)

if TYPE_CHECKING:
    from ecstui.core.workspace import Workspace

REVISIONS_CONSIDERED = 25


async def plan_rollback(
    workspace: Workspace, service: str, env: str | None = None, to: str | None = None
) -> RollbackPlan:
    """The rollback plan for `service` (target chosen and explained; nothing changed)."""
    environment = changes.default_environment(workspace, env)
    if to is not None:
        parse_target(to)  # a bad --to fails before any call
    current = await changes.find_service(workspace, environment, service)
    refuse_controller(current)
    session = workspace.session(environment)
    history, history_note = await _history(workspace, environment, current)
    revisions = await _revisions(workspace, environment, current, to)
    current_image = current_image_of(current)
    known_failed = audit.failed_revisions(environment, service)
    target = choose_target(current, current_image, revisions, history, known_failed, to)
    if target.revision.image is None or target.revision.image.sha is None:
        definition = await ecs_gateway(session).task_definition(
            target.revision.task_definition_arn)
        image = await _with_sha(workspace, environment,
                                _image_of(definition.raw, current.container_name))
        target = dataclasses.replace(target, revision=RevisionInfo(
            target.revision.task_definition_arn, image or target.revision.image))
    target_definition = await ecs_gateway(session).task_definition(
        target.revision.task_definition_arn)
    plan = build_rollback_plan(
        service=current, target=target, current_image=current_image,
        target_raw=target_definition.raw,
        protected=workspace.settings.environment(environment).protected,
    )
    if history_note:
        plan = dataclasses.replace(plan, notes=(*plan.notes, history_note))
    return plan


async def apply_rollback(workspace: Workspace, plan: RollbackPlan) -> changes.Applied:
    """Re-check, then roll back; the action is in the audit log before this returns."""
    await changes.recheck(workspace, plan)
    session = workspace.session(plan.environment)
    who = await changes.caller(workspace, plan.environment)
    action_id = uuid.uuid4().hex[:12]
    target_arn = plan.target.task_definition_arn
    assert target_arn is not None
    deployment_id = None
    try:
        applied_at = changes.now()
        stopped = False
        if plan.method is Method.STOP_ROLLBACK and plan.deployment_to_stop:
            try:
                async with probe_client(session) as client:
                    await stop_service_deployment(client, plan.deployment_to_stop)
                stopped = True
            except HistoryUnavailable:
                # Not served here (e.g. the sandbox): the same outcome by UpdateService.
                stopped = False
        if not stopped:
            primary = await deploy_gateway(session).update_service(
                plan.cluster, plan.service, target_arn)
            deployment_id = primary.id
    except EcstuiError as error:
        changes.record_apply_failed(plan, who, action_id, error.message)
        raise
    applied = changes.Applied(plan, action_id, who, target_arn, deployment_id, applied_at)
    changes.record_started(applied)
    return applied


async def _history(
    workspace: Workspace, environment: str, service: Service
) -> tuple[tuple[ServiceDeploymentRecord, ...] | None, str | None]:
    """ECS's service-deployment history, or None and a note saying why not."""
    session = workspace.session(environment)
    try:
        async with probe_client(session) as client:
            records = await deployment_history(client, service.cluster, service.name,
                                               service.container_name)
    except HistoryUnavailable as why:
        return None, (f"ECS's service-deployment history is unavailable ({why}); the target "
                      "was chosen from the live deployments and the family's revisions.")
    if not records:
        return None, ("ECS describes no service deployments for this service (history before "
                      "2024-10-25 is not kept); the target was chosen from the family's revisions.")
    await _prefetch_tags(workspace, environment, [r.image for r in records])
    enriched = []
    for record in records:
        image = await _with_sha(workspace, environment, record.image) if record.image else None
        enriched.append(dataclasses.replace(record, image=image))
    return tuple(enriched), None


async def _revisions(
    workspace: Workspace, environment: str, service: Service, to: str | None
) -> tuple[RevisionInfo, ...]:
    """The family's newest ACTIVE revisions with their app image (SHA from ECR tags)."""
    session = workspace.session(environment)
    family = service.family
    arns = await deploy_gateway(session).family_revisions(family, limit=REVISIONS_CONSIDERED * 2)
    arns = arns[:REVISIONS_CONSIDERED]
    if to is not None:
        kind, value = parse_target(to)
        if kind == "revision":
            wanted = f"{service.task_definition_arn.rsplit(':', 1)[0]}:{value}"
            arns = [a for a in arns if a == wanted] or [wanted]
    definitions = await _definitions(workspace, environment, arns)
    images = [_image_of(d.raw, service.container_name) if d else None
              for d in definitions.values()]
    await _prefetch_tags(workspace, environment, images)
    infos = []
    for (arn, definition), image in zip(definitions.items(), images, strict=True):
        status = definition.status if definition else "MISSING"
        image = await _with_sha(workspace, environment, image)
        infos.append(RevisionInfo(arn, image, status or "ACTIVE"))
    return tuple(infos)


async def _definitions(workspace: Workspace, environment: str, arns: list[str]) -> dict:
    """Definitions by ARN, fetched concurrently; None for one that cannot be described."""
    gateway = ecs_gateway(workspace.session(environment))
    results = await asyncio.gather(*(gateway.task_definition(a) for a in arns),
                                   return_exceptions=True)
    found = {}
    for arn, result in zip(arns, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(result, EcstuiError):
            raise result
        found[arn] = None if isinstance(result, BaseException) else result
    return found


def _image_of(raw: object, container: str | None) -> ImageRef | None:
    from ecstui.domain.taskdefs import container_image

    text = container_image(raw, container) if isinstance(raw, dict) else None
    return ImageRef.parse(text) if text else None


async def _with_sha(
    workspace: Workspace, environment: str, image: ImageRef | None
) -> ImageRef | None:
    """Fill in the SHA of an image pinned only by digest, from its ECR tags."""
    if image is None or image.sha or not image.digest or not image.registry_account:
        return image
    ecr = ecr_gateway(workspace.session(environment))
    try:
        await ecr.tags_of([image])
    except EcstuiError:
        return image
    sha = ecr.sha_of(image)
    return image.with_tag(sha) if sha else image


async def _prefetch_tags(
    workspace: Workspace, environment: str, images: list[ImageRef | None]
) -> None:
    """One DescribeImages per repository for every digest without a SHA (cached after)."""
    wanted = [i for i in images if i and i.digest and not i.sha and i.registry_account]
    if wanted:
        try:
            await ecr_gateway(workspace.session(environment)).tags_of(wanted)
        except EcstuiError:
            return
