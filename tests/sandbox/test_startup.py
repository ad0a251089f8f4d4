"""Fast start-up: the TUI opens while the world is seeded, and what makes the seed cheap.

- one-shot `--demo` commands run the sandbox in-process and tear it all down, also on
  Ctrl+C.
- `--demo tui` runs the sandbox in a child process (the TUI's process never loads moto),
  hands the command `args.wait_for_world`, and the child seeds while the TUI opens;
  quitting, Ctrl+C, or the TUI's process dying, before or after the seed, tears the
  child and its files down.
- moto's EC2 backend is built without its 1,291 default AMIs, and the variable that
  says so does not outlive the seed.
- botocore loaders are shared per data path (custom model paths keep working) and a
  model asked for by two threads at once is parsed once.

The demo runs in a fresh interpreter: the test session's shared sandbox must not be in
the picture.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import botocore.loaders
import botocore.session

SCRIPT = r'''
import argparse, asyncio, json, os, sys, threading, time
from ecstui.cli.demo import run_in_demo

def children():
    """This process's children, from /proc (the test runs on Linux)."""
    found = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append(int(stat))
    return found

before = {t.name for t in threading.enumerate()}
seen = {"env_before": os.environ.get("AWS_ENDPOINT_URL")}

def run(args):
    import boto3
    seen["config_written"] = os.path.isfile(args.config)
    seen["tmp"] = os.path.dirname(args.config)
    seen["url"] = os.environ["AWS_ENDPOINT_URL"]
    seen["ready_given"] = callable(getattr(args, "wait_for_world", None))
    seen["children"] = children()
    seen["preloaded"] = "PRELOADED" in os.environ
    if MODE == "quit-early":
        return 0
    if COMMAND != "tui":  # a one-shot command: the world is there, in this process
        account = boto3.Session(profile_name="sandbox-prod").client("sts").get_caller_identity()
        seen["account"] = account["Account"]
        seen["threads_inside"] = len(threading.enumerate())
    if MODE == "interrupt":
        raise KeyboardInterrupt
    if COMMAND != "tui":
        return 0
    asyncio.run(args.wait_for_world())
    if MODE == "die":  # after the seed: the child has nothing left to write to us
        print(json.dumps(seen), flush=True)
        time.sleep(60)
    seen["amis_var"] = os.environ.get("MOTO_EC2_LOAD_DEFAULT_AMIS")
    session = boto3.Session(profile_name="sandbox-prod")
    seen["services"] = len(session.client("ecs").list_services(cluster="prod")["serviceArns"])
    seen["amazon_images"] = len(session.client("ec2").describe_images(Owners=["amazon"])["Images"])
    seen["moto_here"] = "moto" in sys.modules
    return 0

try:
    seen["rc"] = run_in_demo(run, argparse.Namespace(config=None, command=COMMAND),
                             preload=lambda: os.environ.update(PRELOADED="1"))
except KeyboardInterrupt:
    seen["rc"] = "interrupted"
