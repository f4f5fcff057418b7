"""The deadline sweep: every overdue step escalated once per level (see docs/DATA.md, "due")."""

from __future__ import annotations

from chalicelib import logs
from chalicelib.deps import container


def escalate_overdue(_event: object) -> int:
    logs.configure()
    return container().applications.escalate_overdue()
