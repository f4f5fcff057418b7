"""Account work off the request's path: the queued registrations and password-reset requests
(so their routes answer every address after the same work), and scheduled housekeeping.

A request is carried out once even when SQS delivers it twice (Powertools idempotency keyed on
its request id): a second code would make the first one, already in the person's mailbox,
useless. Each request is one record of Powertools' batch processor (workers/batches.py)."""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import logs
from chalicelib.deps import container
from chalicelib.workers.batches import handle_each_record


class AccountJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["account"]
    action: Literal["register", "forgot_password"]
    request_id: str = Field(min_length=8, max_length=64)
    email: str = Field(max_length=320)
    name: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=5)
    password_hash: str | None = Field(default=None, max_length=400)


def handle_requests(event: Any) -> dict[str, Any]:
    config, _carry_out = _idempotent_carry_out()
    config.register_lambda_context(event.context)
    return handle_each_record(event, _handle_record)


def _handle_record(record: Any) -> None:
    _config, carry_out = _idempotent_carry_out()
    carry_out(request=AccountJob.model_validate_json(record.body).model_dump(mode="json"))


@functools.cache
def _idempotent_carry_out():
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from chalicelib.services.accounts import AccountRequest

    config = IdempotencyConfig(event_key_jmespath="request_id", payload_validation_jmespath="[action, email]",
                               expires_after_seconds=24 * 3600)

    @idempotent_function(data_keyword_argument="request",
                         persistence_store=container().account_request_idempotency_store, config=config)
    def carry_out(request: dict[str, Any]) -> dict[str, str]:
        container().accounts.carry_out(AccountRequest.from_job(request))
        return {"outcome": "done"}

    return config, carry_out


def purge_unverified(_event: object) -> int:
    logs.configure()
    deps = container()
    return deps.accounts.purge_unverified(deps.settings.unverified_account_days)
