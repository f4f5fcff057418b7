"""The mail function: an SQS-triggered Lambda that renders an e-mail job and sends it via SES.

Each job is sent at most once even when SQS delivers it twice (Powertools idempotency keyed
on the job id, with the payload hashed so a reused id with other content is refused). The
queue's batch size is 1 (Chalice cannot set ReportBatchItemFailures), so a failing job is
retried alone and, after the queue's maxReceiveCount, lands in the dead-letter queue.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import logs
from chalicelib.deps import container
from chalicelib.templates import render_mail

logger = logging.getLogger(__name__)


class MailJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(min_length=8, max_length=64)
    template: str
    to: str
    language: str = "id"
    params: dict[str, Any] = {}


def handle_batch(event: Any) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    logs.configure()
    _idempotent_send().config.register_lambda_context(event.context)
    return process_partial_response(
        event=event.to_dict(), record_handler=_send_record, processor=BatchProcessor(event_type=EventType.SQS),
        context=event.context,
    )


def _send_record(record: Any) -> None:
    job = MailJob.model_validate_json(record.body)
    _idempotent_send()(job)


@functools.cache
def _idempotent_send():
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    deps = container()
    from chalicelib.adapters import aws

    store = DynamoDBPersistenceLayer(
        table_name=deps.settings.table_name, key_attr="pk", sort_key_attr="sk", static_pk_value="IDEMPOTENCY#mail",
        expiry_attr="expires_ttl", boto3_client=aws.client(deps.settings, "dynamodb"),
    )
    config = IdempotencyConfig(
        event_key_jmespath="job_id", payload_validation_jmespath="[to, template]", expires_after_seconds=7 * 24 * 3600,
    )

    @idempotent_function(data_keyword_argument="job", persistence_store=store, config=config)
    def send(job: dict[str, Any]) -> dict[str, str]:
        subject, text = render_mail(job["template"], job["language"], job["params"])
        message_id = container().mailer.send(job["to"], subject, text)
        logger.info("mail sent", extra={"job_id": job["job_id"], "template": job["template"]})
        return {"message_id": message_id}

    return _IdempotentSender(config, send)


class _IdempotentSender:
    def __init__(self, config: Any, send: Any) -> None:
        self.config = config
        self._send = send

    def __call__(self, job: MailJob) -> None:
        self._send(job=job.model_dump())
