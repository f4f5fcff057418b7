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

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from chalicelib import logs
from chalicelib.deps import container
from chalicelib.domain.integrations import RECORDS_PER_JOB
from chalicelib.services.outbox import NOTICES_PER_JOB
from chalicelib.workers.batches import handle_each_record, receive_count

logger = logging.getLogger(__name__)

# The notification function's timeout (.chalice/config.json): the longest an in-progress
# delivery can hold its idempotency record.
IN_PROGRESS_RETRY_SECONDS = 30


class FanOutJob(BaseModel):
    """The notices of one change: outbox entries of one partition (`sks`, else the one `sk`),
    with what they say when the change sent them (`notices`, one per `sks`, written `at`; the
    relay's jobs name the entries only), and the change's webhook deliveries due now."""
    model_config = ConfigDict(extra="forbid")

    type: Literal["fanout"]
    pk: str = Field(max_length=200)
    sk: str = Field(max_length=200)
    sks: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=NOTICES_PER_JOB)
    notices: list[dict[str, Any]] | None = Field(default=None, max_length=NOTICES_PER_JOB)
    at: datetime | None = None
    deliveries: list[tuple[str, str]] | None = Field(default=None, max_length=RECORDS_PER_JOB)

    @model_validator(mode="after")
    def _notices_match_their_entries(self) -> "FanOutJob":
        if self.notices is not None and (self.at is None or len(self.notices) != len(self.sks)):
            raise ValueError("notices need their time and one entry each")
        return self

    def keys(self) -> list[Any]:
        from chalicelib.services.ports import OutboxKey

        if self.notices is not None:
            return list({sk: OutboxKey(self.pk, sk, payload=notice, at=self.at)
                         for sk, notice in zip(self.sks, self.notices)}.values())
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
    return handle_each_record(event, functools.partial(_handle_record, context=event.context))


# The change's webhooks are sent after its e-mails, in what is left of the function's 30 s less
# this; what does not fit is sent by the retry schedule.
WEBHOOKS_MARGIN_SECONDS = 3


def _deliver_webhooks(deliveries: list[tuple[str, str]], context: Any) -> None:
    from chalicelib.domain.integrations import SUBSCRIPTIONS

    remaining = getattr(context, "get_remaining_time_in_millis", None)
    seconds = remaining() / 1000 - WEBHOOKS_MARGIN_SECONDS if remaining else float(IN_PROGRESS_RETRY_SECONDS)
    summary = container().integrations.send_due(SUBSCRIPTIONS, max(0.0, seconds), deliveries)
    logger.info("webhooks sent with the fan-out", extra={"sent": summary.sent, "named": len(deliveries)})


def _handle_record(record: Any, context: Any = None) -> None:
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

    from chalicelib.services.notifications import DeliveryFailed

    job = Job.validate_json(record.body)
    deps = container()
    if isinstance(job, FanOutJob):
        deps.notifications.fan_out(job.keys())
        if job.deliveries:
            _deliver_webhooks(job.deliveries, context)
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
