"""Pure parts of the inventory, table-driven on recorded API shapes and the fixed world."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from ecstui.domain.images import ImageRef
from ecstui.domain.inventory_view import (
    duration,
    identity_text,
    inventory_document,
    markers,
    rows,
)
from ecstui.gateways.aws.ecs import (
    circuit_breaker_from_api,
    container_run_from_api,
    deployments_from_api,
    task_definition_from_api,
    task_from_api,
)
from tests.inventory.fixed import NOW, fixed_inventory

SHA = "02b8b688cac3e1dbc368160bd3994d63e07b3bf8"
DIGEST = "sha256:" + "c" * 64
REPO = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/acme/my-app"

# Shapes as botocore parses them (datetimes are naive only in older botocore; we accept both).
DESCRIBED_TASK = {
    "taskArn": "arn:aws:ecs:eu-west-1:222222222222:task/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:222222222222:task-definition/my-app:4",
    "lastStatus": "RUNNING",
    "desiredStatus": "RUNNING",
    "group": "service:my-app",
    "startedBy": "ecs-svc/5097221594951169440",
    "availabilityZone": "eu-west-1b",
    "healthStatus": "HEALTHY",
    "startedAt": datetime(2026, 11, 27, 17, 0, tzinfo=UTC),
    "containers": [
        {"name": "app", "image": f"{REPO}:{SHA}", "imageDigest": DIGEST,
         "lastStatus": "RUNNING", "healthStatus": "HEALTHY"},
        {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7.58.2",
         "lastStatus": "RUNNING"},
    ],
}

SERVICE = {
    "serviceName": "my-app",
    "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    "deployments": [
        {"id": "ecs-svc/1", "status": "ACTIVE", "taskDefinition": "td/my-app:3",
         "createdAt": datetime(2026, 11, 28, 8, 0, tzinfo=UTC), "rolloutState": "COMPLETED"},
        {"id": "ecs-svc/2", "status": "PRIMARY", "taskDefinition": "td/my-app:4",
         "createdAt": datetime(2026, 11, 28, 8, 50, tzinfo=UTC), "rolloutState": "IN_PROGRESS",
         "desiredCount": 3, "runningCount": 1, "pendingCount": 2, "failedTasks": 1},
    ],
}


def test_task_from_describe_tasks_keeps_the_digest_and_group() -> None:
    task = task_from_api(DESCRIBED_TASK)
    app = task.container("app")
    assert app is not None and app.image.sha == SHA and app.image.digest == DIGEST
    assert task.group == "service:my-app" and task.availability_zone == "eu-west-1b"
    assert task.started_at is not None and task.started_at.tzinfo is not None


def test_naive_times_become_utc() -> None:
    task = task_from_api({**DESCRIBED_TASK, "startedAt": datetime(2026, 11, 27, 17, 0)})  # noqa: DTZ001
    assert task.started_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_deployments_primary_first_and_circuit_breaker() -> None:
    deployments = deployments_from_api(SERVICE)
    assert [d.status for d in deployments] == ["PRIMARY", "ACTIVE"]
    assert deployments[0].revision == 4 and deployments[0].failed_tasks == 1
    breaker = circuit_breaker_from_api(SERVICE)
    assert breaker.enable and breaker.rollback
    assert not circuit_breaker_from_api({}).enable


@pytest.mark.parametrize(
    ("image", "sha", "digest", "mutable"),
    [
        (f"{REPO}:{SHA}", SHA, None, False),
        (f"{REPO}@{DIGEST}", None, DIGEST, False),
        (f"{REPO}:latest", None, None, True),
        (f"{REPO}:latest@{DIGEST}", None, DIGEST, False),
    ],
)
def test_task_definition_images(image: str, sha: str | None, digest: str | None,
                                mutable: bool) -> None:
    definition = task_definition_from_api({
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:222222222222:task-definition/my-app:4",
        "family": "my-app", "revision": 4, "status": "ACTIVE",
        "containerDefinitions": [{"name": "app", "image": image, "essential": True}],
    })
    container = definition.container("app")
    assert container is not None
    assert (container.image.sha, container.image.digest) == (sha, digest)
    assert (container.image.mutable_tag and not container.image.digest) == mutable
    assert definition.label == "my-app:4"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (86400 * 3, "3d"),
     (-5, "0s")],
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_rows_and_markers_of_the_fixed_world() -> None:
    inventory = fixed_inventory()
    by_key = {(r.environment, r.name): r for r in rows(inventory, NOW)}
    assert by_key[("prod", "my-app")].markers == ("behind",)
    assert by_key[("prod", "payments")].markers == ("mixed", "in-flight")
    assert by_key[("prod", "edge-proxy")].markers == ("mutable-tag",)
    assert by_key[("pre-prod", "my-app")].markers == ()
    assert by_key[("prod", "my-app")].sha == SHA[:7]
    (payments,) = inventory.find("payments", "prod")
    assert markers(inventory, payments, stale=True)[-1] == "stale"


def test_identity_line_shows_expiry() -> None:
    env = fixed_inventory().environments[1]
    assert identity_text(env, NOW) == "prod: ecstui-operator/ecstui-prod @ 222222222222, " \
                                      "expires in 47m"
    assert identity_text(env, NOW + timedelta(hours=1)).endswith("EXPIRED")


def test_json_document_matches_the_published_schema() -> None:
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" /
                         "inventory.schema.json").read_text())
    document = json.loads(json.dumps(inventory_document(fixed_inventory(), NOW)))
    jsonschema.validate(document, schema)
    assert document["generated_at"] == "2026-11-28T09:00:00Z"


OTHER = "sha256:" + "d" * 64


@pytest.mark.parametrize(("raw", "image", "declared"), [
    ({"image": f"{REPO}:{SHA}", "imageDigest": DIGEST},  # a tag, resolved by ECS
     ImageRef(REPO, SHA, DIGEST), ImageRef(REPO, SHA, None)),
    ({"image": f"{REPO}@{DIGEST}", "imageDigest": DIGEST},  # pinned by digest
     ImageRef(REPO, None, DIGEST), ImageRef(REPO, None, DIGEST)),
    ({"image": f"{REPO}@{DIGEST}", "imageDigest": OTHER},  # what runs wins
     ImageRef(REPO, None, OTHER), ImageRef(REPO, None, DIGEST)),
    ({"image": f"{REPO}:{SHA}"},  # not resolved yet
     ImageRef(REPO, SHA, None), ImageRef(REPO, SHA, None)),
    ({"imageDigest": DIGEST},  # no image string reported: the definition has it
     ImageRef("", None, DIGEST), None),
])
def test_a_container_runs_its_declared_image_at_the_reported_digest(raw, image, declared) -> None:  # type: ignore[no-untyped-def]
    run = container_run_from_api({"name": "app", **raw})
    assert (run.image, run.declared) == (image, declared)
