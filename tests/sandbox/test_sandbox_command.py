"""`ecstui sandbox` runs the world in the foreground; its exports let another process in."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path


def test_exports_point_a_second_process_at_the_world_until_ctrl_c() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GH_", "GITHUB_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "ecstui", "sandbox", "--no-logs"], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        exports: dict[str, str] = {}
        unset: list[str] = []
        config = None
        for line in process.stdout:
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").strip().partition("=")
                exports[name] = shlex.split(value)[0]
            elif line.startswith("unset "):
                unset.append(line.split()[1])
            elif line.startswith("# then: "):
                config = shlex.split(line)[4]
                break
        assert config and Path(config).is_file()
        assert "AWS_ACCESS_KEY_ID" in unset and "AWS_PROFILE" in unset
        second = {**env, **exports}
        probe = ("import boto3; s = boto3.Session(profile_name='sandbox-prod'); "
                 "print(s.get_credentials().method, "
                 "s.client('ecs').list_clusters()['clusterArns'])")
        done = subprocess.run([sys.executable, "-c", probe], env=second, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("assume-role-with-web-identity")
        assert "cluster/prod" in done.stdout
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert not Path(config).exists()
