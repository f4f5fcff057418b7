"""In-memory send log and subscriptions, with the DynamoDB stores' leases and conditions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Iterable

from chalicelib.domain.pii import Sealed
from chalicelib.domain.integrations import FAILED, PENDING, REJECTED_RECORD, SAVED, SENT, Outcome, SendAnswer, SendEntry
from chalicelib.domain.subscriptions import ACTIVE, PAUSED, Subscription
from tests.fakes.paging import key_time, page_after


def send_pk(target: str, dataset: str, key: str) -> str:
    return f"SEND#{target}#{dataset}#{key}"


def _sort(entry: SendEntry) -> str:
    return f"{entry.day}#{entry.dataset}#{entry.key}"


class FakeSendStore:
    """The send log, and the day facts of the totals worked out at the push (DayFactStore)."""

    def __init__(self) -> None:
        self.entries: dict[str, SendEntry] = {}
        self.answers: dict[str, list[SendAnswer]] = {}
        self.day_facts: dict[tuple[str, str], Any] = {}  # (day, dataset#key#event) → fact
        self.days_totalled: set[str] = set()

    def put_records(self, records: Iterable[Any], at: datetime) -> None:
        """What a change owes (the application store's transaction writes it): each record's
        fields set, its adds added to the totals, pending again from its due time; a total
        worked out at the push as the change's fact."""
        records = list(records)
        for record in records:
            if record.totalled_at_push:
                self.day_facts[(record.day, f"{record.dataset}#{record.key}#{record.event}")] = record
        merged: dict[str, Any] = {}
        adds: dict[str, dict[str, int]] = {}
        for record in (record for record in records if not record.totalled_at_push):
            pk = send_pk(record.target, record.dataset, record.key)
            merged[pk] = record
            for name, delta in record.adds.items():
                adds.setdefault(pk, {})[name] = adds.setdefault(pk, {}).get(name, 0) + delta
        for pk, r in merged.items():
            old = self.entries.get(pk)
            totals = dict(old.totals) if old else {}
            for name, delta in adds.get(pk, {}).items():
                totals[name] = totals.get(name, 0) + delta
            totals.update(r.totals)
            base = old or SendEntry(r.target, r.dataset, r.day, r.key, PENDING, {}, {}, 0, 0, 0, at, at)
            self.entries[pk] = replace(
                base, day=r.day, fields=dict(r.fields), totals=totals, state=PENDING, version=base.version + 1,
                updated_at=at, next_attempt_at=r.due_at, sealed=r.sealed if r.sealed is not None else base.sealed,
                sealed_paths=dict(r.sealed_paths) if r.sealed is not None else base.sealed_paths,
                node_path=tuple(r.node_path) or base.node_path)

    def owe(self, records: Iterable[Any], at: datetime) -> None:
        self.put_records(records, at)

    def set_totals(self, records: Iterable[Any], at: datetime) -> int:
        changed = [r for r in records if (old := self.get(r.target, r.dataset, r.key)) is None
                   or any(old.totals.get(name) != value for name, value in r.totals.items())]
        self.put_records(changed, at)
        return len(changed)

    def count_unsaved(self, target: str, day: str | None) -> int:
        states = (PENDING, FAILED) if day else (PENDING,)
        return sum(1 for e in self.entries.values() if e.target == target and e.state in states
                   and (day is None or e.day == day))

    def facts(self, day: str) -> list[Any]:
        return [fact for (fact_day, _sk), fact in sorted(self.day_facts.items(), key=lambda kv: kv[0]) if fact_day == day]

    def totalled(self, days: Iterable[str]) -> set[str]:
        return set(days) & self.days_totalled

    def mark_totalled(self, day: str, at: datetime) -> None:
        self.days_totalled.add(day)

    def get(self, target: str, dataset: str, key: str) -> SendEntry | None:
        return self.entries.get(send_pk(target, dataset, key))

    def due(self, target: str, now: datetime, limit: int) -> list[str]:
        due = sorted((f"{key_time(e.next_attempt_at)}#{pk}", pk) for pk, e in self.entries.items()
                     if e.target == target and e.state == PENDING and e.next_attempt_at and e.next_attempt_at <= now)
        return [pk for _since, pk in due][:limit]

    def key_of(self, target: str, dataset: str, key: str) -> str:
        return send_pk(target, dataset, key)

    def _unleased(self, entry: SendEntry | None, now: datetime) -> bool:
        return entry is not None and entry.state == PENDING and (entry.lease_until is None or entry.lease_until < now)

    def claim(self, pk: str, now: datetime, lease: timedelta) -> SendEntry | None:
        entry = self.entries.get(pk)
        if not self._unleased(entry, now) or entry.next_attempt_at is None or entry.next_attempt_at > now:
            return None
        self.entries[pk] = replace(entry, lease_until=now + lease, attempts=entry.attempts + 1, last_attempt_at=now)
        return self.entries[pk]

    def add_attempt(self, entry: SendEntry, now: datetime) -> None:
        pk = send_pk(entry.target, entry.dataset, entry.key)
        stored = self.entries[pk]
        self.entries[pk] = replace(stored, attempts=stored.attempts + 1, last_attempt_at=now)

    def settle(self, entry: SendEntry, outcome: Outcome, http_status: int | None, now: datetime,
               retry_at: datetime | None) -> SendEntry:
        pk = send_pk(entry.target, entry.dataset, entry.key)
        stored = self.entries[pk]
        told = replace(stored, last_code=outcome.code or None, last_message=outcome.message, updated_at=now,
                       lease_until=None, last_http_status=http_status)
        if outcome.verdict in (SAVED, REJECTED_RECORD):
            if outcome.verdict == SAVED:
                told = replace(told, sent_version=entry.version, sent_at=now)
            if stored.version == entry.version:
                told = replace(told, state=SENT if outcome.verdict == SAVED else FAILED, next_attempt_at=None,
                               registry_id=outcome.registry_id or told.registry_id)
            self.entries[pk] = told
            return told
        assert retry_at is not None
        self.entries[pk] = replace(told, next_attempt_at=retry_at)
        return self.entries[pk]

    def defer(self, pk: str, now: datetime, until: datetime, message: str) -> bool:
        entry = self.entries.get(pk)
        if not self._unleased(entry, now):
            return False
        self.entries[pk] = replace(entry, next_attempt_at=until, last_message=message, updated_at=now)
        return True

    def close(self, pk: str, now: datetime, message: str) -> bool:
        entry = self.entries.get(pk)
        if not self._unleased(entry, now):
            return False
        self.entries[pk] = replace(entry, state=FAILED, next_attempt_at=None, last_message=message, updated_at=now)
        return True

    def release(self, entry: SendEntry, now: datetime, message: str) -> None:
        pk = send_pk(entry.target, entry.dataset, entry.key)
        stored = self.entries[pk]
        self.entries[pk] = replace(stored, lease_until=None, attempts=stored.attempts - 1, last_message=message,
                                   updated_at=now)

    def requeue(self, target: str, day: str | None, now: datetime, key_prefix: str | None = None) -> int:
        states = (PENDING, FAILED) if day else (PENDING,)
        count = 0
        for pk, e in list(self.entries.items()):
            if e.target != target or e.state not in states or (day and e.day != day):
                continue
            if key_prefix and not e.key.startswith(key_prefix):
                continue
            self.entries[pk] = replace(e, state=PENDING, next_attempt_at=now, updated_at=now)
            count += 1
        return count

    def page(self, targets: list[str], states: list[str], day: str | None, cursor: str | None,
             limit: int) -> tuple[list[SendEntry], str | None]:
        rows = [(_sort(e), e) for e in self.entries.values()
                if e.target in targets and e.state in states and (day is None or e.day == day)]
        return page_after(rows, cursor, limit, descending=True)

    def keep_answer(self, entry: SendEntry, answer: SendAnswer) -> None:
        self.answers.setdefault(send_pk(entry.target, entry.dataset, entry.key), []).append(answer)

    def with_answers(self, target: str, dataset: str, key: str,
                     limit: int) -> tuple[SendEntry | None, list[SendAnswer]]:
        pk = send_pk(target, dataset, key)
        return self.entries.get(pk), list(reversed(self.answers.get(pk, [])))[:limit]


class FakeSubscriptionStore:
    def __init__(self) -> None:
        self.subscriptions: dict[str, tuple[Subscription, Sealed]] = {}

    def add(self, subscription: Subscription, secret: Sealed) -> None:
        if subscription.id in self.subscriptions:
            raise ValueError(f"subscription {subscription.id} exists")
        self.subscriptions[subscription.id] = (replace(subscription, failures_in_a_row=0), secret)

    def get(self, subscription_id: str) -> tuple[Subscription, Sealed] | None:
        return self.subscriptions.get(subscription_id)

    def all(self) -> list[Subscription]:
        return [self.subscriptions[key][0] for key in sorted(self.subscriptions)]

    def listed(self, subscription_id: str) -> tuple[Subscription, Sealed] | None:
        return self.subscriptions.get(subscription_id)

    def page(self, cursor: str | None, limit: int) -> tuple[list[Subscription], str | None]:
        rows = [(f"SUB#{s.id}", s) for s, _secret in self.subscriptions.values()]
        return page_after(rows, cursor, limit, descending=False)

    def delete(self, subscription_id: str) -> bool:
        return self.subscriptions.pop(subscription_id, None) is not None

    def _update(self, subscription_id: str, **changes: Any) -> Subscription | None:
        found = self.subscriptions.get(subscription_id)
        if found is None:
            return None
        updated = replace(found[0], **changes)
        self.subscriptions[subscription_id] = (updated, found[1])
        return updated

    def delivered(self, subscription_id: str, at: datetime) -> None:
        found = self.subscriptions.get(subscription_id)
        if found and (found[0].last_delivered_at is None or found[0].last_delivered_at <= at):
            self._update(subscription_id, failures_in_a_row=0, last_delivered_at=at)

    def not_delivered(self, subscription_id: str, at: datetime) -> Subscription | None:
        found = self.subscriptions.get(subscription_id)
        if found is None or (found[0].last_delivered_at is not None and found[0].last_delivered_at > at):
            return None
        return self._update(subscription_id, failures_in_a_row=found[0].failures_in_a_row + 1)

    def pause(self, subscription_id: str, at: datetime, reason: str) -> bool:
        found = self.subscriptions.get(subscription_id)
        if found is None or found[0].state != ACTIVE:
            return False
        self._update(subscription_id, state=PAUSED, paused_at=at, paused_reason=reason[:500])
        return True

    def resume(self, subscription_id: str) -> Subscription | None:
        return self._update(subscription_id, state=ACTIVE, failures_in_a_row=0, paused_at=None, paused_reason=None)

