"""Documents: each lives in its application's partition (DOC#…), written with a history entry
while the application is as it was read, and moved through its scan on its own version.
Keys: docs/DATA.md."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.applications import app_from_raw, application_pk, history_item, history_sort_key
from chalicelib.adapters.dynamodb.notifications import put_notifications
from chalicelib.adapters.dynamodb.outbox import put_notices, put_outbox
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, is_condition_failure, query_all, query_page, run_transaction,
)
from chalicelib.domain.documents import AWAITING, SCANNING, Document
from chalicelib.domain.application_state import EDITABLE, Application, HistoryEntry
from chalicelib.domain.notifications import Notice, Notification
from chalicelib.services.ports import OutboxKey, StaleApplication

_DOCUMENT_FIELDS = (
    "requirement", "filename", "content_type", "size", "status", "uploader_id", "created_at", "upload_expires_at",
    "reason_code", "reason_id", "reason_en", "scanned_at", "scanned_etag", "antivirus", "antivirus_detail",
    "served_version", "served_type", "served_size", "sha256", "details", "version",
)


def document_to_item(doc: Document) -> m.DocumentItem:
    return m.DocumentItem(application_pk(doc.application_id), f"DOC#{doc.id}", document_id=doc.id,
                          application_id=doc.application_id, **{f: getattr(doc, f) for f in _DOCUMENT_FIELDS})


def _document_from_item(item: m.DocumentItem) -> Document:
    values = {f: getattr(item, f) for f in _DOCUMENT_FIELDS}
    values["size"] = int(values["size"])
    values["version"] = int(values["version"])
    values["served_size"] = int(values["served_size"]) if values["served_size"] is not None else None
    values["details"] = values["details"] or {}
    return Document(id=item.document_id, application_id=item.application_id, **values)


class DynamoDocumentStore:
    def list(self, app_id: str) -> list[Document]:
        items, _ = query_page(hash_key=application_pk(app_id), range_key_condition=m.Item.sk.startswith("DOC#"),
                              consistent_read=True)
        return sorted((_document_from_item(m.DocumentItem.from_raw_data(raw)) for raw in items),
                      key=lambda d: (d.created_at, d.id))

    def list_with_application(self, app_id: str) -> tuple[Application | None, list[Document]]:
        """One Query: the partition's sort keys from `A` to the last `DOC#` (nothing else of an
        application's partition sorts between them: its history is `H#`, its outbox `OUT#`)."""
        app, documents = None, []
        for raw in query_all(hash_key=application_pk(app_id), range_key_condition=m.Item.sk.between("A", "DOC$"),
                             consistent_read=True):
            if raw["sk"]["S"] == "A":
                app = app_from_raw(raw)
            elif raw["sk"]["S"].startswith("DOC#"):
                documents.append(_document_from_item(m.DocumentItem.from_raw_data(raw)))
        return app, sorted(documents, key=lambda d: (d.created_at, d.id))

    def get(self, app_id: str, document_id: str) -> Document | None:
        try:
            return _document_from_item(m.DocumentItem.get(application_pk(app_id), f"DOC#{document_id}", consistent_read=True))
        except DoesNotExist:
            return None

    def get_with_application(self, app_id: str, document_id: str) -> tuple[Application | None, Document | None]:
        """One BatchGetItem for both (consistent reads): the application's item and the document's."""
        found = batch_get_raw([(application_pk(app_id), "A"), (application_pk(app_id), f"DOC#{document_id}")])
        app = found.get((application_pk(app_id), "A"))
        document = found.get((application_pk(app_id), f"DOC#{document_id}"))
        return (app_from_raw(app) if app else None,
                _document_from_item(m.DocumentItem.from_raw_data(document)) if document else None)

    def _application_unchanged(self, tx: Writes, app: Application, editable: bool,
                               statuses: tuple[str, ...] = EDITABLE) -> None:
        condition = m.ApplicationItem.version == app.version
        if editable:
            condition &= m.ApplicationItem.status.is_in(*statuses)
        tx.check("application", m.ApplicationItem, application_pk(app.id), "A", condition=condition)

    def add(self, app: Application, doc: Document, history: HistoryEntry) -> None:
        """The document and its history entry, only while the application is as it was read."""

        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=True)
            tx.put("document", document_to_item(doc), condition=m.DocumentItem.pk.does_not_exist())
            tx.put("history", history_item(app.id, history_sort_key(app.version, history.at), history),
                   condition=m.HistoryItem.pk.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "application" in cancelled.failed:
                raise StaleApplication(app.id) from None
            raise

    def start_scan(self, doc: Document) -> bool:
        """awaiting_upload → scanning; False if someone else moved it first."""
        item = m.DocumentItem(application_pk(doc.application_id), f"DOC#{doc.id}")
        try:
            item.update(
                actions=[m.DocumentItem.status.set(SCANNING), m.DocumentItem.version.set(doc.version + 1)],
                condition=(m.DocumentItem.status == AWAITING) & (m.DocumentItem.version == doc.version),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def settle(self, app: Application, doc: Document, history: HistoryEntry,
               notices: tuple[Notice, ...] = (), told: tuple[Notification, ...] = ()) -> list[OutboxKey] | None:
        """Record a scan's verdict with its history entry, notices and the notifications told in
        the app only (the uploader's: no job, no call of its own). None if the document was
        already settled (a redelivered event); StaleApplication if the application moved."""
        outbox: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=False)
            tx.put("document", document_to_item(doc),
                   condition=m.DocumentItem.status.is_in(AWAITING, SCANNING) & (m.DocumentItem.version == doc.version - 1))
            history_key = history_sort_key(app.version, history.at)
            tx.put("history", history_item(app.id, history_key, history), condition=m.HistoryItem.pk.does_not_exist())
            outbox[:] = put_notices(tx, application_pk(app.id), history_key, notices, history.at)
            put_notifications(tx, list(told))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "application" in cancelled.failed:
                raise StaleApplication(app.id) from None
            if cancelled.failed & {"document", "notification"}:  # settled before (its notification with it)
                return None
            raise
        return outbox

    def delete(self, app: Application, doc: Document, history: HistoryEntry, files: list[str],
               statuses: tuple[str, ...] = EDITABLE) -> list[OutboxKey]:
        owed: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=True, statuses=statuses)
            tx.delete("document", m.DocumentItem(application_pk(app.id), f"DOC#{doc.id}"),
                      condition=m.DocumentItem.version == doc.version)
            history_key = history_sort_key(app.version, history.at)
            tx.put("history", history_item(app.id, history_key, history), condition=m.HistoryItem.pk.does_not_exist())
            # The files go with the record: owed in its transaction, so none outlives it unnoticed.
            owed[:] = put_outbox(tx, application_pk(app.id), history_key, [("remove_files", {"keys": files})], history.at)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed & {"application", "document"}:
                raise StaleApplication(app.id) from None
            raise
        return owed
