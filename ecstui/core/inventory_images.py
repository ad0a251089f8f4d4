"""The SHA behind each image the inventory saw: ECR's tags for a digest, filled in.

Split from inventory.py: fetching decides what to ask; this says what an image is.
A task's container carries the digest ECS resolved; a definition may pin by digest
only; either way ECR's `DescribeImages` maps the digest back to its git-SHA tag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ecstui.domain.images import ImageRef
from ecstui.domain.models import ContainerDefinition, Task, TaskDefinition
from ecstui.errors import EcstuiError
from ecstui.gateways.aws.ecr import EcrGateway


async def resolve_tags(
    ecr: EcrGateway, definitions: Iterable[TaskDefinition], tasks: Iterable[Task]
) -> None:
    """Look up the tags of digests whose git SHA is not already in a tag."""
    images = [c.image for d in definitions for c in d.containers]
    images += [i for t in tasks for c in t.containers for i in (c.image, c.declared) if i]
    unknown = [i for i in images if i.digest and i.sha is None and i.registry_account]
    if not unknown:
        return
    try:
        await ecr.tags_of(unknown)
    except EcstuiError:
        return  # the SHA stays unknown; the digest still identifies the image


def _with_sha(ecr: EcrGateway, image: ImageRef) -> ImageRef:
    if image.sha is None and image.digest:
        sha = ecr.sha_of(image)
        if sha:
            return image.with_tag(sha)
    return image


def enrich_definition(
    ecr: EcrGateway, definition: TaskDefinition | None
) -> TaskDefinition | None:
    if definition is None:
        return None
    containers = tuple(
        dataclasses.replace(c, image=_with_sha(ecr, c.image)) if c.image.digest else c
        for c in definition.containers
    )
    if containers == definition.containers:
        return definition
    return dataclasses.replace(definition, containers=containers)


def enrich_task(ecr: EcrGateway, task: Task, definition: TaskDefinition | None) -> Task:
    """Fill in what DescribeTasks left out: the image string and the SHA of a digest.

    The task itself when nothing is missing (the usual case: a tag that is the SHA, and
    the digest), so a fleet of tasks is not copied for nothing on every refresh."""
    runs = []
    for run in task.containers:
        image = run.image
        declared: ContainerDefinition | None = None
        if definition is not None:
            declared = definition.container(run.name)
        if not image.repository and declared is not None:
            image = declared.image.with_digest(image.digest or declared.image.digest)
        elif image.tag is None and declared is not None and declared.image.sha:
            image = image.with_tag(declared.image.tag)
        image = _with_sha(ecr, image)
        named = _with_sha(ecr, run.declared) if run.declared else None
        if image is not run.image or named is not run.declared:
            run = dataclasses.replace(run, image=image, declared=named)
        runs.append(run)
    if all(new is old for new, old in zip(runs, task.containers, strict=True)):
        return task
    return dataclasses.replace(task, containers=tuple(runs))
