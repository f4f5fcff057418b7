"""A dam's inspections and what they leave due: each inspection in the dam's partition (INSP#…),
recorded with a history line, a duty per recommendation not done and, when it is the dam's latest,
the dam's next inspection (DUTY#NEXT). Duties are in the `due` index, partition DAM-DUE, while
they are neither done nor told. Keys: docs/DATA.md."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import asset_models as a
from chalicelib.adapters.dynamodb.shards import DAM_DUTY_SHARDS, query_every_shard, sharded_key
from chalicelib.adapters.dynamodb.assets import history_item
from chalicelib.adapters.dynamodb.outbox import put_notices
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, query_page, run_transaction,
)
from chalicelib.domain.assets import DamChange
from chalicelib.domain.inspections import NEXT, Duty, Inspection, Recommendation
from chalicelib.domain.notifications import Notice
from chalicelib.services.ports import OutboxKey
from chalicelib.services.ports.assets import StaleAsset, StaleInspection

DUE_PARTITION = "DAM-DUE"


def _due_key(duty: Duty) -> str:
    """The duty's partition of the due index, sharded by the duty (shards.py)."""
    return sharded_key(DUE_PARTITION, f"{duty.asset_id}#{_duty_sk(duty.inspection_id, duty.slot)}", DAM_DUTY_SHARDS)


def _pk(asset_id: str) -> str:
    return f"ASSET#{asset_id}"


def _duty_sk(inspection_id: str, slot: int | str) -> str:
    return "DUTY#NEXT" if slot == NEXT else f"DUTY#{inspection_id}#{int(slot):02d}"


def _inspection_item(inspection: Inspection) -> a.InspectionItem:
    record = asdict(inspection)
    record["recorded_at"] = inspection.recorded_at.isoformat()
    return a.InspectionItem(_pk(inspection.asset_id), f"INSP#{inspection.id}", inspection=record,
                            version=inspection.version)


def _inspection(item: a.InspectionItem) -> Inspection:
    record: dict[str, Any] = dict(item.inspection)
    record.update(recorded_at=datetime.fromisoformat(record["recorded_at"]), inspectors=tuple(record["inspectors"]),
                  findings=tuple(record["findings"]), photos=tuple(record["photos"]),
                  recommendations=tuple(Recommendation(**r | {"changes": tuple(r["changes"])})
                                        for r in record["recommendations"]))
    return Inspection(**record)


def _due_sort(duty: Duty) -> str:
    return f"{duty.due_date}#{duty.asset_id}#{_duty_sk(duty.inspection_id, duty.slot)}"


def _duty_item(duty: Duty) -> a.DutyItem:
    waiting = bool(duty.due_date) and duty.told_at is None and not duty.done
    return a.DutyItem(_pk(duty.asset_id), _duty_sk(duty.inspection_id, duty.slot), asset_id=duty.asset_id,
                      inspection_id=duty.inspection_id, slot=str(duty.slot), due_date=duty.due_date, text=duty.text,
                      inspected_on=duty.inspected_on, told_at=duty.told_at,
                      due_key=_due_key(duty) if waiting else None, due_sort=_due_sort(duty) if waiting else None)


def _duty(item: a.DutyItem) -> Duty:
    slot: int | str = NEXT if item.slot == NEXT else int(item.slot)
    return Duty(item.asset_id, item.inspection_id, slot, item.due_date, item.text or "", item.inspected_on,
                item.told_at, done=False)


