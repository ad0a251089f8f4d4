"""Domain: promote and rollback plans, table-driven on recorded API shapes (no I/O)."""

from __future__ import annotations

import pytest

from ecstui.domain.dispatch import DispatchTarget
from ecstui.domain.history import (
    RevisionInfo,
    ServiceDeploymentRecord,
    choose_target,
    parse_target,
    same_image,
)
from ecstui.domain.images import ImageRef
from ecstui.domain.planning import RegistryFacts, build_promote_plan, build_rollback_plan
from ecstui.domain.plans import Method
from ecstui.domain.rollout import RolloutState, assess
from ecstui.domain.taskdefs import (
    READ_ONLY_FIELDS,
    diff,
    registration_input,
    with_container_image,
)
from ecstui.errors import NotFoundError, RefusedError
from tests.promote.recorded import (
    BUILD_REPO,
    DIGEST_CUR,
    DIGEST_NEW,
    DIGEST_OLD,
    REPO,
    SHA_CUR,
    SHA_NEW,
    SHA_OLD,
    T0,
    TAGS,
    arn,
    deployment,
    describe_task_definition,
    service,
    task,
)

# --- task-definition surgery ---------------------------------------------------------


def test_registration_input_strips_read_only_fields_and_keeps_everything_else() -> None:
    raw = describe_task_definition(4, f"{REPO}:{SHA_CUR}")
    body = registration_input(raw, TAGS)
    assert not READ_ONLY_FIELDS & set(body)
    for key in set(raw) - READ_ONLY_FIELDS:
        assert body[key] == raw[key]
    assert body["tags"] == [{"key": "service", "value": "my-app"},
                            {"key": "team", "value": "payments"}]


def test_with_container_image_changes_only_that_image() -> None:
    body = registration_input(describe_task_definition(4, f"{REPO}:{SHA_CUR}"), TAGS)
    new = with_container_image(body, "app", f"{REPO}@{DIGEST_NEW}")
    changes = diff(body, new)
    assert [(c.path, c.after) for c in changes] == [
        ("containerDefinitions[app].image", f"{REPO}@{DIGEST_NEW}")]
    assert body["containerDefinitions"][0]["image"] == f"{REPO}:{SHA_CUR}"  # not mutated
    with pytest.raises(ValueError, match="no container named 'web'"):
        with_container_image(body, "web", "x")


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({"cpu": "512"}, {"cpu": "1024"}, [("cpu", "512", "1024")]),
    # Reordered named lists are not changes.
    ({"containerDefinitions": [{"name": "a", "cpu": 0}, {"name": "b", "cpu": 0}]},
     {"containerDefinitions": [{"name": "b", "cpu": 0}, {"name": "a", "cpu": 0}]}, []),
    # Plain environment values may be secrets: the change is shown, never the value.
    ({"containerDefinitions": [{"name": "a", "environment": [{"name": "K", "value": "x"}]}]},
     {"containerDefinitions": [{"name": "a", "environment": [{"name": "K", "value": "y"}]}]},
     [("containerDefinitions[a].environment[K].value", "(value not shown)",
       "(value not shown)")]),
    ({"volumes": []}, {"volumes": [{"name": "tmp"}]},
     [("volumes[tmp]", "(none)", '{"name": "tmp"}')]),
])
def test_diff(before: dict, after: dict, expected: list) -> None:
    assert [(c.path, c.before, c.after) for c in diff(before, after)] == expected


# --- promote plans -------------------------------------------------------------------

UPSTREAM_IMAGE = f"{BUILD_REPO}:{SHA_NEW}"


def upstream(**kwargs) -> object:
    defaults = dict(revision=9, image=UPSTREAM_IMAGE, digest=DIGEST_NEW, environment="pre-prod",
                    desired=2)
    defaults.update(kwargs)
    return service(**defaults)


