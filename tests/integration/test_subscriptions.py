"""Event subscriptions (issue 6): admins subscribe URLs; every matching application event is
written to the send log with the change and delivered signed; a receiver that keeps failing is
paused, its owner told, and nothing is lost until it is resumed."""

import json
from datetime import datetime, timezone

import pytest
import requests

from chalicelib.domain import integrations as reg
from chalicelib.domain import subscriptions as subs
from tests.integration.test_integrations import advance, fault, registries, standins  # noqa: F401 (fixtures)
from tests.support import deliver_queue, make_office_tree, make_people


@pytest.fixture
def hooks(registries, api):  # noqa: F811
    """The stand-in's subscriber, emptied; nothing of earlier tests still due."""
    requests.delete(f"{registries.url}/_standin/records", timeout=5)
    advance(api, 2 * 86400)
    for _ in range(20):
        if not api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 60).keys:
            break
    requests.delete(f"{registries.url}/_standin/records", timeout=5)
    return registries


def received(hooks):
    return requests.get(f"{hooks.url}/_standin/records", params={"target": "hooks"}, timeout=5).json()["deliveries"]


def subscribe(api, token, hooks, name, node_id, events=("application.submitted",)):
    answer = api.post("/subscriptions", {"url": f"{hooks.url}/hooks/{name}", "events": list(events),
                                         "node_id": node_id, "description": "uji"}, token=token)
    assert answer.status == 201, answer.text
    return answer.json


def submit_simple(api, people):
    token = people["applicant"]
    app = api.post("/applications", {"service_id": "test-simple-permit", "node_id": people["desk"],
                                     "data": {"title": "Izin uji", "owner_nik": "3276064503900002"}}, token=token)
    assert app.status == 201, app.text
    answer = api.post(f"/applications/{app.json['id']}/submit", token=token)
    assert answer.status == 200, answer.text
    return answer.json


def relogin(api, people):
    """The test moved the clock past the access tokens' life."""
    for key in ("admin", "ops"):
        people[key] = api.login(people[f"{key}_email"], people[f"{key}_password"])


@pytest.fixture
def people(api, seeded):
    """A fresh office tree (so only this test's events match), its admin and deciders."""
    nodes = make_office_tree(api.deps)
    return {**nodes, **make_people(api, {
        "admin": [("admin", nodes["office"])], "applicant": [], "ops": [("ops", "org-demo")],
        "desk_verifier": [("verifier", nodes["desk"])], "dept_verifier": [("verifier", nodes["department"])],
        "head": [("approver", nodes["office"])]})}


def test_an_admin_subscribes_and_each_event_is_delivered_signed_with_no_personal_data(api, seeded, hooks, people):
    created = subscribe(api, people["admin"], hooks, "signed", people["office"])
    assert created["secret"].startswith("whsec_") and created["state"] == "active"
    listed = api.get("/subscriptions", token=people["admin"]).json["items"]
    assert created["id"] in {s["id"] for s in listed} and "secret" not in json.dumps(listed)

    app = submit_simple(api, people)
    log = api.deps.send_log_store.get(reg.SUBSCRIPTIONS, "application.submitted", f"{created['id']}#evt_{app['id']}_{app['version']}")
    assert log is not None and log.state == "pending"  # written with the change itself
    assert deliver_queue(api.deps, "notify") >= 1  # the submission's fan-out sent its webhooks
    assert deliver_queue(api.deps, "run_integration") == 0  # no run job of their own

    (delivery,) = [d for d in received(hooks) if d["hook"] == "signed"]
    body = delivery["body"].encode()
    assert subs.verify(created["secret"], delivery["signature"], body, api.deps.clock.now())
    assert not subs.verify("whsec_wrong", delivery["signature"], body, api.deps.clock.now())
    assert not subs.verify(created["secret"], delivery["signature"], body + b" ", api.deps.clock.now())
    event = json.loads(body)
    assert event["type"] == delivery["event"] == "application.submitted"
    assert event["id"] == delivery["delivery"] and event["application"]["id"] == app["id"]
    assert set(event["application"]) == {"id", "tracking_code", "service_id", "node_id", "status", "step", "steps_total"}
    assert "3276064503900002" not in delivery["body"] and "owner_nik" not in delivery["body"]
    # Replayed later than the tolerance, the same delivery no longer verifies.
    late = api.deps.clock.now().timestamp() + subs.SIGNATURE_TOLERANCE_SECONDS + 60
    assert not subs.verify(created["secret"], delivery["signature"], body, datetime.fromtimestamp(late, timezone.utc))
    sent = api.deps.send_log_store.get(reg.SUBSCRIPTIONS, "application.submitted", log.key)
    assert (sent.state, sent.attempts, sent.last_http_status) == ("sent", 1, 204)
    # Ops read deliveries in the send log like any registry's.
    page = api.get("/integrations/sends?target=subscriptions", token=people["ops"]).json["items"]
    assert any(e["key"] == log.key and e["state"] == "sent" for e in page)


