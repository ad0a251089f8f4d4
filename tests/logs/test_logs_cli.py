"""`ecstui logs` as a process: lines for grep/jq, exit codes, closed pipes, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

ECSTUI = [sys.executable, "-m", "ecstui"]


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 60
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ECSTUI, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "my-app", "logs", "--since", "10x"], "--since '10x' is not a duration"),
        (["--service", "my-app", "logs", "--filter", '"open'], "not valid CloudWatch Logs"),
        (["logs"], "needs a service"),
    ],
)
def test_bad_input_is_a_usage_error_before_any_call(args: list[str], message: str) -> None:
    done = run(args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_plain_lines_for_grep(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    done = run(["--config", str(sandbox.config_path), "--service", "my-app", "--env", "prod",
                "logs", "--since", "2m"], env=sandbox_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines
    for line in lines:
        stamp, task, container, message = line.split(" ", 3)
        assert stamp.endswith("Z") and len(task) == 8 and container in {"app", "datadog-agent"}
    assert "\x1b[" not in done.stdout  # no colour into a pipe
    assert [line.split(" ", 1)[0] for line in lines] == sorted(
        line.split(" ", 1)[0] for line in lines)


def test_json_lines_for_jq(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    done = run(["--config", str(sandbox.config_path), "--service", "my-app", "logs",
                "--env", "prod", "--since", "2m", "--output", "json", "--filter", "WARN"],
               env=sandbox_env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records and all("WARN" in r["message"] for r in records)
    assert set(records[0]) >= {"timestamp", "task", "container", "stream", "level", "message"}
    assert records[0]["stream"].startswith("ecs/")


def test_without_env_prod_is_chosen_and_said(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    done = run(["--config", str(sandbox.config_path), "--service", "my-app", "logs",
                "--since", "1m"], env=sandbox_env)
    assert done.returncode == 0, done.stderr
    assert "my-app in prod (pass --env to choose)" in done.stderr


def test_follow_streams_until_ctrl_c(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    process = subprocess.Popen(
        [*ECSTUI, "--config", str(sandbox.config_path), "--service", "my-app", "--env", "prod",
         "logs", "--since", "10s", "--follow"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=sandbox_env,
    )
    time.sleep(6)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert "following by polling" in err  # the mode is said on stderr, never in the lines
    stamps = [line.split(" ", 1)[0] for line in out.splitlines()]
    assert len(stamps) > 5


@pytest.mark.skipif(os.name != "posix", reason="needs a shell pipeline")
def test_demo_into_head_exits_cleanly() -> None:
    # A clean environment: the test run's own sandbox variables must not reach the demo.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c",
         f"{sys.executable} -m ecstui --demo --service my-app logs --since 5m | head -5"],
        capture_output=True, text=True, timeout=90, check=False, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 5
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in sandbox_env.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    process = subprocess.Popen(
        [*ECSTUI, "--config", str(sandbox.config_path), "--service", "burrito", "--env",
         "prod", "logs", "--since", "1m"],
        stdout=slave, stderr=subprocess.PIPE, env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=30)
    os.close(master)
    text = b"".join(chunks).decode()
    assert process.returncode == 0
    assert "\x1b[2m" in text  # dim timestamps, coloured task ids
