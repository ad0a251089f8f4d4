"""Check sandbox GitHub traffic against GitHub's OpenAPI description (jsonschema, dev only).

The description is OpenAPI 3.0: `nullable: true` is rewritten to JSON Schema's
`null` type, `$ref`s are kept and resolved inside the same document. Checked per
exchange: the operation exists; every query parameter is declared and valid,
required ones present; the request body matches; the status is documented (or a
generic error status whose body is GitHub's `basic-error`) and the body matches.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = "urn:github-openapi"
ERROR_STATUSES = {"400", "401", "403", "404", "409", "422"}


def _rewrite(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: `nullable` to a null type, local $refs to ROOT."""
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
            out[key] = ROOT + value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _rewrite(sub) for name, sub in value.items()}
        else:
            out[key] = _rewrite(value)
    if out.pop("nullable", False) is True:
        if "type" in out and "$ref" not in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


class OpenApiContract:
    def __init__(self, document: dict[str, Any]) -> None:
        from jsonschema import Draft4Validator, FormatChecker
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        self.document = _rewrite(document)
        registry = Registry().with_resource(
            ROOT, Resource.from_contents(self.document, default_specification=DRAFT4)
        )
        formats = FormatChecker(formats=())
        formats.checks("date-time", raises=ValueError)(_date_time)
        formats.checks("uri", raises=ValueError)(_uri)
        self._validator = Draft4Validator({}, registry=registry, format_checker=formats)

    @classmethod
    def load(cls, path: str | Path) -> OpenApiContract:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix(ROOT + "#/").split("/"):
                target = target[part]
            node = target
        return node

    def errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        validator = self._validator.evolve(schema=schema)
        return [
            f"{where}{'/'.join(map(str, e.absolute_path)) or ''}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(e.path))[:5]
        ]

    def check(self, exchange: Any) -> list[str]:
        """Problems with one exchange (an `Exchange` from the server); empty when it conforms."""
        item = self.document["paths"].get(exchange.template)
        op = item.get(exchange.method.lower()) if item else None
        if op is None:
            return [f"{exchange.method} {exchange.template} is not in the description"]
        problems: list[str] = []
        params = [self.resolve(p) for p in op.get("parameters", [])]
        declared = {p["name"]: p for p in params if p["in"] == "query"}
        for name, value in exchange.query.items():
            spec = declared.get(name)
            if spec is None:
                problems.append(f"query parameter {name!r} is not declared")
                continue
            problems += self.errors(spec["schema"], _coerce(spec["schema"], value),
                                    f"query {name}: ")
        for p in params:
            if p.get("required") and p["in"] == "query" and p["name"] not in exchange.query:
                problems.append(f"required query parameter {p['name']!r} missing")
            if p["in"] == "path":
                value = exchange.params.get(p["name"])
                if value is None:
                    problems.append(f"path parameter {p['name']!r} missing")
                else:
                    problems += self.errors(p["schema"], _coerce(p["schema"], value),
                                            f"path {p['name']}: ")
        body_spec = op.get("requestBody")
        if body_spec is not None:
            schema = self.resolve(body_spec)["content"]["application/json"]["schema"]
            if exchange.request_body is None and body_spec.get("required"):
                problems.append("request body missing")
            elif exchange.request_body is not None:
                problems += self.errors(schema, exchange.request_body, "request ")
        elif exchange.request_body is not None:
            problems.append("request body sent to an operation that takes none")
        problems += self._check_response(op, exchange)
        return problems

    def _check_response(self, op: dict[str, Any], exchange: Any) -> list[str]:
        status = str(exchange.status)
        response = op["responses"].get(status)
        if response is None:
            if status in ERROR_STATUSES:
                schema = {"$ref": ROOT + "#/components/schemas/basic-error"}
                return self.errors(schema, exchange.response_body, f"response {status} ")
            return [f"status {status} is not documented for this operation"]
        content = self.resolve(response).get("content")
        if not content:
            return [] if exchange.response_body in (None, "") else [f"{status} has no body"]
        schema = content["application/json"]["schema"]
        return self.errors(schema, exchange.response_body, f"response {status} ")


def _coerce(schema: dict[str, Any], value: str) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


def _date_time(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _uri(value: object) -> bool:
    if isinstance(value, str):
        parts = urlsplit(value)
        if not (parts.scheme and parts.netloc):
            raise ValueError(f"{value!r} is not an absolute URI")
    return True
