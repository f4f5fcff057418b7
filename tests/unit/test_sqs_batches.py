"""Every SQS-triggered function takes its batch through Powertools' batch processor
(chalicelib/workers/batches.py), and no failed record is lost although Chalice cannot ask Lambda
for partial batch responses."""

import pytest
from chalice.app import SQSEvent

from chalicelib import local_runtime
from chalicelib.workers.batches import PartialBatchFailed, handle_each_record


def sqs_event(*bodies):
    messages = [{"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": body,
                 "Attributes": {"ApproximateReceiveCount": "2"}} for i, body in enumerate(bodies)]
    return SQSEvent(local_runtime.sqs_event(messages, "arn:aws:sqs:local:123456789012:q", "local"),
                    local_runtime.LocalLambdaContext("test"))


def test_every_queue_function_takes_one_message_at_a_time():
    import app as app_module

    functions = local_runtime.queue_functions(app_module.app)
    assert {name for name, _queue, _size in functions} == {
        "notify", "scan_upload", "scan_failed", "render_pdf", "run_integration", "carry_out_account_requests",
        "record_mail_events"}
    # A failed record is then the whole batch: retried alone, no other record's success redone.
    assert {size for _name, _queue, size in functions} == {1}


def test_a_batch_whose_records_succeed_is_answered_with_no_failures():
    seen = []

    assert handle_each_record(sqs_event("a"), lambda record: seen.append((record.body, record.receipt_handle))) == {
        "batchItemFailures": []}
    assert seen == [("a", "r0")]


def test_a_failed_record_makes_the_function_fail_so_sqs_delivers_it_again():
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    def fail(_record):
        raise OSError("disk full")

    with pytest.raises(BatchProcessingError):
        handle_each_record(sqs_event("a"), fail)


def test_a_partly_failed_batch_fails_whole_rather_than_losing_its_failed_records():
    def fail_b(record):
        if record.body == "b":
            raise OSError("disk full")

    with pytest.raises(PartialBatchFailed):
        handle_each_record(sqs_event("a", "b"), fail_b)


def test_an_unreadable_run_job_is_dropped_not_retried():
    from chalicelib.workers.integrations import handle_run_jobs

    assert handle_run_jobs(sqs_event("not json", '{"type": "run", "target": "nowhere"}')) == {"batchItemFailures": []}


def test_a_run_job_naming_records_sends_just_those(monkeypatch):
    from chalicelib.workers import integrations as worker

    asked = []

    class Integrations:
        def send_due(self, target, seconds, records=None):
            asked.append((target, records))

    monkeypatch.setattr(worker, "container", lambda: type("Container", (), {"integrations": Integrations()})())
    body = '{"type": "run", "target": "subscriptions", "records": [["application.approved", "sub_1#evt_app_1_5"]]}'
    assert worker.handle_run_jobs(sqs_event(body, '{"type": "run", "target": "subscriptions"}')) == {"batchItemFailures": []}
    assert asked == [("subscriptions", [("application.approved", "sub_1#evt_app_1_5")]), ("subscriptions", None)]
