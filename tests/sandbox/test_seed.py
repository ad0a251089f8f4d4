"""What the seed writes straight into moto's models reads back over HTTP as if an
operator's infrastructure code had created it through the API."""

from __future__ import annotations

import pytest

from ecstui.sandbox import world

ACCOUNTS = {e.name: e.account_id for e in world.ENVIRONMENTS}


@pytest.mark.parametrize("env", [e.name for e in world.ENVIRONMENTS])
def test_repositories_read_back_as_created_through_the_api(sandbox, env: str) -> None:
    ecr = sandbox.client(env, "ecr")
    account = ACCOUNTS[env]
    found = {r["repositoryName"]: r for r in ecr.describe_repositories()["repositories"]}
    assert set(found) == {s.repository for s in world.SERVICES}
    for spec in world.SERVICES:
        repo = found[spec.repository]
        assert repo["registryId"] == account
        assert repo["repositoryUri"] == world.ecr_repository_uri(account, spec.repository)
        assert repo["imageTagMutability"] == "MUTABLE"
        assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repo["encryptionConfiguration"] == {"encryptionType": "AES256"}  # the default
        tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
        assert tags == [{"Key": "service", "Value": spec.name}]
        images = ecr.describe_images(repositoryName=spec.repository)["imageDetails"]
        assert {t for i in images for t in i.get("imageTags", [])} >= {
            c.sha for c in spec.commits}


@pytest.mark.parametrize("env", [e.name for e in world.ENVIRONMENTS])
def test_log_groups_read_back_with_their_retention(sandbox, env: str) -> None:
    logs = sandbox.client(env, "logs")
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups(
        logGroupNamePrefix="/ecs/")["logGroups"]}
    assert set(groups) == {f"/ecs/{s.name}" for s in world.SERVICES}
    assert {g["retentionInDays"] for g in groups.values()} == {30}
    assert all(g["arn"].startswith(f"arn:aws:logs:{world.REGION}:"
                                   f"{ACCOUNTS[env]}:log-group:/ecs/")
               for g in groups.values())
