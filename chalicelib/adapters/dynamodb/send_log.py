"""The send log: one record per entry owed to an external registry, added to by the change that
owes it (in the change's own transaction) and read, claimed and settled by the senders.
Keys and indexes: docs/DATA.md."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any, Iterable

from pynamodb.constants import ALL_NEW
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.admin_models import delivery_item
from chalicelib.adapters.dynamodb.day_facts import put_day_facts
from chalicelib.adapters.dynamodb.ops_models import SendAnswerItem
from chalicelib.adapters.dynamodb.shards import SEND_DUE_SHARDS, every_shard, query_every_shard, send_list_shards, sharded_key
from chalicelib.adapters.dynamodb.table import (
    Partition, SortRange, Writes, committed_unless, is_condition_failure, key_time, merged_page, query_all, query_page, run_transaction,
)
from chalicelib.services.ports.cursors import decode_cursor
from chalicelib.domain.pii import Sealed
from chalicelib.domain.integrations import (
    FAILED, PENDING, REJECTED_RECORD, SAVED, SENT, SUBSCRIPTIONS, Outcome, IntegrationRecord, SendAnswer, SendEntry,
)
from chalicelib.domain.subscriptions import subscription_of

SEND_DUE_PARTITION = "SEND-DUE"
ANSWERS_KEPT_FOR = timedelta(days=90)
MAX_ANSWER_CHARS = 4000  # a registry's body beyond this is kept cut, as text


def send_pk(target: str, dataset: str, key: str) -> str:
    return f"SEND#{target}#{dataset}#{key}"


def send_due_key(target: str, pk: str) -> str:
    """The record's partition of the pending index: its target's, sharded by the record."""
    return sharded_key(f"{SEND_DUE_PARTITION}#{target}", pk, SEND_DUE_SHARDS)


def send_list_key(target: str, state: str, pk: str) -> str:
    """The record's partition of the `sends` index: its target's records in one state, by day,
    sharded by the record (it keeps its shard from state to state)."""
    return sharded_key(f"SENDS#{target}#{state}", pk, send_list_shards(target))


def send_list_partitions(target: str, state: str) -> list[str]:
    return every_shard(f"SENDS#{target}#{state}", send_list_shards(target))


def add_to_send_log(tx: Writes, records: Iterable[IntegrationRecord], at: datetime, only_if_changed: bool = False) -> None:
    """Add each record's change to its send-log entry (created on first use) and make it pending
    again: the change's own transaction is the outbox of what the registries are owed. A total
    worked out at the push is written as the change's own fact instead (day_facts.py). With
    `only_if_changed`, a record whose `totals` are already those is left as it is."""
    records = list(records)
    put_day_facts(tx, [record for record in records if record.totalled_at_push], at)
    merged: dict[str, IntegrationRecord] = {}
    adds: dict[str, dict[str, int]] = {}
    for record in (record for record in records if not record.totalled_at_push):
        pk = send_pk(record.target, record.dataset, record.key)
        merged[pk] = record
        totals = adds.setdefault(pk, {})
        for name, delta in record.adds.items():
            totals[name] = totals.get(name, 0) + delta
    for pk, record in merged.items():
        item = m.SendItem
        actions = [
            item.target.set(record.target), item.dataset.set(record.dataset), item.day.set(record.day),
            item.record_key.set(record.key), item.record_fields.set(dict(record.fields)),
            item.state.set("pending"), item.version.add(1), item.created_at.set(item.created_at | at),
            item.updated_at.set(at), item.next_attempt_at.set(record.due_at),
            item.send_list.set(send_list_key(record.target, PENDING, pk)),
            item.send_sort.set(f"{record.day}#{record.dataset}#{record.key}"),
            item.pending_key.set(send_due_key(record.target, pk)),
            item.pending_since.set(f"{key_time(record.due_at)}#{pk}"),
        ]
        actions += [Path([f"total_{name}"]).add(delta) for name, delta in sorted(adds[pk].items())]
        actions += [Path([f"total_{name}"]).set(value) for name, value in sorted(record.totals.items())]
        if record.sealed is not None:
            actions.append(item.sealed.set({**record.sealed.as_json(), "paths": dict(record.sealed_paths)}))
        if record.node_path:
            actions.append(item.node_path.set(list(record.node_path)))
        condition = _totals_differ(record.totals) if only_if_changed and record.totals else None
        tx.update("registry record", m.SendItem(pk, "S"), actions=actions, condition=condition)
        if record.target == SUBSCRIPTIONS:
            # issue 20: admin — listed under its subscription (GET /subscriptions/{id}/deliveries)
            tx.put("subscription delivery", delivery_item(subscription_of(record.key), pk, at))


def _totals_differ(totals: dict[str, int] | Any) -> Any:
    """The record is new, or one of its totals is not `totals`' (a total not there yet is not)."""
    condition = m.SendItem.pk.does_not_exist()
    for name, value in sorted(totals.items()):
        total = Path([f"total_{name}"])
        condition = condition | total.does_not_exist() | (total != value)
    return condition


