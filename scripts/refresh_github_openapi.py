"""Regenerate tests/github/openapi-subset.json from GitHub's official OpenAPI description.

The sandbox GitHub server is checked against the operations ecstui uses. The full
description is ~12 MB, so the repository keeps only those operations plus every
component they reference ($refs kept, resolvable inside the subset). Tests never
download anything; run this script by hand to move to a newer description:

    python scripts/refresh_github_openapi.py            # npm pack @octokit/openapi
    python scripts/refresh_github_openapi.py --tarball octokit-openapi-23.0.2.tgz
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
MEMBER = "package/generated/api.github.com.json"
OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "github" / "openapi-subset.json"

# (method, path) of every operation the sandbox serves and ecstui calls.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("get", "/user"),
    ("get", "/rate_limit"),
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/actions/workflows"),
    ("get", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}"),
    ("get", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"),
    ("post", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"),
    ("get", "/repos/{owner}/{repo}/actions/runs"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments"),
    ("post", "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments"),
    ("get", "/repos/{owner}/{repo}/environments"),
    ("get", "/repos/{owner}/{repo}/environments/{environment_name}"),
    ("get", "/repos/{owner}/{repo}/deployments"),
    ("get", "/repos/{owner}/{repo}/deployments/{deployment_id}"),
    ("get", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}"),
)
# Extra components the validator uses for undocumented error statuses.
EXTRA_SCHEMAS = ("basic-error", "validation-error")


def fetch_description(tarball: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        if tarball is None:
            out = subprocess.run(
                ["npm", "pack", PACKAGE, "--silent"],
                cwd=tmp, check=True, capture_output=True, text=True,
            )
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{tarball} has no {MEMBER}")
            return json.load(member)


def strip_examples(node: Any, names: bool = False) -> Any:
    """Examples are large and unused by validation: drop them (not properties so named)."""
    if isinstance(node, dict):
        return {
            k: strip_examples(v, names=k == "properties")
            for k, v in node.items()
            if names or k not in ("examples", "example")
        }
    if isinstance(node, list):
        return [strip_examples(v) for v in node]
    return node


def refs_in(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            found |= refs_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs_in(value)
    return found


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        paths.setdefault(path, {})[method] = strip_examples(operation)
    components: dict[str, dict[str, Any]] = {}
    pending = refs_in(paths) | {f"#/components/schemas/{n}" for n in EXTRA_SCHEMAS}
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = strip_examples(spec["components"][kind][name])
        components.setdefault(kind, {})[name] = node
        pending |= refs_in(node) - seen
    return {
        "openapi": spec["openapi"],
        "info": {**spec["info"], "x-ecstui-subset": "scripts/refresh_github_openapi.py"},
        "paths": paths,
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="a local @octokit/openapi .tgz")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    result = subset(fetch_description(args.tarball))
    args.output.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    version = result["info"]["version"]
    print(f"wrote {args.output} ({len(result['paths'])} paths, @octokit/openapi {version})")


if __name__ == "__main__":
    main()
