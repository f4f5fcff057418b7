"""Ports of the systems outside the table: object storage, the antivirus, the PII vault, the
external registries and subscribers' webhooks, and the send log and subscriptions that drive
what is posted to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.pii import Sealed
    from chalicelib.domain.integrations import IntegrationRecord, Outcome, Reply, SendAnswer, SendEntry
    from chalicelib.domain.subscriptions import Subscription


class StoredObject(Protocol):
    @property
    def data(self) -> bytes: ...

    @property
    def version_id(self) -> str | None: ...

    @property
    def etag(self) -> str: ...


class ObjectStorage(Protocol):
    """Uploads, what is served of them, quarantine and generated PDFs."""

    def presign_upload(self, key: str, content_type: str, size: int) -> dict[str, Any]:
        """{"url": …, "fields": {…}} for a POST pinned to key, type and size."""

    def locate(self, key: str, etag: str, version_id: str | None) -> str:
        """The version id of exactly the announced object: the event's version, else the one
        with its ETag (ObjectGone when none has it any more)."""

    def read(self, key: str, etag: str, version_id: str | None, max_bytes: int) -> StoredObject:
        """Exactly the announced version; ObjectTooLarge past `max_bytes`, ObjectGone when that
        version is not there any more."""

    def write_served(self, key: str, data: bytes, content_type: str) -> str | None:
        """Answers the version written."""

    def read_served(self, key: str, version_id: str | None, max_bytes: int) -> bytes: ...

    def quarantine(self, source_key: str, version_id: str | None, target_key: str) -> None:
        """ObjectGone when that version is not there any more."""

    def quarantine_bytes(self, target_key: str, data: bytes) -> None: ...

    def remove(self, key: str, version_id: str | None = None) -> None: ...

    def remove_all_versions(self, key: str) -> None: ...

    def presign_download(self, key: str, version_id: str | None, filename: str, content_type: str) -> str: ...


class AntivirusVerdict(Protocol):
    @property
    def status(self) -> str:
        """clean | infected | skipped (local stage only) | unscannable (the engine answered that it
        could not scan this file) | pending (no verdict yet: the engine scans on its own time)"""

    @property
    def detail(self) -> str: ...


class Antivirus(Protocol):
    """The known-malware check of one uploaded object: the bytes the scan read, and where they
    are (an engine that scans the bucket itself, such as GuardDuty, reads its verdict there)."""

    def scan(self, data: bytes, key: str, version_id: str) -> AntivirusVerdict: ...


class Vault(Protocol):
    """Seals personal data (NIKs) under a per-record data key; keyed lookups to find them."""

    def seal(self, record: str, values: Mapping[str, str], sealed: Sealed | None = None) -> Sealed: ...

    def open(self, sealed: Sealed) -> dict[str, str]: ...

    def lookup_key(self, value: str) -> str: ...


class WebhookClient(Protocol):
    timeout: float

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Reply: ...


class FinanceRegistryClient(Protocol):
    """The finance registry: a token, then one post per record."""

    timeout: float

    def token(self, renew: bool = False) -> str:
        """TokenRefused when the registry will not give one."""

    def post(self, dataset: str, fields: dict[str, Any], token: str) -> Reply: ...


class CivilRegistryClient(Protocol):
    timeout: float

    def send_event(self, idempotency_key: str, body: dict[str, Any]) -> Reply: ...

    def verify_nik(self, nik: str, name: str, birth_date: str) -> bool | None:
        """None when the registry cannot answer now."""


class SendStore(Protocol):
    """The send log: records owed to the registries and subscribers, claimed and settled."""

    def get(self, target: str, dataset: str, key: str) -> SendEntry | None: ...

    def owe(self, records: Iterable[IntegrationRecord], at: datetime) -> None:
        """Add records no application change carries, in one transaction."""

    def due(self, target: str, now: datetime, limit: int) -> list[str]:
        """Keys of the target's pending records due by `now`, earliest first."""

    def key_of(self, target: str, dataset: str, key: str) -> str:
        """The key `due` answers and `claim` takes, of one record."""

    def claim(self, pk: str, now: datetime, lease: timedelta) -> SendEntry | None:
        """Leased for one attempt (counted now); None when it is not pending, not due, or
        another sender's lease runs."""

    def add_attempt(self, entry: SendEntry, now: datetime) -> None: ...

    def settle(self, entry: SendEntry, outcome: Outcome, http_status: int | None, now: datetime,
               retry_at: datetime | None) -> SendEntry:
        """Saved → sent, refused → failed (only if unchanged since the claim; a newer version
        stays pending); otherwise pending again at `retry_at`. The lease ends."""

    def defer(self, pk: str, now: datetime, until: datetime, message: str) -> bool:
        """Put off without an attempt; False unless pending and unleased."""

    def close(self, pk: str, now: datetime, message: str) -> bool:
        """Failed without an attempt; False unless pending and unleased."""

    def release(self, entry: SendEntry, now: datetime, message: str) -> None:
        """Give a claim back unsent (its attempt uncounted)."""

    def set_totals(self, records: Iterable[IntegrationRecord], at: datetime) -> int:
        """Each record's `totals` set and the record pending, unless it holds them already.
        Answers how many changed."""

    def count_unsaved(self, target: str, day: str | None) -> int:
        """The day's pending and failed records, or without a day every pending one, counted."""

    def requeue(self, target: str, day: str | None, now: datetime, key_prefix: str | None = None) -> int:
        """Due now: the day's pending and failed records, or without a day every pending one;
        only keys starting with `key_prefix` if given. Answers how many."""

    def page(self, targets: list[str], states: list[str], day: str | None, cursor: str | None,
             limit: int) -> tuple[list[SendEntry], str | None]:
        """Newest day first."""

    def keep_answer(self, entry: SendEntry, answer: SendAnswer) -> None:
        """Keep one post of the record and the registry's answer (for ops to read)."""

    def with_answers(self, target: str, dataset: str, key: str,
                     limit: int) -> tuple[SendEntry | None, list[SendAnswer]]:
        """The record (None if there is none) and its latest answers, newest first."""


