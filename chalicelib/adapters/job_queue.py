"""Jobs for the queue-triggered functions, sent to SQS (queue URLs looked up once by name).

Each job carries the correlation id of the work that queued it (chalicelib/correlation.py) as
the message attribute `correlation_id`, so the function taking it logs under the same id."""

from __future__ import annotations

import json
import threading
from typing import Any

from chalicelib import correlation
from chalicelib.adapters import aws
from chalicelib.config import Settings


def message_attributes(extra: dict[str, str] | None = None) -> dict[str, Any]:
    values = dict(extra or {})
    if correlation.current():
        values[correlation.ATTRIBUTE] = correlation.current()
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}


class SqsJobQueue:
    def __init__(self, settings: Settings, queue_name: str) -> None:
        self._settings = settings
        self._queue_name = queue_name
        self._url: str | None = None
        self._lock = threading.Lock()

    def _queue_url(self) -> str:
        if self._url is None:
            with self._lock:
                if self._url is None:
                    sqs = aws.client(self._settings, "sqs")
                    self._url = sqs.get_queue_url(QueueName=self._queue_name)["QueueUrl"]
        return self._url

    def send(self, job: dict[str, Any]) -> None:
        aws.client(self._settings, "sqs").send_message(QueueUrl=self._queue_url(), MessageBody=json.dumps(job),
                                                       MessageAttributes=message_attributes())

    def send_later(self, job: dict[str, Any], delay_seconds: int, attributes: dict[str, str]) -> None:
        """Queue `job` to be handed out after `delay_seconds` (SQS allows at most 15 minutes)."""
        aws.client(self._settings, "sqs").send_message(
            QueueUrl=self._queue_url(), MessageBody=json.dumps(job), DelaySeconds=max(0, min(delay_seconds, 900)),
            MessageAttributes=message_attributes(attributes),
        )

    def send_many(self, jobs: list[dict[str, Any]]) -> None:
        """Ten to a call (SQS's batch limit); raises if any job was not accepted."""
        sqs = aws.client(self._settings, "sqs")
        for start in range(0, len(jobs), 10):
            chunk = jobs[start:start + 10]
            answer = sqs.send_message_batch(QueueUrl=self._queue_url(), Entries=[
                {"Id": str(i), "MessageBody": json.dumps(job), "MessageAttributes": message_attributes()}
                for i, job in enumerate(chunk)
            ])
            if answer.get("Failed"):
                # Those that went stay sent; their consumers are idempotent, so sending all
                # of them again is safe.
                failed = [chunk[int(f["Id"])] for f in answer["Failed"]]
                for job in failed:
                    self.send(job)

    def delay_redelivery(self, receipt_handle: str, seconds: int) -> None:
        """Keep a received message out of sight for `seconds` (backoff before its next try)."""
        aws.client(self._settings, "sqs").change_message_visibility(
            QueueUrl=self._queue_url(), ReceiptHandle=receipt_handle, VisibilityTimeout=max(0, min(seconds, 43200)),
        )
