"""Notifications, deadlines and escalation, suspension, batch decisions and delegation, over the
API in-process against the emulator."""

import json
from datetime import datetime, timedelta

import boto3
import pytest

from local.stack import REGION
from tests.integration.test_applications import decide, file
from tests.support import make_office_tree, make_people, make_user

SLA_HOURS = 24  # step 1 of test-simple-permit


@pytest.fixture
def office(api, seeded):
    nodes = make_office_tree(api.deps)
    return {**nodes, **make_people(api, {
        "desk_verifier": [("verifier", nodes["desk"])],
        "desk_colleague": [("viewer", nodes["department"])],
        "dept_verifier": [("verifier", nodes["department"])],
        "head": [("approver", nodes["office"])],
        "desk2_verifier": [("verifier", nodes["desk2"])],
        "applicant": [],
    })}


def advance(api, office, seconds):
    """Move the clock; access tokens expire with it, so everyone logs in again."""
    assert api.post("/_local/clock", {"advance_seconds": seconds}).status == 200
    for key in [k.removesuffix("_password") for k in office if k.endswith("_password")]:
        office[key] = api.login(office[key + "_email"], office[key + "_password"])


def submitted(api, office, node="desk"):
    app = file(api, office["applicant"], office[node])
    answer = api.post(f"/applications/{app['id']}/submit", token=office["applicant"])
    assert answer.status == 200, answer.text
    return answer.json


def notifications(api, token, **query):
    api.deliver_mail()
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    answer = api.get("/notifications" + (f"?{suffix}" if suffix else ""), token=token)
    assert answer.status == 200, answer.text
    return answer.json


def kinds(api, token, application_id=None):
    return [n["kind"] for n in notifications(api, token)["items"]
            if application_id is None or n["application_id"] == application_id]


def run_schedule(api, name):
    answer = api.post(f"/_local/schedules/{name}")
    assert answer.status == 200, answer.text


# ---- notifications -------------------------------------------------------------------------------

def test_a_submission_tells_the_applicant_and_the_step_deciders_in_the_app_and_by_mail(api, office):
    app = submitted(api, office)
    mine = notifications(api, office["applicant"])
    receipt = next(n for n in mine["items"] if n["application_id"] == app["id"])
    assert receipt["kind"] == "submitted" and receipt["tracking_code"] == app["tracking_code"]
    assert receipt["delivery"]["status"] == "sent" and receipt["delivery"]["attempts"] == 1
    assert receipt["link"].endswith(f"/applications/{app['id']}") and "#" not in receipt["link"] and receipt["read_at"] is None
    assert app["tracking_code"] in receipt["title"]

    task = notifications(api, office["desk_verifier"])["items"][0]
    assert (task["kind"], task["application_id"]) == ("assigned", app["id"])
    mail = api.wait_for_mail(office["desk_verifier_email"], app["tracking_code"])
    assert "Tugas baru" in mail["subject"] and app["tracking_code"] in mail["text"] and app["id"] in mail["text"]
    assert "1 dari 3 — " in mail["text"]  # UTF-8 arrives as itself
    # Nobody else at other desks hears of it.
    assert app["id"] not in [n["application_id"] for n in notifications(api, office["desk2_verifier"])["items"]]


def test_reading_a_notification_lowers_the_unread_count_once(api, office):
    submitted(api, office)
    submitted(api, office)
    listed = notifications(api, office["desk_verifier"])
    assert listed["unread_count"] == 2 and len(listed["items"]) == 2
    first = listed["items"][0]["id"]
    assert api.post(f"/notifications/{first}/read", token=office["desk_verifier"]).status == 204
    assert api.post(f"/notifications/{first}/read", token=office["desk_verifier"]).status == 204
    after = notifications(api, office["desk_verifier"])
    assert after["unread_count"] == 1
    unread = notifications(api, office["desk_verifier"], unread="true")
    assert [n["id"] for n in unread["items"]] == [listed["items"][1]["id"]]
    # Someone else's notification does not exist for you.
    assert api.post(f"/notifications/{first}/read", token=office["applicant"]).status == 404


