"""The pipeline's and the infrastructure's past, written straight into moto's models.

Split from seed.py: the seed decides what the world holds; this writes the bulk of it
(repositories, log groups, images, task-definition revisions) the way moto's server
would for the same requests, without the requests.
"""

from __future__ import annotations

import re
from typing import Any

from ecstui.sandbox import world


class History:
    """The pipeline's past, written straight into moto's backends of one account.

    Every commit's image (PutImage), every revision deployed so far
    (RegisterTaskDefinition), the repositories (CreateRepository) and the log groups
    with their retention (CreateLogGroup, PutRetentionPolicy) are ~90 of the seed's
    ~100 calls; over HTTP they cost ~0.4 s of the demo's start-up (client and server
    side, and an ECR and a Logs client per environment) for objects any client then
    reads back over HTTP like the others (tests/sandbox/test_seed.py reads them so).
    The arguments are the API's, the backend methods are the ones moto's server calls
    for those requests, with the values its request parsing would pass, under
    `patches.BACKEND_LOCK` as a request would be. Clusters and services, which ecstui
    reads and changes, still go over HTTP with the environment's web-identity
    credentials.
    """

    def __init__(self, account_id: str) -> None:
        from moto.ecr.models import ecr_backends
        from moto.ecs.models import ecs_backends
        from moto.logs.models import logs_backends

        self.ecr = ecr_backends[account_id][world.REGION]
        self.ecs = ecs_backends[account_id][world.REGION]
        self.logs = logs_backends[account_id][world.REGION]

    def create_repository(self, *, repositoryName: str, imageTagMutability: str,  # noqa: N803
                          imageScanningConfiguration: dict[str, Any],  # noqa: N803
                          tags: list[dict[str, str]]) -> None:
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.ecr.create_repository(
                repository_name=repositoryName, registry_id=None, encryption_config=None,
                image_scan_config=imageScanningConfiguration,
                image_tag_mutability=imageTagMutability, tags=tags)

    def create_log_group(self, *, logGroupName: str, retentionInDays: int) -> None:  # noqa: N803
        """CreateLogGroup then PutRetentionPolicy, as the infrastructure code would."""
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.logs.create_log_group(logGroupName, {})
            self.logs.put_retention_policy(logGroupName, retentionInDays)

    def put_image(self, *, repositoryName: str, imageTag: str,  # noqa: N803 (API names)
                  imageManifest: str, imageManifestMediaType: str) -> None:
        from ecstui.sandbox.patches import BACKEND_LOCK

        with BACKEND_LOCK:
            self.ecr.put_image(repositoryName, imageManifest, imageTag, imageManifestMediaType)

    def register_task_definition(self, **request: Any) -> str:
        """The new revision's ARN."""
        from ecstui.sandbox.patches import BACKEND_LOCK

        kwargs = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): value
                  for name, value in request.items()}
        with BACKEND_LOCK:
            return str(self.ecs.register_task_definition(**kwargs).arn)