def promote(prod=None, up=None, sha=SHA_NEW, image=None, registry=None, **kwargs):
    prod = prod or service()
    up = up if up is not None else upstream()
    image = image or ImageRef(BUILD_REPO, SHA_NEW, DIGEST_NEW)
    registry = registry or RegistryFacts(REPO, True)
    return build_promote_plan(prod=prod, upstream=up, source_env="pre-prod", sha=sha,
                              image=image, registry=registry, **kwargs)


def failed(plan) -> list[str]:
    return [c.name for c in plan.refusals]


def test_promote_plan_pins_digest_in_prods_repository_and_changes_only_the_image() -> None:
    plan = promote()
    assert plan.ok, plan.render()
    assert plan.method is Method.REGISTER_AND_UPDATE
    app = next(c for c in plan.new_task_definition["containerDefinitions"] if c["name"] == "app")
    assert app["image"] == f"{REPO}@{DIGEST_NEW}"
    current = registration_input(service().task_definition.raw, TAGS)
    assert {k: v for k, v in plan.new_task_definition.items() if k != "containerDefinitions"} \
        == {k: v for k, v in current.items() if k != "containerDefinitions"}
    assert [c.path for c in plan.changes] == ["containerDefinitions[app].image"]
    text = plan.render()
    assert f"+ containerDefinitions[app].image: {REPO}@{DIGEST_NEW}" in text
    assert "Ready: applying needs a yes." in text
    assert "s3cr3t" not in str(plan.summary())


@pytest.mark.parametrize(("case", "kwargs", "expected"), [
    ("pre-prod does not run the SHA",
     dict(up=upstream(image=f"{BUILD_REPO}:{SHA_CUR}", digest=DIGEST_CUR)),
     ["runs healthy in pre-prod"]),
    ("pre-prod tasks unhealthy",
     dict(up=upstream(tasks=(task(9, UPSTREAM_IMAGE, DIGEST_NEW, health="UNHEALTHY"),))),
     ["runs healthy in pre-prod"]),
    ("pre-prod below desired", dict(up=upstream(running=1)), ["runs healthy in pre-prod"]),
    ("no digest known", dict(image=ImageRef(BUILD_REPO, SHA_NEW)),
     ["pinned by digest", "in prod's registry"]),
    ("prod cannot see the digest",
     dict(registry=RegistryFacts(REPO, False, advice="replicate it")), ["in prod's registry"]),
    ("prod already runs it",
     dict(prod=service(image=f"{REPO}@{DIGEST_NEW}", digest=DIGEST_NEW)),
     ["not already in prod"]),
    ("deployment in flight",
     dict(prod=service(deployments=(deployment("ecs-svc/2", "PRIMARY", 4, "IN_PROGRESS", 1),
                                    deployment("ecs-svc/1", "ACTIVE", 3, age_minutes=9)))),
     ["no deployment in flight"]),
    ("CRITICAL findings", dict(registry=RegistryFacts(REPO, True, critical_findings=2,
                                                      scan_status="COMPLETE")),
     ["no CRITICAL scan findings"]),
    ("CodeDeploy", dict(prod=service(controller="CODE_DEPLOY")), ["ECS deployment controller"]),
])
def test_promote_refusals(case: str, kwargs: dict, expected: list[str]) -> None:
    plan = promote(**kwargs)
    assert failed(plan) == expected, case
    assert "REFUSED" in plan.render()
    assert plan.refusal and expected[0] in plan.refusal


def test_force_turns_the_pre_prod_check_into_a_warning() -> None:
    plan = promote(up=upstream(image=f"{BUILD_REPO}:{SHA_CUR}", digest=DIGEST_CUR), forced=True)
    assert plan.ok
    assert [c.name for c in plan.warnings] == ["runs healthy in pre-prod"]
    assert "FORCED" in plan.render()


def test_scan_without_results_passes_and_says_so() -> None:
    check = next(c for c in promote().checks if c.name == "no CRITICAL scan findings")
    assert check.passed and "no scan findings exist" in check.detail


def test_copy_is_planned_when_a_prod_repository_is_configured() -> None:
    plan = promote(registry=RegistryFacts(REPO, False, copy_from=f"{BUILD_REPO}@{DIGEST_NEW}"))
    assert plan.ok
    assert plan.steps[0].startswith(f"copy {BUILD_REPO}@{DIGEST_NEW} into {REPO}")


