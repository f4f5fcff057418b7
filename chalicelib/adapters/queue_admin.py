"""Ops' view of the queues (chalicelib/domain/operations.py): approximate counts, and moving a
dead-letter queue's messages back to the queue they came from.

The emulator (moto) has no StartMessageMoveTask, and the deployed stage gains little from it for
the handful a dead-letter queue holds, so a redrive is a bounded loop of our own: receive up to
ten, send each to the source queue, and delete it from the dead-letter queue only once the send
succeeded. A crash between the two leaves a copy in both (the consumers are idempotent), never
none: no message is lost."""

from __future__ import annotations

import logging
import threading
from typing import Any

from chalicelib.adapters import aws
from chalicelib.config import Settings
from chalicelib.domain.operations import QueueCounts

logger = logging.getLogger(__name__)

COUNT_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
# Long enough to send ten messages on; a message left by a failed send comes back after it.
RECEIVE_VISIBILITY_SECONDS = 60


class SqsQueueAdmin:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def _sqs(self) -> Any:
        return aws.client(self._settings, "sqs")

    def _url(self, queue: str) -> str:
        """Queue URLs are looked up once per process (one GetQueueUrl each, first use only)."""
        with self._lock:
            if queue not in self._urls:
                self._urls[queue] = self._sqs().get_queue_url(QueueName=queue)["QueueUrl"]
            return self._urls[queue]

    def counts(self, queue: str) -> QueueCounts:
        """One GetQueueAttributes."""
        attributes = self._sqs().get_queue_attributes(QueueUrl=self._url(queue),
                                                      AttributeNames=COUNT_ATTRIBUTES)["Attributes"]
        return QueueCounts(visible=_number(attributes.get("ApproximateNumberOfMessages")),
                           in_flight=_number(attributes.get("ApproximateNumberOfMessagesNotVisible")))

    def move(self, dead_letter_queue: str, source: str, limit: int) -> int:
        """Move up to `limit` messages from `dead_letter_queue` to `source`, each sent before it is
        deleted; answers how many moved. Stops at the first empty receive."""
        sqs = self._sqs()
        dlq_url, source_url = self._url(dead_letter_queue), self._url(source)
        moved = 0
        while moved < limit:
            messages = sqs.receive_message(
                # A short poll samples only some of SQS's servers and may answer nothing while
                # messages wait: a one-second long poll asks them all.
                QueueUrl=dlq_url, MaxNumberOfMessages=min(10, limit - moved), WaitTimeSeconds=1,
                VisibilityTimeout=RECEIVE_VISIBILITY_SECONDS, MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                break
            sent = sqs.send_message_batch(QueueUrl=source_url, Entries=[
                {"Id": str(i), "MessageBody": message["Body"],
                 **({"MessageAttributes": message["MessageAttributes"]} if message.get("MessageAttributes") else {})}
                for i, message in enumerate(messages)
            ])
            delivered = [messages[int(ok["Id"])] for ok in sent.get("Successful", [])]
            if sent.get("Failed"):
                # Those stay in the dead-letter queue and reappear after the visibility timeout.
                logger.warning("a redrive could not send some messages", extra={
                    "queue": source, "failed": len(sent["Failed"])})
            if delivered:
                sqs.delete_message_batch(QueueUrl=dlq_url, Entries=[
                    {"Id": str(i), "ReceiptHandle": message["ReceiptHandle"]} for i, message in enumerate(delivered)
                ])
            moved += len(delivered)
            if len(delivered) < len(messages):
                break
        return moved


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
