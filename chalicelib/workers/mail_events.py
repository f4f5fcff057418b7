"""The mail-events function: SES's reports of mail it had accepted that then came back (bounces,
complaints), published by the configuration set to an SNS topic and queued for this function.
Each returned mail is recorded on its notification; an address that bounced for good or whose
owner marked it as spam gets no more mail but the codes its owner asks for. Recording it twice
changes nothing, so SQS's redelivery needs no more than that."""

from __future__ import annotations

import json
import logging
from typing import Any

from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record

logger = logging.getLogger(__name__)


def handle_batch(event: Any) -> dict[str, Any]:
    return handle_each_record(event, _handle_record)


def _handle_record(record: Any) -> None:
    from chalicelib.domain.notifications import returned_mail

    try:
        body = json.loads(record.body)
    except ValueError:
        logger.warning("mail event dropped: not JSON", extra={"message_id": record.message_id})
        return
    returned = returned_mail(body) if isinstance(body, dict) else None
    if returned is None:
        logger.info("mail event ignored: not a bounce or complaint of ours", extra={"message_id": record.message_id})
        return
    container().notifications.record_returned_mail(returned)
