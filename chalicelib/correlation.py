"""The correlation id: one request's whole story in the logs, across the queues it fed.

The API takes it from a valid `X-Correlation-Id` header or else API Gateway's request id
(app.py), and answers it in the same header. Every job that request queues carries it as the SQS
message attribute `correlation_id` (adapters/job_queue.py), the function that takes the job binds
it again (workers/batches.py), and the jobs that one queues carry it on: fan-out → delivery,
outbox → render. Every log line written meanwhile has it (`correlation_id`, added as the record
is made: chalicelib/logs.py). The outbox entry keeps it too, for whoever reads the table.

A context variable, not a global: the local worker runs its functions side by side in threads.
Light on purpose (no imports beyond the standard library): app.py imports it.
"""

from __future__ import annotations

import contextvars
import re

ATTRIBUTE = "correlation_id"
HEADER = "x-correlation-id"
# What a caller may send: a UUID, an AWS request id, a trace-ish token; nothing a log reader or
# a header could be tricked by (no spaces, quotes, control characters), and no NIK-like run of
# 16 digits (every log line carries it).
_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
_SIXTEEN_DIGITS = re.compile(r"\d{16}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def valid(value: object) -> bool:
    return isinstance(value, str) and bool(_VALID.match(value)) and not _SIXTEEN_DIGITS.search(value)


def current() -> str | None:
    return _current.get()


def bind(value: str | None) -> contextvars.Token:
    """Make `value` the current id (None: no id) until `unbind` with the token answered."""
    return _current.set(value if valid(value) else None)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)


def of_request(headers: object, request_id: object) -> str:
    """The id of an API request: the caller's `X-Correlation-Id` when valid, else API Gateway's
    request id, else (Chalice's local server and test client have none) a new one."""
    offered = headers.get(HEADER) if hasattr(headers, "get") else None
    if valid(offered):
        return offered
    if valid(request_id):
        return request_id
    import uuid

    return str(uuid.uuid4())


def of_message(attributes: object, fallback: object = None) -> str | None:
    """The id an SQS record carries (Lambda's shape: {"correlation_id": {"stringValue": …}}), else
    `fallback` (the message id: the lines of one message at least stay together)."""
    carried = attributes.get(ATTRIBUTE) if isinstance(attributes, dict) else None
    value = carried.get("stringValue") if isinstance(carried, dict) else None
    if valid(value):
        return value
    return fallback if valid(fallback) else None
