"""The HTTP contract: every error is problem+json with the right status, bad input writes
nothing, and /openapi.json lists exactly the routes that exist."""

import json

import pytest

from chalicelib.api.routes import METHODS, ROUTES, routes_by_path
from tests.support import make_user


def assert_problem(answer, status):
    assert answer.status == status, answer.text
    assert answer.content_type == "application/problem+json"
    body = answer.json
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in answer.text and "File \"" not in answer.text
    return body


def test_malformed_json_is_400(api):
    assert_problem(api.post("/auth/login", raw=b'{"email": "a@b.id", "password": '), 400)


def test_a_body_that_is_not_an_object_is_422(api):
    body = assert_problem(api.post("/auth/login", raw=b'["a", "b"]'), 422)
    assert body["errors"][0]["field"] == "body"


def test_wrong_types_are_422_naming_each_field(api):
    body = assert_problem(api.post("/auth/login", {"email": 42, "password": ["x"]}), 422)
    assert {e["field"] for e in body["errors"]} == {"email", "password"}


def test_numbers_in_strings_are_not_coerced(api, seeded):
    from tests.integration.test_pii import file_birth

    _clerk, app = file_birth(api)  # an application the verifier reads: the body is read after the gate
    token = api.login("verifikator.kukusan@demo.satupintu.id")
    body = assert_problem(api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": "1"},
                                   token=token), 422)
    assert body["errors"][0]["field"] == "step"


ENGLISH = {"Accept-Language": "en"}  # anonymous requests read Indonesian unless they ask


def test_unknown_fields_are_422(api):
    body = assert_problem(api.post("/auth/login", {"email": "a@b.id", "password": "x", "admin": True}, headers=ENGLISH), 422)
    assert body["errors"] == [{"field": "admin", "detail": "is not a field of this request", "code": "unknown_field",
                               "pointer": "#/admin"}]


def test_every_field_problem_names_its_rule_and_numbers_for_clients_to_word(api):
    body = assert_problem(api.post("/auth/register", {"email": "a@b.id", "password": "kurang", "name": "A"},
                                   headers=ENGLISH), 422)
    assert body["errors"] == [{"field": "password", "detail": "must be at least 8 characters", "code": "min_length",
                               "params": {"limit": 8}, "pointer": "#/password"}]
    body = assert_problem(api.post("/auth/login", {"email": "a@b.id", "password": "x" * 1025}), 422)
    assert [(e["code"], e.get("params")) for e in body["errors"]] == [("max_length", {"limit": 1024})]
    assert [e["code"] for e in assert_problem(api.post("/auth/login", {"email": "a@b.id"}), 422)["errors"]] == ["required"]


def test_unknown_query_parameters_are_422(api):
    assert_problem(api.get("/services?sort=name"), 422)


def test_an_empty_body_where_one_is_needed_is_400(api):
    assert_problem(api.post("/auth/login"), 400)


def test_oversized_bodies_are_413(api):
    big = {"email": "a@b.id", "password": "x" * 70_000}
    assert_problem(api.post("/auth/login", big), 413)


def test_a_wrong_method_is_405_with_allow(api):
    answer = api.call("DELETE", "/auth/login")
    assert_problem(answer, 405)
    assert answer.header("Allow") == "POST"
    assert api.call("PUT", "/applications").header("Allow") == "GET, POST"


