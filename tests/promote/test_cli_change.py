"""`ecstui promote|rollback|audit` as subprocesses: output, exit codes, non-TTY rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.promote.helpers import prod_service, revisions, sha


def ecstui(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecstui", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def cli_env(fresh_world, sandbox_env, state_dir: Path) -> dict[str, str]:
    return {**sandbox_env, "ECSTUI_STATE_DIR": str(state_dir), "NO_COLOR": "1"}


def test_demo_rollback_yes_rolls_back_and_exits_0(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "ECSTUI_STATE_DIR": str(tmp_path), "NO_COLOR": "1"}
    done = ecstui("--demo", "--service", "my-app", "rollback", "--yes", env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Rollback my-app in prod" in done.stdout
    assert "ecstui: done:" in done.stderr and "COMPLETED" in done.stderr
    assert "PRIMARY rev 3" in done.stderr  # live progress lines
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [r["outcome"] for r in records] == ["started", "succeeded"]


def test_demo_changes_stay_out_of_the_operators_real_audit_log(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "ECSTUI_STATE_DIR"}
    env.update(HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"), NO_COLOR="1")
    done = ecstui("--demo", "--service", "my-app", "rollback", "--yes", env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "COMPLETED" in done.stderr
    assert not list(tmp_path.rglob("audit.jsonl"))  # the demo's audit left with its sandbox


def test_demo_dry_run_exits_0_and_changes_nothing(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "ECSTUI_STATE_DIR": str(tmp_path)}
    done = ecstui("--demo", "--service", "my-app", "rollback", "--dry-run", env=env)
    assert done.returncode == 0, done.stderr
    assert "--dry-run: nothing was changed." in done.stderr
    assert "applied" not in done.stderr
    assert not (tmp_path / "audit.jsonl").exists()


def test_dry_run_changes_nothing_in_a_shared_world(fresh_world, cli_env, state_dir) -> None:
    before = (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world))
    config = str(fresh_world.config_path)
    for command in (["rollback", "--dry-run"], ["promote", "--dry-run"],
                    ["promote", sha("my-app", 4), "--force", "--dry-run"]):
        done = ecstui("--config", config, "--service", "my-app", *command, env=cli_env)
        assert done.returncode == 0, (command, done.stderr)
        assert "Ready: applying needs typing the service name." in done.stdout
    assert (prod_service(fresh_world)["taskDefinition"], revisions(fresh_world)) == before
    assert not (state_dir / "audit.jsonl").exists()


def test_without_a_terminal_and_without_yes_it_refuses_with_exit_2(fresh_world, cli_env) -> None:
    before = prod_service(fresh_world)["taskDefinition"]
    done = ecstui("--config", str(fresh_world.config_path), "--service", "my-app", "promote",
                  env=cli_env)
    assert done.returncode == 2
    assert "pass --yes" in done.stderr
    assert prod_service(fresh_world)["taskDefinition"] == before


def test_promote_into_the_source_environment_says_which_env_to_pass(fresh_world, cli_env) -> None:
    done = ecstui("--config", str(fresh_world.config_path), "--service", "my-app", "--env",
                  "pre-prod", "promote", "--dry-run", env=cli_env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ecstui: Promote goes from pre-prod to prod, so nothing promotes into pre-prod; "
        "leave out --env or pass --env prod.")


def test_a_refused_plan_exits_1_and_names_the_check(fresh_world, cli_env) -> None:
    done = ecstui("--config", str(fresh_world.config_path), "--service", "edge-proxy", "promote",
                  "--yes", env=cli_env)
    assert done.returncode == 1
    assert "REFUSED" in done.stdout
    assert "refused: not already in prod" in done.stderr


def test_promote_no_wait_then_audit_json(fresh_world, cli_env) -> None:
    config = str(fresh_world.config_path)
    done = ecstui("--config", config, "--service", "my-app", "promote", "--yes", "--no-wait",
                  env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "--no-wait: not following the rollout" in done.stderr
    shown = ecstui("--config", config, "audit", "--output", "json", env=cli_env)
    assert shown.returncode == 0, shown.stderr
    actions = json.loads(shown.stdout)["actions"]
    assert [(a["action"], a["service"], a["outcome"]) for a in actions] == [
        ("promote", "my-app", "started")]
    assert actions[0]["who"].endswith("assumed-role/ecstui-operator/ecstui-prod")
    assert actions[0]["deployment_id"].startswith("ecs-svc/")
    table = ecstui("--config", config, "audit", env=cli_env)
    assert "promote" in table.stdout and "my-app" in table.stdout


def test_promote_timeout_exits_1_and_says_the_deployment_was_left_running(
    fresh_world, cli_env
) -> None:
    done = ecstui("--config", str(fresh_world.config_path), "--service", "my-app", "promote",
                  "--yes", "--timeout", "0.1", env=cli_env)
    assert done.returncode == 1, done.stderr
    assert "left running" in done.stderr


def test_ctrl_c_while_watching_stops_watching_not_the_deployment(fresh_world, cli_env) -> None:
    import signal

    from tests.promote.helpers import wait_settled

    process = subprocess.Popen(
        [sys.executable, "-m", "ecstui", "--config", str(fresh_world.config_path), "--service",
         "my-app", "promote", "--yes"],
        env=cli_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("ecstui: applied"):
                break
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, rest
    assert "The deployment was NOT stopped" in rest
    # ECS carries on: the service settles on the promoted revision.
    assert wait_settled(fresh_world)["taskDefinition"].endswith(":5")
    records = [json.loads(line) for line in
               (Path(cli_env["ECSTUI_STATE_DIR"]) / "audit.jsonl").read_text().splitlines()]
    assert [r["outcome"] for r in records] == ["started", "detached"]
