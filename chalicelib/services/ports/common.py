"""The ports every theme shares: the clock, job queues, the values stores hand back and the
exceptions their conditional writes raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class Metrics(Protocol):
    """Business metrics (CloudWatch, as embedded-metric log lines, on AWS): one call per event.
    Never raises: a metric lost never fails the work it counts."""

    def count(self, name: str, value: int = 1, **dimensions: str) -> None: ...


class JobQueue(Protocol):
    def send(self, job: dict[str, Any]) -> None: ...

    def send_many(self, jobs: list[dict[str, Any]]) -> None: ...

    def send_later(self, job: dict[str, Any], delay_seconds: int, attributes: dict[str, str]) -> None:
        """Handed out no sooner than `delay_seconds` from now (at most 15 minutes)."""


@dataclass(frozen=True)
class StoredCode:
    """A one-time code as kept: its HMAC, expiry and wrong tries so far."""

    purpose: str  # verify | reset | invite
    code_hash: str
    expires_at: datetime
    attempts: int
    password_hash: str | None = None  # verify: the password chosen with the registration


@dataclass(frozen=True)
class Session:
    """One refresh-token family: a login on one device, rotated on every refresh."""

    family: str
    user_id: str
    generation: int
    epoch: int
    expires_at: datetime
    revoked: bool


@dataclass(frozen=True)
class Attempt:
    """A try taken (or refused) before a secret is compared: `last` says it used the last of
    the window's tries, so failing it ends in the lock; a refusal carries when tries open again."""

    granted: bool
    last: bool = False
    refused_until: datetime | None = None


@dataclass(frozen=True)
class InboxFilter:
    """Narrows an inbox page: one service, the applications filed at or below one office, and
    where the step stands against its SLA (overdue, due_soon, on_time, suspended) at `now`."""

    now: datetime
    service_id: str | None = None
    node_id: str | None = None
    sla_state: str | None = None

    @property
    def narrows(self) -> bool:
        return bool(self.service_id or self.node_id or self.sla_state)


@dataclass(frozen=True)
class OutboxKey:
    """One outbox entry, written in the transaction of the change that caused it: the relay (or
    the queue message carrying this key) reads it, acts, and marks it done."""

    pk: str
    sk: str
    topic: str = "notify"  # notify | render | remove_files
    # What the entry says and when it was written, as the change that wrote it knows them (its
    # hand-on carries them, so the queue function need not read the entry back); None when only
    # the key is known (the relay's). Not part of the key.
    payload: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    at: datetime | None = field(default=None, compare=False, repr=False)

    @property
    def carries(self) -> bool:
        """Whether this key carries what its entry says, so nobody need read the entry back."""
        return self.payload is not None and self.at is not None


@dataclass(frozen=True)
class ChildLink:
    id: str
    kind: str
    name: str


class EmailTaken(Exception):
    """Another account claimed the address first."""


class StaleApplication(Exception):
    """Someone changed the application since it was read."""


class TrackingCodeTaken(Exception):
    pass


class SequenceTaken(Exception):
    """Another approval took the certificate number read; read the next one and try again."""


class StaleBudget(Exception):
    """The budget (or its parent's) changed since it was read."""


class SiblingNameTaken(Exception):
    pass


class ParentMissing(Exception):
    pass


class TokenRefused(Exception):
    """The finance registry would not give a token (a wrong satker or key, or it is down)."""

    def __init__(self, message: str, retryable: bool, http_status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.http_status = http_status


class ObjectTooLarge(Exception):
    """A stored file is larger than may be read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class ObjectGone(Exception):
    """The version of a file an event announced is not there any more (replaced or removed)."""


@dataclass(frozen=True)
class PdfRecord:
    """A PDF to make and, once made, where it is kept (see the PDF store)."""

    kind: str  # receipt | certificate | budget-usage
    subject: str  # the application id, or the report id
    status: str  # pending | ready | failed
    created_at: datetime
    object_key: str | None = None
    rendered_at: datetime | None = None
    attempts: int = 0
    pages: int | None = None
    size: int | None = None
    error: str | None = None
    node_id: str | None = None
    period: str | None = None
    requested_by: frozenset[str] = frozenset()
