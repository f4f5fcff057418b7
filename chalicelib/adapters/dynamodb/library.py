"""The regulations library in the table: entries, their earlier versions, the listing, and the
postings the search reads (keys: docs/DATA.md). And the offices' contact details."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist

# Through models.py, which imports them last (importing library_models first would be circular).
from chalicelib.adapters.dynamodb.library_models import ContactItem, LibraryItem
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, query_page, run_transaction,
)
from chalicelib.domain.regulations import Regulation, RegulationDocument, RegulationWrite
from chalicelib.services.ports.library import StaleEntry
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

LISTING = "REGS"
BODY = "BODY"


def _pk(entry_id: str) -> str:
    return f"REG#{entry_id}"


def _listing_sk(entry: Regulation) -> str:
    return f"{entry.year:04d}#{entry.id}"


def _posting(word: str, rank: int, entry_id: str) -> tuple[str, str]:
    return f"WORD#{word}", f"{rank}#{entry_id}"


def to_data(entry: Regulation) -> dict[str, Any]:
    data = {k: v for k, v in entry.__dict__.items() if k not in ("document", "pending_document")}
    for name in ("created_at", "updated_at"):
        data[name] = data[name].isoformat()
    for name in ("topics", "amends", "amended_by", "revokes", "revoked_by"):
        data[name] = list(data[name])
    data["document"] = entry.document.as_dict() if entry.document else None
    data["pending_document"] = entry.pending_document.as_dict() if entry.pending_document else None
    return data


def from_data(data: dict[str, Any]) -> Regulation:
    values = dict(data)
    for name in ("created_at", "updated_at"):
        values[name] = datetime.fromisoformat(values[name])
    for name in ("topics", "amends", "amended_by", "revokes", "revoked_by"):
        values[name] = tuple(values.get(name) or ())
    values["document"] = RegulationDocument.from_dict(values.get("document"))
    values["pending_document"] = RegulationDocument.from_dict(values.get("pending_document"))
    return Regulation(**values)


def _entry_condition(read_version: int) -> Any:
    if read_version == 0:
        return LibraryItem.pk.does_not_exist()
    return LibraryItem.version == read_version


class DynamoLibraryStore:
    # ---- entries -------------------------------------------------------------------------------

    def get(self, entry_id: str) -> Regulation | None:
        try:
            item = LibraryItem.get(_pk(entry_id), "R", consistent_read=True)
        except DoesNotExist:
            return None
        return from_data(item.data)

    def get_many(self, entry_ids: Iterable[str]) -> dict[str, Regulation]:
        found = batch_get_raw((_pk(i), "R") for i in entry_ids)
        entries = (from_data(LibraryItem.from_raw_data(raw).data) for raw in found.values())
        return {entry.id: entry for entry in entries}

    def entry_words(self, entry_id: str) -> dict[str, int]:
        try:
            return dict(LibraryItem.get(_pk(entry_id), "R", consistent_read=True).entry_words or {})
        except DoesNotExist:
            return {}

    def versions(self, entry_id: str) -> list[Regulation]:
        """The entry's earlier versions, oldest first (one Query of its partition's V# items)."""
        items, _ = query_page(LibraryItem, hash_key=_pk(entry_id), range_key_condition=LibraryItem.sk.startswith("V#"),
                              consistent_read=True, limit=500)
        return [from_data(LibraryItem.from_raw_data(raw).data) for raw in items]

    def version(self, entry_id: str, version: int) -> Regulation | None:
        try:
            return from_data(LibraryItem.get(_pk(entry_id), f"V#{version:06d}", consistent_read=True).data)
        except DoesNotExist:
            return None

    def save(self, write: RegulationWrite, words_before: dict[str, int], words_after: dict[str, int],
             year_before: int | None) -> None:
        """One transaction: the entry (conditioned on the version read), its listing, the
        snapshot of what it was, the entries whose back links moved (each on its version read)
        and the postings of its own words that changed. StaleApplication when any moved."""
        def build(tx: Writes) -> None:
            entry = write.entry
            tx.put("entry", LibraryItem(_pk(entry.id), "R", data=to_data(entry), version=entry.version,
                                        entry_words=words_after), condition=_entry_condition(write.read_version))
            self._list(tx, entry, year_before)
            if write.snapshot is not None:
                tx.put("snapshot", LibraryItem(_pk(entry.id), f"V#{write.snapshot.version:06d}",
                                               data=to_data(write.snapshot)),
                       condition=LibraryItem.pk.does_not_exist())
            for linked, read_version in write.linked:
                tx.update(f"linked {linked.id}", LibraryItem(_pk(linked.id), "R"),
                          actions=[LibraryItem.data.set(to_data(linked)), LibraryItem.version.set(linked.version)],
                          condition=LibraryItem.version == read_version)
                self._list(tx, linked, None)
            for word, rank in words_before.items():
                if words_after.get(word) != rank:
                    tx.delete("posting", LibraryItem(*_posting(word, rank, entry.id)))
            for word, rank in words_after.items():
                if words_before.get(word) != rank:
                    tx.put("posting", LibraryItem(*_posting(word, rank, entry.id), entry_id=entry.id, year=entry.year))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed:
                raise StaleEntry(write.entry.id) from None
            raise

    def _list(self, tx: Writes, entry: Regulation, year_before: int | None) -> None:
        if year_before is not None and year_before != entry.year:
            tx.delete("old listing", LibraryItem(LISTING, f"{year_before:04d}#{entry.id}"))
        tx.put("listing", LibraryItem(LISTING, _listing_sk(entry), data=to_data(entry), entry_id=entry.id,
                                      year=entry.year))

    def page(self, year: int | None, cursor: str | None, limit: int) -> tuple[list[Regulation], str | None]:
        """Newest year first; one Query of the listing (a year: its own key range)."""
        after = decode_cursor(cursor)
        sk = LibraryItem.sk
        condition = sk < after if after else None
        if year is not None:
            low, high = f"{year:04d}#", f"{year:04d}#~"
            condition = sk.between(low, min(high, after)) if after else sk.between(low, high)
        items, last = query_page(LibraryItem, hash_key=LISTING, range_key_condition=condition, limit=limit,
                                 scan_index_forward=False)
        entries = [from_data(LibraryItem.from_raw_data(raw).data) for raw in items if raw["sk"]["S"] != after]
        return entries, encode_cursor(last["sk"]["S"]) if last else None

    # ---- postings --------------------------------------------------------------------------------

    def postings(self, word: str, after: str | None, limit: int) -> tuple[list[tuple[int, str]], str | None]:
        """(rank, entry id) of a word, best rank first, and the sort key to resume after."""
        condition = LibraryItem.sk > after if after else None
        items, last = query_page(LibraryItem, hash_key=f"WORD#{word}", range_key_condition=condition, limit=limit)
        found = []
        for raw in items:
            rank, _, entry_id = raw["sk"]["S"].partition("#")
            found.append((int(rank), entry_id))
        return found, last["sk"]["S"] if last else None

    def existing_postings(self, wanted: Iterable[tuple[str, int, str]]) -> set[tuple[str, int, str]]:
        """Which of the (word, rank, entry id) postings exist: one BatchGet (100 keys a call)."""
        wanted = list(wanted)
        found = batch_get_raw(_posting(*key) for key in wanted)
        return {key for key in wanted if _posting(*key) in found}

    def body_words(self, entry_id: str) -> tuple[set[str], set[str]]:
        """The summary's and the document text's words as last recorded."""
        try:
            item = LibraryItem.get(_pk(entry_id), BODY, consistent_read=True)
        except DoesNotExist:
            return set(), set()
        return set(item.summary_words or ()), set(item.text_words or ())

    def record_body(self, entry_id: str, summary_words: set[str], text_words: set[str]) -> None:
        LibraryItem(_pk(entry_id), BODY, summary_words=summary_words or None, text_words=text_words or None).save()

    def put_postings(self, entry_id: str, year: int, postings: Iterable[tuple[str, int]]) -> None:
        with LibraryItem.batch_write() as batch:
            for word, rank in postings:
                batch.save(LibraryItem(*_posting(word, rank, entry_id), entry_id=entry_id, year=year))

    def delete_postings(self, entry_id: str, postings: Iterable[tuple[str, int]]) -> None:
        with LibraryItem.batch_write() as batch:
            for word, rank in postings:
                batch.delete(LibraryItem(*_posting(word, rank, entry_id)))

    # ---- contacts --------------------------------------------------------------------------------

    def contacts(self, node_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        found = batch_get_raw((f"NODE#{node_id}", "CONTACT") for node_id in node_ids)
        return {pk.removeprefix("NODE#"): ContactItem.from_raw_data(raw).contact for (pk, _), raw in found.items()}

    def put_contact(self, node_id: str, contact: dict[str, Any]) -> None:
        ContactItem(f"NODE#{node_id}", "CONTACT", contact=contact).save()
