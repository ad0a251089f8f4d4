"""Stopping a sandbox (and `--demo`, even on Ctrl+C) leaves no thread, server or temp file.

Run in a fresh interpreter: the session's shared sandbox must not be in the picture.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r'''
import argparse, json, os, socket, threading
from ecstui.cli.demo import run_in_demo
from ecstui.sandbox.sandbox import Sandbox

before = {t.name for t in threading.enumerate()}
seen = {"env_before": os.environ.get("AWS_ENDPOINT_URL")}

def run(args):
    import boto3
    seen["config"] = args.config
    seen["tmp"] = os.path.dirname(args.config)
    seen["url"] = os.environ["AWS_ENDPOINT_URL"]
    account = boto3.Session(profile_name="sandbox-prod").client("sts").get_caller_identity()
    seen["account"] = account["Account"]
    seen["threads_inside"] = len(threading.enumerate())
    if MODE == "interrupt":
        raise KeyboardInterrupt
    return 0

try:
    seen["rc"] = run_in_demo(run, argparse.Namespace(config=None))
except KeyboardInterrupt:
    seen["rc"] = "interrupted"
host, port = seen["url"].removeprefix("http://").split(":")
with socket.socket() as probe:
    seen["port_open"] = probe.connect_ex((host, int(port))) == 0
seen["tmp_exists"] = os.path.exists(seen["tmp"])
seen["env_left"] = os.environ.get("AWS_ENDPOINT_URL")
seen["threads_left"] = sorted({t.name for t in threading.enumerate()} - before)
print(json.dumps(seen))
'''


def run_script(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", f"MODE = {mode!r}\n" + SCRIPT],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_demo_run_tears_everything_down() -> None:
    seen = run_script("ok")
    assert seen["rc"] == 0 and seen["account"] == "222222222222"
    assert seen["threads_inside"] > 1  # the server, lifecycle and log writer did run
    assert not seen["tmp_exists"] and not seen["port_open"]
    assert seen["env_left"] == seen["env_before"] != seen["url"]  # restored, and was private
    assert seen["threads_left"] == []


def test_demo_interrupted_still_tears_down() -> None:
    seen = run_script("interrupt")
    assert seen["rc"] == "interrupted"
    assert not seen["tmp_exists"] and not seen["port_open"] and seen["threads_left"] == []
