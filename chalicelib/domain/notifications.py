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
    "claimed": True,
    "reassigned": True,
    "document_rejected": True,
    "document_accepted": True,
    "roles_granted": True,
    "subscription_paused": True,
    "registry_record_failed": True,
    "survey_invitation": True,
    "verify_code": False,
    "reset_code": False,
    "already_registered": False,
    "invitation": False,
    "dam_alert": True,
    "dam_report_due": True,
    "dam_report_overdue": True,
    "dam_overdue": True,
}

QUEUED, RETRYING, SENT, FAILED = "queued", "retrying", "sent", "failed"
# Told in the app only, never e-mailed: news the reader needs to do nothing about (a file passed
# its scan), which would not be worth a mail (nor the calls of one) per upload.
IN_APP_ONLY = "in_app_only"
# After SES accepted it: the receiving server refused it for good, or its reader marked it as spam.
BOUNCED, COMPLAINED = "bounced", "complained"
DELIVERY_STATUSES = (QUEUED, RETRYING, SENT, FAILED, BOUNCED, COMPLAINED, IN_APP_ONLY)
# Mail a person asks for themselves: still sent to an address whose mail was stopped.
ASKED_FOR_KINDS = ("verify_code", "reset_code", "invitation")


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
    # Or: everyone holding any of `to_roles` at any office of `to_node_path` (a dam's alert goes
    # to its staff at its managing office and above, and to their managers, in one notice).
    to_roles: tuple[str, ...] = ()
    to_node_path: tuple[str, ...] = ()


def notice_payload(notice: Notice) -> dict[str, Any]:
    """A notice as its outbox entry (and its fan-out job) holds it."""
    return {"kind": notice.kind, "params": notice.params, "application_id": notice.application_id,
            "to_user_id": notice.to_user_id, "to_role": notice.to_role, "to_node_id": notice.to_node_id,
            "except_user_id": notice.except_user_id, "fallback_roles": list(notice.fallback_roles),
            **({"to_roles": list(notice.to_roles), "to_node_path": list(notice.to_node_path)} if notice.to_roles else {})}


def notice_from_payload(payload: dict[str, Any]) -> Notice:
    return Notice(**{**payload, "fallback_roles": tuple(payload.get("fallback_roles") or ()),
                     "to_roles": tuple(payload.get("to_roles") or ()),
                     "to_node_path": tuple(payload.get("to_node_path") or ())})


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



@dataclass(frozen=True)
class ReturnedMail:
    """A mail SES accepted that came back: bounced (for good, or this once) or marked as spam."""

    notification_id: str
    user_id: str
    kind: str
    status: str  # BOUNCED | COMPLAINED
    detail: str
    stops_mail: bool  # a permanent bounce or a complaint: no more mail to the address


def returned_mail(event: dict[str, Any]) -> ReturnedMail | None:
    """From an SES event (configuration-set event publishing, as SNS hands it on, raw or in its
    envelope): the returned mail it reports, or None for other events and mail not ours."""
    if event.get("Type") == "Notification" and isinstance(event.get("Message"), str):
        import json

        try:
            event = json.loads(event["Message"])
        except ValueError:
            return None
    kind_of_event = event.get("eventType") or event.get("notificationType")
    tags = (event.get("mail") or {}).get("tags") or {}

    def tag(name: str) -> str | None:
        values = tags.get(name)
        return values[0] if isinstance(values, list) and values and isinstance(values[0], str) else None

    notification_id, user_id, kind = tag("notification"), tag("user"), tag("kind")
    if not (notification_id and user_id and kind):
        return None
    if kind_of_event == "Bounce":
        bounce = event.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        recipients = bounce.get("bouncedRecipients") or [{}]
        detail = f"bounced ({bounce.get('bounceType')}/{bounce.get('bounceSubType')}): " \
                 f"{recipients[0].get('diagnosticCode') or 'no reason given'}"
        return ReturnedMail(notification_id, user_id, kind, BOUNCED, detail[:500], permanent)
    if kind_of_event == "Complaint":
        feedback = (event.get("complaint") or {}).get("complaintFeedbackType") or "not given"
        return ReturnedMail(notification_id, user_id, kind, COMPLAINED, f"marked as spam (feedback: {feedback})", True)
    return None
