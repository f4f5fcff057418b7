"""Structured JSON logs (Powertools' formatter), set up on first use rather than at import.

A filter masks anything shaped like a NIK (16 digits) or a bearer token, in case a value slips
into a message: the code never logs them on purpose, and this keeps an accident out of the logs.
A record it had to mask a NIK in says so (`pii_redacted`), so that the accident is found and
fixed (tests/test_no_nik_in_logs.py fails on it) rather than hidden.

Every record made while a correlation id is bound (chalicelib/correlation.py) carries it as
`correlation_id`: set as the record is made (a record factory), so it is on every line of any
logger, and thread-safe (Powertools' formatter-wide `append_keys` would mix the local worker's
threads).
"""

from __future__ import annotations

import logging
import re
import threading

from chalicelib import correlation

_configured = False
_configuring = threading.Lock()
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        texts = [record.msg] if isinstance(record.msg, str) else []
        texts += [a for a in record.args or () if isinstance(a, str)]
        texts += [v for k, v in record.__dict__.items() if isinstance(v, str) and k not in _UNTOUCHED]
        if any(_SIXTEEN_DIGITS.search(text) for text in texts):
            record.pii_redacted = True
        if isinstance(record.msg, str):
            record.msg = _scrub(record.msg)
        if record.args:
            record.args = tuple(_scrub(a) if isinstance(a, str) else a for a in record.args)
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in _UNTOUCHED:
                setattr(record, key, _scrub(value))
        return True


_UNTOUCHED = ("msg", "name", "levelname", "pathname", "filename", "module", "funcName")


def _scrub(text: str) -> str:
    return _JWT.sub("[token]", _SIXTEEN_DIGITS.sub("[16 digits]", text))


def _with_correlation_id(make_record):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        current = correlation.current()
        if current is not None:
            record.correlation_id = current
        return record

    make.adds_correlation_id = True  # type: ignore[attr-defined]
    return make


def configure() -> None:
    global _configured
    if _configured:
        return
    # Lambda calls one handler at a time, but the local worker runs its functions side by side:
    # without the lock two first calls each add a handler and every line is written twice.
    with _configuring:
        if _configured:
            return
        from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(LambdaPowertoolsFormatter(service="satupintu"))
        handler.addFilter(Redact())
        for name in ("chalicelib", "satupintu"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.INFO)
            logger.addHandler(handler)
            logger.propagate = False
        # The function's other observability, set up once with its logs: X-Ray (Lambda only).
        from chalicelib import tracing

        tracing.start()
        if not getattr(logging.getLogRecordFactory(), "adds_correlation_id", False):
            logging.setLogRecordFactory(_with_correlation_id(logging.getLogRecordFactory()))
        # fpdf2 subsets fonts with fontTools, which narrates every glyph table at INFO.
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        _configured = True
