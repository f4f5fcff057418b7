"""In-memory applications: each change all or nothing under the same conditions as the DynamoDB
store (version read, history entry new, tracking code free, certificate number next), with its
history, counters, outbox entries, send-log records, NIK lookups, certificates and postings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from chalicelib.domain.application_state import AWAITING_DECISION, Application, ApplicationChange, HistoryEntry
from chalicelib.domain.certificates import Certificate
from chalicelib.domain.org import MAX_TREE_DEPTH, Node
from chalicelib.services.ports import (
    InboxFilter,
    OutboxKey,
    SequenceTaken,
    StaleApplication,
    TrackingCodeTaken,
)
from tests.fakes.paging import ConditionFailed, copy, key_time, page_after


def history_key(version: int, at: datetime | None = None) -> str:
    return f"H#{version:08d}" if at is None else f"H#{version:08d}.{key_time(at)}"


def notice_payload(notice: Any) -> dict[str, Any]:
    return {"kind": notice.kind, "params": notice.params, "application_id": notice.application_id,
            "to_user_id": notice.to_user_id, "to_role": notice.to_role, "to_node_id": notice.to_node_id,
            "except_user_id": notice.except_user_id, "fallback_roles": list(notice.fallback_roles)}


class FakeApplicationStore:
    def __init__(self, outbox: Any = None, sends: Any = None) -> None:
        from tests.fakes.casework import FakeOutboxStore

        self.outbox = outbox if outbox is not None else FakeOutboxStore()
        self.sends = sends  # a FakeSendStore receives what changes owe the registries, if given
        self.apps: dict[str, Application] = {}
        self.history: dict[str, dict[str, HistoryEntry]] = {}
        self.tracking: dict[str, str] = {}
        self.counter_items: dict[tuple[str, str], dict[str, int]] = {}
        self.sequences: dict[str, int] = {}
        self.certificates: dict[str, Certificate] = {}
        self.posted: dict[tuple[str, str], dict[str, tuple[str, str, int, datetime]]] = {}
        self.nik_lookups: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
        self.saves = 0  # committed changes (tests count writes)

    # ---- reading -----------------------------------------------------------------------------

    def get(self, app_id: str) -> Application | None:
        return copy(self.apps.get(app_id))

    def get_many(self, app_ids: Iterable[str]) -> dict[str, Application]:
        return {app_id: copy(self.apps[app_id]) for app_id in app_ids if app_id in self.apps}

    def get_with_history(self, app_id: str) -> tuple[Application | None, list[HistoryEntry]]:
        entries = self.history.get(app_id, {})
        return self.get(app_id), [entries[key] for key in sorted(entries)]

    def id_for_tracking_code(self, code: str) -> str | None:
        return self.tracking.get(code)

    def counters(self, node_id: str, period: str) -> dict[str, int]:
        return dict(self.counter_items.get((node_id, period), {}))

    def counters_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        return {key: dict(self.counter_items[key]) for key in keys if key in self.counter_items}

    def counters_counted(self, keys: Iterable[tuple[str, str]]) -> tuple[dict[tuple[str, str], dict[str, int]], None]:
        return self.counters_many(keys), None  # counted as each change is saved: no delay to tell

    def postings(self, node_id: str, period: str) -> list[tuple[str, str, int, datetime]]:
        found = self.posted.get((node_id, period), {})
        return [found[key] for key in sorted(found)]

    def certificate_sequence(self, series: str) -> int:
        return self.sequences.get(series, 0)

    def certificate(self, code: str) -> Certificate | None:
        return self.certificates.get(code)

    def due_for_escalation(self, now: datetime, limit: int) -> list[str]:
        due = sorted((app.escalate_at, app.id) for app in self.apps.values()
                     if _escalating(app) and app.escalate_at <= now)
        return [app_id for _at, app_id in due][:limit]

    # ---- pages ---------------------------------------------------------------------------------

    def page_by_nik(self, lookup: str, cursor: str | None,
                    limit: int) -> tuple[list[tuple[str, str, tuple[str, ...]]], str | None]:
        return page_after(list(self.nik_lookups.get(lookup, {}).items()), cursor, limit, descending=False)

    def page_for_applicant(self, applicant_id: str, cursor: str | None, limit: int, *, status: str | None = None,
                           service_id: str | None = None) -> tuple[list[Application], str | None]:
        rows = [(_created_key(app), copy(app)) for app in self.apps.values()
                if app.applicant_id == applicant_id and _listed(app, status, service_id)]
        return page_after(rows, cursor, limit, descending=True)

    def page_in_subtrees(self, roots: list[Node], cursor: str | None, limit: int, *, status: str | None = None,
                         service_id: str | None = None) -> tuple[list[Application], str | None]:
        ids = {root.id for root in roots if root.depth <= MAX_TREE_DEPTH}
        rows = [(_created_key(app), copy(app)) for app in self.apps.values()
                if ids & set(app.node_path) and _listed(app, status, service_id)]
        return page_after(rows, cursor, limit, descending=True)

    def inbox_page(self, queues: list[tuple[str, str]], cursor: str | None, limit: int,
                   narrowed: InboxFilter | None = None) -> tuple[list[Application], str | None]:
        wanted = set(queues)
        rows = [(f"{key_time(app.due_at)}#{app.id}", copy(app)) for app in self.apps.values()
                if _awaiting(app) and (app.decider_node_id, app.decider_role) in wanted and _narrowed(app, narrowed)]
        return page_after(rows, cursor, limit, descending=False)

    # ---- the one write -------------------------------------------------------------------------

    def save(self, change: ApplicationChange) -> list[OutboxKey]:
        app = change.application
        failed = self._failed_conditions(change)
        if "tracking code" in failed:
            raise TrackingCodeTaken(app.tracking_code)
        if "certificate number" in failed and not failed & {"application", "history"}:
            raise SequenceTaken(change.certificate.series if change.certificate else "")
        if failed & {"application", "history"}:
            raise StaleApplication(app.id)
        if failed:
            raise ConditionFailed(", ".join(sorted(failed)))
        self._commit(change)
        self.saves += 1
        key = history_key(app.version)
        entries = [("notify", notice_payload(n)) for n in change.notices]
        entries += [("render", {"kind": r.kind, "application_id": r.application_id}) for r in change.renders]
        return self.outbox.put_entries(f"APP#{app.id}", key, entries, change.history.at)

    def _failed_conditions(self, change: ApplicationChange) -> set[str]:
        app, failed = change.application, set()
        stored = self.apps.get(app.id)
        if change.expected_version is None:
            if stored is not None:
                failed.add("application")
            if app.tracking_code in self.tracking:
                failed.add("tracking code")
        elif stored is None or stored.version != change.expected_version:
            failed.add("application")
        if history_key(app.version) in self.history.get(app.id, {}):
            failed.add("history")
        cert = change.certificate
        if cert is not None:
            if cert.version == 1:
                if cert.code in self.certificates:
                    failed.add("certificate")
                if self.sequences.get(cert.series, 0) != cert.sequence - 1:
                    failed.add("certificate number")
            elif cert.code not in self.certificates or self.certificates[cert.code].version != cert.version - 1:
                failed.add("certificate")
        return failed

    def _commit(self, change: ApplicationChange) -> None:
        app = change.application
        self.apps[app.id] = copy(app)
        if change.expected_version is None:
            self.tracking[app.tracking_code] = app.id
        self.history.setdefault(app.id, {})[history_key(app.version)] = change.history
        for move in change.counters:
            counters = self.counter_items.setdefault((move.node_id, move.period), {})
            for name, delta in move.deltas.items():
                counters[name] = counters.get(name, 0) + delta
        if change.integration_records and self.sends is not None:
            self.sends.put_records(change.integration_records, change.history.at)
        self._follow_nik_lookups(change)
        if change.certificate is not None:
            self.certificates[change.certificate.code] = change.certificate
            if change.certificate.version == 1:
                self.sequences[change.certificate.series] = change.certificate.sequence
        if change.posting is not None:
            p = change.posting
            for node_id in p.node_path:
                self.posted.setdefault((node_id, p.period), {})[f"{key_time(p.approved_at)}#{p.application_id}"] = (
                    p.application_id, p.category, p.amount, p.approved_at)

    def _follow_nik_lookups(self, change: ApplicationChange) -> None:
        app = change.application
        for name, lookup in change.dropped_lookups:
            self.nik_lookups.get(lookup, {}).pop(f"APP#{app.id}#{name}", None)
        if change.history.action not in ("create", "update"):
            return
        for name, lookup in app.nik_lookups.items():
            self.nik_lookups.setdefault(lookup, {})[f"APP#{app.id}#{name}"] = (app.id, name, tuple(app.node_path))

    # ---- what the document store checks ----------------------------------------------------------

    def unchanged(self, app: Application, statuses: tuple[str, ...] | None = None) -> bool:
        stored = self.apps.get(app.id)
        return stored is not None and stored.version == app.version and (statuses is None or stored.status in statuses)

    def add_history(self, app_id: str, key: str, entry: HistoryEntry) -> None:
        entries = self.history.setdefault(app_id, {})
        if key in entries:
            raise ConditionFailed("history")
        entries[key] = entry


def _created_key(app: Application) -> str:
    return f"{key_time(app.created_at)}#{app.id}"


def _listed(app: Application, status: str | None, service_id: str | None) -> bool:
    return (status is None or app.status == status) and (service_id is None or app.service_id == service_id)


def _awaiting(app: Application) -> bool:
    return bool(app.status in AWAITING_DECISION and app.decider_node_id and app.due_at)


def _escalating(app: Application) -> bool:
    return _awaiting(app) and app.escalate_at is not None and not app.is_suspended


def _narrowed(app: Application, narrowed: InboxFilter | None) -> bool:
    if narrowed is None or not narrowed.narrows:
        return True
    if narrowed.service_id and app.service_id != narrowed.service_id:
        return False
    if narrowed.node_id and narrowed.node_id not in app.node_path:
        return False
    now, state = narrowed.now, narrowed.sla_state
    if state == "suspended":
        return app.is_suspended
    if state is None:
        return True
    if app.is_suspended or app.due_at is None:
        return False
    if state == "overdue":
        return app.due_at <= now
    if state == "due_soon":
        return app.due_at > now and app.warn_at is not None and app.warn_at <= now
    if state == "on_time":
        return app.due_at > now and (app.warn_at is None or app.warn_at > now)
    return True
