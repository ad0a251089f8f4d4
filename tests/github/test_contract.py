"""The contract checker itself: it must fail on shapes GitHub would not send or accept."""

from __future__ import annotations

import json
from pathlib import Path

from ecstui.sandbox.github.contract import OpenApiContract
from ecstui.sandbox.github.render import Renderer
from ecstui.sandbox.github.server import Exchange
from ecstui.sandbox.github.state import GitHubState

RUN = "/repos/{owner}/{repo}/actions/runs/{run_id}"
PENDING = RUN + "/pending_deployments"
PARAMS = {"owner": "acme", "repo": "my-app", "run_id": "9100005"}


def good_run() -> dict:
    state = GitHubState()
    return Renderer("http://127.0.0.1:1").run(state.repos["my-app"], state.runs[9100005])


def ex(template: str, body: object, status: int = 200, method: str = "GET",
       query: dict | None = None, request: object = None) -> Exchange:
    return Exchange(method, template, PARAMS, query or {}, request, status, body)


def test_a_seeded_run_conforms(contract: OpenApiContract) -> None:
    assert contract.check(ex(RUN, good_run())) == []


def test_missing_required_field_is_caught(contract: OpenApiContract) -> None:
    run = good_run()
    del run["head_sha"]
    assert any("head_sha" in p for p in contract.check(ex(RUN, run)))


def test_relative_url_and_bad_timestamp_are_caught(contract: OpenApiContract) -> None:
    run = good_run()
    run["created_at"] = "yesterday"
    run["actor"]["url"] = "/users/maria-oncall"
    problems = contract.check(ex(RUN, run))
    assert any("created_at" in p for p in problems)
    assert any("actor/url" in p for p in problems)


def test_review_body_needs_all_three_fields(contract: OpenApiContract) -> None:
    problems = contract.check(ex(PENDING, [], method="POST",
                                 request={"environment_ids": [1], "state": "approved"}))
    assert any("comment" in p for p in problems)
    problems = contract.check(ex(PENDING, [], method="POST",
                                 request={"environment_ids": [1], "state": "ok", "comment": ""}))
    assert any("state" in p for p in problems)


def test_undeclared_query_and_undocumented_status(contract: OpenApiContract) -> None:
    assert contract.check(ex(RUN, good_run(), query={"colour": "red"}))
    assert contract.check(ex(RUN, {"message": "x"}, status=418))
    assert contract.check(ex(RUN, {"message": "Not Found"}, status=404)) == []


def test_subset_names_its_source() -> None:
    data = json.loads(Path(__file__).with_name("openapi-subset.json").read_text())
    assert data["openapi"].startswith("3.0") and "x-ecstui-subset" in data["info"]
    assert PENDING in data["paths"] and "post" in data["paths"][PENDING]