def test_only_the_events_asked_for_in_the_office_subscribed_are_delivered(api, seeded, hooks, people):
    subscribe(api, people["admin"], hooks, "decisions", people["office"],
              events=("application.step_approved", "application.approved"))
    subscribe(api, people["admin"], hooks, "other-desk", people["desk2"])
    app = submit_simple(api, people)
    api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 30)
    assert [d for d in received(hooks) if d["hook"] in ("decisions", "other-desk")] == []
    for step, who in ((1, "desk_verifier"), (2, "dept_verifier"), (3, "head")):
        decided = api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": step}, token=people[who])
        assert decided.status == 200, decided.text
    api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 30)
    events = [(json.loads(d["body"])["type"], json.loads(d["body"])["application"]["step"])
              for d in received(hooks) if d["hook"] == "decisions"]
    assert sorted(events, key=str) == sorted([("application.step_approved", 2), ("application.step_approved", 3),
                                              ("application.approved", 3)], key=str)
    assert [d for d in received(hooks) if d["hook"] == "other-desk"] == []


def test_a_failing_receiver_is_retried_then_paused_its_owner_told_and_resuming_sends_what_waited(
        api, seeded, hooks, people):
    created = subscribe(api, people["admin"], hooks, "flaky", people["office"])
    fault(hooks, target="hooks", down=True)
    apps = [submit_simple(api, people) for _ in range(subs.PAUSE_AFTER_FAILURES + 2)]
    for _ in range(3):  # runs, with the backoff between them passing
        api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 60)
        advance(api, 3600)
    relogin(api, people)
    sub = api.get(f"/subscriptions/{created['id']}", token=people["admin"])
    assert sub.status == 200, sub.text
    sub = sub.json
    assert sub["state"] == "paused" and sub["failures_in_a_row"] >= subs.PAUSE_AFTER_FAILURES
    assert "503" in sub["paused_reason"]
    # The owner is told, by e-mail.
    admin_email = people["admin_email"]
    mail = api.wait_for_mail(admin_email, "/hooks/flaky")
    assert created["id"] in mail["text"] and "/hooks/flaky" in mail["text"]

    # Paused: nothing more is tried, nothing is lost.
    tried = len([d for d in received(hooks) if d["hook"] == "flaky"])
    advance(api, 2 * 3600)
    api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 60)
    assert len([d for d in received(hooks) if d["hook"] == "flaky"]) == tried
    relogin(api, people)
    waiting = [e for e in api.get("/integrations/sends?target=subscriptions&status=pending",
                                  token=people["ops"]).json["items"] if e["key"].startswith(created["id"])]
    assert len(waiting) == len(apps)
    # The five that failed were tried; the two after the pause were held without an attempt.
    held = [e for e in waiting if e["attempts"] == 0]
    assert len(held) == len(apps) - subs.PAUSE_AFTER_FAILURES and all("paused" in e["last_message"] for e in held)

    # Fixed and resumed: every event that waited is delivered.
    requests.delete(f"{hooks.url}/_standin/faults", timeout=5)
    resumed = api.post(f"/subscriptions/{created['id']}/resume", token=people["admin"])
    assert resumed.status == 200 and resumed.json["state"] == "active" and resumed.json["failures_in_a_row"] == 0
    deliver_queue(api.deps, "run_integration")
    api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 60)
    accepted = {d["delivery"] for d in received(hooks) if d["hook"] == "flaky" and d["status"] == 204}
    assert accepted == {f"evt_{a['id']}_{a['version']}" for a in apps}