def test_github_approval_plan_needs_a_waiting_run() -> None:
    plan = promote(promote_via="github-approval", repository="acme/my-app")
    assert plan.method is Method.GITHUB_APPROVE
    assert failed(plan) == ["run waiting for approval"]
    plan = promote(promote_via="github-approval", repository="acme/my-app", github_run_id=42)
    assert plan.ok and "approve run 42 of acme/my-app" in plan.steps[0]


# --- rollback target choice ----------------------------------------------------------


def rev(n: int, sha: str, digest: str | None = None, status: str = "ACTIVE") -> RevisionInfo:
    return RevisionInfo(arn(n), ImageRef(REPO, sha, digest), status)


REVISIONS = (rev(4, SHA_CUR), rev(3, SHA_OLD), rev(2, "1" * 40), rev(1, "2" * 40))
CURRENT = ImageRef(REPO, SHA_CUR, DIGEST_CUR)


def record(
    n: int, status: str, revision: int, sha: str, minutes_ago: int
) -> ServiceDeploymentRecord:
    from datetime import timedelta

    return ServiceDeploymentRecord(
        arn=f"arn:aws:ecs:eu-west-1:222222222222:service-deployment/prod/my-app/d{n}",
        status=status, task_definition_arn=arn(revision), image=ImageRef(REPO, sha),
        created_at=T0 - timedelta(minutes=minutes_ago))


@pytest.mark.parametrize(("case", "svc", "revisions", "history", "failed_arns", "to",
                          "expected", "source", "stop"), [
    ("previous revision", service(), REVISIONS, None, (), None, 3, "revisions", None),
    ("previous revision has the same image: skipped", service(),
     (rev(4, SHA_CUR), rev(3, SHA_CUR), rev(2, SHA_OLD)), None, (), None, 2, "revisions", None),
    ("a revision ecstui saw fail is skipped", service(), REVISIONS, None, (arn(3),), None, 2,
     "revisions", None),
    ("an INACTIVE revision is skipped", service(),
     (rev(4, SHA_CUR), rev(3, SHA_OLD, status="INACTIVE"), rev(2, "1" * 40)), None, (), None, 2,
     "revisions", None),
    ("revisions newer than the current one are not candidates", service(revision=3,
     image=f"{REPO}:{SHA_OLD}", digest=DIGEST_OLD),
     (rev(5, "9" * 40), *REVISIONS), None, (), None, 2, "revisions", None),
    ("in flight: back to the ACTIVE deployment", service(deployments=(
        deployment("ecs-svc/2", "PRIMARY", 4, "IN_PROGRESS", 1),
        deployment("ecs-svc/1", "ACTIVE", 3, age_minutes=30))),
     REVISIONS, None, (), None, 3, "deployments", None),
    ("in flight after a circuit-breaker rollback: never back to the FAILED one",
     service(deployments=(
         deployment("ecs-svc/3", "PRIMARY", 4, "IN_PROGRESS", 1),
         deployment("ecs-svc/2", "ACTIVE", 5, "FAILED", age_minutes=5))),
     (rev(5, "9" * 40), *REVISIONS), None, (), None, 3, "revisions", None),
    ("history: last successful with a different image", service(), REVISIONS, (
        record(3, "SUCCESSFUL", 4, SHA_CUR, 10), record(2, "SUCCESSFUL", 4, SHA_CUR, 60),
        record(1, "SUCCESSFUL", 2, "1" * 40, 120), record(0, "SUCCESSFUL", 3, SHA_OLD, 180)),
     (), None, 2, "service-deployments", None),
    ("history: a rolled-back deployment is no target", service(), REVISIONS, (
        record(3, "ROLLBACK_SUCCESSFUL", 5, "9" * 40, 5), record(2, "SUCCESSFUL", 4, SHA_CUR, 60),
        record(1, "SUCCESSFUL", 3, SHA_OLD, 120)),
     (), None, 3, "service-deployments", None),
    ("history: in flight -> stop with ROLLBACK", service(revision=5, image=f"{REPO}:{'9' * 40}",
     digest=None, deployments=(deployment("ecs-svc/3", "PRIMARY", 5, "IN_PROGRESS", 1),
                               deployment("ecs-svc/2", "ACTIVE", 4, age_minutes=30))),
     (rev(5, "9" * 40), *REVISIONS), (
        record(3, "IN_PROGRESS", 5, "9" * 40, 1), record(2, "SUCCESSFUL", 4, SHA_CUR, 60)),
     (), None, 4, "service-deployments", "d3"),
    ("--to a revision", service(), REVISIONS, None, (), "2", 2, "requested", None),
    ("--to family:revision", service(), REVISIONS, None, (), "my-app:1", 1, "requested", None),
    ("--to a short SHA", service(), REVISIONS, None, (), SHA_OLD[:7], 3, "requested", None),
])
def test_rollback_target(case, svc, revisions, history, failed_arns, to, expected, source,
                         stop) -> None:
    target = choose_target(svc, CURRENT if svc.revision == 4 else svc.defined_image, revisions,
                           history, frozenset(failed_arns), to)
    assert (target.revision.revision, target.source) == (expected, source), case
    assert (target.stop_deployment or "").endswith(stop or ""), case
    if stop is None:
        assert target.stop_deployment is None


