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


def test_a_long_poll_gets_a_message_as_it_is_sent_and_holds_up_no_other_call(emulator):
    import threading

    sqs, name, url, _dlq = _queue_with_dlq(emulator.url, 3)
    app, seen = _app_for(name, "ok")
    poller = QueuePoller(app, "consume", name, 1, REGION, emulator.url)
    handled = {}

    def long_poll() -> None:
        handled["count"] = poller.poll_once(wait_seconds=20)
        handled["at"] = time.monotonic()

    receiving = threading.Thread(target=long_poll)
    receiving.start()
    time.sleep(0.5)  # the poll is waiting inside the emulator
    started = time.monotonic()
    other = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    # Bounds far inside the twenty-second poll (not speed bars: a busy machine is slow).
    assert time.monotonic() - started < 5.0 and other["Attributes"]["QueueArn"].endswith(name)
    sent_at = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="now")
    receiving.join(timeout=25)
    assert handled["count"] == 1 and seen == ["now"]
    assert handled["at"] - sent_at < 5.0  # handed over on arrival, not at the end of the wait


def test_each_queue_has_five_pollers_or_its_function_s_maximum_concurrency():
    import threading

    from local.worker import POLLERS_PER_QUEUE, pollers_for, queue_threads

    app = Chalice(app_name="pollers-test")

    @app.on_sqs_message(queue="wide", name="wide")
    def wide(event):
        return None

    @app.on_sqs_message(queue="narrow", name="narrow", maximum_concurrency=2)
    def narrow(event):
        return None

    assert POLLERS_PER_QUEUE == 5
    assert pollers_for(app, "wide") == 5 and pollers_for(app, "narrow") == 2

    class FakePoller:
        def __init__(self, _app, name, queue, *_rest):
            self.queue = queue

        def run(self, stop):
            return None

    import local.worker as worker

    real, worker.QueuePoller = worker.QueuePoller, FakePoller
    real_timeout, worker.function_timeout = worker.function_timeout, lambda name: 60
    try:
        threads = queue_threads(app, REGION, None, threading.Event())
    finally:
        worker.QueuePoller, worker.function_timeout = real, real_timeout
    assert sorted(t.name for t in threads) == sorted(
        [f"queue-wide-{n}" for n in range(1, 6)] + ["queue-narrow-1", "queue-narrow-2"])
    assert all(t.daemon for t in threads)


def test_the_worker_stops_at_once_while_its_pollers_wait_and_leaves_no_message_taken(aws, stage_env, tmp_path):
    """local/run.py stops the worker with SIGTERM (Ctrl-C: SIGINT) while every poller is inside a
    twenty-second long poll: it ends at once, and a message sent just after is not swallowed by
    a poll whose worker is gone."""
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import PROJECT

    env = {**os.environ, **stage_env, "LOCAL_STATE_DIR": str(tmp_path), "AWS_ENDPOINT_URL": aws.url,
           "PYTHONUNBUFFERED": "1"}
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=aws.url)
    url = sqs.get_queue_url(QueueName="satupintu-integrations")["QueueUrl"]
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        worker = subprocess.Popen([sys.executable, "-m", "local.worker"], cwd=PROJECT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = worker.stdout.readline()
            while line and not line.startswith("worker:"):
                line = worker.stdout.readline()
            assert line.startswith("worker: 7 queue(s)"), line
            time.sleep(1.0)  # every poller inside its long poll, nineteen seconds of it left
            worker.send_signal(stop_signal)
            # Not a speed bar: waiting out its long polls would take past this (a busy machine
            # can take seconds to start and stop a Python process).
            assert worker.wait(timeout=10) is not None
        finally:
            if worker.poll() is None:
                worker.kill()
        time.sleep(0.3)  # the emulator notices the closed connections
        sqs.send_message(QueueUrl=url, MessageBody=f"after {stop_signal.name}")
        received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
        assert [m["Body"] for m in received] == [f"after {stop_signal.name}"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])


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
