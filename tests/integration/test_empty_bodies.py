"""Actions whose body is optional (every field may be left out) or that take none accept a request
with no body at all: no bytes, `Content-Length: 0`, with a JSON content type or none. Issue 18:
`POST …/withdraw` without `{}` answered 400 "a JSON body is required"."""

from __future__ import annotations

import re

import pytest

from chalicelib.api.http import resolve
from chalicelib.api.routes import ROUTES
from tests.integration.test_bad_input import PERMIT
from tests.support import DEMO_PASSWORD, make_user

EMPTY_WAYS = {
    "json-no-length": {"Content-Type": "application/json"},
    "json-length-0": {"Content-Type": "application/json", "Content-Length": "0"},
    "no-type-length-0": {"Content-Length": "0"},
}


def _body_optional(target: str) -> bool:
    body = resolve(target).body
    if body is None:
        return True
    try:
        body.model_validate({})
        return True
    except ValueError:
        return False


# Every write route a client may call without a body: the body is optional, or there is none.
OPTIONAL = [(method, path) for method, path, target in ROUTES
            if method in ("POST", "PUT", "PATCH") and not path.startswith("/_local") and _body_optional(target)]


def _empty(api, method: str, path: str, way: str, token: str):
    headers = {"Authorization": f"Bearer {token}", **EMPTY_WAYS[way]}
    response = api.client.http.request(method, path, headers=headers, body=b"")
    return response.status_code, (response.body or b"").decode()


def test_the_routes_with_an_optional_body_are_found():
    assert ("POST", "/applications/{id}/withdraw") in OPTIONAL
    assert ("PATCH", "/me") in OPTIONAL
    assert ("POST", "/applications/{id}/decision") not in OPTIONAL  # its action is required


@pytest.mark.parametrize("way", EMPTY_WAYS)
@pytest.mark.parametrize("method,path", OPTIONAL)
def test_every_route_with_an_optional_body_takes_none(api, seeded, method, path, way):
    """Asked about something that does not exist, the route answers as it would with `{}`
    (a 404, or what it does), never a 400, 415 or 422 about the missing body."""
    token = api.login("admin@demo.satupintu.id", DEMO_PASSWORD)
    concrete = re.sub(r"\{[a-z_]+\}", "nothing_here", path)
    status, text = _empty(api, method, concrete, way, token)
    assert status not in (400, 415, 422) and status < 500, (status, text)


@pytest.mark.parametrize("way", EMPTY_WAYS)
def test_an_application_is_withdrawn_with_no_body(api, seeded, way):
    applicant, password = make_user(api.deps)
    token = api.login(applicant.email, password)
    filed = api.post("/applications", {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office",
                                       "data": PERMIT}, token=token)
    assert filed.status == 201, filed.text
    status, text = _empty(api, "POST", f"/applications/{filed.json['id']}/withdraw", way, token)
    assert status == 200, text
    assert api.get(f"/applications/{filed.json['id']}", token=token).json["status"] == "withdrawn"


def test_a_profile_patched_with_no_body_changes_nothing(api, seeded):
    user, password = make_user(api.deps, name="Tetap Sama")
    token = api.login(user.email, password)
    status, text = _empty(api, "PATCH", "/me", "json-length-0", token)
    assert status == 200, text
    assert api.get("/me", token=token).json["name"] == "Tetap Sama"


def test_a_body_is_still_required_where_a_field_is(api, seeded):
    response = api.client.http.request("POST", "/auth/login", headers=EMPTY_WAYS["json-length-0"], body=b"")
    assert response.status_code == 400 and b"/problems/malformed-request" in response.body