@pytest.mark.parametrize(("to", "error", "match"), [
    ("4", RefusedError, "already runs my-app:4"),
    ("7", NotFoundError, "Revision 7 of my-app does not exist or is not ACTIVE"),
    ("deadbeef", NotFoundError, "No ACTIVE revision of my-app names an image tagged deadbee"),
    ("main", NotFoundError, "neither a revision"),
])
def test_rollback_to_errors(to: str, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        choose_target(service(), CURRENT, REVISIONS, None, frozenset(), to)


@pytest.mark.parametrize("to", ["999", "my-app:5"])
def test_rollback_to_a_missing_or_inactive_revision_says_so(to: str) -> None:
    """The core passes an undescribable revision as MISSING; it must not become the target."""
    revisions = (*REVISIONS, RevisionInfo(arn(999), None, "MISSING"), rev(5, "3" * 40,
                                                                        status="INACTIVE"))
    with pytest.raises(NotFoundError, match="does not exist or is not ACTIVE"):
        choose_target(service(), CURRENT, revisions, None, frozenset(), to)


def test_no_candidate_says_to_use_to() -> None:
    with pytest.raises(NotFoundError, match="pick one with --to"):
        choose_target(service(), CURRENT, (rev(4, SHA_CUR), rev(3, SHA_CUR)))


@pytest.mark.parametrize(("controller", "match"), [
    ("CODE_DEPLOY", "CodeDeploy owns its task sets"),
    ("EXTERNAL", "its task sets belong to the tool that created them"),
])
def test_rollback_refuses_other_controllers(controller: str, match: str) -> None:
    with pytest.raises(RefusedError, match=match):
        choose_target(service(controller=controller), CURRENT, REVISIONS)


def test_parse_target() -> None:
    assert parse_target("42") == ("revision", 42)
    assert parse_target("my-app:42") == ("revision", 42)
    assert parse_target(arn(42)) == ("revision", 42)
    assert parse_target(SHA_OLD.upper()[:10]) == ("sha", SHA_OLD[:10])


def test_same_image_uses_the_strongest_identity() -> None:
    assert same_image(ImageRef(REPO, SHA_CUR, DIGEST_CUR), ImageRef(REPO, None, DIGEST_CUR))
    assert not same_image(ImageRef(REPO, SHA_CUR, DIGEST_CUR), ImageRef(REPO, SHA_CUR, DIGEST_NEW))
    assert same_image(ImageRef(REPO, SHA_CUR), ImageRef(BUILD_REPO, SHA_CUR, DIGEST_CUR))
    assert not same_image(None, ImageRef(REPO, SHA_CUR))


def test_rollback_plan_shows_other_changes_as_a_warning_and_never_deregisters() -> None:
    svc = service()
    target = choose_target(svc, CURRENT, REVISIONS)
    target_raw = describe_task_definition(3, f"{REPO}:{SHA_OLD}", git_sha=SHA_OLD)
    plan = build_rollback_plan(service=svc, target=target, current_image=CURRENT,
                               target_raw=target_raw, protected=True)
    assert plan.ok and plan.method is Method.UPDATE_SERVICE
    assert [c.name for c in plan.warnings] == ["target proven good", "only the image changes"]
    text = plan.render()
    assert "UpdateService prod/my-app to the existing revision my-app:3" in text
    assert "my-app:4 stays registered (never deregistered)" in text
    assert "typing the service name" in text
    assert SHA_OLD not in str(plan.changes[0].after)  # GIT_SHA value redacted


# --- rollout assessment --------------------------------------------------------------

@pytest.mark.parametrize(("deployments", "target", "ours", "state", "match"), [
    ((deployment("d2", "PRIMARY", 5, "IN_PROGRESS", 1), deployment("d1", "ACTIVE", 4)),
     5, "d2", RolloutState.RUNNING, "1/3 tasks on revision 5"),
    ((deployment("d2", "PRIMARY", 5, "COMPLETED"), deployment("d1", "ACTIVE", 4, running=1)),
     5, "d2", RolloutState.RUNNING, "2 deployment"),
    ((deployment("d2", "PRIMARY", 5, "COMPLETED"),), 5, "d2", RolloutState.SUCCEEDED,
     "only deployment"),
    ((deployment("d2", "PRIMARY", 5, "FAILED", 0),), 5, "d2", RolloutState.FAILED, "FAILED"),
    # The waiter would call this stable: a circuit-breaker rollback replaced our deployment.
    ((deployment("d3", "PRIMARY", 4, "COMPLETED"),), 5, "d2", RolloutState.FAILED, "is gone"),
    ((deployment("d3", "PRIMARY", 4, "IN_PROGRESS"), deployment("d2", "ACTIVE", 5, "FAILED")),
     5, "d2", RolloutState.FAILED, "FAILED"),
    # Stop-with-ROLLBACK: no deployment id of ours; done when the target alone is COMPLETED.
    ((deployment("d9", "PRIMARY", 4, "COMPLETED"),), 4, None, RolloutState.SUCCEEDED, "only"),
])
def test_assess(deployments, target, ours, state, match) -> None:
    got, message = assess(service(deployments=deployments), arn(target), ours)
    assert got is state
    assert match in message


def test_github_dispatch_plan_says_exactly_what_is_dispatched() -> None:
    target = DispatchTarget(ref="main", workflow_name="Promote to prod", state="active")
    plan = promote(promote_via="github-dispatch", repository="acme/my-app",
                   workflow="promote.yml", dispatch=target)
    assert plan.method is Method.GITHUB_DISPATCH
    assert plan.ok, plan.render()
    assert (plan.github_ref, dict(plan.dispatch_inputs)) == ("main", {"sha": SHA_NEW})
    assert (f'dispatch workflow promote.yml of acme/my-app on ref main with inputs '
            f'{{"sha": "{SHA_NEW}"}}') in plan.render()
    assert plan.summary()["dispatch"] == {"repository": "acme/my-app", "workflow": "promote.yml",
                                          "ref": "main", "inputs": {"sha": SHA_NEW}}


@pytest.mark.parametrize(("target", "words"), [
    (DispatchTarget(problem="Workflow nope.yml was not found in acme/my-app; set it."),
     "nope.yml was not found"),
    (DispatchTarget(ref="main", workflow_name="Promote to prod", state="disabled_manually"),
     "is disabled_manually; enable it"),
    (None, "not checked"),
])
def test_github_dispatch_refused_when_the_workflow_cannot_run(target, words) -> None:
    plan = promote(promote_via="github-dispatch", repository="acme/my-app",
                   workflow="promote.yml", dispatch=target)
    assert failed(plan) == ["promote workflow can run"]
    assert words in plan.refusal
