"""Fast start-up: the TUI opens while the world is seeded, and what makes the seed cheap.

- `--demo tui` starts the servers, hands the command `args.wait_for_world`, and seeds in
  a thread; quitting before the seed is done still tears everything down.
- moto's EC2 backend is built without its 1,291 default AMIs, and the variable that
  says so does not outlive the seed.
- botocore loaders are shared per data path (custom model paths keep working) and a
  model asked for by two threads at once is parsed once.

The demo runs in a fresh interpreter: the test session's shared sandbox must not be in
the picture.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import botocore.loaders
import botocore.session

SCRIPT = r'''
import argparse, asyncio, gc, json, os, threading, time
from ecstui.cli.demo import run_in_demo

before = {t.name for t in threading.enumerate()}
seen = {}

def run(args):
    import boto3
    seen["config_written"] = os.path.isfile(args.config)
    seen["tmp"] = os.path.dirname(args.config)
    seen["ready_given"] = callable(getattr(args, "wait_for_world", None))
    if MODE == "quit-early":
        return 0
    asyncio.run(args.wait_for_world())
    seen["amis_var"] = os.environ.get("MOTO_EC2_LOAD_DEFAULT_AMIS")
    session = boto3.Session(profile_name="sandbox-prod")
    seen["services"] = len(session.client("ecs").list_services(cluster="prod")["serviceArns"])
    seen["amazon_images"] = len(session.client("ec2").describe_images(Owners=["amazon"])["Images"])
    seen["gc_enabled"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    return 0

seen["rc"] = run_in_demo(run, argparse.Namespace(config=None, command="tui"))
seen["tmp_left"] = os.path.exists(seen["tmp"])
seen["threads_left"] = sorted({t.name for t in threading.enumerate()} - before)
seen["gc_after"] = gc.isenabled()
print(json.dumps(seen))
'''


def run_demo(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", f"MODE = {mode!r}\n" + SCRIPT],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tui_demo_opens_before_the_seed_and_gets_the_whole_world() -> None:
    seen = run_demo("wait")
    assert seen["rc"] == 0 and seen["config_written"] and seen["ready_given"]
    assert seen["services"] == 5
    assert seen["amazon_images"] == 0  # no default AMIs were built
    assert seen["amis_var"] is None  # and the variable did not outlive the seed
    assert seen["gc_enabled"] is True and isinstance(seen["frozen"], int)
    assert seen["frozen"] > 10_000  # the seeded heap is frozen once the seed is done
    assert seen["threads_left"] == [] and seen["gc_after"] is True and not seen["tmp_left"]


def test_quitting_while_the_world_is_seeded_tears_everything_down() -> None:
    seen = run_demo("quit-early")
    assert seen["rc"] == 0 and seen["config_written"]
    assert seen["threads_left"] == [] and seen["gc_after"] is True and not seen["tmp_left"]


def test_sessions_share_one_loader_per_data_path(sandbox, tmp_path, monkeypatch) -> None:
    import boto3

    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    first = botocore.session.Session().get_component("data_loader")
    assert botocore.session.Session().get_component("data_loader") is first
    boto3.Session(), boto3.Session()  # each appends boto3's data dir to its loader's paths
    assert len(set(first.search_paths)) == len(first.search_paths)

    model = tmp_path / "ecstui-custom" / "2020-01-01"
    model.mkdir(parents=True)
    (model / "service-2.json").write_text(json.dumps({
        "version": "2.0",
        "metadata": {"apiVersion": "2020-01-01", "endpointPrefix": "ecstui-custom",
                     "protocol": "json", "serviceId": "ecstui custom", "signatureVersion": "v4",
                     "jsonVersion": "1.1", "targetPrefix": "Custom", "uid": "x"},
        "operations": {}, "shapes": {},
    }))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    custom = botocore.session.Session()
    assert custom.get_component("data_loader") is not first
    assert "ecstui-custom" in custom.get_available_services()
    assert custom.get_service_model("ecstui-custom").service_id == "ecstui custom"
    monkeypatch.delenv("AWS_DATA_PATH")
    assert "ecstui-custom" not in botocore.session.Session().get_available_services()


def test_a_model_asked_for_by_two_threads_is_parsed_once(sandbox) -> None:
    from ecstui.sandbox.loaders import shared

    reads: list[str] = []

    class Counting(botocore.loaders.JSONFileLoader):
        def load_file(self, file_path: str) -> object:
            reads.append(file_path)
            return super().load_file(file_path)

    def factory(search_path_string: str | None = None) -> botocore.loaders.Loader:
        return botocore.loaders.Loader(file_loader=Counting())

    loader = shared(factory)()
    start = threading.Barrier(2)

    def load() -> None:
        start.wait()
        loader.load_service_model("ec2", "service-2")

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([p for p in reads if p.endswith(str(Path("ec2", "2016-11-15", "service-2")))]) == 1


def test_botocore_factory_is_shared_in_the_sandbox_process(sandbox) -> None:
    assert botocore.loaders.create_loader is botocore.session.create_loader
    assert botocore.loaders.create_loader() is botocore.loaders.create_loader(None)
