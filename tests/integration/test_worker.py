"""The local worker plays Lambda: queue delivery with redelivery and a DLQ, schedules on the
system's clock, and the notification function sending each e-mail once."""

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
from chalice import Chalice, Rate

from local.stack import REGION
from local.worker import QueuePoller, Scheduler
from tests.support import read_code, unique_email


def _queue_with_dlq(endpoint, max_receives):
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
    name = f"test-{uuid.uuid4().hex[:8]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": "1",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}),
    })["QueueUrl"]
    return sqs, name, url, dlq_url


def _app_for(queue_name, outcome):
    app = Chalice(app_name="worker-test")
    seen = []

    @app.on_sqs_message(queue=queue_name, batch_size=1, name="consume")
    def consume(event):
        for record in event:
            seen.append(record.body)
        if outcome == "fail":
            raise RuntimeError("always fails")

    # local_runtime.handler imports the function from its module; point it at this closure.
    import sys
    import types

    module = types.ModuleType(f"worker_test_{uuid.uuid4().hex[:6]}")
    module.consume = consume
    sys.modules[module.__name__] = module
    app.event_sources[-1].handler_string = f"{module.__name__}.consume"
    return app, seen


def test_a_handled_message_is_deleted(emulator):
    sqs, name, url, _dlq = _queue_with_dlq(emulator.url, 3)
    app, seen = _app_for(name, "ok")
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    poller = QueuePoller(app, "consume", name, 1, REGION, emulator.url)
    assert poller.poll_once() == 1
    assert seen == ["hello"]
    time.sleep(1.2)
    assert poller.poll_once() == 0


def test_a_message_that_always_fails_is_redelivered_then_lands_in_the_dlq(emulator):
    sqs, name, url, dlq = _queue_with_dlq(emulator.url, 2)
    app, seen = _app_for(name, "fail")
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    poller = QueuePoller(app, "consume", name, 1, REGION, emulator.url)
    assert poller.poll_once() == 1
    assert poller.poll_once() == 0  # invisible until the visibility timeout passes
    time.sleep(1.2)
    assert poller.poll_once() == 1  # delivered again
    time.sleep(1.2)
    assert poller.poll_once() == 0  # received twice: moved to the dead-letter queue
    assert seen == ["poison", "poison"]
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["poison"]


def test_schedules_fire_when_the_clock_passes_them_once_however_far_it_jumps():
    app = Chalice(app_name="schedule-test")
    fired = []

    @app.schedule(Rate(15, unit=Rate.MINUTES), name="sweep")
    def sweep(event):
        fired.append(event.time)

    import sys
    import types

    module = types.ModuleType(f"schedule_test_{uuid.uuid4().hex[:6]}")
    module.sweep = sweep
    sys.modules[module.__name__] = module
    app.event_sources[-1].handler_string = f"{module.__name__}.sweep"

    now = {"t": datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)}
    scheduler = Scheduler(app, lambda: now["t"], REGION)
    assert scheduler.tick() == []
    now["t"] += timedelta(minutes=14)
    assert scheduler.tick() == []
    now["t"] += timedelta(minutes=1)
    assert scheduler.tick() == ["sweep"]
    now["t"] += timedelta(days=3)
    assert scheduler.tick() == ["sweep"]
    assert scheduler.tick() == []
    assert len(fired) == 2


def test_the_schedules_are_listed_and_run_on_demand(api):
    listed = api.get("/_local/schedules").json["items"]
    assert {"name": "purge_unverified_accounts", "schedule": "rate(1 day)"} in listed
    assert api.post("/_local/schedules/purge_unverified_accounts").status == 200
    assert api.post("/_local/schedules/no_such_thing").status == 404


def test_stale_unverified_registrations_are_purged_and_the_address_is_free_again(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": "first password", "name": "Ani"})
    old_code = read_code(api.wait_for_mail(email))
    api.deps.clock.advance(8 * 24 * 3600)
    assert api.post("/_local/schedules/purge_unverified_accounts").status == 200
    assert api.deps.users.user_id_for_email(email) is None
    assert api.post("/auth/verify", {"email": email, "code": old_code}).status == 422
    email_again, token = api.register_verified(email)
    assert api.get("/me", token=token).json["email"] == email_again


def test_a_recent_unverified_registration_is_kept(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": "first password", "name": "Ani"})
    api.wait_for_mail(email)
    api.deps.clock.advance(2 * 24 * 3600)
    api.post("/_local/schedules/purge_unverified_accounts")
    assert api.deps.users.user_id_for_email(email) is not None


def test_the_clock_moves_forward_only(api):
    before = api.get("/_local/clock").json
    moved = api.post("/_local/clock", {"advance_seconds": 3600}).json
    assert moved["offset_seconds"] == before["offset_seconds"] + 3600
    assert datetime.fromisoformat(moved["now"]) - datetime.fromisoformat(before["now"]) >= timedelta(hours=1)
    assert api.post("/_local/clock", {"advance_seconds": -5}).status == 422


def _code_job(api, email, code, language="en"):
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.notifications import Notification
    from chalicelib.services.notifications import delivery_job

    user_id = api.deps.users.user_id_for_email(email)
    notification = Notification(id=new_id("ntf"), user_id=user_id, kind="verify_code", params={},
                                created_at=api.deps.clock.now())
    return delivery_job(notification, {"code": code})


def test_a_delivery_job_delivered_twice_is_sent_once(api):
    email, _token = api.register_verified(language="en")
    job = _code_job(api, email, "123456")
    api.deps.notification_jobs.send(job)
    api.deps.notification_jobs.send(job)
    api.deliver_mail()
    assert [m["subject"] for m in api.mail(email)].count("Your satupintu (demo) verification code: 123456") == 1


def test_the_mailbox_filters_by_recipient_newest_first(api):
    email, _token = api.register_verified()
    for code in ("111111", "222222"):
        api.deps.notification_jobs.send(_code_job(api, email, code))
        api.deliver_mail()
    items = api.mail(email)
    assert [read_code(m) for m in items[:2]] == ["222222", "111111"]
    assert all(m["to"] == [email] for m in items)
