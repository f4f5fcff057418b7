"""The dam register: each dam's partition holds the dam and its history; a register code is
claimed by an item of its own; the register's list is partition ASSETS of the `by_kind` index,
by name. Keys: docs/DATA.md."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import asset_models as a
from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb import obligations as obligation_writes
from chalicelib.adapters.dynamodb.outbox import put_notices
from chalicelib.adapters.dynamodb.table import (
    Partition, TransactionCancelled, Writes, key_time, merged_page, query_all, query_page, run_transaction,
)
from chalicelib.domain.application_state import CounterMove
from chalicelib.domain.assets import Dam, DamChange
from chalicelib.domain.obligations import Obligation
from chalicelib.domain.notifications import Notice
from chalicelib.services.ports import OutboxKey
from chalicelib.services.ports.assets import OfficeMissing, RegisterCodeTaken, StaleAsset

LIST_KEY = "ASSETS"


def _pk(asset_id: str) -> str:
    return f"ASSET#{asset_id}"


def _dam_item(dam: Dam) -> a.AssetItem:
    record = dam.as_dict() | {"node_path": list(dam.node_path), "purposes": list(dam.purposes)}
    return a.AssetItem(
        _pk(dam.id), "A", dam=record, status=dam.status, province_code=dam.location["province_code"],
        node_path=list(dam.node_path), search=" ".join((dam.name, dam.register_code, dam.river_basin)).lower(),
        created_at=dam.created_at, updated_at=dam.updated_at, kind_key=LIST_KEY,
        name_key=f"{dam.name.lower()}#{dam.id}", version=dam.version,
    )


def _dam_from_item(item: a.AssetItem) -> Dam:
    record = dict(item.dam)
    record.pop("version", None)
    record.update(node_path=tuple(item.node_path), purposes=tuple(record["purposes"]), created_at=item.created_at,
                  updated_at=item.updated_at, version=int(item.version))
    return Dam(**record)


def _history_item(asset_id: str, change: DamChange) -> a.AssetHistoryItem:
    sort_key = f"H#{change.version:08d}" + ("" if change.moves_dam else f".{key_time(change.at)}")
    return a.AssetHistoryItem(
        _pk(asset_id), sort_key, at=change.at, actor_id=change.actor_id, actor_name=change.actor_name,
        action=change.action, changes=change.changes, application_id=change.application_id, comment=change.comment,
        document_id=change.document_id,
    )


def _change(raw: dict[str, Any]) -> DamChange:
    item = a.AssetHistoryItem.from_raw_data(raw)
    return DamChange(version=int(raw["sk"]["S"][2:10]), at=item.at, actor_id=item.actor_id, actor_name=item.actor_name,
                     action=item.action, changes=item.changes or {}, application_id=item.application_id,
                     comment=item.comment, document_id=item.document_id)


def history_item(asset_id: str, change: DamChange) -> a.AssetHistoryItem:
    """A history line for another module's transaction (an event: a document's upload or verdict)."""
    return _history_item(asset_id, change)


class DynamoAssetStore:
    def get(self, asset_id: str) -> Dam | None:
        try:
            return _dam_from_item(a.AssetItem.get(_pk(asset_id), "A", consistent_read=True))
        except DoesNotExist:
            return None

    def create(self, dam: Dam, change: DamChange, first_obligation: Obligation | None = None,
               counters: tuple[CounterMove, ...] = ()) -> None:
        """The dam, its register code's claim and its first history line, with a check that the
        managing office exists; a dam entered as operating, with the first monitoring obligation
        it owes and its counters."""
        def build(tx: Writes) -> None:
            self.add_new(tx, dam, change)
            if first_obligation is not None:
                obligation_writes.add_new(tx, first_obligation, counters)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "office" in cancelled.failed:
                raise OfficeMissing(dam.node_id) from None
            if "register code" in cancelled.failed:
                raise RegisterCodeTaken(dam.register_code) from None
            raise

    def add_new(self, tx: Writes, dam: Dam, change: DamChange) -> None:
        """A new dam's writes, for a transaction of its own or of an approval proposing it."""
        tx.put("dam", _dam_item(dam), condition=a.AssetItem.pk.does_not_exist())
        tx.put("register code", a.AssetCodeItem(f"ASSETCODE#{dam.register_code}", "C", asset_id=dam.id),
               condition=a.AssetCodeItem.pk.does_not_exist())
        tx.put("dam history", _history_item(dam.id, change), condition=a.AssetHistoryItem.pk.does_not_exist())
        tx.check("office", m.NodeItem, f"NODE#{dam.node_id}", "NODE", condition=m.NodeItem.pk.exists())

    def update(self, before: Dam, after: Dam, change: DamChange) -> None:
        """The changed dam, conditioned on the version read, with its history line."""
        def build(tx: Writes) -> None:
            self.add_change(tx, before, after, change)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "dam" in cancelled.failed:
                raise StaleAsset(before.id) from None
            if "register code" in cancelled.failed:
                raise RegisterCodeTaken(after.register_code) from None
            raise

    def add_change(self, tx: Writes, before: Dam, after: Dam, change: DamChange) -> None:
        """A dam's change, for a transaction of its own or of the approval that moves it."""
        tx.put("dam", _dam_item(after), condition=a.AssetItem.version == before.version)
        tx.put("dam history", _history_item(after.id, change), condition=a.AssetHistoryItem.pk.does_not_exist())
        if after.register_code != before.register_code:
            tx.delete("old register code", a.AssetCodeItem(f"ASSETCODE#{before.register_code}", "C"))
            tx.put("register code", a.AssetCodeItem(f"ASSETCODE#{after.register_code}", "C", asset_id=after.id),
                   condition=a.AssetCodeItem.pk.does_not_exist())

    def history_page(self, asset_id: str, after: str | None, limit: int,
                     newest_first: bool = False) -> tuple[list[DamChange], str | None]:
        """Oldest (or newest) first, one Query of `limit` lines after the sort key `after` (an
        `H#…` key this method gave out): a dam's history grows with every upload and inspection,
        so it is read a page at a time. The next page's key, or None at the end."""
        query: dict[str, Any] = {"hash_key": _pk(asset_id), "range_key_condition": a.AssetHistoryItem.sk.startswith("H#"),
                                 "consistent_read": True, "limit": limit, "scan_index_forward": not newest_first}
        if after:
            query["exclusive_start_key"] = {"pk": {"S": _pk(asset_id)}, "sk": {"S": after}}
        items, last = query_page(a.AssetHistoryItem, **query)
        changes = [_change(raw) for raw in items]
        return changes, last["sk"]["S"] if last else None

    def page(self, *, status: str | None, province_code: str | None, node_id: str | None, q: str | None,
             after: str | None, limit: int) -> tuple[list[Dam], str | None]:
        """A page of the register by name: one Query; the filters apply to the entries it reads
        (a filtered page may be short while a cursor remains, as every list's)."""
        condition: Any = None
        for part in (
            a.AssetItem.status == status if status else None,
            a.AssetItem.province_code == province_code if province_code else None,
            a.AssetItem.node_path.contains(node_id) if node_id else None,
            a.AssetItem.search.contains(q.lower()) if q else None,
        ):
            if part is not None:
                condition = part if condition is None else condition & part
        items, cursor = merged_page(a.AssetItem, [Partition("by_kind", LIST_KEY)], "name_key", descending=False,
                                    after=after, limit=limit, filter_condition=condition)
        return [_dam_from_item(a.AssetItem.from_raw_data(raw)) for raw in items], cursor


