"""Clocks. Deployed stages use the system clock. The local stage shares a file holding how far
its clock runs ahead, so /_local/clock moves the API and the worker together (deadlines, token
and code expiry all follow it)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class OffsetFileClock:
    def __init__(self, offset_file: str) -> None:
        self._path = Path(offset_file)

    def offset_seconds(self) -> float:
        try:
            return float(self._path.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0.0

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset_seconds())

    def advance(self, seconds: float) -> datetime:
        # Written to a temporary file and renamed: a reader never sees half a number.
        total = self.offset_seconds() + seconds
        tmp = self._path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(repr(total))
        tmp.replace(self._path)
        return self.now()
