"""The render function: an SQS consumer making PDFs (see services/rendering.py).

Jobs are outbox entries asking for a receipt or certificate ({"type": "outbox", pk, sk}) or
reports ({"type": "report", kind, subject}), each one record of the batch processor (batch size
1: workers/batches.py). A failed render backs off through
the message's visibility and is tried again; after the queue's maxReceiveCount the record says
`failed` and the job waits in the dead-letter queue, which an alarm watches.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record, receive_count

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30


class OutboxJob(BaseModel):
    """An outbox entry asking for a PDF, with what it asks (`payload`, written `at`) when the
    change that wrote it queued the job (the relay's jobs name the entry only)."""
    model_config = ConfigDict(extra="forbid")

    type: Literal["outbox"]
    pk: str = Field(max_length=200)
    sk: str = Field(max_length=200)
    payload: dict[str, Any] | None = None
    at: datetime | None = None


class ReportJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["report"]
    kind: Literal["budget-usage"]
    subject: str = Field(pattern=r"^rpt_[0-9a-f]{26}$")


Job = TypeAdapter(Annotated[Union[OutboxJob, ReportJob], Field(discriminator="type")])


def handle_batch(event: Any) -> dict[str, Any]:
    return handle_each_record(event, _render_record)


def _render_record(record: Any) -> str:
    return handle_record(record.body, receive_count(record), record.receipt_handle)


def handle_record(body: str, receive_count: int, receipt_handle: str | None = None) -> str:
    from chalicelib.services.ports import OutboxKey
    from chalicelib.services.rendering import RenderFailed

    job = Job.validate_json(body)
    deps = container()
    try:
        if isinstance(job, OutboxJob):
            key = OutboxKey(job.pk, job.sk, "render", payload=job.payload, at=job.at)
            return deps.rendering.handle_outbox(key, receive_count)
        return deps.rendering.render_pdf(job.kind, job.subject, receive_count)
    except RenderFailed:
        if receipt_handle:
            deps.render_jobs.delay_redelivery(receipt_handle, min(RETRY_BASE_SECONDS * 2 ** (receive_count - 1), 900))
        raise
