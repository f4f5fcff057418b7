"""GET /openapi.json: OpenAPI 3.1, generated from the route table and each view's declared
request, query and response models, so it cannot drift from what the API does."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib import __version__
from chalicelib.api.http import Endpoint, endpoint, resolve
from chalicelib.api.problems import TITLES
from chalicelib.api.routes import ROUTES

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "detail", "code"],
                "properties": {
                    "field": {"type": "string", "description": "dotted path of the bad field, e.g. data.birth_date"},
                    "detail": {"type": "string", "description": "what is wrong, in English"},
                    "code": {"type": "string", "description": (
                        "the rule that failed (required, max_length, min, max, not_future, nik_region, "
                        "npwp_checksum, choice, document_required, …; `invalid` when no rule has a name)")},
                    "params": {"type": "object", "additionalProperties": True,
                               "description": "the rule's numbers, e.g. {\"limit\": 200}"},
                    "pointer": {"type": "string"},
                },
            },
        },
    },
}


def _operations(include_local: bool) -> list[tuple[str, str, str, Endpoint]]:
    found = []
    for method, path, target in ROUTES:
        ep = resolve(target)
        if ep.local_only and not include_local:
            continue
        found.append((method, path, target, ep))
    return found


def _parameters(path: str, ep: Endpoint) -> list[dict[str, Any]]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", path)]
    if ep.query is not None:
        query_schema = ep.query.model_json_schema()
        for name, prop in query_schema.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in query_schema.get("required", []),
                               "schema": prop})
    return parameters


def _responses(ep: Endpoint, ref: Callable[[type[BaseModel]], dict[str, Any]]) -> dict[str, Any]:
    """The success answer, and a problem+json answer for every error the route can give."""
    success: dict[str, Any] = {"description": "OK"}
    if ep.response is not None:
        success["content"] = {"application/json": {"schema": ref(ep.response)}}
    responses = {str(ep.status): success if ep.status != 204 else {"description": "No content"}}
    codes = set(ep.errors) | {500}
    if ep.body is not None:
        codes |= {400, 413, 415, 422}
    if ep.auth:
        codes.add(401)
    for code in sorted(codes):
        responses[str(code)] = {
            "description": TITLES.get(code, ("", "Error"))[1],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return responses


def _operation(path: str, target: str, ep: Endpoint, ref: Callable[[type[BaseModel]], dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": target.replace(":", "_"),
        "summary": ep.summary,
        "tags": list(ep.tags),
        "parameters": _parameters(path, ep),
        "responses": _responses(ep, ref),
    }
    if ep.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(ep.body)}}}
    if ep.auth:
        operation["security"] = [{"bearer": []}]
    return operation


@functools.cache
def build_document(include_local: bool) -> dict[str, Any]:
    operations = _operations(include_local)
    models: dict[type[BaseModel], str] = {}
    for _method, _path, _target, ep in operations:
        for model, mode in ((ep.body, "validation"), (ep.response, "serialization")):
            if model is not None:
                models.setdefault(model, mode)
    keyed, definitions = models_json_schema(
        [(model, mode) for model, mode in models.items()], ref_template="#/components/schemas/{model}"
    )
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return keyed[(model, models[model])]

    paths: dict[str, dict[str, Any]] = {}
    for method, path, target, ep in operations:
        paths.setdefault(path, {})[method.lower()] = _operation(path, target, ep, ref)

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "satupintu",
            "version": __version__,
            "description": "Online applications, evidence uploads and multi-level approvals. Errors are "
                           "application/problem+json (RFC 9457).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


@endpoint(summary="This document", auth=False, tags=("health",))
def document(ctx) -> dict[str, Any]:
    return build_document(ctx.deps.settings.is_local_stage)


def export(path: str) -> None:
    """Write the deployed stages' document (no local-only routes) for the web app's generated
    client: `python -m chalicelib.api.views.openapi web/openapi.json`."""
    import json
    from pathlib import Path

    Path(path).write_text(json.dumps(build_document(False), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    export(sys.argv[1] if len(sys.argv) > 1 else "web/openapi.json")
