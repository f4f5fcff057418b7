"""One way every SQS-triggered function takes its batch: Powertools' batch processor hands each
record to the function's per-record handler (a record that raises has failed; the others stand).

Chalice cannot set ReportBatchItemFailures on its SQS event sources, so Lambda ignores the
partial response and deletes the whole batch when the function returns. Two rules make that
safe, and the tests hold both:

* every queue's batch size is 1 (app.py): a failed record is the whole batch, Powertools raises
  for it, and SQS delivers it again, with no other record's success redone;
* should a batch ever hold more than one record and some fail, the function raises anyway
  (`PartialBatchFailed`): SQS delivers the whole batch again — its successes redone, which the
  handlers' idempotency makes harmless — rather than losing the failed records with it.
"""

from __future__ import annotations

from typing import Any, Callable

from chalicelib import correlation, logs, tracing


class PartialBatchFailed(Exception):
    """Some records of a batch failed: raised so that Lambda keeps the batch on the queue."""


def handle_each_record(event: Any, record_handler: Callable[[Any], Any]) -> dict[str, Any]:
    """Run `record_handler` on each record of Chalice's SQS event (it gets Powertools'
    `SQSRecord`: body, message_id, receipt_handle, attributes). Raises when any failed."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    logs.configure()

    def under_its_correlation_id(record: Any) -> Any:
        # The id of the work that queued the message (else the message's own id): every line
        # this record's handling logs, and every job it queues, carries it (chalicelib/correlation.py).
        token = correlation.bind(correlation.of_message(record.raw_event.get("messageAttributes"), record.message_id))
        try:
            with tracing.traced("## record", correlation.current()):
                return record_handler(record)
        finally:
            correlation.unbind(token)

    response = process_partial_response(
        event=event.to_dict(), record_handler=under_its_correlation_id,
        processor=BatchProcessor(event_type=EventType.SQS), context=event.context,
    )
    failed = response.get("batchItemFailures") or []
    if failed:
        raise PartialBatchFailed(f"{len(failed)} of the batch's records failed; the batch is delivered again")
    return response


def receive_count(record: Any) -> int:
    """How many times SQS has handed this message out, this time included."""
    return int(record.attributes.approximate_receive_count or 1)


def message_attribute(record: Any, name: str) -> str | None:
    """A string message attribute of an SQS record (Lambda's shape), or None."""
    carried = (record.raw_event.get("messageAttributes") or {}).get(name)
    return carried.get("stringValue") if isinstance(carried, dict) else None
