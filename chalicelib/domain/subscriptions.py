"""Event subscriptions: other systems told by URL when an application moves (SPEC.md,
"External registries": "deliveries are signed and retried").

A change that makes an event writes one delivery per matching subscription into its own
transaction, in the send log (target `subscriptions`), as registry records are; the sender
posts them, signed, and retries them with backoff. Deliveries carry the application's
identity and state, never its form: a subscriber that needs more asks the API with its own
credentials, and nobody's NIK leaves in a webhook.

Signing (what docs/DEPLOY.md tells subscribers): the header
`Satupintu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
A receiver recomputes it, refuses a `t` more than five minutes from its clock (a replayed old
delivery), and keeps the `id` of deliveries it has handled (the same event may come twice).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.application_state import APPROVED, ApplicationChange
from chalicelib.domain.integrations import SUBSCRIPTIONS, Outcome, Reply, RETRY, SAVED
from chalicelib.domain.messages import msg

__all__ = ["SUBSCRIPTIONS"]


EVENTS = (
    "application.submitted",
    "application.resubmitted",
    "application.step_approved",
    "application.approved",
    "application.rejected",
    "application.returned",
    "application.withdrawn",
)

ACTIVE, PAUSED = "active", "paused"
# This many deliveries in a row not accepted (each after its retries within a run), and the
# subscription is paused and its owner told: a receiver gone for good stops costing retries.
PAUSE_AFTER_FAILURES = 5
# A delivery that went through is written on its subscription only when that changes what the
# subscription shows: the first after failures (the streak back to 0), or the time of the last
# delivery, kept to the minute (issue 21: a busy subscription would otherwise write its one item
# with every delivery, thousands a second).
LAST_DELIVERED_KEPT_TO = timedelta(seconds=60)
# A receiver must check the timestamp within this many seconds (what we document).
SIGNATURE_TOLERANCE_SECONDS = 300
MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class Subscription:
    id: str
    node_id: str
    node_path: tuple[str, ...]
    url: str
    events: tuple[str, ...]
    owner_id: str
    created_at: datetime
    state: str = ACTIVE
    description: str | None = None
    failures_in_a_row: int = 0
    paused_at: datetime | None = None
    paused_reason: str | None = None
    last_delivered_at: datetime | None = None

    def wants(self, event: str, node_path: tuple[str, ...]) -> bool:
        return event in self.events and self.node_id in node_path

    def evolve(self, **changes: Any) -> "Subscription":
        return replace(self, **changes)

    def delivery_changes_it(self, at: datetime) -> bool:
        """Whether a delivery accepted at `at` changes what the subscription shows."""
        return (self.failures_in_a_row > 0 or self.last_delivered_at is None
                or not self.last_delivered_at <= at < self.last_delivered_at + LAST_DELIVERED_KEPT_TO)


def check_url(url: str, allow_loopback: bool) -> list[FieldProblem]:
    """An https URL on a public host. A subscriber URL is fetched by our functions: one that
    names a private, loopback or link-local address would let an admin probe our own network
    (the instance metadata address among them). The local stage may deliver to loopback."""
    problems = []
    if len(url) > MAX_URL_LENGTH:
        return [FieldProblem("url", msg("is longer than {limit} characters", limit=MAX_URL_LENGTH))]
    parsed = urllib.parse.urlsplit(url)
    host = parsed.hostname or ""
    if parsed.scheme != "https" and not (allow_loopback and parsed.scheme == "http" and is_loopback(host)):
        problems.append(FieldProblem("url", "must be an https:// URL"))
    if not host:
        problems.append(FieldProblem("url", "has no host"))
    elif parsed.username or parsed.password:
        problems.append(FieldProblem("url", "must not carry a user name or password; deliveries are signed instead"))
    elif not address_allowed(host, allow_loopback):
        problems.append(FieldProblem("url", "must name a public host, not a private, loopback or link-local address"))
    return problems


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_allowed(host: str, allow_loopback: bool) -> bool:
    """For a literal address or a name already resolved to one: is it somewhere we may post?"""
    if allow_loopback and is_loopback(host):
        return True
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".internal"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: its addresses are checked when a delivery resolves it
    return address.is_global and not address.is_multicast


def check_events(events: Iterable[str]) -> list[FieldProblem]:
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        return [FieldProblem("events", msg("unknown: {unknown}; known: {known}", unknown=", ".join(unknown),
                                           known=", ".join(EVENTS)))]
    return []


def event_of(change: ApplicationChange) -> str | None:
    entry = change.history
    if entry.action == "submit":
        return "application.submitted"
    if entry.action == "resubmit":
        return "application.resubmitted"
    if entry.action == "approve":
        return "application.approved" if entry.to_status == APPROVED else "application.step_approved"
    if entry.action in ("reject", "return", "withdraw"):
        return f"application.{entry.action}ed" if entry.action != "withdraw" else "application.withdrawn"
    return None


def event_id(change: ApplicationChange) -> str:
    """The same change always makes the same id (a retried save cannot make a second event)."""
    return f"evt_{change.application.id}_{change.application.version}"


def delivery_key(subscription_id: str, change: ApplicationChange) -> str:
    """A delivery's key in the send log: its subscription first, so one subscription's
    deliveries share a key prefix (`deliveries_prefix`)."""
    return f"{deliveries_prefix(subscription_id)}{event_id(change)}"


def deliveries_prefix(subscription_id: str) -> str:
    return f"{subscription_id}#"


def subscription_of(delivery_key: str) -> str:
    return delivery_key.split("#", 1)[0]


def payload(change: ApplicationChange, event: str, subscription_id: str) -> dict[str, Any]:
    app = change.application
    return {
        "id": event_id(change),
        "type": event,
        "occurred_at": change.history.at.isoformat(),
        "subscription_id": subscription_id,
        "application": {
            "id": app.id,
            "tracking_code": app.tracking_code,
            "service_id": app.service_id,
            "node_id": app.node_id,
            "status": app.status,
            "step": app.step,
            "steps_total": app.steps_total,
        },
    }


def body_bytes(delivery: dict[str, Any]) -> bytes:
    """The exact bytes signed and sent: compact and key-sorted, so a resend is byte-identical."""
    return json.dumps(delivery, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def read_reply(reply: Reply) -> Outcome:
    """Any 2xx is accepted; anything else (an error status, a redirect, no answer) is tried
    again later: a receiver's 4xx is as often a passing misconfiguration as a verdict."""
    if reply.http_status is not None and 200 <= reply.http_status < 300:
        return Outcome(SAVED, None, f"accepted (HTTP {reply.http_status})")
    if reply.http_status is None:
        return Outcome(RETRY, None, reply.error or "no answer")
    return Outcome(RETRY, None, f"not accepted: HTTP {reply.http_status}")


def verify(secret: str, header: str, body: bytes, now: datetime) -> bool:
    """What a receiver does (and our tests): the signature matches and is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now.astimezone(timezone.utc).timestamp() - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
