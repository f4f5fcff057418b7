"""A dam's monitoring obligations, beside the dam (pk ASSET#{dam}); those with a step ahead are in
the `due` index, partition DAM-DUTY, by the step's time. Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from chalicelib.adapters.dynamodb import asset_models as a
from chalicelib.adapters.dynamodb.shards import DAM_DUTY_SHARDS, query_every_shard, sharded_key
from chalicelib.adapters.dynamodb.counters import move_counters
from chalicelib.adapters.dynamodb.outbox import put_notices
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, key_time, run_transaction, whole_partition,
)
from chalicelib.domain.application_state import CounterMove
from chalicelib.domain.obligations import Obligation, Transition, bounds, next_step
from chalicelib.services.ports import OutboxKey
from chalicelib.services.ports.assets import PeriodTaken, StaleObligation

DUTY_PARTITION = "DAM-DUTY"


def raise_for(cancelled: TransactionCancelled, dam_id: str, period: str) -> None:
    """A cancelled transaction's obligation writes as the domain's errors (else nothing)."""
    if "obligation" in cancelled.failed:
        raise StaleObligation(f"{dam_id}#{period}") from None
    if "new obligation" in cancelled.failed:
        raise PeriodTaken(f"{dam_id}#{period}") from None


def _pk(dam_id: str) -> str:
    return f"ASSET#{dam_id}"


def _sk(period: str) -> str:
    # By the period's first day: a dam's list runs oldest first whatever its schedule was.
    return f"O#{bounds(period)[0].isoformat()}#{period}"


def _item(ob: Obligation) -> a.ObligationItem:
    step = next_step(ob)
    return a.ObligationItem(
        _pk(ob.dam_id), _sk(ob.period), period=ob.period, dam_name=ob.dam_name, node_path=list(ob.node_path),
        starts_at=ob.starts_at, ends_at=ob.ends_at, due_at=ob.due_at, remind_at=ob.remind_at, status=ob.status,
        application_id=ob.application_id, reminded=ob.reminded, next_opened=ob.next_opened, version=ob.version,
        due_key=sharded_key(DUTY_PARTITION, f"{ob.dam_id}#{ob.period}", DAM_DUTY_SHARDS) if step else None,
        due_sort=f"{key_time(step[1])}#{ob.dam_id}#{ob.period}" if step else None,
    )


def _from_raw(raw: dict[str, Any]) -> Obligation:
    item = a.ObligationItem.from_raw_data(raw)
    return Obligation(
        dam_id=raw["pk"]["S"].removeprefix("ASSET#"), dam_name=item.dam_name, node_path=tuple(item.node_path),
        period=item.period, starts_at=item.starts_at, ends_at=item.ends_at, due_at=item.due_at,
        remind_at=item.remind_at, status=item.status, application_id=item.application_id,
        reminded=bool(item.reminded), next_opened=bool(item.next_opened), version=int(item.version),
    )


def add_new(tx: Writes, ob: Obligation, counters: Iterable[CounterMove] = ()) -> None:
    """A new obligation (none for its period yet), for a transaction of its own or of the change
    that makes the dam operate. Its counters go in the same transaction: when the transaction
    moves other counters too, pass them all at once (one update per counter item)."""
    tx.put("new obligation", _item(ob), condition=a.ObligationItem.pk.does_not_exist())
    if counters:
        move_counters(tx, counters)


def add_change(tx: Writes, before: Obligation, after: Obligation) -> None:
    """An obligation's change on the version read (its counters go with the transaction's)."""
    tx.put("obligation", _item(after), condition=a.ObligationItem.version == before.version)


def add_write(tx: Writes, before: Obligation | None, after: Obligation) -> None:
    """An approval's obligation: a new one (`before` None) or a change of the one read."""
    if before is None:
        add_new(tx, after)
    else:
        add_change(tx, before, after)


class DynamoObligationStore:
    def get(self, dam_id: str, period: str) -> Obligation | None:
        found = batch_get_raw([(_pk(dam_id), _sk(period))])
        return _from_raw(next(iter(found.values()))) if found else None

    def of_dam(self, dam_id: str) -> list[Obligation]:
        return [_from_raw(raw) for raw in whole_partition(_pk(dam_id), "O#")]

    def due(self, now: datetime, limit: int) -> list[Obligation]:
        """Obligations with a step due by `now`, earliest first: one Query of the index (keys) per
        shard, one BatchGetItem of the items."""
        keys = query_every_shard(a.ObligationItem, DUTY_PARTITION, DAM_DUTY_SHARDS, "due", "due_sort", limit,
                                 range_key_condition=a.ObligationItem.due_sort <= f"{key_time(now)}#~")
        found = batch_get_raw([(raw["pk"]["S"], raw["sk"]["S"]) for raw in keys])
        obligations = [_from_raw(raw) for raw in found.values()]
        return sorted(obligations, key=lambda ob: (next_step(ob) or ("", ob.due_at))[1])

    def save(self, before: Obligation, transition: Transition, at: datetime, opened: Obligation | None = None,
             opened_counters: Iterable[CounterMove] = ()) -> list[OutboxKey]:
        """The transition on the version read, its counters and notices (the outbox, keyed on the
        obligation's version: a step is told once), and the next period's obligation if opened."""
        keys: list[OutboxKey] = []
        after = transition.after

        def build(tx: Writes) -> None:
            add_change(tx, before, after)
            if opened is not None:
                tx.put("new obligation", _item(opened), condition=a.ObligationItem.pk.does_not_exist())
            move_counters(tx, [*transition.counters, *opened_counters])
            keys[:] = put_notices(tx, _pk(after.dam_id), f"O#{after.period}#v{after.version:06d}",
                                  transition.notices, at)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            raise_for(cancelled, after.dam_id, opened.period if opened else after.period)
            raise
        return keys

    def open(self, obligation: Obligation, counters: Iterable[CounterMove]) -> None:
        def build(tx: Writes) -> None:
            add_new(tx, obligation, list(counters))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            raise_for(cancelled, obligation.dam_id, obligation.period)
            raise
