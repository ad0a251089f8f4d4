"""ECR, read side: which tags (git SHAs) a digest carries.

When a task definition pins an image by digest, the digest is all ECS reports;
`DescribeImages` maps it back to its tags. A digest's content never changes, so
answers are cached for as long as the session lives.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

from ecstui.domain.images import ImageRef, is_git_sha
from ecstui.gateways.aws.errors import translate

if TYPE_CHECKING:
    from ecstui.gateways.aws.session import AwsSession

DESCRIBE_IMAGES_BATCH = 100  # the API's limit on imageIds

Key = tuple[str | None, str, str]  # (registry account, repository name, digest)


class EcrGateway:
    def __init__(self, session: AwsSession, limit: asyncio.Semaphore | None = None) -> None:
        self.session = session
        self.limit = limit or asyncio.Semaphore(16)
        self._tags: dict[Key, tuple[str, ...]] = {}

    async def tags_of(self, images: list[ImageRef]) -> dict[Key, tuple[str, ...]]:
        """Tags of each ECR image's digest; one request per repository for the unknown ones."""
        wanted: dict[tuple[str | None, str], set[str]] = {}
        for image in images:
            if image.digest and image.registry_account:
                key = (image.registry_account, image.repository_name, image.digest)
                if key not in self._tags:
                    wanted.setdefault(key[:2], set()).add(image.digest)
        calls = [
            self._describe(account, repository, sorted(digests)[i : i + DESCRIBE_IMAGES_BATCH])
            for (account, repository), digests in wanted.items()
            for i in range(0, len(digests), DESCRIBE_IMAGES_BATCH)
        ]
        await asyncio.gather(*calls)
        return dict(self._tags)

    async def _describe(self, account: str | None, repository: str, digests: list[str]) -> None:
        client = await self.session.client("ecr")
        params: dict[str, object] = {
            "repositoryName": repository,
            "imageIds": [{"imageDigest": d} for d in digests],
        }
        if account:
            params["registryId"] = account
        async with self.limit:
            try:
                response = await client.describe_images(**params)
            except Exception as exc:
                raise translate(
                    exc, f"look up the tags of images in {repository}", self.session.profile_name
                ) from exc
        for detail in response.get("imageDetails", []):
            key = (account, repository, detail["imageDigest"])
            self._tags[key] = tuple(detail.get("imageTags", ()))
        for digest in digests:  # a digest ECR does not know has no tags; do not ask again
            self._tags.setdefault((account, repository, digest), ())

    def sha_of(self, image: ImageRef) -> str | None:
        """The git SHA tag of an image's digest, from what `tags_of` already fetched."""
        tags = self._tags.get((image.registry_account, image.repository_name, image.digest or ""))
        return next((t for t in tags or () if is_git_sha(t)), None)


_gateways: weakref.WeakKeyDictionary[AwsSession, EcrGateway] = weakref.WeakKeyDictionary()


def ecr_gateway(session: AwsSession) -> EcrGateway:
    gateway = _gateways.get(session)
    if gateway is None:
        gateway = _gateways[session] = EcrGateway(session)
    return gateway