class DynamoReadingStore:
    """A dam's daily readings, beside the dam (docs/DATA.md)."""

    def put_days(self, asset_id: str, days: dict[str, dict], entered_by: str, at: datetime,
                 notices: list[Notice]) -> list[OutboxKey]:
        """The days (each replacing what the day held) and the alert they raise, in one
        transaction: all or nothing. Answers the outbox keys to hand on."""
        keys: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            for day, values in days.items():
                tx.put("reading", a.ReadingItem(_pk(asset_id), f"R#{day}", values=values, entered_by=entered_by,
                                                entered_at=at))
            # A random tail: two entries in the same millisecond must not claim one outbox key.
            keys[:] = put_notices(tx, _pk(asset_id), f"R#{key_time(at)}#{uuid.uuid4().hex[:8]}", notices, at)

        run_transaction(build)
        return keys

    def latest_level_before(self, asset_id: str, day: str) -> float | None:
        """The level of the latest reading before `day` that has one: reads back from the day
        until one is found (almost always the first item, the day before)."""
        for raw in query_all(hash_key=_pk(asset_id), range_key_condition=m.Item.sk.between("R#", f"R#{day}"),
                             scan_index_forward=False, consistent_read=True, limit=8):
            found_day = raw["sk"]["S"][2:]
            level = a.ReadingItem.from_raw_data(raw).values.get("level_m")
            if found_day < day and level is not None:
                return level
        return None

    def days(self, asset_id: str, first: str, last: str) -> list[tuple[str, dict]]:
        found = query_all(hash_key=_pk(asset_id), range_key_condition=m.Item.sk.between(f"R#{first}", f"R#{last}"),
                          consistent_read=True)
        return [(raw["sk"]["S"][2:], a.ReadingItem.from_raw_data(raw).values) for raw in found]