def test_a_body_that_is_not_json_is_415(api):
    answer = api.post("/auth/login", raw=b"email=a", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(answer, 415)


def test_missing_or_bad_credentials_are_401_with_a_challenge(api):
    answer = api.get("/me")
    assert_problem(answer, 401)
    assert answer.header("WWW-Authenticate").startswith("Bearer")
    assert_problem(api.get("/me", headers={"Authorization": "Basic YTpi"}), 401)


def test_a_crash_inside_a_view_is_a_500_problem_without_a_traceback(api, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals at /srv/app.py line 12")

    monkeypatch.setattr(type(api.deps.catalog), "current", explode)
    body = assert_problem(api.get("/services"), 500)
    assert "secret internals" not in json.dumps(body)


def test_bad_input_writes_nothing(api, seeded):
    user, password = make_user(api.deps)
    token = api.login(user.email, password)
    before = api.get("/applications", token=token).json["items"]
    for bad in (
        {"service_id": "test-simple-permit", "node_id": "dpmptsp-front-office", "data": {"title": 5}},
        {"service_id": "test-simple-permit", "node_id": "dpmptsp-front-office", "data": {"nope": 1}},
        {"service_id": "no-such-service", "node_id": "dpmptsp-front-office", "data": {}},
        {"service_id": "test-simple-permit", "node_id": "kel-kukusan", "data": {}},
    ):
        assert api.post("/applications", bad, token=token).status == 422
    assert api.get("/applications", token=token).json["items"] == before


def test_openapi_lists_every_route_and_nothing_else(api):
    document = api.get("/openapi.json").json
    assert document["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert documented == {(method, path) for method, path, _ in ROUTES}
    login = document["paths"]["/auth/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("LoginRequest")
    assert "application/problem+json" in login["responses"]["422"]["content"]
    assert document["paths"]["/me"]["get"]["security"] == [{"bearer": []}]
    for ref in json.dumps(document).split('"$ref": "')[1:]:
        name = ref.split('"')[0].rsplit("/", 1)[1]
        assert name in document["components"]["schemas"], name


def test_every_route_is_registered_for_every_method(chalice_app):
    for path, targets in routes_by_path().items():
        assert set(chalice_app.routes[path]) == set(METHODS), path
        assert set(targets) <= set(METHODS)


@pytest.mark.parametrize("path", ["/_local/mail", "/_local/demo", "/_local/schedules", "/_local/clock"])
def test_local_routes_do_not_exist_on_a_deployed_stage(deps, chalice_app, monkeypatch, path):
    from chalice.test import Client

    from chalicelib import deps as deps_module
    from tests.conftest import PROJECT
    from tests.support import Api

    monkeypatch.setenv("STAGE", "prod")
    deps_module.reset()
    with Client(chalice_app, stage_name="prod", project_dir=str(PROJECT)) as client:
        prod = Api(client, deps_module.container())
        assert prod.deps.settings.stage == "prod"
        assert_problem(prod.get(path), 404)
        assert all(not p.startswith("/_local") for p in prod.get("/openapi.json").json["paths"])


def transactions_failing_with(monkeypatch, error) -> list:
    """Every DynamoDB transaction fails at commit with `error()` (no waiting between retries);
    answers the client request tokens the tries were sent with."""
    from chalicelib.adapters.dynamodb import table

    sent_tokens = []

    class Failing:
        def __init__(self, connection, client_request_token=None):
            sent_tokens.append(client_request_token)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            raise error()

        def save(self, *a, **k):
            pass

        update = delete = condition_check = save

    monkeypatch.setattr(table, "TransactWrite", Failing)
    monkeypatch.setattr(table.time, "sleep", lambda _s: None)
    return sent_tokens


def test_a_write_that_keeps_colliding_with_another_transaction_is_a_409_not_a_500(api, seeded, monkeypatch):
    """DynamoDB cancels a transaction touching an item another one is writing; after the retries
    that is a 409 (try again), whichever store wrote (here: ending a session at logout)."""
    from types import SimpleNamespace

    from pynamodb.exceptions import TransactWriteError

    class CollidingError(TransactWriteError):
        cancellation_reasons = [SimpleNamespace(code="TransactionConflict"), None]

    user, password = make_user(api.deps)
    pair = api.post("/auth/login", {"email": user.email, "password": password}).json
    transactions_failing_with(monkeypatch, lambda: CollidingError("Transaction cancelled", None))
    answer = api.post("/auth/logout", {"refresh_token": pair["refresh_token"]}, token=pair["access_token"])
    assert "coba lagi" in assert_problem(answer, 409)["detail"]  # the account reads Indonesian


def test_a_database_that_does_not_answer_is_a_503_not_a_500(api, seeded, monkeypatch):
    from pynamodb.exceptions import TransactWriteError

    user, password = make_user(api.deps)
    pair = api.post("/auth/login", {"email": user.email, "password": password}).json
    sent_tokens = transactions_failing_with(monkeypatch,
                                            lambda: TransactWriteError("Failed to write transaction items", None))
    answer = api.post("/auth/logout", {"refresh_token": pair["refresh_token"]}, token=pair["access_token"])
    body = assert_problem(answer, 503)
    assert "coba lagi" in body["detail"]
    assert len(sent_tokens) == 4 and len(set(sent_tokens)) == 1  # every retry is the same transaction