class DynamoInspectionStore:
    def get(self, asset_id: str, inspection_id: str) -> Inspection | None:
        try:
            return _inspection(a.InspectionItem.get(_pk(asset_id), f"INSP#{inspection_id}", consistent_read=True))
        except DoesNotExist:
            return None

    def page(self, asset_id: str, after: str | None, limit: int) -> tuple[list[Inspection], str | None]:
        """Newest recorded first: one Query of `limit` items after the cursor (an inspection id)."""
        query: dict[str, Any] = {"hash_key": _pk(asset_id), "range_key_condition": a.InspectionItem.sk.startswith("INSP#"),
                                 "scan_index_forward": False, "consistent_read": True, "limit": limit}
        if after:
            query["exclusive_start_key"] = {"pk": {"S": _pk(asset_id)}, "sk": {"S": f"INSP#{after}"}}
        items, last = query_page(a.InspectionItem, **query)
        return [_inspection(a.InspectionItem.from_raw_data(raw)) for raw in items], last["sk"]["S"][5:] if last else None

    def next_duty(self, asset_id: str) -> Duty | None:
        try:
            return _duty(a.DutyItem.get(_pk(asset_id), "DUTY#NEXT", consistent_read=True))
        except DoesNotExist:
            return None

    def duties(self, asset_id: str, inspection_id: str, slots: list[int]) -> dict[int, Duty]:
        found = batch_get_raw((_pk(asset_id), _duty_sk(inspection_id, n)) for n in slots)
        duties = (_duty(a.DutyItem.from_raw_data(raw)) for raw in found.values())
        return {int(d.slot): d for d in duties}

    def record(self, inspection: Inspection, change: DamChange, duties: list[Duty], next_duty: Duty | None,
               next_read: Duty | None) -> None:
        """The inspection, its history line, its duties and (when it is the dam's latest) the dam's
        next inspection, conditioned on the one read: StaleInspection if another moved it first."""
        def build(tx: Writes) -> None:
            tx.check("dam", a.AssetItem, _pk(inspection.asset_id), "A", condition=a.AssetItem.pk.exists())
            tx.put("inspection", _inspection_item(inspection), condition=a.InspectionItem.pk.does_not_exist())
            tx.put("history", history_item(inspection.asset_id, change), condition=a.AssetHistoryItem.pk.does_not_exist())
            for duty in duties:
                tx.put("duty", _duty_item(duty), condition=a.DutyItem.pk.does_not_exist())
            if next_duty is not None:
                condition = (a.DutyItem.pk.does_not_exist() if next_read is None
                             else a.DutyItem.inspection_id == next_read.inspection_id)
                tx.put("next", _duty_item(next_duty), condition=condition)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "dam" in cancelled.failed:
                raise StaleAsset(inspection.asset_id) from None
            if "next" in cancelled.failed:
                raise StaleInspection(inspection.id) from None
            raise

    def follow_up(self, before: Inspection, after: Inspection, duties: list[Duty]) -> None:
        """The inspection (on the version read) and its changed recommendations' duties: out of the
        due index once done; back in it when reopened, unless told already (conditioned so, as
        the day's look may tell it meanwhile)."""
        def build(tx: Writes) -> None:
            tx.put("inspection", _inspection_item(after), condition=a.InspectionItem.version == before.version)
            for duty in duties:
                item = a.DutyItem(_pk(duty.asset_id), _duty_sk(duty.inspection_id, duty.slot))
                if duty.done:
                    tx.update("duty", item, actions=[a.DutyItem.due_key.remove(), a.DutyItem.due_sort.remove()],
                              condition=a.DutyItem.pk.exists())
                else:
                    tx.update("duty", item, actions=[a.DutyItem.due_key.set(_due_key(duty)),
                                                     a.DutyItem.due_sort.set(_due_sort(duty))],
                              condition=a.DutyItem.pk.exists() & a.DutyItem.told_at.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed & {"inspection", "duty"}:
                raise StaleInspection(after.id) from None
            raise

    def due(self, before_day: str, limit: int) -> list[Duty]:
        """Duties due before `before_day`, neither done nor told: one Query of the due index's
        DAM-DUE partition per shard (`limit` keys over them), then one BatchGetItem of them."""
        keys = query_every_shard(a.DutyItem, DUE_PARTITION, DAM_DUTY_SHARDS, "due", "due_sort", limit,
                                 range_key_condition=a.DutyItem.due_sort < before_day)
        found = batch_get_raw((raw["pk"]["S"], raw["sk"]["S"]) for raw in keys)
        return [_duty(a.DutyItem.from_raw_data(raw)) for raw in found.values()]

    def mark_told(self, duty: Duty, notice: Notice, at: datetime) -> list[OutboxKey] | None:
        """The duty told (out of the due index) and its notice in the outbox, in one transaction
        conditioned on it still waiting: None when it was done or told meanwhile."""
        keys: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            tx.update("duty", a.DutyItem(_pk(duty.asset_id), _duty_sk(duty.inspection_id, duty.slot)),
                      actions=[a.DutyItem.told_at.set(at), a.DutyItem.due_key.remove(), a.DutyItem.due_sort.remove()],
                      condition=a.DutyItem.due_sort == _due_sort(duty))
            keys[:] = put_notices(tx, _pk(duty.asset_id), f"D#{duty.inspection_id}#{duty.slot}", [notice], at)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "duty" in cancelled.failed:
                return None
            raise
        return keys