def test_the_notification_list_pages_newest_first(api, office):
    for _ in range(3):
        submitted(api, office)
    page1 = notifications(api, office["desk_verifier"], limit=2)
    page2 = notifications(api, office["desk_verifier"], limit=2, cursor=page1["next_cursor"])
    ids = [n["id"] for n in page1["items"] + page2["items"]]
    assert len(ids) == 3 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert page2["next_cursor"] is None


def test_english_readers_get_english(api, office):
    _email, token = api.register_verified(language="en", name="Ann")
    app = file(api, token, office["desk"])
    api.post(f"/applications/{app['id']}/submit", token=token)
    receipt = notifications(api, token)["items"][0]
    assert receipt["title"] == f"Application {app['tracking_code']} received"
    assert "Simple test permit" in receipt["summary"]


def test_a_delivery_that_keeps_failing_is_recorded_failed_and_lands_in_the_dead_letter_queue(api, office, aws):
    api.deps.notifications.retry_base_seconds = 0  # no backoff wait in this test
    aws.emulator.rejected_recipients.add(office["desk_verifier_email"].lower())
    try:
        app = submitted(api, office)
        api.deliver_mail()
        task = notifications(api, office["desk_verifier"])["items"][0]
        assert task["delivery"]["status"] == "failed"
        assert task["delivery"]["attempts"] == api.deps.settings.notification_max_receives
        assert "MessageRejected" in task["delivery"]["last_error"]
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=aws.url)
        dlq = sqs.get_queue_url(QueueName="satupintu-notifications-dlq")["QueueUrl"]
        dead = []
        while True:
            messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            dead += [json.loads(m["Body"]) for m in messages]
        assert task["id"] in [job.get("notification_id") for job in dead]
        # The applicant's own receipt went out all the same.
        receipt = next(n for n in notifications(api, office["applicant"])["items"] if n["application_id"] == app["id"])
        assert receipt["delivery"]["status"] == "sent"
        # Ops see it.
        ops, password = make_user(api.deps, [("ops", "org-demo")])
        failed = api.get("/ops/failed-notifications", token=api.login(ops.email, password)).json["items"]
        assert task["id"] in [n["id"] for n in failed]
        assert api.get("/ops/failed-notifications", token=office["applicant"]).status == 404
    finally:
        aws.emulator.rejected_recipients.clear()


def test_a_change_whose_hand_on_was_lost_is_relayed_by_the_schedule(api, office, monkeypatch):
    def lost(_jobs):
        raise ConnectionError("SQS did not answer")

    with monkeypatch.context() as patch:
        patch.setattr(api.deps.notification_jobs, "send_many", lost)
        app = submitted(api, office)
    assert kinds(api, office["desk_verifier"], app["id"]) == []
    run_schedule(api, "relay_outbox")
    assert kinds(api, office["desk_verifier"], app["id"]) == []  # too recent: it may still be on its way
    advance(api, office, 180)
    run_schedule(api, "relay_outbox")
    assert kinds(api, office["desk_verifier"], app["id"]) == ["assigned"]
    run_schedule(api, "relay_outbox")
    assert kinds(api, office["desk_verifier"], app["id"]) == ["assigned"]


# ---- deadlines, escalation and suspension ---------------------------------------------------------

def history_actions(api, token, app_id):
    return [e["action"] for e in api.get(f"/applications/{app_id}/history", token=token).json["items"]]