seen["tmp_left"] = os.path.exists(seen["tmp"])
seen["children_left"] = children()
seen["env_left"] = os.environ.get("AWS_ENDPOINT_URL")
seen["threads_left"] = sorted({t.name for t in threading.enumerate()} - before)
print(json.dumps(seen))
'''


def run_demo(mode: str, command: str = "tui") -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", f"MODE, COMMAND = {mode!r}, {command!r}\n"
                           + SCRIPT],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout.strip().splitlines()[-1])


def port_open(url: object) -> bool:
    host, port = str(url).removeprefix("http://").split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) == 0


def assert_torn_down(seen: dict[str, object]) -> None:
    assert seen["threads_left"] == [] and seen["children_left"] == []
    assert not seen["tmp_left"] and not port_open(seen["url"])
    assert seen["env_left"] == seen["env_before"] != seen["url"]  # restored, and was private


def test_tui_demo_opens_before_the_seed_and_gets_the_whole_world() -> None:
    seen = run_demo("wait")
    assert seen["rc"] == 0 and seen["config_written"] and seen["ready_given"]
    assert seen["preloaded"] and len(seen["children"]) == 1  # type: ignore[arg-type]
    assert seen["services"] == 5
    assert seen["amazon_images"] == 0  # no default AMIs were built
    assert seen["amis_var"] is None  # and the variable did not outlive the seed
    assert seen["moto_here"] is False  # the sandbox runs in the child, not beside the TUI
    assert_torn_down(seen)


def test_quitting_while_the_world_is_seeded_tears_everything_down() -> None:
    seen = run_demo("quit-early")
    assert seen["rc"] == 0 and seen["config_written"]
    assert_torn_down(seen)


def test_ctrl_c_in_the_tui_tears_the_sandbox_down() -> None:
    seen = run_demo("interrupt")
    assert seen["rc"] == "interrupted"
    assert_torn_down(seen)


def test_a_one_shot_demo_command_tears_everything_down() -> None:
    seen = run_demo("ok", command="status")
    assert seen["rc"] == 0 and seen["account"] == "222222222222"
    assert seen["children"] == []  # one-shot commands keep the sandbox in-process
    assert seen["threads_inside"] > 1  # the server, lifecycle and log writer did run
    assert_torn_down(seen)


def test_a_one_shot_demo_command_interrupted_still_tears_down() -> None:
    seen = run_demo("interrupt", command="status")
    assert seen["rc"] == "interrupted"
    assert_torn_down(seen)


def test_the_sandbox_child_stops_when_the_tui_process_dies() -> None:
    """A TUI killed outright (SIGKILL runs no cleanup) leaves no sandbox behind: the
    child sees its stdin close and stops itself."""
    parent = subprocess.Popen([sys.executable, "-c", "MODE, COMMAND = 'die', 'tui'\n" + SCRIPT],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        seen = json.loads(parent.stdout.readline())  # type: ignore[union-attr]
    finally:
        parent.kill()
        parent.wait()
    (child,) = seen["children"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _state(child) != "Z":
        time.sleep(0.1)
    alive = _state(child) != "Z"  # gone, or a zombie waiting for init to reap it
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the sandbox child outlived the TUI"
    assert not Path(str(seen["tmp"])).exists() and not port_open(seen["url"])


WITHOUT_MOTO = "import sys; sys.modules['moto'] = None\n"  # `import moto` now fails


def test_without_moto_the_demo_says_what_to_install() -> None:
    """Both demo paths: a one-shot command (in-process) and the TUI's child process."""
    from ecstui.errors import UsageError
    from ecstui.sandbox.process import SandboxProcess

    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MOTO + "from ecstui.cli.main import main\n"
         "raise SystemExit(main(['--demo', 'status']))"],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pip install 'ecstui[demo]'" in done.stderr and "Traceback" not in done.stderr

    child = SandboxProcess([sys.executable, "-c", WITHOUT_MOTO + "import runpy\n"
                            "runpy.run_module('ecstui.sandbox.child', run_name='__main__')"])
    try:
        child.start()
        try:
            child.servers()
        except UsageError as error:
            assert "pip install 'ecstui[demo]'" in error.message
        else:
            raise AssertionError("the child started without moto")
    finally:
        child.stop()


def test_a_sandbox_child_that_dies_or_hangs_is_one_sentence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ecstui.errors import OperationError
    from ecstui.sandbox import process
    from ecstui.sandbox.process import SandboxProcess

    crashed = SandboxProcess([sys.executable, "-c", "print('not json'); "
                              "raise SystemExit('port 4566 is taken')"])
    hung = SandboxProcess([sys.executable, "-c", "import sys; sys.stdin.read()"])  # silent
    monkeypatch.setattr(process, "SERVERS_TIMEOUT", 0.5)
    for child, expected in ((crashed, "The demo sandbox did not start (port 4566 is taken)"),
                            (hung, "The demo sandbox did not start within 0 s")):
        try:
            child.start()
            try:
                child.servers()
            except OperationError as error:
                assert error.message.startswith(expected), error.message
            else:
                raise AssertionError("servers() returned without a sandbox")
        finally:
            child.stop()


def _state(pid: int) -> str:
    """The process's state letter; "Z" also when it no longer exists."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


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
