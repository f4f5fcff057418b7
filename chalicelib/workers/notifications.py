"""The notification function: an SQS-triggered Lambda doing two kinds of job.

* fanout  — a change's outbox entries become one notification per recipient, each e-mailed at
  once (services/notifications.py);
* deliver — one notification's e-mail is sent and its delivery recorded (a mail the fan-out
  could not send, codes and invitations).

A delivery job is sent at most once even when SQS delivers it twice (Powertools idempotency
keyed on the notification id, with the recipient and kind hashed so a reused id with other
content is refused). Each job is one record of Powertools' batch processor, and the queue's batch
size is 1 (workers/batches.py), so one failing job never makes another be sent again. A failed attempt sets the message's
visibility to an exponential backoff before Lambda gives it back to the queue; after the
queue's maxReceiveCount it lands in the dead-letter queue, and the notification says "failed".
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from chalicelib import logs
from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record, receive_count

logger = logging.getLogger(__name__)

# The notification function's timeout (.chalice/config.json): the longest an in-progress
# delivery can hold its idempotency record.
IN_PROGRESS_RETRY_SECONDS = 30


class FanOutJob(BaseModel):
    """The notices of one change: outbox entries of one partition (`sks`, else the one `sk`)."""
    model_config = ConfigDict(extra="forbid")

    type: Literal["fanout"]
    pk: str = Field(max_length=200)
    sk: str = Field(max_length=200)
    sks: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=25)

    def keys(self) -> list[Any]:
        from chalicelib.services.ports import OutboxKey

        return [OutboxKey(self.pk, sk) for sk in dict.fromkeys(self.sks or [self.sk])]


class DeliverJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["deliver"]
    notification_id: str = Field(min_length=8, max_length=64)
    user_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(max_length=40)
    params: dict[str, Any] = {}
    application_id: str | None = None
    created_at: datetime
    secret: dict[str, Any] = {}


Job = TypeAdapter(Annotated[Union[FanOutJob, DeliverJob], Field(discriminator="type")])


def handle_batch(event: Any) -> dict[str, Any]:
    config, _deliver = _idempotent_deliver()
    config.register_lambda_context(event.context)
    return handle_each_record(event, _handle_record)


def _handle_record(record: Any) -> None:
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

    from chalicelib.services.notifications import DeliveryFailed

    job = Job.validate_json(record.body)
    deps = container()
    if isinstance(job, FanOutJob):
        deps.notifications.fan_out(job.keys())
        return
    try:
        _config, deliver = _idempotent_deliver()
        deliver(job=job.model_dump(mode="json"), receive_count=receive_count(record))
    except DeliveryFailed as failed:
        # Back off before the next try; after the last one the queue moves the message to the
        # dead-letter queue when it shows again, so that is not put off for long either.
        deps.notification_jobs.delay_redelivery(record.receipt_handle, failed.retry_after_seconds)
        raise
    except IdempotencyAlreadyInProgressError:
        # Another invocation holds this delivery (or one died holding it): its hold ends with
        # that invocation's time limit, so come back after the longest it can last.
        deps.notification_jobs.delay_redelivery(record.receipt_handle, IN_PROGRESS_RETRY_SECONDS)
        raise


def describe_error(error: BaseException) -> str:
    """What went wrong, short, without the message's content (services/notifications.py)."""
    from chalicelib.services.notifications import describe

    return describe(error)


@functools.cache
def _idempotent_deliver():
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from chalicelib.domain.notifications import Notification
    from chalicelib.services.notifications import DeliveryJob

    store = container().notification_idempotency_store
    config = IdempotencyConfig(
        event_key_jmespath="notification_id", payload_validation_jmespath="[user_id, kind]",
        expires_after_seconds=7 * 24 * 3600,
    )

    @idempotent_function(data_keyword_argument="job", persistence_store=store, config=config)
    def deliver(job: dict[str, Any], receive_count: int) -> dict[str, str]:
        notification = Notification(
            id=job["notification_id"], user_id=job["user_id"], kind=job["kind"], params=job["params"],
            created_at=datetime.fromisoformat(job["created_at"]), application_id=job["application_id"],
        )
        outcome = container().notifications.deliver(DeliveryJob(notification, job["secret"]), receive_count,
                                                    describe_error)
        return {"outcome": outcome}

    return config, deliver


def relay_outbox(_event: object) -> int:
    """The schedule that hands on outbox entries (notices, PDFs to render) whose hand-on after
    their change was lost."""
    logs.configure()
    return container().outbox.relay_stragglers()