def test_an_untouched_step_escalates_exactly_once_per_level(api, office):
    app = submitted(api, office)
    run_schedule(api, "escalate_overdue_steps")
    assert "overdue" not in kinds(api, office["desk_verifier"], app["id"])

    advance(api, office, SLA_HOURS * 3600 + 60)
    run_schedule(api, "escalate_overdue_steps")
    run_schedule(api, "escalate_overdue_steps")
    assert kinds(api, office["desk_verifier"], app["id"]).count("overdue") == 1
    assert "escalated" not in kinds(api, office["dept_verifier"], app["id"])
    shown = api.get(f"/applications/{app['id']}", token=office["desk_verifier"]).json
    assert shown["overdue"] and shown["escalation_level"] == 1

    advance(api, office, SLA_HOURS * 3600)
    run_schedule(api, "escalate_overdue_steps")
    run_schedule(api, "escalate_overdue_steps")
    assert kinds(api, office["dept_verifier"], app["id"]).count("escalated") == 1
    assert kinds(api, office["desk_verifier"], app["id"]).count("overdue") == 1
    mail = api.wait_for_mail(office["dept_verifier_email"], "Eskalasi")
    assert app["tracking_code"] in mail["text"]
    assert history_actions(api, office["desk_verifier"], app["id"]).count("escalate") == 1

    # Nobody verifies at the office above: its approver is told instead.
    advance(api, office, SLA_HOURS * 3600)
    run_schedule(api, "escalate_overdue_steps")
    assert kinds(api, office["head"], app["id"]).count("escalated") == 1
    assert kinds(api, office["dept_verifier"], app["id"]).count("escalated") == 1


def test_a_suspended_application_does_not_escalate_and_resuming_moves_its_due_time(api, office):
    app = submitted(api, office)
    suspended = api.post(f"/applications/{app['id']}/suspend", {"reason": "Lampirkan surat kuasa asli"},
                         token=office["desk_verifier"])
    assert suspended.status == 200 and suspended.json["suspended"]
    assert "suspended" in kinds(api, office["applicant"], app["id"])
    assert api.post(f"/applications/{app['id']}/suspend", {"reason": "lagi"}, token=office["desk_verifier"]).status == 409
    assert api.post(f"/applications/{app['id']}/resume", token=office["applicant"]).status == 403

    advance(api, office, 3 * SLA_HOURS * 3600)
    run_schedule(api, "escalate_overdue_steps")
    assert "overdue" not in kinds(api, office["desk_verifier"], app["id"])

    resumed = api.post(f"/applications/{app['id']}/resume", token=office["desk_verifier"])
    assert resumed.status == 200 and not resumed.json["suspended"]
    moved = datetime.fromisoformat(resumed.json["due_at"]) - datetime.fromisoformat(app["due_at"])
    assert timedelta(hours=3 * SLA_HOURS) <= moved < timedelta(hours=3 * SLA_HOURS, minutes=5)
    run_schedule(api, "escalate_overdue_steps")
    assert "overdue" not in kinds(api, office["desk_verifier"], app["id"])
    assert history_actions(api, office["desk_verifier"], app["id"])[-2:] == ["suspend", "resume"]


# ---- batch decisions ---------------------------------------------------------------------------------

def test_a_batch_with_stale_foreign_and_others_items_approves_the_rest(api, office):
    apps = [submitted(api, office) for _ in range(4)]
    stale, moved, fine = apps[0], apps[1], apps[2:]
    for app in (stale, moved):
        assert decide(api, office["desk_verifier"], app).status == 200  # already moved on to step 2
    foreign = submitted(api, office, node="desk2")
    answer = api.post("/decisions", {
        "application_ids": [a["id"] for a in apps] + [foreign["id"], "app_nope"],
        "action": "approve", "comment": "Lengkap",
        "steps": {a["id"]: 1 for a in [stale, *fine]},
    }, token=office["desk_verifier"])
    assert answer.status == 200, answer.text
    results = {r["id"]: r for r in answer.json["results"]}
    assert results[stale["id"]]["error"]["status"] == 409  # its step moved on
    assert results[moved["id"]]["error"]["status"] == 403  # step 2 is another office's to decide
    assert results[foreign["id"]]["error"]["status"] == 404  # outside the caller's reach
    assert results["app_nope"]["error"]["status"] == 404
    for app in fine:
        assert (results[app["id"]]["status"], results[app["id"]]["step"]) == ("in_review", 2)
        assert api.get(f"/applications/{app['id']}/history", token=office["desk_verifier"]).json["items"][-1][
            "comment"] == "Lengkap"
    assert api.post("/decisions", {"application_ids": [fine[0]["id"]], "action": "reject"},
                    token=office["desk_verifier"]).status == 422


