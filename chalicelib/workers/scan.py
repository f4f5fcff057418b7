"""The scan functions: one reads each upload S3 announces (via the scan queue) and decides
clean or rejected; one takes what the scan queue gave up on (its dead-letter queue) and marks
those documents "could not be scanned", so none stays `scanning` forever.

Each message is one record of Powertools' batch processor, one a batch (workers/batches.py): an
exception leaves the message for SQS to deliver again, and after the queue's maxReceiveCount
tries it moves to the dead-letter queue. A file whose malware verdict is not there yet (GuardDuty
scans on its own time) has its event queued again with a growing delay, its look counted in the
message attribute `verdict_try`; on the last look without one the scan settles it as "could not
be scanned".
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record, message_attribute

logger = logging.getLogger(__name__)
# The message attribute counting a message's looks for its malware verdict, when queued again.
VERDICT_TRY = "verdict_try"


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
    attempt = verdict_try(record)
    for obj in s3_objects(record.body):
        try:
            outcome = scanner_of(deps, obj["key"]).scan(obj["key"], obj["etag"], obj["version_id"], attempt)
        except VerdictPending as pending:
            # The malware engine scans on its own time (GuardDuty): the event is queued again, to
            # be handed out once the engine may have answered, and this message is done with.
            # Not a failure, so no Lambda error and no receive counted towards the DLQ; and the
            # event is never lost (should queueing it again fail, this message stays).
            deps.scan_jobs.send_later(json.loads(record.body), pending.retry_after_seconds,
                                      {VERDICT_TRY: str(attempt + 1)})
            logger.info("upload awaits its malware verdict", extra={
                "key": obj["key"][:200], "attempt": attempt, "retry_after": pending.retry_after_seconds})
            return
        logger.info("upload scanned", extra={"outcome": outcome})


def scanner_of(deps: Any, key: str) -> Any:
    """Whose upload a key is (domain/upload_keys.py): a regulation's PDF, a dam's technical
    document, else an application's document (the documents' scan keeps strays away)."""
    from chalicelib.domain.upload_keys import DAMS, LIBRARY

    if LIBRARY.holds(key):
        return deps.library
    if DAMS.holds(key):
        return deps.dam_documents
    return deps.documents


def verdict_try(record: Any) -> int:
    """Which look for its malware verdict this message is (1 for S3's own event)."""
    carried = message_attribute(record, VERDICT_TRY) or "1"
    return int(carried) if carried.isdigit() and 0 < int(carried) < 1000 else 1


def handle_unscannable(event: Any) -> dict[str, Any]:
    return handle_each_record(event, give_up_uploads_named)


def give_up_uploads_named(record: Any) -> None:
    deps = container()
    for obj in s3_objects(record.body):
        scanner = scanner_of(deps, obj["key"])
        if scanner is deps.library:
            outcome = deps.library.give_up(obj["key"])
        else:
            outcome = scanner.give_up(obj["key"], obj["etag"])
        logger.warning("upload could not be scanned", extra={"outcome": outcome})
