"""`ecstui status` through a subprocess: JSON contract, filters, exit codes, light --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from ecstui.sandbox import world
from ecstui.sandbox.seed import expected_digest

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "inventory.schema.json"


def ecstui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecstui", *args], capture_output=True,
                          text=True, env=env, timeout=90)


def test_demo_status_json_lists_every_seeded_service_with_sha_and_digest() -> None:
    done = ecstui("--demo", "status", "--output", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["schema_version"] == 1
    by_key = {(s["environment"], s["name"]): s
              for e in document["environments"] for s in e["services"]}
    assert len(by_key) == len(world.SERVICES) * len(world.ENVIRONMENTS)
    for env in world.ENVIRONMENTS:
        for spec in world.SERVICES:
            service = by_key[(env.name, spec.name)]
            if env.name in spec.mixed:
                shas = {world.sha_for(spec.name, i) for i in spec.mixed[env.name]}
                assert service["mixed"] and set(service["running_shas"]) == shas
                assert {t["sha"] for t in service["tasks"] if t["last_status"] == "RUNNING"} == shas
                continue
            sha = world.sha_for(spec.name, spec.running[env.name])
            assert service["sha"] == sha and service["short_sha"] == sha[:7]
            assert service["digest"] == expected_digest(spec.name, sha)
    assert by_key[("prod", "my-app")]["behind"] is True
    assert by_key[("prod", "edge-proxy")]["mutable_tag"] is True


def test_demo_global_service_option_before_the_command() -> None:
    done = ecstui("--demo", "--service", "my-app", "status")
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    rows = [line for line in lines if line and line[0] == "my-app"]
    assert sorted(r[1] for r in rows) == ["pre-prod", "prod"]
    assert not any(line and line[0] in {"burrito", "payments"} for line in lines)
    prod = next(r for r in rows if r[1] == "prod")
    assert prod[3] == world.sha_for("my-app", world.service_spec("my-app").running["prod"])[:7]


def test_env_option_narrows_and_a_bad_env_is_a_usage_error(sandbox, sandbox_env) -> None:  # type: ignore[no-untyped-def]
    config = str(sandbox.config_path)
    done = ecstui("--config", config, "status", "--env", "prod", "-o", "json", env=sandbox_env)
    assert done.returncode == 0, done.stderr
    assert [e["name"] for e in json.loads(done.stdout)["environments"]] == ["prod"]

    bad = ecstui("--config", config, "status", "--env", "nope", env=sandbox_env)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "nope" in bad.stderr and "pre-prod" in bad.stderr

    unknown = ecstui("--config", config, "--service", "no-such-app", "status", env=sandbox_env)
    assert unknown.returncode == 2 and "no-such-app" in unknown.stderr


def test_help_does_not_import_textual_or_aiobotocore() -> None:
    for args in (["--help"], ["status", "--help"], ["--version"]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ecstui", *args],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0
        imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "ecstui.cli.main" in imported
        assert not {m for m in imported if m.split(".")[0] in {"textual", "aiobotocore",
                                                               "botocore", "boto3", "moto"}}
    assert "--output" in ecstui("status", "--help").stdout
