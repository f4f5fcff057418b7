"""Every log record the test session makes, kept for test_no_nik_in_logs.py (run last).

Records are taken as the logger hands them on, before any handler's filter: the check is that
the code never puts a NIK in a record, not that the redaction filter in chalicelib/logs.py
catches one. The local stacks the session starts write their processes' logs to files; those
are read at the end, and there the filter's own marker (`pii_redacted`) must never appear.
"""

from __future__ import annotations

import logging
import re
import traceback
from pathlib import Path

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")

records: list[tuple[str, str]] = []  # (logger name, everything the record carries, as text)
stack_logs: list[Path] = []

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def record_text(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a record whose arguments do not fit its format
        message = f"{record.msg!r} {record.args!r}"
    parts = [message]
    parts += [f"{key}={value!r}" for key, value in vars(record).items() if key not in _STANDARD]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    if record.stack_info:
        parts.append(record.stack_info)
    return " ".join(parts)


def install() -> None:
    original = logging.Logger.handle
    if getattr(original, "_keeps_lines", False):
        return

    def handle(self: logging.Logger, record: logging.LogRecord) -> None:
        records.append((record.name, record_text(record)))
        original(self, record)

    handle._keeps_lines = True  # type: ignore[attr-defined]
    logging.Logger.handle = handle  # type: ignore[method-assign]


def offending(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, text) for name, text in lines if SIXTEEN_DIGITS.search(text) or "pii_redacted" in text]


def stack_lines() -> list[tuple[str, str]]:
    found = []
    for path in stack_logs:
        if path.exists():
            found += [(path.name, line) for line in path.read_text(errors="replace").splitlines()]
    return found


def summary() -> dict:
    """What a worker process saw, for the check over the whole session (see conftest.py)."""
    lines = records + stack_lines()
    return {"lines": len(lines), "offending": [list(line) for line in offending(lines)[:20]],
            "saw_work": any("application created" in text for _name, text in lines)}

