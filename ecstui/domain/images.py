"""Container image references: which git SHA and which digest a container runs.

The pipeline tags every image with the 40-hex git SHA of the commit it was built
from, and ECS resolves the tag to a digest when a deployment starts. An image
string in a task definition may carry a tag, a digest, both, or neither.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

GIT_SHA = re.compile(r"^[0-9a-f]{40}$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
MUTABLE_TAGS = frozenset({"latest", "main", "master", "stable", "prod", "production", "staging"})


@functools.lru_cache(maxsize=4096)  # a fleet repeats a few tags thousands of times
def is_git_sha(value: str | None) -> bool:
    return bool(value) and GIT_SHA.match(value or "") is not None


def short_sha(sha: str | None) -> str:
    """The 7 characters GitHub shows for a commit."""
    return sha[:7] if sha else "-"


def short_digest(digest: str | None) -> str:
    """`sha256:` plus 12 hex characters: enough to tell digests apart at a glance."""
    if not digest:
        return "-"
    return digest[: len("sha256:") + 12]


@dataclass(frozen=True)
class ImageRef:
    """One image, as written in a task definition or reported by a running task."""

    repository: str  # e.g. 111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app
    tag: str | None = None
    digest: str | None = None

    @classmethod
    def parse(cls, image: str, digest: str | None = None) -> ImageRef:
        """Parse `repo[:tag][@sha256:...]`; `digest` (from DescribeTasks) wins if given."""
        rest = image
        found_digest = None
        if "@" in rest:
            rest, found_digest = rest.split("@", 1)
        tag = None
        last_slash = rest.rfind("/")
        colon = rest.rfind(":")
        if colon > last_slash:
            rest, tag = rest[:colon], rest[colon + 1 :]
        return cls(repository=rest, tag=tag, digest=digest or found_digest)

    @property
    def registry(self) -> str | None:
        """The registry host, or None for Docker Hub short names."""
        first = self.repository.split("/", 1)[0]
        return first if ("." in first or ":" in first) and "/" in self.repository else None

    @property
    def repository_name(self) -> str:
        """The repository name without the registry host (what ECR APIs take)."""
        return self.repository.split("/", 1)[1] if self.registry else self.repository

    @property
    def registry_account(self) -> str | None:
        """The AWS account id of an ECR registry host, if it is one."""
        host = self.registry or ""
        account = host.split(".", 1)[0]
        return account if ".dkr.ecr." in host and account.isdigit() else None

    @property
    def sha(self) -> str | None:
        """The git SHA this image was built from, when its tag is one."""
        return self.tag if is_git_sha(self.tag) else None

    @property
    def pinned_by_digest(self) -> bool:
        return self.digest is not None

    @property
    def mutable_tag(self) -> bool:
        """True when the image is identified only by a tag that can move (e.g. `latest`)."""
        return self.tag is not None and not is_git_sha(self.tag) and self.tag in MUTABLE_TAGS

    def with_digest(self, digest: str | None) -> ImageRef:
        return ImageRef(self.repository, self.tag, digest)

    def with_tag(self, tag: str | None) -> ImageRef:
        return ImageRef(self.repository, tag, self.digest)

    def pinned(self) -> str:
        """The image string pinned by digest, for a task definition (`repo@sha256:...`)."""
        if not self.digest:
            raise ValueError(f"{self} has no digest to pin")
        return f"{self.repository}@{self.digest}"

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text
