"""A dam's technical documents: each in the dam's partition (DOC#…), added with a history line
while the dam exists, moved through its scan on its own version. Keys: docs/DATA.md."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import asset_models as a
from chalicelib.adapters.dynamodb.assets import history_item
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, is_condition_failure, query_page, run_transaction,
)
from chalicelib.domain.assets import DamChange
from chalicelib.domain.dam_documents import AWAITING, SCANNING, DamDocument
from chalicelib.services.ports.assets import StaleAsset

_TIMES = ("created_at", "upload_expires_at", "scanned_at")


def _pk(asset_id: str) -> str:
    return f"ASSET#{asset_id}"


def _item(document: DamDocument) -> a.AssetDocumentItem:
    record = asdict(document)
    for name in _TIMES:
        record[name] = record[name].isoformat() if record[name] else None
    return a.AssetDocumentItem(_pk(document.asset_id), f"DOC#{document.id}", document=record, kind=document.kind,
                               status=document.status, version=document.version)


def _document(item: a.AssetDocumentItem) -> DamDocument:
    record: dict[str, Any] = dict(item.document)
    for name in _TIMES:
        record[name] = datetime.fromisoformat(record[name]) if record.get(name) else None
    return DamDocument(**record)


class DynamoDamDocumentStore:
    def get(self, asset_id: str, document_id: str) -> DamDocument | None:
        try:
            return _document(a.AssetDocumentItem.get(_pk(asset_id), f"DOC#{document_id}", consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, asset_id: str, document_ids: Iterable[str]) -> dict[str, DamDocument]:
        """One BatchGetItem (100 keys a call)."""
        found = batch_get_raw((_pk(asset_id), f"DOC#{i}") for i in document_ids)
        documents = (_document(a.AssetDocumentItem.from_raw_data(raw)) for raw in found.values())
        return {d.id: d for d in documents}

    def page(self, asset_id: str, kind: str | None, after: str | None, limit: int) -> tuple[list[DamDocument], str | None]:
        """Newest first (document ids sort by time): one Query of `limit` items after the cursor;
        `kind` filters what it read (a page may be short while a cursor remains)."""
        query: dict[str, Any] = {"hash_key": _pk(asset_id), "range_key_condition": a.AssetDocumentItem.sk.startswith("DOC#"),
                                 "scan_index_forward": False, "consistent_read": True, "limit": limit}
        if after:
            query["exclusive_start_key"] = {"pk": {"S": _pk(asset_id)}, "sk": {"S": f"DOC#{after}"}}
        if kind:
            query["filter_condition"] = a.AssetDocumentItem.kind == kind
        items, last = query_page(a.AssetDocumentItem, **query)
        documents = [_document(a.AssetDocumentItem.from_raw_data(raw)) for raw in items]
        return documents, last["sk"]["S"][4:] if last else None

    def add(self, document: DamDocument, change: DamChange) -> None:
        """The document and its history line, while the dam exists (StaleAsset otherwise)."""
        def build(tx: Writes) -> None:
            tx.check("dam", a.AssetItem, _pk(document.asset_id), "A", condition=a.AssetItem.pk.exists())
            tx.put("document", _item(document), condition=a.AssetDocumentItem.pk.does_not_exist())
            tx.put("history", history_item(document.asset_id, change), condition=a.AssetHistoryItem.pk.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "dam" in cancelled.failed:
                raise StaleAsset(document.asset_id) from None
            raise

    def start_scan(self, document: DamDocument) -> bool:
        """awaiting_upload → scanning; False if someone else moved it first."""
        item = a.AssetDocumentItem(_pk(document.asset_id), f"DOC#{document.id}")
        scanning = document.evolve(status=SCANNING, version=document.version + 1)
        try:
            item.update(
                actions=[a.AssetDocumentItem.document.set(_item(scanning).document),
                         a.AssetDocumentItem.status.set(SCANNING), a.AssetDocumentItem.version.set(scanning.version)],
                condition=(a.AssetDocumentItem.status == AWAITING) & (a.AssetDocumentItem.version == document.version),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def settle(self, document: DamDocument, change: DamChange) -> bool:
        """The scan's verdict with its history line; False if it was settled already (a
        redelivered event, another upload into the slot)."""
        def build(tx: Writes) -> None:
            tx.put("document", _item(document), condition=a.AssetDocumentItem.status.is_in(AWAITING, SCANNING)
                   & (a.AssetDocumentItem.version == document.version - 1))
            tx.put("history", history_item(document.asset_id, change), condition=a.AssetHistoryItem.pk.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "document" in cancelled.failed:
                return False
            raise
        return True
