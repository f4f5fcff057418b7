"""API Gateway's own answers (unknown route, throttling, body too large...) as problem+json,
from infra/gateway-responses.json. infra/api_gateway.py puts them on the API (after `chalice
deploy`, or in the packaged template); the local API server answers the same from the same file
(local/api_server.py)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "gateway-responses.json"


def responses() -> dict[str, dict]:
    return {k: v for k, v in json.loads(SPEC.read_text()).items() if not k.startswith("_")}


def _template(spec: dict) -> str:
    body = {"type": f"/problems/{spec['slug']}", "title": spec["title"], "detail": spec["detail"]}
    if spec["status"] is not None:
        body["status"] = spec["status"]
    return json.dumps(body)


def response_properties(kind: str, spec: dict, origin: str) -> dict:
    """A gateway response's settings; `origin` is the web app's, so a browser can read the
    error (the stage's CORS origin, never `*`)."""
    properties = {
        "ResponseType": kind,
        "ResponseTemplates": {"application/json": _template(spec)},
        "ResponseParameters": {
            "gatewayresponse.header.Content-Type": "'application/problem+json'",
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
            "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
        },
    }
    if spec["status"] is not None:
        properties["StatusCode"] = str(spec["status"])
    return properties
