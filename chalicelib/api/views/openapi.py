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
                    "detail": {"type": "string", "description": (
                        "what is wrong, in the reader's language, the field named by its label")},
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


def _path_schema(name: str) -> dict[str, Any]:
    """What a path segment must be; an id that names nothing answers 404."""
    from chalicelib.domain.budgets import PERIOD_PATTERN
    from chalicelib.domain.integrations import TARGETS

    if name == "period":
        return {"type": "string", "pattern": PERIOD_PATTERN, "description": "a month, YYYY-MM, from 2000-01 to 2100-12"}
    if name == "target":
        return {"type": "string", "enum": list(TARGETS)}
    return {"type": "string", "minLength": 1}


def _parameters(path: str, ep: Endpoint) -> list[dict[str, Any]]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
                  for name in re.findall(r"{(\w+)}", path)]
    if ep.query is not None:
        query_schema = ep.query.model_json_schema()
        for name, prop in query_schema.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in query_schema.get("required", []),
                               "schema": prop})
    return parameters


# What any route may answer besides its own errors (http.py's pipeline and the gateway in front).
EVERY_ROUTE = {400, 415, 422, 429, 500, 503}
# Why, where the title alone does not say.
WHY = {
    400: "Malformed request: the body is not JSON, or a body was sent to a route that takes none",
    401: "Authentication required: no access token, or one that is not valid (see WWW-Authenticate)",
    404: "Not found: nothing by that name, or nothing the caller may see",
    413: "Request body too large",
    415: "Unsupported media type: a Content-Type other than application/json",
    422: "The request has invalid fields, or a query parameter this route does not take",
    429: "Too many requests: too many tries at a password or a code, or the gateway's throttling (see Retry-After)",
    503: "Service unavailable: a store that did not answer, or a setting missing; try again",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer challenge"}},
    405: {"Allow": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"schema": {"type": "string"}, "description": "seconds to wait"}},
}


def error_codes(path: str, ep: Endpoint) -> set[int]:
    """Every error status this route answers."""
    codes = set(ep.errors) | EVERY_ROUTE
    if ep.body is not None or ep.text_body is not None:
        codes.add(413)
    if ep.auth:
        codes.add(401)
    if "{" in path or ep.local_only:
        codes.add(404)  # a path that names nothing; a local route on another stage
    return codes


def _responses(path: str, ep: Endpoint, ref: Callable[[type[BaseModel]], dict[str, Any]]) -> dict[str, Any]:
    """The success answer, and a problem+json answer for every error the route can give."""
    success: dict[str, Any] = {"description": "OK"}
    if ep.response is not None:
        success["content"] = {"application/json": {"schema": ref(ep.response)}}
    responses = {str(ep.status): success if ep.status != 204 else {"description": "No content"}}
    for code in sorted(error_codes(path, ep)):
        responses[str(code)] = {
            "description": WHY.get(code) or TITLES.get(code, ("", "Error"))[1],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if code in _HEADERS:
            responses[str(code)]["headers"] = _HEADERS[code]
    return responses


def _operation(path: str, target: str, ep: Endpoint, ref: Callable[[type[BaseModel]], dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": target.replace(":", "_"),
        "summary": ep.summary,
        "tags": list(ep.tags),
        "parameters": _parameters(path, ep),
        "responses": _responses(path, ep, ref),
    }
    if ep.text_body is not None:
        operation["requestBody"] = {"required": True, "content": {ep.text_body: {"schema": {"type": "string"}}}}
    elif ep.body is not None:
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
