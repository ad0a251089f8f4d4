"""`ecstui runs|approvals|approve|reject` in-process against the full sandbox (moto + GitHub)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import pytest

from ecstui.cli.main import main
from ecstui.sandbox import world

MY_APP = world.service_spec("my-app")
WAITING_SHA = world.sha_for("my-app", MY_APP.awaiting_prod or 0)


def cli(sandbox, capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main([*argv, "--config", str(sandbox.config_path)])
    out, err = capsys.readouterr()
    return code, out, err


def waiting_run_id(sandbox, repo: str) -> int:  # type: ignore[no-untyped-def]
    [run] = [r for r in sandbox.github.state.repo_runs(repo) if r.status == "waiting"]
    return run.id


def test_approvals_lists_waiting_runs(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(sandbox, capsys, "approvals")
    assert code == 0
    assert str(waiting_run_id(sandbox, "my-app")) in out and "my-app" in out and "orders" in out
    assert "YOU CAN APPROVE" in out and "2 waiting (you are @maria-oncall)" in out


def test_approvals_json(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(sandbox, capsys, "approvals", "--output", "json")
    doc = json.loads(out)
    assert code == 0 and doc["schema_version"] == 1 and doc["viewer"] == "maria-oncall"
    mine = {a["run"]["repository"]: a["environments"][0]["current_user_can_approve"]
            for a in doc["approvals"]}
    assert mine == {"acme/my-app": True, "acme/orders": False}


def test_runs_ties_runs_to_ecs(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(sandbox, capsys, "runs", "--service", "my-app", "--output", "json")
    assert code == 0, err
    doc = json.loads(out)
    [repo] = doc["repositories"]
    where = {r["head_sha"]: r["running_in"] for r in repo["runs"]}
    assert where[WAITING_SHA] == ["pre-prod"]
    assert where[world.sha_for("my-app", MY_APP.running["prod"])] == ["prod"]
    running = {(b["environment"], b["title"]) for b in doc["running"]}
    assert ("prod", "Fix timezone in order export") in running
    assert doc["rate_limit"]["limit"] == 5000


def test_runs_table(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(sandbox, capsys, "runs", "--no-ecs")
    assert code == 0 and "⏸ waiting" in out and "GitHub rate limit:" in out
    assert "Retry payment webhook on 502" in out and "edge-proxy" in out


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_runs_limit_below_one_is_a_usage_error(sandbox, capsys, limit: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(sandbox, capsys, "runs", "--limit", limit)
    assert code == 2 and out == ""
    assert err == f"ecstui: --limit {limit} shows no runs; pass 1 or more, e.g. --limit 10.\n"


def test_not_a_reviewer_is_refused(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    run_id = waiting_run_id(sandbox, "orders")
    code, out, err = cli(sandbox, capsys, "approve", str(run_id), "--env", "prod")
    assert code == 1 and out == ""
    assert "maria-oncall is not a required reviewer of 'prod' in acme/orders" in err


def test_reject_needs_a_comment(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        main(["reject", "1", "--env", "prod", "--config", str(sandbox.config_path)])
    assert exited.value.code == 2


def test_approve_needs_env_and_a_waiting_run(sandbox, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(sandbox, capsys, "approve", "9100003")
    assert code == 2 and "--env" in err
    code, _, err = cli(sandbox, capsys, "approve", "9100003", "--env", "prod")
    assert code == 2 and "not waiting for a review (it is success)" in err
    code, _, err = cli(sandbox, capsys, "approve", "42", "--env", "prod")
    assert code == 2 and "No run 42" in err


def test_no_token_says_how_to_get_one(sandbox, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GH_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN")
    code, out, err = cli(sandbox, capsys, "approvals")
    assert code == 3 and "set GH_TOKEN or run `gh auth login`" in err and out == ""


def prod_sha(sandbox) -> str | None:  # type: ignore[no-untyped-def]
    from ecstui.config import load_settings
    from ecstui.core.inventory import load_inventory
    from ecstui.core.workspace import Workspace

    async def read() -> str | None:
        workspace = Workspace(load_settings(sandbox.config_path))
        try:
            inventory = await load_inventory(workspace, env="prod", service="my-app")
        finally:
            await workspace.close()
        [svc] = inventory.find("my-app", "prod")
        return None if svc.mixed else svc.sha

    return asyncio.run(read())


def test_approve_rolls_prod_to_the_sha(fresh_world, capsys) -> None:  # type: ignore[no-untyped-def]
    run_id = waiting_run_id(fresh_world, "my-app")
    code, out, err = cli(fresh_world, capsys, "approve", str(run_id), "--env", "prod",
                         "--comment", "ship it")
    assert code == 0, err
    assert f"Approved run {run_id} (acme/my-app) for prod" in out
    assert f"Approve run {run_id} of acme/my-app (#6 \"Retry payment webhook on 502\"" in out
    deadline = time.monotonic() + 60
    while prod_sha(fresh_world) != WAITING_SHA:
        assert time.monotonic() < deadline, "prod never ran the approved SHA"
        time.sleep(0.5)
    run = fresh_world.github.state.runs[run_id]
    assert (run.status, run.conclusion) == ("completed", "success")
    assert fresh_world.github.violations == []


def test_reject_fails_the_run(fresh_world, capsys) -> None:  # type: ignore[no-untyped-def]
    run_id = waiting_run_id(fresh_world, "my-app")
    code, out, _ = cli(fresh_world, capsys, "reject", str(run_id), "--env", "prod",
                       "--comment", "not during the incident")
    assert code == 0 and "Rejected run" in out
    assert fresh_world.github.state.runs[run_id].conclusion == "failure"


def test_demo_approve_exits_zero() -> None:
    # A clean environment: the session sandbox's AWS_ENDPOINT_URL would win over the
    # demo's own profiles (botocore prefers the variable), and seed the wrong moto.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GH_", "GITHUB_", "ECSTUI_SANDBOX"))}
    done = subprocess.run(
        [sys.executable, "-m", "ecstui", "--demo", "approve", str(9_100_005), "--env", "prod"],
        capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert "Approved run 9100005 (acme/my-app) for prod" in done.stdout
    assert "ghp_" not in done.stdout + done.stderr


def test_the_shared_sandbox_checks_github_traffic(sandbox) -> None:  # type: ignore[no-untyped-def]
    """conftest turns the OpenAPI check on for every test's sandbox GitHub."""
    assert sandbox.github.checker is not None
    assert sandbox.github.violations == []
