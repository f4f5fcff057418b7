"""Integration runs (see services/integrations.py): the daily finance push,
the retry sweep, and the queue function that runs a target at once (after an approval that owes
the civil registry an event, or when ops ask)."""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib import logs
from chalicelib.deps import container
from chalicelib.domain.integrations import TARGETS
from chalicelib.workers.batches import handle_each_record

logger = logging.getLogger(__name__)

# Leave this much of the function's time limit for recording the last answer.
MARGIN_SECONDS = 20


class RunJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    target: str
    # Ops' run (POST /integrations/{target}/run): the day whose unsaved records it makes due
    # first (None: the target's pending ones). A run a change starts only sends what is due.
    day: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    requeue: bool = False
    # A run a change starts names the records it made due ([dataset, key] each): those are sent,
    # claimed by their keys, without reading the target's due index.
    records: list[tuple[str, str]] | None = Field(default=None, max_length=500)


def _seconds(context: Any, default: float = 240.0) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return max(5.0, remaining() / 1000 - MARGIN_SECONDS) if remaining else default


def push_finance_registry(_event: Any, context: Any = None) -> dict:
    """Daily: yesterday's records (H-1) and any older ones still unsaved."""
    logs.configure()
    return vars(container().integrations.push_finance_registry(_seconds(context)))


def retry_due_integrations(_event: Any, context: Any = None) -> list[dict]:
    """Every 15 minutes: whatever is due at each registry (civil events not sent at once,
    records whose backoff has passed)."""
    logs.configure()
    ends = time.monotonic() + _seconds(context)
    # One after the other, each with the time left: a registry that is down stops its own run
    # after a few records, so the next one still gets its turn.
    return [vars(container().integrations.send_due(target, max(0.0, ends - time.monotonic()))) for target in TARGETS]


def handle_run_jobs(event: Any) -> dict[str, Any]:
    return handle_each_record(event, functools.partial(run_job, context=event.context))


def run_job(record: Any, context: Any = None) -> None:
    """One run job: the target's due records sent. A job that can never run is dropped (logged),
    not retried."""
    try:
        job = RunJob.model_validate(json.loads(record.body))
    except (ValidationError, ValueError):
        logger.error("integration job unreadable; dropped", extra={"message_id": record.message_id})
        return
    if job.target not in TARGETS:
        logger.error("integration job for an unknown target; dropped", extra={"target": job.target})
        return
    if job.requeue:
        container().integrations.run_requested(job.target, job.day, _seconds(context))
    else:
        container().integrations.send_due(job.target, _seconds(context), job.records)