# ---- delegation ----------------------------------------------------------------------------------------

def test_a_delegate_decides_on_behalf_of_the_delegator_while_the_delegation_lasts(api, office):
    now = datetime.fromisoformat(api.get("/_local/clock").json["now"])
    lent = api.post("/delegations", {
        "role": "verifier", "node_id": office["desk"], "delegate_email": office["desk_colleague_email"],
        "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=5)).isoformat(),
    }, token=office["desk_verifier"])
    assert lent.status == 201, lent.text
    assert lent.json["active"] and lent.json["direction"] == "given"
    received = api.get("/delegations", token=office["desk_colleague"]).json["items"]
    assert [(d["id"], d["direction"]) for d in received] == [(lent.json["id"], "received")]
    me = api.get("/me", token=office["desk_colleague"]).json
    assert me["delegated_roles"][0]["role"] == "verifier" and me["delegated_roles"][0]["on_behalf_of"] == "Desk Verifier"

    app = submitted(api, office)
    assert "assigned" in kinds(api, office["desk_colleague"], app["id"])  # told of work in the lent role
    inbox = api.get("/inbox", token=office["desk_colleague"]).json["items"]
    assert app["id"] in [a["id"] for a in inbox]
    # The lent role reads what it decides: the application, its documents and its history.
    for path in ("", "/documents", "/history"):
        assert api.get(f"/applications/{app['id']}{path}", token=office["desk_colleague"]).status == 200, path
    assert decide(api, office["desk_colleague"], app).status == 200
    entry = api.get(f"/applications/{app['id']}/history", token=office["desk_verifier"]).json["items"][-1]
    assert (entry["actor"], entry["on_behalf_of"], entry["on_behalf_of_id"]) == (
        "Desk Colleague", "Desk Verifier", office["desk_verifier_id"])

    assert api.delete(f"/delegations/{lent.json['id']}", token=office["desk_colleague"]).status == 204
    second = submitted(api, office)
    # A viewer again: the application is out of their reach (viewers see figures, not files).
    assert decide(api, office["desk_colleague"], second).status == 404
    assert api.get("/delegations", token=office["desk_verifier"]).json["items"] == []


def test_a_delegation_ends_on_its_own_at_its_end_time(api, office):
    now = datetime.fromisoformat(api.get("/_local/clock").json["now"])
    api.post("/delegations", {
        "role": "verifier", "node_id": office["desk"], "delegate_email": office["desk_colleague_email"],
        "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
    }, token=office["desk_verifier"])
    app = submitted(api, office)
    advance(api, office, 2 * 86400)
    # The lent role gone, so is the reach it gave: a viewer reads no applications.
    assert decide(api, office["desk_colleague"], app).status == 404
    assert api.get(f"/applications/{app['id']}", token=office["desk_colleague"]).status == 404
    assert api.get("/me", token=office["desk_colleague"]).json["delegated_roles"] == []


@pytest.mark.parametrize("change, status", [
    ({"role": "approver"}, 403),  # not held there
    ({"role": "admin"}, 422),  # never lent
    ({"delegate_email": "nobody@example.id"}, 422),
    ({"node_id": "node_nope"}, 404),
    ({"ends_at": "2020-01-01T00:00:00"}, 422),  # no offset
    # At the end of time: was a 500 (keeping the record a year after its end overflowed).
    ({"starts_at": "9999-12-30T00:00:00+07:00", "ends_at": "9999-12-31T23:00:00+07:00"}, 422),
])
def test_a_delegation_cannot_exceed_the_delegators_own_roles(api, office, change, status):
    now = datetime.fromisoformat(api.get("/_local/clock").json["now"])
    body = {"role": "verifier", "node_id": office["desk"], "delegate_email": office["desk_colleague_email"],
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(), **change}
    answer = api.post("/delegations", body, token=office["desk_verifier"])
    assert answer.status == status, answer.text
    assert answer.content_type == "application/problem+json"
