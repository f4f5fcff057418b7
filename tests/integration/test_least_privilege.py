"""Least privilege (issue 17): the functions no other test runs as themselves (the purge and the
registry schedules, and the integration run reading its key from Secrets Manager) run here, each
in a container of its own as on Lambda, and every AWS call they make is allowed by their own
policy file. Every other function's calls are checked over the whole session (conftest.py,
tests/aws_calls.py); the policies' shape is checked in tests/unit/test_policies.py."""

from __future__ import annotations

import boto3
import pytest
import requests

from chalicelib.domain import integrations as reg
from local.stack import REGION
from tests import aws_calls
from tests.integration.test_integrations import approve_birth, owe_expenditures, standins  # noqa: F401 - a fixture
from tests.support import deliver_queue, make_people, unique_email

BIOS_KEY_SECRET = "satupintu/bios-key"


@pytest.fixture
def registries(standins, aws, monkeypatch):  # noqa: F811 - the imported fixture
    """The registries' stand-ins, the finance registry's key read from Secrets Manager as on AWS."""
    secrets = boto3.client("secretsmanager", region_name=REGION, endpoint_url=aws.url)
    try:
        secrets.create_secret(Name=BIOS_KEY_SECRET, SecretString="kunci-uji")
    except secrets.exceptions.ResourceExistsException:
        pass
    monkeypatch.setenv("BIOS_BASE_URL", f"{standins.url}/bios")
    monkeypatch.setenv("BIOS_SATKER", "satker-uji")
    monkeypatch.setenv("BIOS_KEY_SECRET_ID", BIOS_KEY_SECRET)
    monkeypatch.delenv("BIOS_KEY", raising=False)
    monkeypatch.setenv("CIVIL_REGISTRY_BASE_URL", f"{standins.url}/civil")
    monkeypatch.setenv("REGISTRY_RETRY_BASE_SECONDS", "0")
    monkeypatch.setenv("REGISTRY_TIMEOUT_SECONDS", "2")
    requests.delete(f"{standins.url}/_standin/faults", timeout=5)
    return standins


def run_as_lambda(api, name: str) -> list[aws_calls.Call]:
    """Run a scheduled function in a fresh container (nothing cached from another function),
    as its schedule would; answers the calls it made."""
    from chalicelib import deps as deps_module

    deps_module.reset()
    with aws_calls.capture() as calls:
        answer = api.post(f"/_local/schedules/{name}")
    assert answer.status == 200, answer.text
    return [call for call in calls if call.function == name]


def needed(calls: list[aws_calls.Call]) -> set[str]:
    return {request.action for call in calls for request in call.requests}


def test_the_registry_schedules_read_their_key_open_niks_and_stay_within_their_policies(registries, api, seeded):
    app = approve_birth(api)  # a civil event owed, its NIKs sealed; its run is left in the queue
    owe_expenditures(api.deps, {"525111": 1_000})
    assert api.post("/_local/clock", {"advance_seconds": 3600}).status == 200

    calls = run_as_lambda(api, "retry_registry_sends")
    assert {"secretsmanager:GetSecretValue", "kms:Decrypt", "dynamodb:Query", "dynamodb:UpdateItem"} <= needed(calls)
    assert aws_calls.refused(calls) == []
    assert api.deps.send_log_store.get(reg.CIVIL_REGISTRY, "birth", app["id"]).state == "sent"

    record, = owe_expenditures(api.deps, {"525112": 2_000})
    calls = run_as_lambda(api, "push_finance_registry")
    assert {"secretsmanager:GetSecretValue", "dynamodb:Query", "dynamodb:UpdateItem"} <= needed(calls)
    assert aws_calls.refused(calls) == []
    assert api.deps.send_log_store.get(record.target, record.dataset, record.key).state == "sent"


def test_an_integration_run_reads_the_key_from_its_secret_within_its_policy(registries, api, seeded):
    from chalicelib import deps as deps_module

    ops = make_people(api, {"ops": [("ops", "org-demo")]})["ops"]
    record, = owe_expenditures(api.deps, {"525113": 3_000})
    answer = api.post("/integrations/bios/run", {"date": record.day}, token=ops)
    assert answer.status == 202, answer.text
    deps_module.reset()  # the run's own container
    with aws_calls.capture() as captured:
        assert deliver_queue(api.deps, "run_integration") >= 1
    calls = [call for call in captured if call.function == "run_integration"]
    assert "secretsmanager:GetSecretValue" in needed(calls)
    assert aws_calls.refused(calls) == []


def test_the_purge_removes_a_registration_never_verified_within_its_policy(api, seeded):
    email = unique_email("unverified")
    assert api.post("/auth/register", {"email": email, "password": "correct horse 1", "name": "Belum"}).status == 202
    api.deliver_mail()
    assert api.post("/_local/clock", {"advance_seconds": 8 * 86400}).status == 200
    calls = run_as_lambda(api, "purge_unverified_accounts")
    assert {"dynamodb:Query", "dynamodb:DeleteItem"} <= needed(calls)
    assert aws_calls.refused(calls) == []
    # Gone: the address can register again and gets a code, as a new one would.
    assert api.post("/auth/register", {"email": email, "password": "correct horse 2", "name": "Lagi"}).status == 202


def owe_refused_record(api, registries) -> reg.IntegrationRecord:
    """A record of the demo's root office (whose ops are told), due now, that the stand-in will
    refuse."""
    from chalicelib.adapters.dynamodb.send_log import add_to_send_log
    from chalicelib.adapters.dynamodb.table import run_transaction
    from tests.integration.test_integrations import a_past_day

    day, now = a_past_day(), api.deps.clock.now()
    record = reg.staff_record(day, ("org-demo",), {"pns": 1}, now)
    api.deps._models  # noqa: B018 (bind the models)
    run_transaction(lambda tx: add_to_send_log(tx, [record], now))
    answer = requests.post(f"{registries.url}/_standin/faults", json={"target": "bios", "reject": 1}, timeout=5)
    assert answer.status_code == 200
    return record


@pytest.mark.parametrize("function", ["retry_registry_sends", "push_finance_registry", "run_integration"])
def test_a_refused_record_tells_ops_from_each_registry_function_within_its_policy(registries, api, seeded, function):
    from chalicelib import deps as deps_module

    record = owe_refused_record(api, registries)
    if function == "run_integration":
        ops = make_people(api, {"ops": [("ops", "org-demo")]})["ops"]
        assert api.post("/integrations/bios/run", {"date": record.day}, token=ops).status == 202
        deps_module.reset()
        with aws_calls.capture() as captured:
            assert deliver_queue(api.deps, "run_integration") >= 1
        calls = [call for call in captured if call.function == function]
    else:
        calls = run_as_lambda(api, function)
    assert {"dynamodb:PutItem", "sqs:SendMessage"} <= needed(calls)
    assert aws_calls.refused(calls) == []
    assert api.deps.send_log_store.get(record.target, record.dataset, record.key).state == "failed"
