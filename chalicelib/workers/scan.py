"""The scan functions: one reads each upload S3 announces (via the scan queue) and decides
clean or rejected; one takes what the scan queue gave up on (its dead-letter queue) and marks
those documents "could not be scanned", so none stays `scanning` forever.

Each message is one record of Powertools' batch processor, one a batch (workers/batches.py): an
exception leaves the message for SQS to deliver again, and after the queue's maxReceiveCount
tries it moves to the dead-letter queue. A file whose malware verdict is not there yet (GuardDuty
scans on its own time) puts its message off with a growing wait; on the last try without one the
scan itself settles it as "could not be scanned".
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record, receive_count

logger = logging.getLogger(__name__)


def s3_objects(body: str) -> list[dict[str, Any]]:
    """The objects an S3 event message names (S3's own test message names none). Keys arrive
    URL-encoded, spaces as '+'."""
    message = json.loads(body)
    found = []
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        obj = record["s3"]["object"]
        found.append({
            "key": unquote_plus(obj["key"]),
            "etag": obj.get("eTag", ""),
            "version_id": obj.get("versionId"),
        })
    return found


def handle_uploads(event: Any) -> dict[str, Any]:
    return handle_each_record(event, scan_uploads_named)


def scan_uploads_named(record: Any) -> None:
    from chalicelib.services.documents import VerdictPending

    deps = container()
    for obj in s3_objects(record.body):
        try:
            outcome = deps.documents.scan(obj["key"], obj["etag"], obj["version_id"], receive_count(record))
        except VerdictPending as pending:
            # The malware engine scans on its own time (GuardDuty): come back once it may have
            # answered. The failed record leaves the message on the queue; SQS counts the try.
            deps.scan_jobs.delay_redelivery(record.receipt_handle, pending.retry_after_seconds)
            logger.info("upload awaits its malware verdict", extra={
                "key": obj["key"][:200], "attempt": receive_count(record), "retry_after": pending.retry_after_seconds})
            raise
        logger.info("upload scanned", extra={"outcome": outcome})


def handle_unscannable(event: Any) -> dict[str, Any]:
    return handle_each_record(event, give_up_uploads_named)


def give_up_uploads_named(record: Any) -> None:
    documents = container().documents
    for obj in s3_objects(record.body):
        outcome = documents.give_up(obj["key"], obj["etag"])
        logger.warning("upload could not be scanned", extra={"outcome": outcome})
