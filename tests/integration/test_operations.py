"""Ops' watch (issue 20, "Operations"), in-process against the emulator: a send-log record with
the registry's exact answers, the queues and their dead letters with a redrive that loses
nothing, and the scheduled functions' last runs."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib import queues
from chalicelib.domain import integrations as reg
from local.stack import REGION
from tests.integration.test_integrations import (  # noqa: F401 - fixtures
    entry, fault, owe_expenditures, quiet, registries, standins,
)
from tests.support import deliver_queue, make_people


@pytest.fixture
def people(api, seeded):
    return make_people(api, {"ops": [("ops", "org-demo")], "admin": [("admin", "org-demo")]})


def record_id_of(api, token, record) -> str:
    answer = api.get(f"/integrations/sends?target=bios&date={record.day}", token=token)
    assert answer.status == 200, answer.text
    [item] = [i for i in answer.json["items"] if i["key"] == record.key]
    return item["id"]


def test_a_refused_record_shows_the_registrys_exact_answer_and_its_rerun_adds_the_saving_one(quiet, api, people):  # noqa: F811
    [record] = owe_expenditures(api.deps, {"525117": 640_000})
    fault(quiet, reject_where={"kd_akun": "525117"})
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert entry(api.deps, record).state == "failed"
    record_id = record_id_of(api, people["ops"], record)

    answer = api.get(f"/integrations/sends/{record_id}", token=people["ops"])
    assert answer.status == 200, answer.text
    detail = answer.json
    assert (detail["state"], detail["key"], detail["attempts"]) == ("failed", record.key, 1)
    [refused] = detail["answers"]
    assert (refused["verdict"], refused["http_status"], refused["code"]) == ("rejected", 200, "MSG40001")
    assert refused["answer"] == {"status": "MSG40001", "message": "data ditolak: kd_akun=525117"}
    assert refused["at"].endswith("+07:00")

    # The stand-in accepts again; ops re-run the day: the newest answer is the saving one.
    fault(quiet, reject_where={})
    assert api.post("/integrations/bios/run", {"date": record.day}, token=people["ops"]).status == 202
    assert deliver_queue(api.deps, "run_integration") >= 1
    detail = api.get(f"/integrations/sends/{record_id}", token=people["ops"]).json
    assert detail["state"] == "sent"
    assert [(a["verdict"], a["code"]) for a in detail["answers"]] == [("saved", "MSG20003"), ("rejected", "MSG40001")]
    assert detail["answers"][0]["answer"]["message"] == "Data berhasil disimpan"


def test_a_send_record_is_ops_only_and_an_unknown_or_malformed_id_is_not_found(quiet, api, people):  # noqa: F811
    [record] = owe_expenditures(api.deps, {"525118": 1_000})
    record_id = record_id_of(api, people["ops"], record)
    assert api.get(f"/integrations/sends/{record_id}", token=people["admin"]).status == 404
    assert api.get(f"/integrations/sends/{record_id}").status == 401
    for bad in ("bm90aGluZw", "%%%", "Ymlvcwpub3RoaW5nCmhlcmU"):  # not three parts; not base64; no such record
        answer = api.get(f"/integrations/sends/{bad}", token=people["ops"])
        assert answer.status == 404, (bad, answer.text)
        assert {k.lower(): v for k, v in answer.headers.items()}["content-type"].startswith("application/problem+json")


def sqs(aws):
    return boto3.client("sqs", region_name=REGION, endpoint_url=aws.url)


def test_the_queues_page_counts_dead_letters_and_a_redrive_moves_each_back_once(aws, api, people):
    client = sqs(aws)
    dlq = client.get_queue_url(QueueName=queues.RENDER_DEAD_LETTER_QUEUE)["QueueUrl"]
    source = client.get_queue_url(QueueName=queues.RENDER_QUEUE)["QueueUrl"]
    bodies = [json.dumps({"kind": "receipt", "subject": f"app_{n}"}) for n in range(12)]
    for body in bodies:
        client.send_message(QueueUrl=dlq, MessageBody=body, MessageAttributes={
            "correlation_id": {"DataType": "String", "StringValue": "c-ops-1"}})

    assert api.get("/ops/queues", token=people["admin"]).status == 404
    answer = api.get("/ops/queues", token=people["ops"])
    assert answer.status == 200, answer.text
    by_name = {item["name"]: item for item in answer.json["items"]}
    assert list(by_name) == ["notifications", "accounts", "render", "integrations", "mail-events", "scan-failed"]
    assert by_name["render"]["dead_letters"] == {"queue": queues.RENDER_DEAD_LETTER_QUEUE, "visible": 12, "in_flight": 0}
    assert by_name["render"]["queue"]["queue"] == queues.RENDER_QUEUE
    assert by_name["accounts"]["dead_letters"]["visible"] == 0

    assert api.post("/ops/queues/render/redrive", token=people["admin"]).status == 404
    moved = api.post("/ops/queues/render/redrive", token=people["ops"])
    assert moved.status == 200, moved.text
    assert moved.json == {"name": "render", "moved": 12, "left": 0}

    back = []
    while True:
        got = client.receive_message(QueueUrl=source, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
        if not got:
            break
        back += got
    assert sorted(m["Body"] for m in back) == sorted(bodies)  # every one, once
    assert {m["MessageAttributes"]["correlation_id"]["StringValue"] for m in back} == {"c-ops-1"}
    assert api.post("/ops/queues/render/redrive", token=people["ops"]).json["moved"] == 0

    unknown = api.post("/ops/queues/nowhere/redrive", token=people["ops"])
    assert unknown.status == 404 and "notifications" in unknown.json["detail"]


def test_each_scheduled_run_is_recorded_with_its_outcome_and_a_failure_keeps_the_last_good_run(
        api, people, monkeypatch):
    assert api.get("/ops/schedules", token=people["admin"]).status == 404
    before = {i["name"]: i for i in api.get("/ops/schedules", token=people["ops"]).json["items"]}
    assert set(before) == {"escalate_overdue_steps", "purge_unverified_accounts", "push_finance_registry",
                           "relay_outbox", "retry_registry_sends", "watch_dam_duties"}
    assert before["escalate_overdue_steps"]["schedule"] == "rate(15 minutes)"

    assert api.post("/_local/schedules/escalate_overdue_steps").status == 200
    ok = {i["name"]: i for i in api.get("/ops/schedules", token=people["ops"]).json["items"]}["escalate_overdue_steps"]
    run = ok["last_run"]
    assert (run["outcome"], run["error"], run["failures"]) == ("ok", None, 0)
    assert run["last_ok_at"] == run["finished_at"] and run["started_at"] <= run["finished_at"]

    def broken(_event):
        raise RuntimeError("the table is unreachable")

    monkeypatch.setattr("chalicelib.workers.deadlines.escalate_overdue", broken)
    assert api.post("/_local/schedules/escalate_overdue_steps").status == 500  # the function's own failure
    failed = {i["name"]: i for i in api.get("/ops/schedules", token=people["ops"]).json["items"]}["escalate_overdue_steps"]
    run2 = failed["last_run"]
    assert (run2["outcome"], run2["error"]) == ("failed", "RuntimeError: the table is unreachable")
    assert run2["last_ok_at"] == run["last_ok_at"]
    assert (run2["runs"], run2["failures"]) == (run["runs"] + 1, 1)


def test_a_run_the_local_worker_fires_on_its_schedule_is_recorded_as_a_deployed_run_would_be(api, people, chalice_app):
    from datetime import timedelta

    from local.worker import Scheduler

    now = {"t": api.deps.clock.now()}
    scheduler = Scheduler(chalice_app, lambda: now["t"], REGION)
    now["t"] += timedelta(minutes=6)
    assert "relay_outbox" in scheduler.tick()
    relay = {i["name"]: i for i in api.get("/ops/schedules", token=people["ops"]).json["items"]}["relay_outbox"]
    assert relay["last_run"] is not None and relay["last_run"]["outcome"] == "ok"
    assert relay["last_run"]["runs"] >= 1