def entry_from_raw(raw: dict[str, Any]) -> SendEntry:
    item = m.SendItem.from_raw_data(raw)
    totals = {name.removeprefix("total_"): int(value["N"]) for name, value in raw.items() if name.startswith("total_")}
    number = lambda value: int(value) if value is not None else None  # noqa: E731
    return SendEntry(
        target=item.target, dataset=item.dataset, day=item.day, key=item.record_key, state=item.state,
        fields=dict(item.record_fields or {}), totals=totals, version=int(item.version or 0),
        sent_version=int(item.sent_version or 0), attempts=int(item.attempts or 0), created_at=item.created_at,
        updated_at=item.updated_at, next_attempt_at=item.next_attempt_at, last_attempt_at=item.last_attempt_at,
        last_http_status=number(item.last_http_status), last_code=item.last_code, last_message=item.last_message,
        registry_id=item.registry_id, sent_at=item.sent_at, lease_until=item.lease_until,
        sealed=Sealed.from_json(item.sealed), sealed_paths=dict((item.sealed or {}).get("paths") or {}),
        node_path=tuple(item.node_path or ()),
    )


def _pk(entry: SendEntry) -> str:
    return send_pk(entry.target, entry.dataset, entry.key)


class DynamoSendLogStore:
    def _update(self, pk: str, actions: list[Any], condition: Any = None) -> dict[str, Any] | None:
        """One UpdateItem answering the whole new item, or None when `condition` did not hold."""
        try:
            answer = m.SendItem._get_connection().update_item(pk, "S", actions=actions, condition=condition,
                                                               return_values=ALL_NEW)
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return answer.get("Attributes")

    def owe(self, records: Iterable[IntegrationRecord], at: datetime) -> None:
        """Records no application change carries (balances and staff counts entered by hand):
        written as one transaction, as a change's would be."""
        run_transaction(lambda tx: add_to_send_log(tx, records, at))

    def set_totals(self, records: Iterable[IntegrationRecord], at: datetime) -> int:
        """Day totals the push worked out, each set on its record and made pending (one
        transaction each) unless the record already holds them: worked out again, a day changes
        nothing. Answers how many records changed."""
        changed = 0
        for record in records:
            changed += committed_unless(lambda tx, r=record: add_to_send_log(tx, [r], at, only_if_changed=True),
                                        "registry record")
        return changed

    def count_unsaved(self, target: str, day: str | None) -> int:
        """How many of the day's records are pending or failed (without a day, the target's
        pending ones): a counting Query per state and shard, not a read of each record."""
        states = (PENDING, FAILED) if day else (PENDING,)
        within = m.SendItem.send_sort.startswith(f"{day}#") if day else None
        return sum(m.SendItem.count(partition, range_key_condition=within, index_name="sends")
                   for state in states for partition in send_list_partitions(target, state))

    def get(self, target: str, dataset: str, key: str) -> SendEntry | None:
        answer = m.SendItem._get_connection().get_item(send_pk(target, dataset, key), "S", consistent_read=True)
        return entry_from_raw(answer["Item"]) if answer.get("Item") else None

    def due(self, target: str, now: datetime, limit: int) -> list[str]:
        """Keys (pk) of the target's pending records whose next attempt is due, earliest first."""
        items = query_every_shard(m.SendItem, f"{SEND_DUE_PARTITION}#{target}", SEND_DUE_SHARDS, "pending",
                                  "pending_since", limit, range_key_condition=m.SendItem.pending_since <= f"{key_time(now)}#~")
        return [raw["pk"]["S"] for raw in items]

    def key_of(self, target: str, dataset: str, key: str) -> str:
        return send_pk(target, dataset, key)

    def claim(self, pk: str, now: datetime, lease: timedelta) -> SendEntry | None:
        """Take a due record for one attempt, unless another sender holds it or it is no longer
        due; the attempt is counted before the post, so a crash mid-post is in the log."""
        item = m.SendItem
        condition = ((item.state == PENDING) & (item.next_attempt_at <= now)
                     & (item.lease_until.does_not_exist() | (item.lease_until < now)))
        raw = self._update(pk, [item.lease_until.set(now + lease), item.attempts.add(1), item.last_attempt_at.set(now)],
                           condition)
        return entry_from_raw(raw) if raw else None

    def add_attempt(self, entry: SendEntry, now: datetime) -> None:
        """One more post of a claimed record within the same run (a retry)."""
        self._update(_pk(entry), [m.SendItem.attempts.add(1), m.SendItem.last_attempt_at.set(now)])

    def settle(self, entry: SendEntry, outcome: Outcome, http_status: int | None, now: datetime,
               retry_at: datetime | None) -> SendEntry:
        """Write what the registry answered to the claimed `entry`. Saved or refused is final only
        for the version that was sent: a change written meanwhile keeps the record pending, to
        send the new total."""
        item = m.SendItem
        pk = _pk(entry)
        told = [item.last_code.set(outcome.code) if outcome.code else item.last_code.remove(),
                item.last_message.set(outcome.message), item.updated_at.set(now), item.lease_until.remove()]
        told.append(item.last_http_status.set(http_status) if http_status is not None else item.last_http_status.remove())
        if outcome.verdict in (SAVED, REJECTED_RECORD):
            state = SENT if outcome.verdict == SAVED else FAILED
            final = told + [item.state.set(state), item.send_list.set(send_list_key(entry.target, state, pk)),
                            item.pending_key.remove(), item.pending_since.remove(), item.next_attempt_at.remove()]
            if outcome.verdict == SAVED:
                final += [item.sent_version.set(entry.version), item.sent_at.set(now)]
                if outcome.registry_id:
                    final.append(item.registry_id.set(outcome.registry_id))
            raw = self._update(pk, final, item.version == entry.version)
            if raw is not None:
                return entry_from_raw(raw)
            # Changed while in flight: what was sent is on record; the new version waits its turn.
            if outcome.verdict == SAVED:
                told += [item.sent_version.set(entry.version), item.sent_at.set(now)]
            return entry_from_raw(self._update(pk, told))
        assert retry_at is not None
        return entry_from_raw(self._update(pk, told + [
            item.next_attempt_at.set(retry_at), item.pending_since.set(f"{key_time(retry_at)}#{pk}"),
        ]))

    def defer(self, pk: str, now: datetime, until: datetime, message: str) -> bool:
        """Put a due record off without an attempt (its receiver is paused)."""
        item = m.SendItem
        condition = (item.state == PENDING) & (item.lease_until.does_not_exist() | (item.lease_until < now))
        return self._update(pk, [item.next_attempt_at.set(until), item.pending_since.set(f"{key_time(until)}#{pk}"),
                                 item.last_message.set(message), item.updated_at.set(now)], condition) is not None

    def close(self, pk: str, now: datetime, message: str) -> bool:
        """Fail a due record that can no longer be sent, without an attempt (its receiver is gone)."""
        item = m.SendItem
        target = pk.split("#", 2)[1]
        condition = (item.state == PENDING) & (item.lease_until.does_not_exist() | (item.lease_until < now))
        return self._update(pk, [
            item.state.set(FAILED), item.send_list.set(send_list_key(target, FAILED, pk)), item.pending_key.remove(),
            item.pending_since.remove(), item.next_attempt_at.remove(), item.last_message.set(message),
            item.updated_at.set(now),
        ], condition) is not None

    def release(self, entry: SendEntry, now: datetime, message: str) -> None:
        """Give a claimed record back unsent (the run stopped before posting it)."""
        self._update(_pk(entry), [m.SendItem.lease_until.remove(), m.SendItem.attempts.add(-1),
                                  m.SendItem.last_message.set(message), m.SendItem.updated_at.set(now)])

    def requeue(self, target: str, day: str | None, now: datetime, key_prefix: str | None = None) -> int:
        """Make every record of the day not yet saved due now (a failed one pending again);
        without a day, every pending record of the target; with `key_prefix`, only those whose
        key starts with it (one subscription's deliveries)."""
        count = 0
        within = m.SendItem.send_sort.startswith(f"{day}#") if day else None
        for state in (PENDING, FAILED) if day else (PENDING,):
            in_state = (raw for partition in send_list_partitions(target, state)
                        for raw in query_all(m.SendItem, hash_key=partition, index_name="sends", range_key_condition=within))
            for raw in in_state:
                if key_prefix and not raw["record_key"]["S"].startswith(key_prefix):
                    continue
                pk = raw["pk"]["S"]
                item = m.SendItem
                self._update(pk, [
                    item.state.set(PENDING), item.send_list.set(send_list_key(target, PENDING, pk)),
                    item.next_attempt_at.set(now), item.pending_key.set(send_due_key(target, pk)),
                    item.pending_since.set(f"{key_time(now)}#{pk}"), item.updated_at.set(now),
                ], item.state == state)
                count += 1
        return count

    def page(self, targets: list[str], states: list[str], day: str | None, cursor: str | None,
             limit: int) -> tuple[list[SendEntry], str | None]:
        """The log, newest day first, merged over each (target, state) asked for: one Query per
        pair and shard, whatever the size of the log. The cursor is the last sort key given out
        (a day's list refuses one from outside the day)."""
        partitions = [Partition("sends", partition) for target in targets for state in states
                      for partition in send_list_partitions(target, state)]
        items, next_cursor = merged_page(
            m.SendItem, partitions, "send_sort", descending=True, after=decode_cursor(cursor, prefix=f"{day}#" if day else ""),
            limit=limit,
            within=SortRange(f"{day}#", f"{day}#~") if day else None,
        )
        return [entry_from_raw(raw) for raw in items], next_cursor

    # ---- the registries' answers, beside each record (ops_models.SendAnswerItem) --------------

    def keep_answer(self, entry: SendEntry, answer: SendAnswer) -> None:
        """One PutItem in the record's partition: a post and what came back."""
        body = answer.answer
        if body is not None and len(json.dumps(body, ensure_ascii=False)) > MAX_ANSWER_CHARS:
            body = json.dumps(body, ensure_ascii=False)[:MAX_ANSWER_CHARS]
        SendAnswerItem(
            _pk(entry), f"A#{key_time(answer.at)}#{secrets.token_hex(4)}", at=answer.at, verdict=answer.verdict,
            http_status=answer.http_status, code=answer.code, message=answer.message, answer=body,
            expires_ttl=answer.at + ANSWERS_KEPT_FOR,
        ).save()

    def with_answers(self, target: str, dataset: str, key: str,
                     limit: int) -> tuple[SendEntry | None, list[SendAnswer]]:
        """The record and its `limit` latest answers, newest first: one Query of its partition
        (descending, `S` sorts after every `A#…`)."""
        items, _ = query_page(m.SendItem, hash_key=send_pk(target, dataset, key), scan_index_forward=False,
                              limit=limit + 1, consistent_read=True)
        record = next((raw for raw in items if raw["sk"]["S"] == "S"), None)
        answers = [_answer_from_raw(raw) for raw in items if raw["sk"]["S"].startswith("A#")]
        return (entry_from_raw(record) if record else None), answers[:limit]


def _answer_from_raw(raw: dict[str, Any]) -> SendAnswer:
    item = SendAnswerItem.from_raw_data(raw)
    return SendAnswer(at=item.at, verdict=item.verdict, http_status=int(item.http_status) if item.http_status is not None
                      else None, code=item.code, message=item.message or "", answer=item.answer)