class DayFactStore(Protocol):
    """The changes' parts of the finance totals worked out at the push, by day."""

    def facts(self, day: str) -> list[IntegrationRecord]:
        """Every fact of the day (each once)."""

    def totalled(self, days: Iterable[str]) -> set[str]:
        """Those of `days` whose totals the push worked out."""

    def mark_totalled(self, day: str, at: datetime) -> None: ...


class SubscriptionStore(Protocol):
    def add(self, subscription: Subscription, secret: Sealed) -> None: ...

    def get(self, subscription_id: str) -> tuple[Subscription, Sealed] | None: ...

    def all(self) -> list[Subscription]: ...

    def listed(self, subscription_id: str) -> tuple[Subscription, Sealed] | None:
        """As the container's list has it (up to a minute old); None if the list does not hold it."""

    def page(self, cursor: str | None, limit: int) -> tuple[list[Subscription], str | None]: ...

    def delete(self, subscription_id: str) -> bool:
        """False if it was not there."""

    def delivered(self, subscription_id: str, at: datetime) -> None:
        """Failures in a row back to 0, unless a delivery as late was recorded already."""

    def not_delivered(self, subscription_id: str, at: datetime) -> Subscription | None:
        """One more failure in a row; answers it as it now is (None if gone, or if a delivery
        later than `at` was recorded: the failure is not in a row)."""

    def pause(self, subscription_id: str, at: datetime, reason: str) -> bool:
        """Active → paused; False when it was not active."""

    def resume(self, subscription_id: str) -> Subscription | None:
        """Active again with no failures; None if gone."""


class SubscriptionDeliveries(Protocol):
    """issue 20: admin — one subscription's deliveries (send-log entries), newest first."""

    def page(self, subscription_id: str, cursor: str | None, limit: int) -> tuple[list[SendEntry], str | None]: ...
