"""Notifications: what someone is told, in the app and by e-mail, and whether it arrived.

A notice (`Notice`, written to the outbox with the change that causes it) says who must be told
of what; it becomes one notification per recipient. Each notification is listed in the
recipient's app (unless it carries a secret, like a one-time code) and sent by e-mail, with its
delivery recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.ids import CROCKFORD

# kind → shown in the app. Codes and invitations go to people who cannot log in yet, and a code
# must not be kept anywhere it could be read back: those are e-mail only.
KINDS: dict[str, bool] = {
    "submitted": True,
    "assigned": True,
    "returned": True,
    "approved": True,
    "rejected": True,
    "withdrawn": True,
    "suspended": True,
    "resumed": True,
    "overdue": True,
    "escalated": True,
    "document_rejected": True,
    "roles_granted": True,
    "subscription_paused": True,
    "verify_code": False,
    "reset_code": False,
    "already_registered": False,
    "invitation": False,
}

QUEUED, RETRYING, SENT, FAILED = "queued", "retrying", "sent", "failed"
DELIVERY_STATUSES = (QUEUED, RETRYING, SENT, FAILED)


@dataclass(frozen=True)
class Notice:
    """Someone must be told: one user, or everyone holding `to_role` at `to_node_id` (and their
    delegates), except `except_user_id`. Written to the outbox with the change that causes it."""

    kind: str
    params: dict[str, Any]
    application_id: str | None = None
    to_user_id: str | None = None
    to_role: str | None = None
    to_node_id: str | None = None
    except_user_id: str | None = None
    # When nobody holds `to_role` at the node: the first of these roles that someone holds there.
    fallback_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notification:
    id: str
    user_id: str
    kind: str
    params: dict[str, Any]
    created_at: datetime
    application_id: str | None = None
    read_at: datetime | None = None
    delivery_status: str = QUEUED
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None

    @property
    def in_app(self) -> bool:
        return KINDS.get(self.kind, False)

    def evolve(self, **changes: Any) -> "Notification":
        return replace(self, **changes)


def notification_id(at: datetime, source: str, user_id: str) -> str:
    """The same notice for the same person always gets the same id (a redelivered fan-out
    writes nothing twice), and ids still sort by time: milliseconds, then 80 bits of a hash."""
    digest = int.from_bytes(hashlib.sha256(f"{source}|{user_id}".encode()).digest()[:10], "big")
    value = (int(at.timestamp() * 1000) << 80) | digest
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return "ntf_" + "".join(reversed(chars))


def retry_delay_seconds(attempt: int, base_seconds: int, cap_seconds: int = 900) -> int:
    """Exponential backoff between delivery attempts: base, 2·base, 4·base… up to the cap
    (SQS allows at most 12 hours)."""
    return int(min(cap_seconds, base_seconds * (2 ** max(0, attempt - 1))))

