"""Image references: SHA and digest identification, as the pipeline tags and ECS resolves."""

import pytest

from ecstui.domain.images import ImageRef, is_git_sha, short_digest, short_sha

SHA = "3f786850e387550fdab836ed7e6dc881de23001b"
DIGEST = "sha256:" + "ab" * 32
ECR = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/my-app"


@pytest.mark.parametrize(
    ("image", "digest", "expected"),
    [
        (f"{ECR}:{SHA}", None, ImageRef(ECR, SHA, None)),
        (f"{ECR}@{DIGEST}", None, ImageRef(ECR, None, DIGEST)),
        (f"{ECR}:{SHA}@{DIGEST}", None, ImageRef(ECR, SHA, DIGEST)),
        (f"{ECR}:{SHA}", DIGEST, ImageRef(ECR, SHA, DIGEST)),
        ("localhost:5000/app", None, ImageRef("localhost:5000/app", None, None)),
        ("localhost:5000/app:latest", None, ImageRef("localhost:5000/app", "latest", None)),
        ("nginx", None, ImageRef("nginx", None, None)),
        ("nginx:1.27", None, ImageRef("nginx", "1.27", None)),
    ],
)
def test_parse(image: str, digest: str | None, expected: ImageRef) -> None:
    assert ImageRef.parse(image, digest) == expected


def test_sha_and_registry_facts() -> None:
    ref = ImageRef.parse(f"{ECR}:{SHA}", DIGEST)
    assert ref.sha == SHA
    assert ref.registry_account == "111111111111"
    assert ref.repository_name == "my-app"
    assert ref.pinned() == f"{ECR}@{DIGEST}"
    assert not ref.mutable_tag


def test_mutable_tag_is_flagged_and_sha_is_not() -> None:
    assert ImageRef.parse(f"{ECR}:latest").mutable_tag
    assert ImageRef.parse(f"{ECR}:latest").sha is None
    assert not ImageRef.parse(f"{ECR}:{SHA}").mutable_tag


def test_pinned_without_digest_is_an_error() -> None:
    with pytest.raises(ValueError, match="no digest"):
        ImageRef.parse(f"{ECR}:{SHA}").pinned()


def test_short_forms() -> None:
    assert is_git_sha(SHA) and not is_git_sha("latest") and not is_git_sha(None)
    assert short_sha(SHA) == "3f78685"
    assert short_digest(DIGEST) == "sha256:abababababab"
    assert short_sha(None) == short_digest(None) == "-"
