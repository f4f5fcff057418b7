"""In-memory org tree, documents, outbox, budgets and PDFs, with the DynamoDB stores' conditions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Iterable

from chalicelib.domain.budgets import Budget, BudgetWrite
from chalicelib.domain.documents import AWAITING, SCANNING, Document
from chalicelib.domain.application_state import EDITABLE, Application, HistoryEntry
from chalicelib.domain.notifications import Notice, Notification
from chalicelib.domain.office_hours import OfficeCalendar
from chalicelib.domain.org import Node
from chalicelib.services.ports import (
    ChildLink,
    OutboxKey,
    ParentMissing,
    PdfRecord,
    SiblingNameTaken,
    StaleApplication,
    StaleBudget,
)
from tests.fakes.applications import FakeApplicationStore, history_key, notice_payload
from tests.fakes.paging import ConditionFailed, key_time

OUTBOX_TOPICS = ("notify", "render", "remove_files")


class FakeOrgStore:
    def __init__(self, *nodes: Node) -> None:
        self.nodes: dict[str, Node] = {}
        self.children: dict[str, dict[str, ChildLink]] = {}
        self.own_calendars: dict[str, OfficeCalendar] = {}
        for node in nodes:
            self.add(node)

    def add(self, node: Node) -> None:
        """Set up a tree without the checks (tests name parents before children anyway)."""
        self.nodes[node.id] = node
        if node.parent_id is not None:
            self.children.setdefault(node.parent_id, {})[node.name.lower()] = ChildLink(node.id, node.kind, node.name)

    def get(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def get_many(self, node_ids: Iterable[str]) -> dict[str, Node]:
        return {node_id: self.nodes[node_id] for node_id in node_ids if node_id in self.nodes}

    def get_with_children(self, node_id: str) -> tuple[Node | None, list[ChildLink]]:
        links = self.children.get(node_id, {})
        return self.nodes.get(node_id), [links[name] for name in sorted(links)]

    def create(self, node: Node, now: datetime) -> None:
        if node.parent_id is not None:
            if node.parent_id not in self.nodes:
                raise ParentMissing(node.parent_id)
            if node.name.lower() in self.children.get(node.parent_id, {}):
                raise SiblingNameTaken(node.name)
        if node.id in self.nodes:
            raise ConditionFailed("node")
        self.add(node)

    def by_kind(self, kind: str, limit: int = 200) -> list[Node]:
        found = sorted((f"{n.name.lower()}#{n.id}", n) for n in self.nodes.values() if n.kind == kind)
        return [node for _key, node in found][:limit]

    def calendars(self, node_ids: Iterable[str]) -> dict[str, OfficeCalendar]:
        return {node_id: self.own_calendars[node_id] for node_id in node_ids if node_id in self.own_calendars}

    recent_calendars = calendars

    def put_calendar(self, node_id: str, calendar: OfficeCalendar) -> None:
        if node_id not in self.nodes:
            raise ParentMissing(node_id)
        self.own_calendars[node_id] = calendar

    def delete_calendar(self, node_id: str) -> None:
        self.own_calendars.pop(node_id, None)


class FakeOutboxStore:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}

    def put_entries(self, pk: str, history: str, entries: list[tuple[str, dict[str, Any]]],
                    at: datetime) -> list[OutboxKey]:
        keys = []
        for number, (topic, payload) in enumerate(entries):
            key = OutboxKey(pk, f"OUT#{history.removeprefix('H#')}#{number}", topic, payload=payload, at=at)
            if (key.pk, key.sk) in self.entries:
                raise ConditionFailed("outbox")
            self.entries[(key.pk, key.sk)] = {"topic": topic, "payload": payload, "created_at": at, "relays": 0,
                                              "waiting": True}
            keys.append(key)
        return keys

    def get(self, key: OutboxKey) -> tuple[Notice, datetime] | None:
        found = self.get_payload(key)
        if found is None:
            return None
        payload = found[0]
        return Notice(**{**payload, "fallback_roles": tuple(payload.get("fallback_roles") or ())}), found[1]

    def get_payload(self, key: OutboxKey) -> tuple[dict[str, Any], datetime] | None:
        entry = self.entries.get((key.pk, key.sk))
        return (dict(entry["payload"]), entry["created_at"]) if entry else None

    def get_many(self, keys: list[OutboxKey]) -> dict[OutboxKey, tuple[Notice, datetime]]:
        found = {key: self.get(key) for key in keys}
        return {key: entry for key, entry in found.items() if entry is not None}

    def done(self, key: OutboxKey) -> None:
        self.entries.pop((key.pk, key.sk), None)

    def done_many(self, keys: list[OutboxKey]) -> None:
        for key in keys:
            self.done(key)

    def stragglers(self, older_than: datetime, limit: int, topic: str = "notify") -> list[OutboxKey]:
        waiting = sorted((f"{key_time(e['created_at'])}#{pk}#{sk}", pk, sk) for (pk, sk), e in self.entries.items()
                         if e["topic"] == topic and e["waiting"] and e["created_at"] < older_than)
        return [OutboxKey(pk, sk, topic) for _since, pk, sk in waiting][:limit]

    def count_relay(self, key: OutboxKey, give_up_after: int) -> int:
        entry = self.entries.get((key.pk, key.sk))
        if entry is None:
            return 0
        entry["relays"] += 1
        if entry["relays"] > give_up_after:
            entry["waiting"] = False  # to the failed partition, for ops
        return entry["relays"]


class FakeDocumentStore:
    """Keeps documents beside the applications of `applications`, whose versions it checks."""

    def __init__(self, applications: FakeApplicationStore) -> None:
        self.applications = applications
        self.documents: dict[tuple[str, str], Document] = {}
        self.told: tuple[Notification, ...] = ()  # told in the app with a scan's verdict

    def list(self, app_id: str) -> list[Document]:
        found = [d for (a, _), d in self.documents.items() if a == app_id]
        return sorted(found, key=lambda d: (d.created_at, d.id))

    def get(self, app_id: str, document_id: str) -> Document | None:
        return self.documents.get((app_id, document_id))

    def get_with_application(self, app_id: str, document_id: str) -> tuple[Application | None, Document | None]:
        return self.applications.get(app_id), self.get(app_id, document_id)

    def list_with_application(self, app_id: str) -> tuple[Application | None, list[Document]]:
        return self.applications.get(app_id), self.list(app_id)

    def add(self, app: Application, doc: Document, history: HistoryEntry) -> None:
        if not self.applications.unchanged(app, EDITABLE):
            raise StaleApplication(app.id)
        if (doc.application_id, doc.id) in self.documents:
            raise ConditionFailed("document")
        self.applications.add_history(app.id, history_key(app.version, history.at), history)
        self.documents[(doc.application_id, doc.id)] = doc

    def start_scan(self, doc: Document) -> bool:
        stored = self.documents.get((doc.application_id, doc.id))
        if stored is None or stored.status != AWAITING or stored.version != doc.version:
            return False
        self.documents[(doc.application_id, doc.id)] = replace(stored, status=SCANNING, version=doc.version + 1)
        return True

    def settle(self, app: Application, doc: Document, history: HistoryEntry,
               notices: tuple[Notice, ...] = (), told: tuple[Notification, ...] = ()) -> list[OutboxKey] | None:
        if not self.applications.unchanged(app):
            raise StaleApplication(app.id)
        stored = self.documents.get((doc.application_id, doc.id))
        if stored is None or stored.status not in (AWAITING, SCANNING) or stored.version != doc.version - 1:
            return None
        self.told += told  # in the table: the recipients' notification partitions, in the same transaction
        key = history_key(app.version, history.at)
        self.applications.add_history(app.id, key, history)
        self.documents[(doc.application_id, doc.id)] = doc
        return self.applications.outbox.put_entries(f"APP#{app.id}", key, [("notify", notice_payload(n)) for n in notices],
                                                    history.at)

    def delete(self, app: Application, doc: Document, history: HistoryEntry, files: list[str],
               statuses: tuple[str, ...] = EDITABLE) -> list[OutboxKey]:
        stored = self.documents.get((app.id, doc.id))
        if not self.applications.unchanged(app, statuses) or stored is None or stored.version != doc.version:
            raise StaleApplication(app.id)
        key = history_key(app.version, history.at)
        self.applications.add_history(app.id, key, history)
        del self.documents[(app.id, doc.id)]
        return self.applications.outbox.put_entries(f"APP#{app.id}", key, [("remove_files", {"keys": files})], history.at)


class FakeBudgetStore:
    def __init__(self) -> None:
        self.budgets: dict[tuple[str, str], Budget] = {}
        self.writes = 0

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Budget]:
        return {key: self.budgets[key] for key in keys if key in self.budgets}

    def get(self, node_id: str, period: str) -> Budget:
        return self.budgets.get((node_id, period)) or Budget(node_id, period)

    def _written_on(self, budget: Budget, expected_version: int) -> bool:
        stored = self.budgets.get((budget.node_id, budget.period))
        return stored is None if expected_version == 0 else stored is not None and stored.version == expected_version

    def write(self, change: BudgetWrite) -> None:
        if not all(self._written_on(budget, version) for budget, version in change.items):
            raise StaleBudget(change.budget.node_id)
        for budget, _ in change.items:
            self.budgets[(budget.node_id, budget.period)] = budget
        self.writes += 1


class FakePdfStore:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], PdfRecord] = {}
        self.leases: dict[tuple[str, str], datetime] = {}
        self.outbox: Any = None  # the fake outbox (Fakes wires it): the same table as the records

    def get(self, kind: str, subject: str) -> PdfRecord | None:
        return self.records.get((kind, subject))

    def request(self, record: PdfRecord, requester: str | None, expires_at: datetime | None = None) -> PdfRecord:
        key = (record.kind, record.subject)
        stored = self.records.get(key) or replace(record, requested_by=frozenset())
        changes: dict[str, Any] = {}
        if record.node_id:
            changes["node_id"] = record.node_id
        if record.period:
            changes["period"] = record.period
        if requester:
            changes["requested_by"] = stored.requested_by | {requester}
        self.records[key] = replace(stored, **changes)
        return self.records[key]

    def claim(self, kind: str, subject: str, now: datetime, lease: timedelta,
              create: PdfRecord | None = None) -> PdfRecord | None:
        key = (kind, subject)
        if create is not None and key not in self.records:
            self.records[key] = replace(create, requested_by=frozenset())
        stored = self.records.get(key)
        lease_until = self.leases.get(key)
        if stored is None or stored.status == "ready" or (lease_until is not None and lease_until >= now):
            return None
        self.leases[key] = now + lease
        self.records[key] = replace(stored, attempts=stored.attempts + 1)
        return self.records[key]

    def finish(self, kind: str, subject: str, object_key: str, pages: int, size: int, now: datetime,
               entry_done: OutboxKey | None = None) -> None:
        key = (kind, subject)
        if entry_done is not None:
            self.outbox.done(entry_done)
        if key not in self.records:
            return  # only a requested PDF is finished
        self.records[key] = replace(self.records[key], status="ready", object_key=object_key, pages=pages, size=size,
                                    rendered_at=now, error=None)
        self.leases.pop(key, None)

    def fail(self, kind: str, subject: str, error: str, final: bool) -> None:
        key = (kind, subject)
        stored = self.records.get(key)
        if stored is None or stored.status == "ready":
            return
        self.records[key] = replace(stored, error=error[:500], status="failed" if final else stored.status)
        self.leases.pop(key, None)
