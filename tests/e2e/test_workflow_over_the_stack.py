"""Notifications, escalation and crash recovery on the running local stack (HTTP, its own worker)."""

import json
import os
import signal
import time
from datetime import datetime

import boto3
import pytest
import requests

from local.stack import REGION
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

DESK = "dpmptsp-front-office"
FRONT_OFFICE = "fo.dpmptsp@demo.satupintu.id"


def file_and_submit(http, token):
    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK,
                                      "data": {"title": "Izin uji e2e"}}, token=token).json
    answer = http.post(f"/applications/{app['id']}/submit", token=token)
    assert answer.status == 200, answer.text
    return answer.json


def mails_about(http, to, tracking_code, subject_contains):
    return [m for m in http.mail(to) if tracking_code in m["subject"] and subject_contains in m["subject"]]


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def sqs_of(stack):
    return boto3.client("sqs", region_name=REGION, endpoint_url=f"http://127.0.0.1:{stack.ports['AWS_EMULATOR_PORT']}",
                        aws_access_key_id="local", aws_secret_access_key="local")


def test_a_failing_address_ends_failed_in_the_dead_letter_queue_while_others_are_sent(http, stack):
    email, token = http.register_verified()
    emulator = f"http://127.0.0.1:{stack.ports['AWS_EMULATOR_PORT']}/_emulator/faults/ses-reject"
    requests.post(emulator, json={"address": email}, timeout=5)
    try:
        app = file_and_submit(http, token)

        def failed():
            items = http.get("/notifications", token=token).json["items"]
            return any(n["application_id"] == app["id"] and n["delivery"]["status"] == "failed" for n in items)

        wait_until(failed, 60, "the receipt's delivery failing for good")
        receipt = next(n for n in http.get("/notifications", token=token).json["items"] if n["application_id"] == app["id"])
        assert receipt["delivery"]["attempts"] == 5 and "MessageRejected" in receipt["delivery"]["last_error"]
        # The office was told all the same.
        wait_until(lambda: mails_about(http, FRONT_OFFICE, app["tracking_code"], "Tugas baru"), 20, "the office's mail")
        sqs = sqs_of(stack)
        dlq = sqs.get_queue_url(QueueName="satupintu-notifications-dlq")["QueueUrl"]

        def in_dead_letters():
            attributes = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
            return int(attributes["Attributes"]["ApproximateNumberOfMessages"]) >= 1

        wait_until(in_dead_letters, 30, "the job landing in the dead-letter queue")
    finally:
        requests.delete(emulator, timeout=5)


def test_killing_the_worker_mid_batch_and_restarting_sends_each_email_once(http, stack):
    sqs = sqs_of(stack)
    queue = sqs.get_queue_url(QueueName="satupintu-notifications")["QueueUrl"]
    # What a killed worker held comes back after the visibility timeout: short here, to wait less.
    # A delivery killed halfway keeps its idempotency hold until the function's time limit (30 s)
    # and is tried again after it.
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "3"})
    pid_file = stack.state / "worker.pid"
    try:
        email, token = http.register_verified()
        codes = [file_and_submit(http, token)["tracking_code"] for _ in range(6)]
        wait_until(lambda: sum(bool(mails_about(http, email, c, "diterima")) for c in codes) >= 2, 30,
                   "the first receipts")
        old_pid = int(pid_file.read_text())
        os.kill(old_pid, signal.SIGKILL)
        wait_until(lambda: pid_file.exists() and int(pid_file.read_text()) != old_pid, 30, "the worker's restart")
        wait_until(lambda: all(mails_about(http, email, c, "diterima") for c in codes), 90, "every receipt")
        wait_until(lambda: all(mails_about(http, FRONT_OFFICE, c, "Tugas baru") for c in codes), 90, "every task mail")
        time.sleep(5)  # anything sent twice would have arrived by now
        for code in codes:
            assert len(mails_about(http, email, code, "diterima")) == 1, code
            assert len(mails_about(http, FRONT_OFFICE, code, "Tugas baru")) == 1, code
        assert "starting it again" in stack.log.read_text()
    finally:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "180"})


def test_an_untouched_application_escalates_once_per_level_through_the_stacks_schedules(http, stack):
    _email, token = http.register_verified()
    app = file_and_submit(http, token)
    code = app["tracking_code"]

    head = http.login(FRONT_OFFICE, DEMO_PASSWORD)

    def advance_and_sweep(moment: str):
        """To a minute past `moment` (the permit office keeps the city's office hours, so how
        long that is depends on the weekday and holidays the demo's clock starts on)."""
        now = datetime.fromisoformat(http.get("/_local/clock").json["now"])
        seconds = (datetime.fromisoformat(moment) - now).total_seconds() + 60
        assert http.post("/_local/clock", {"advance_seconds": seconds}).status == 200
        # The worker's scheduler fires as the clock passes; running it again changes nothing.
        assert http.post("/_local/schedules/escalate_overdue_steps").status == 200

    seen = http.get(f"/applications/{app['id']}", token=head).json
    assert seen["escalates_at"] == seen["due_at"]  # first: its deciders are told it is overdue
    advance_and_sweep(seen["due_at"])
    wait_until(lambda: mails_about(http, FRONT_OFFICE, code, "Melewati batas waktu"), 30, "the overdue mail")
    parent_verifiers = [a["email"] for a in http.get("/_local/demo").json["accounts"]
                        if {"role": "verifier", "node_id": "dpmptsp-permits"} in a["roles"]]
    assert parent_verifiers, "the demo has a verifier above the front office"
    head = http.login(FRONT_OFFICE, DEMO_PASSWORD)  # the clock moved past the first token's life
    advance_and_sweep(http.get(f"/applications/{app['id']}", token=head).json["escalates_at"])
    head = http.login(FRONT_OFFICE, DEMO_PASSWORD)
    wait_until(lambda: mails_about(http, parent_verifiers[0], code, "Eskalasi"), 30, "the escalation mail")
    time.sleep(3)
    assert len(mails_about(http, FRONT_OFFICE, code, "Melewati batas waktu")) == 1
    assert len(mails_about(http, parent_verifiers[0], code, "Eskalasi")) == 1
    history = http.get(f"/applications/{app['id']}/history", token=head).json["items"]
    assert [e["action"] for e in history].count("overdue") == 1
    assert json.dumps(history).count("escalated to verifier") == 1