def test_deleting_a_subscription_closes_its_waiting_deliveries_unsent(api, seeded, hooks, people):
    created = subscribe(api, people["admin"], hooks, "gone", people["office"])
    app = submit_simple(api, people)
    assert api.delete(f"/subscriptions/{created['id']}", token=people["admin"]).status == 204
    assert api.get(f"/subscriptions/{created['id']}", token=people["admin"]).status == 404
    api.deps.integrations.send_due(reg.SUBSCRIPTIONS, 30)
    entry = api.deps.send_log_store.get(reg.SUBSCRIPTIONS, "application.submitted", f"{created['id']}#evt_{app['id']}_{app['version']}")
    assert (entry.state, entry.attempts) == ("failed", 0) and "deleted" in entry.last_message
    assert [d for d in received(hooks) if d["hook"] == "gone"] == []


def test_subscriptions_are_for_admins_and_refuse_bad_urls_and_events(api, seeded, hooks, people):
    body = {"url": f"{hooks.url}/hooks/x", "events": ["application.submitted"], "node_id": people["office"]}
    # Out of reach is 404: for a non-admin, and for an office the admin does not administer or
    # that does not exist (the same answer, so offices cannot be probed).
    assert api.post("/subscriptions", body, token=people["ops"]).status == 404
    assert api.post("/subscriptions", {**body, "node_id": "org-demo"}, token=people["admin"]).status == 404
    assert api.post("/subscriptions", {**body, "node_id": "no-such-office"}, token=people["admin"]).status == 404
    assert api.get("/subscriptions", token=people["applicant"]).status == 404
    for bad, field in (({**body, "events": ["application.exploded"]}, "events"),
                       ({**body, "url": "ftp://example.org/x"}, "url"),
                       ({**body, "url": "http://10.0.0.5/x"}, "url"),
                       ({**body, "url": "http://169.254.169.254/latest/meta-data"}, "url")):
        answer = api.post("/subscriptions", bad, token=people["admin"])
        assert answer.status == 422, (bad, answer.text)
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert field in answer.text
    assert api.post("/subscriptions", {**body, "events": []}, token=people["admin"]).status == 422
    assert api.delete("/subscriptions/sub_nobody", token=people["admin"]).status == 404


def _subscription_reads(calls) -> int:
    """Queries of the subscriptions' partition among the calls (the counter records the table,
    not the key: the changes compared differ only in whether they read it)."""
    return sum(1 for call in calls if call.operation == "dynamodb:Query")


def test_the_subscriptions_are_read_once_a_minute_per_container_not_once_a_change(api, seeded, hooks, people):
    from chalicelib.adapters.dynamodb.subscriptions import CACHED_FOR, DynamoSubscriptionStore
    from tests import aws_calls

    first = subscribe(api, people["admin"], hooks, "cached", people["office"])
    submit_simple(api, people)  # the container's first delivery: its secrets and queue URLs are read once
    subscribe(api, people["admin"], hooks, "cached-too", people["desk2"])  # an admin's change: the list is forgotten
    with aws_calls.capture() as cold:
        submit_simple(api, people)
    with aws_calls.capture() as warm:
        submit_simple(api, people)
    # The same change twice: the second makes one Query fewer, the subscriptions' read.
    assert [c.operation for c in cold if c.operation != "dynamodb:Query"] == \
        [c.operation for c in warm if c.operation != "dynamodb:Query"]
    assert _subscription_reads(cold) - _subscription_reads(warm) == 1

    # Another container's admin subscribes: this container sees it once its list is older than
    # CACHED_FOR (the clock is moved, nobody sleeps), and not before.
    elsewhere = DynamoSubscriptionStore(clock=api.deps.clock)
    secret = api.deps.vault.seal("subscription/sub_elsewhere", {"secret": "whsec_elsewhere"})
    other = subs.Subscription("sub_elsewhere", people["office"], api.deps.org_store.get(people["office"]).path,
                              f"{hooks.url}/hooks/elsewhere", ("application.submitted",), "usr_elsewhere",
                              api.deps.clock.now())
    elsewhere.add(other, secret)

    def delivered_to(app) -> set[str]:
        found = {s: api.deps.send_log_store.get(reg.SUBSCRIPTIONS, "application.submitted",
                                                f"{s}#evt_{app['id']}_{app['version']}")
                 for s in (first["id"], other.id)}
        return {s for s, entry in found.items() if entry is not None}

    assert delivered_to(submit_simple(api, people)) == {first["id"]}
    advance(api, CACHED_FOR.total_seconds())
    assert delivered_to(submit_simple(api, people)) == {first["id"], other.id}
