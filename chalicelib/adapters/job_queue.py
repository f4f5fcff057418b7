"""Jobs for the queue-triggered functions, sent to SQS (queue URLs looked up once by name)."""

from __future__ import annotations

import json
import threading
from typing import Any

from chalicelib.adapters import aws
from chalicelib.config import Settings


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
        aws.client(self._settings, "sqs").send_message(QueueUrl=self._queue_url(), MessageBody=json.dumps(job))
