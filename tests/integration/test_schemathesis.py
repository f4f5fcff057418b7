"""The API against its own document, by schemathesis: for every operation of /openapi.json,
requests generated from the document (valid ones and ones that break it), once without a token
and once as the demo admin, each answer checked: never a 5xx, only statuses the operation
documents, bodies and Content-Types as documented.

The app runs in-process (chalice.test.Client behind a small WSGI adapter, against the emulator),
with what the local API server adds in front of it: the gateway's problem+json for a path that
routes nowhere. Bounded and repeatable: MAX_EXAMPLES cases per operation and identity, the same
ones each run (derandomized), about a minute on two cores.

schemathesis's own pytest integration (`schemathesis.pytest.from_fixture`) does not run under
pytest 9 (it sets Function._nodeid, which pytest 9 no longer has), so the operations are
parametrized here and each one's cases drawn with Hypothesis directly.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from chalicelib.api.views.openapi import build_document
from local.api_server import gateway_error
from tests.support import DEMO_PASSWORD

MAX_EXAMPLES = 12
# Local-stage tools that change the world the other cases run in: the clock (ten years on, every
# token has expired) and the schedules (a registry push).
LEFT_OUT = {("POST", "/_local/clock"), ("POST", "/_local/schedules/{name}")}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

# The local stage's document: every route the in-process app has, the local ones too.
SCHEMA = schemathesis.openapi.from_dict(build_document(True))
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (found.ok() for found in SCHEMA.get_all_operations())
              if (op.method.upper(), op.path) not in LEFT_OUT}


class ChaliceWsgi:
    """A WSGI app over chalice.test.Client, so that schemathesis's WSGI transport can call the
    app in-process. The path goes as sent (percent-encoded), as the local server passes it."""

    def __init__(self, client) -> None:
        self.client = client

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        if "?" not in path and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        answer = self.client.http.request(method, path, headers=headers, body=body)
        status, answer_headers, payload = answer.status_code, dict(answer.headers), answer.body
        if "x-amzn-ErrorType" in answer_headers:  # Chalice's local gateway refused it: no route
            status, answer_headers, payload = gateway_error(status, payload or b"", method, path)
        start_response(f"{status} {HTTPStatus(status).phrase}", list(answer_headers.items()))
        return [payload if isinstance(payload, bytes) else (payload or "").encode()]


def _cases(operation):
    """Cases that follow the document and cases that break it, in one strategy."""
    return st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))


def _run(operation, app: ChaliceWsgi, headers: dict[str, str]) -> None:
    @given(case=_cases(operation))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True, print_blob=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def run(case):
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    run()


@pytest.fixture
def admin_headers(api, seeded):
    return {"Authorization": "Bearer " + api.login("admin@demo.satupintu.id", DEMO_PASSWORD)}


def test_every_route_of_the_document_is_exercised():
    documented = {(method.upper(), path) for path, ops in build_document(True)["paths"].items() for method in ops}
    assert {(label.split(" ", 1)[0], label.split(" ", 1)[1]) for label in OPERATIONS} | LEFT_OUT == documented


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_without_a_token_every_answer_is_documented(label, api, seeded):
    _run(OPERATIONS[label], ChaliceWsgi(api.client), {})


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_as_the_admin_every_answer_is_documented(label, api, admin_headers):
    _run(OPERATIONS[label], ChaliceWsgi(api.client), admin_headers)
