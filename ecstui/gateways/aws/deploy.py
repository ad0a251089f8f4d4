"""ECS and ECR, write side (and the reads only promote and rollback need).

Register a task-definition revision, point a service at a revision, stop a
service deployment with ROLLBACK, and answer the registry questions a promote
asks (does prod see this digest, what does its scan say, can it be copied).
Revisions are never deregistered here: an INACTIVE revision cannot be
redeployed, and the revision rolled back from is the way forward again.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecstui.domain.images import ImageRef, short_digest
from ecstui.domain.models import Deployment, TaskDefinition, family_of
from ecstui.errors import OperationError
from ecstui.gateways.aws.ecs import deployment_from_api, task_definition_from_api
from ecstui.gateways.aws.errors import error_code, translate

if TYPE_CHECKING:
    from ecstui.gateways.aws.session import AwsSession

MISSING_IMAGE_CODES = frozenset({"ImageNotFoundException", "RepositoryNotFoundException"})
NO_SCAN_CODES = frozenset({"ScanNotFoundException"})
MANIFEST_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
]


@dataclass(frozen=True)
class ImageLookup:
    """What one registry said about one image."""

    found: bool
    digest: str | None = None
    tags: tuple[str, ...] = ()
    error: str | None = None  # why it could not be looked up (access denied, ...)


@dataclass(frozen=True)
class ScanResult:
    status: str | None  # COMPLETE, FAILED, ... ; None: no scan for this digest
    counts: Mapping[str, int]

    @property
    def critical(self) -> int | None:
        return None if self.status is None else int(self.counts.get("CRITICAL", 0))


class DeployGateway:
    """The write-side accessors of one environment's session."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    @property
    def profile(self) -> str:
        return self.session.profile_name

    async def _call(self, api: str, operation: str, what: str, **params: Any) -> Any:
        client = await self.session.client(api)
        try:
            return await getattr(client, operation)(**params)
        except Exception as exc:
            raise translate(exc, what, self.profile) from exc

    # --- ECS ----------------------------------------------------------------------------

    async def register_task_definition(self, body: Mapping[str, Any]) -> TaskDefinition:
        """Register `body` as a new revision; fields the API does not take are dropped."""
        client = await self.session.client("ecs")
        accepted = client.meta.service_model.operation_model(
            "RegisterTaskDefinition").input_shape.members
        params = {k: v for k, v in body.items() if k in accepted}
        family = params.get("family", "?")
        try:
            reply = await client.register_task_definition(**params)
        except Exception as exc:
            raise translate(exc, f"register a new revision of {family}", self.profile) from exc
        return task_definition_from_api(reply["taskDefinition"], reply.get("tags"))

    async def update_service(
        self, cluster: str, service: str, task_definition_arn: str
    ) -> Deployment:
        """Start a rolling deployment of `task_definition_arn`; returns the new PRIMARY."""
        reply = await self._call(
            "ecs", "update_service", f"update service {cluster}/{service}",
            cluster=cluster, service=service, taskDefinition=task_definition_arn,
        )
        deployments = [deployment_from_api(d) for d in reply["service"].get("deployments", [])]
        primary = next((d for d in deployments if d.status == "PRIMARY"), None)
        if primary is None:
            raise OperationError(
                f"ECS accepted the update of {cluster}/{service} but reported no PRIMARY "
                "deployment; check the service with `ecstui status`."
            )
        return primary

    async def family_revisions(self, family: str, limit: int = 50) -> list[str]:
        """ACTIVE revision ARNs of exactly `family`, newest first (at most `limit`)."""
        client = await self.session.client("ecs")
        found: list[str] = []
        try:
            paginator = client.get_paginator("list_task_definitions")
            async for page in paginator.paginate(
                familyPrefix=family, status="ACTIVE", sort="DESC",
                PaginationConfig={"PageSize": 100},
            ):
                found += [a for a in page.get("taskDefinitionArns", []) if family_of(a) == family]
                if len(found) >= limit:
                    break
        except Exception as exc:
            raise translate(exc, f"list the revisions of {family}", self.profile) from exc
        found.sort(key=lambda a: int(a.rsplit(":", 1)[-1]), reverse=True)
        return found[:limit]

    # --- ECR ----------------------------------------------------------------------------

    async def lookup_image(self, image: ImageRef, by_tag: bool = False) -> ImageLookup:
        """Does this session see `image` (by digest, or by tag) in its ECR repository?"""
        if not image.registry_account:
            return ImageLookup(False, error=f"{image.repository} is not an ECR repository")
        image_id = {"imageTag": image.tag} if by_tag else {"imageDigest": image.digest}
        client = await self.session.client("ecr")
        try:
            reply = await client.describe_images(
                registryId=image.registry_account, repositoryName=image.repository_name,
                imageIds=[image_id],
            )
        except Exception as exc:
            code = error_code(exc)
            if code in MISSING_IMAGE_CODES:
                return ImageLookup(False)
            return ImageLookup(False, error=translate(exc, "look up the image", self.profile)
                               .message)
        details = reply.get("imageDetails", [])
        if not details:
            return ImageLookup(False)
        return ImageLookup(True, details[0].get("imageDigest"),
                           tuple(details[0].get("imageTags", ())))

    async def scan(self, image: ImageRef) -> ScanResult:
        """The scan findings' severity counts for a digest (status None: never scanned)."""
        client = await self.session.client("ecr")
        try:
            reply = await client.describe_image_scan_findings(
                registryId=image.registry_account, repositoryName=image.repository_name,
                imageId={"imageDigest": image.digest},
            )
        except Exception as exc:
            if error_code(exc) in NO_SCAN_CODES | MISSING_IMAGE_CODES:
                return ScanResult(None, {})
            raise translate(exc, f"read the scan findings of {short_digest(image.digest)}",
                            self.profile) from exc
        status = (reply.get("imageScanStatus") or {}).get("status")
        counts = (reply.get("imageScanFindings") or {}).get("findingSeverityCounts") or {}
        return ScanResult(status, dict(counts))

    async def manifest(self, image: ImageRef) -> tuple[str, str]:
        """The manifest and its media type of a digest (to copy it into another repository)."""
        reply = await self._call(
            "ecr", "batch_get_image", f"read the manifest of {short_digest(image.digest)}",
            registryId=image.registry_account, repositoryName=image.repository_name,
            imageIds=[{"imageDigest": image.digest}], acceptedMediaTypes=MANIFEST_TYPES,
        )
        images = reply.get("images", [])
        if not images:
            raise OperationError(
                f"{image.repository_name} has no image {short_digest(image.digest)} to copy."
            )
        return images[0]["imageManifest"], images[0].get("imageManifestMediaType", "")

    async def put_manifest(
        self, target: ImageRef, manifest: str, media_type: str, tag: str
    ) -> str:
        """PutImage into `target`'s repository; returns the digest ECR stored."""
        client = await self.session.client("ecr")
        params: dict[str, Any] = {
            "registryId": target.registry_account, "repositoryName": target.repository_name,
            "imageManifest": manifest, "imageTag": tag,
        }
        if media_type:
            params["imageManifestMediaType"] = media_type
        try:
            reply = await client.put_image(**params)
        except Exception as exc:
            code = error_code(exc)
            if code in {"ImageAlreadyExistsException", "ImageTagAlreadyExistsException"}:
                found = await self.lookup_image(target.with_tag(tag), by_tag=True)
                if found.digest:
                    return found.digest
            if code in {"LayersNotFoundException", "LayerInaccessibleException"}:
                raise OperationError(
                    f"ECR cannot copy the image into {target.repository_name}: its layers are "
                    "not in that repository (PutImage copies manifests, not layers); set up "
                    "ECR replication from the build registry to prod's account, or grant "
                    "prod pull access with a repository policy on the build repository."
                ) from exc
            raise translate(exc, f"copy the image into {target.repository_name}",
                            self.profile) from exc
        return str(reply["image"]["imageId"]["imageDigest"])


_gateways: weakref.WeakKeyDictionary[AwsSession, DeployGateway] = weakref.WeakKeyDictionary()


def deploy_gateway(session: AwsSession) -> DeployGateway:
    gateway = _gateways.get(session)
    if gateway is None:
        gateway = _gateways[session] = DeployGateway(session)
    return gateway
