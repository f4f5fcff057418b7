"""Applications: each application's partition holds its state (A) and its history (H#…); its
tracking code claims an item of its own. A change commits the state with the writes it composes
(outbox, counters, postings, NIK index, certificate, send log) in one conditioned transaction.
Keys and indexes: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.assets import DynamoAssetStore
from chalicelib.adapters.dynamodb import obligations as obligation_writes
from chalicelib.adapters.dynamodb.budgets import put_budgets
from chalicelib.adapters.dynamodb.certificates import last_certificate_number, put_certificate, read_certificate
from chalicelib.adapters.dynamodb.counters import move_counters, read_counters, read_counters_counted
from chalicelib.adapters.dynamodb.dam_applications import put_dam_link
from chalicelib.adapters.dynamodb.nik_index import nik_lookup_page, put_nik_lookups
from chalicelib.adapters.dynamodb.outbox import notice_payload, put_outbox
from chalicelib.adapters.dynamodb.postings import (
    filed_reports_page, put_filed_report, put_posting, read_filed_reports, read_postings,
)
from chalicelib.adapters.dynamodb.send_log import add_to_send_log
from chalicelib.adapters.dynamodb.shards import (
    ESCALATION_SHARDS, ROOT_ANCESTOR_SHARDS, every_shard, query_every_shard, sharded_key,
)
from chalicelib.adapters.dynamodb.table import (
    Partition, TransactionCancelled, Writes, batch_get_raw, from_key_time, key_time, merged_page, run_transaction,
    whole_partition,
)
from chalicelib.services.ports.assets import StaleAsset
from chalicelib.services.ports.cursors import decode_cursor
from chalicelib.domain.application_state import AWAITING_DECISION, Application, ApplicationChange, HistoryEntry
from chalicelib.domain.certificates import Certificate
from chalicelib.domain.org import MAX_TREE_DEPTH, Node
from chalicelib.domain.pii import Sealed
from chalicelib.services.ports import (
    InboxFilter, OutboxKey, SequenceTaken, StaleApplication, StaleBudget, TrackingCodeTaken,
)

# What an approval writes of the dam register: a failed one means a read went stale.
DAM_LABELS = {"dam", "dam history", "obligation", "new obligation"}

# Applications whose next escalation is set, by when it is due, sharded by application (the
# escalation schedule reads every shard).
DUE_PARTITION = "DUE"


def root_ancestor_key(root_id: str, app_id: str) -> str:
    """The root's entry in `by_anc0`: every application is below the root, so its partition is
    sharded by application (shards.py); a root's list reads every shard, merged."""
    return sharded_key(root_id, app_id, ROOT_ANCESTOR_SHARDS)


def application_pk(app_id: str) -> str:
    return f"APP#{app_id}"


def application_to_item(app: Application) -> m.ApplicationItem:
    ancestors = {f"anc{depth}": node_id for depth, node_id in enumerate(app.node_path)}
    if app.node_path:
        ancestors["anc0"] = root_ancestor_key(app.node_path[0], app.id)
    awaiting = app.status in AWAITING_DECISION and app.decider_node_id and app.due_at
    escalating = awaiting and app.escalate_at is not None and not app.is_suspended
    return m.ApplicationItem(
        application_pk(app.id), "A",
        application_id=app.id, tracking_code=app.tracking_code, service_id=app.service_id,
        service_version=app.service_version, node_id=app.node_id, node_path=list(app.node_path),
        applicant_id=app.applicant_id, applicant_name=app.applicant_name, status=app.status, step=app.step,
        steps_total=app.steps_total, data=app.data, created_at=app.created_at, updated_at=app.updated_at,
        version=app.version, due_at=app.due_at, warn_at=app.warn_at, node_name=app.node_name,
        submitted_at=app.submitted_at, last_submitted_at=app.last_submitted_at, step_nodes=list(app.step_nodes) or None,
        decider_node_id=app.decider_node_id, decider_role=app.decider_role,
        applicant_key=f"APPLICANT#{app.applicant_id}", created_key=f"{key_time(app.created_at)}#{app.id}",
        inbox_key=f"{app.decider_node_id}#{app.decider_role}" if awaiting else None,
        inbox_sort=f"{key_time(app.due_at)}#{app.id}" if awaiting else None,
        suspended_at=app.suspended_at, suspension_reason=app.suspension_reason,
        escalation_level=app.escalation_level, escalate_at=app.escalate_at,
        assignee_id=app.assignee_id, assignee_name=app.assignee_name, nik_checks=app.nik_checks or None,
        budget_check=app.budget_check, certificate_code=app.certificate_code,
        sealed=app.sealed.as_json() if app.sealed is not None else None, nik_lookups=app.nik_lookups or None,
        due_key=sharded_key(DUE_PARTITION, app.id, ESCALATION_SHARDS) if escalating else None,
        due_sort=f"{key_time(app.escalate_at)}#{app.id}" if escalating else None,
        **ancestors,
    )


def _application_from_item(item: m.ApplicationItem) -> Application:
    return Application(
        id=item.application_id, tracking_code=item.tracking_code, service_id=item.service_id,
        service_version=int(item.service_version), node_id=item.node_id, node_path=tuple(item.node_path),
        applicant_id=item.applicant_id, applicant_name=item.applicant_name, status=item.status,
        step=int(item.step) if item.step is not None else None, steps_total=int(item.steps_total),
        data=item.data or {}, created_at=item.created_at, updated_at=item.updated_at, version=int(item.version),
        due_at=item.due_at, warn_at=item.warn_at, node_name=item.node_name, submitted_at=item.submitted_at,
        last_submitted_at=item.last_submitted_at, step_nodes=tuple(item.step_nodes or ()),
        decider_node_id=item.decider_node_id, decider_role=item.decider_role,
        suspended_at=item.suspended_at, suspension_reason=item.suspension_reason,
        escalation_level=int(item.escalation_level or 0), escalate_at=item.escalate_at,
        assignee_id=item.assignee_id, assignee_name=item.assignee_name, nik_checks=dict(item.nik_checks or {}),
        budget_check=item.budget_check, certificate_code=item.certificate_code,
        sealed=Sealed.from_json(item.sealed), nik_lookups=dict(item.nik_lookups or {}),
    )


def app_from_raw(raw: dict[str, Any]) -> Application:
    return _application_from_item(m.ApplicationItem.from_raw_data(raw))


def history_sort_key(version: int, at: datetime | None = None) -> str:
    """A state change is H#{version}; an event that does not change the application (a document
    uploaded or scanned) sorts after the version it happened at, by time."""
    return f"H#{version:08d}" if at is None else f"H#{version:08d}.{key_time(at)}"


def history_item(app_id: str, sort_key: str, entry: HistoryEntry) -> m.HistoryItem:
    return m.HistoryItem(
        application_pk(app_id), sort_key,
        at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name, action=entry.action,
        from_status=entry.from_status, to_status=entry.to_status, step=entry.step, to_step=entry.to_step,
        comment=entry.comment, source_ip=entry.source_ip, user_agent=(entry.user_agent or "")[:300] or None,
        on_behalf_of_id=entry.on_behalf_of_id, on_behalf_of_name=entry.on_behalf_of_name,
    )


def _history_from_item(item: m.HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        at=item.at, actor_id=item.actor_id, actor_name=item.actor_name, action=item.action,
        from_status=item.from_status, to_status=item.to_status,
        step=int(item.step) if item.step is not None else None, comment=item.comment,
        to_step=int(item.to_step) if item.to_step is not None else None,
        source_ip=item.source_ip, user_agent=item.user_agent,
        on_behalf_of_id=item.on_behalf_of_id, on_behalf_of_name=item.on_behalf_of_name,
    )


def _put_dam_writes(tx: Writes, change: ApplicationChange) -> None:
    """What an approval writes of the dam register: the dam it moves (or, a design approval's,
    the dam it proposes) and the monitoring obligation it opens or meets."""
    if change.asset_move is not None and change.asset_move[0] is None:
        DynamoAssetStore().add_new(tx, *change.asset_move[1:])
    elif change.asset_move is not None:
        DynamoAssetStore().add_change(tx, *change.asset_move)
    if change.obligation_write is not None:
        obligation_writes.add_write(tx, *change.obligation_write)


class DynamoApplicationStore:
    def get(self, app_id: str) -> Application | None:
        try:
            return _application_from_item(m.ApplicationItem.get(application_pk(app_id), "A", consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, app_ids: Iterable[str]) -> dict[str, Application]:
        """Applications by id (100 a call); ids not found are left out."""
        found = batch_get_raw([(application_pk(app_id), "A") for app_id in app_ids])
        return {pk.removeprefix("APP#"): app_from_raw(raw) for (pk, _sk), raw in found.items()}

    def get_with_history(self, app_id: str) -> tuple[Application | None, list[HistoryEntry]]:
        """The application and its whole history: its partition (A sorts before H#)."""
        app, history = None, []
        for raw in whole_partition(application_pk(app_id)):
            if raw["sk"]["S"] == "A":
                app = app_from_raw(raw)
            elif raw["sk"]["S"].startswith("H#"):
                history.append(_history_from_item(m.HistoryItem.from_raw_data(raw)))
        return app, history

    def id_for_tracking_code(self, code: str) -> str | None:
        try:
            return m.TrackingItem.get(f"TRACK#{code}", "T").application_id
        except DoesNotExist:
            return None

    def save(self, change: ApplicationChange) -> list[OutboxKey]:
        """The new state, its history entry, the counters it moves and the notices it causes, in
        one transaction conditioned on the version that was read. Answers the outbox entries."""
        app = change.application
        outbox: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            _put_state(tx, change)
            entries = [("notify", notice_payload(n)) for n in change.notices]
            entries += [("render", {"kind": r.kind, "application_id": r.application_id}) for r in change.renders]
            outbox[:] = put_outbox(tx, application_pk(app.id), history_sort_key(app.version), entries, change.history.at)
            move_counters(tx, change.counters)
            if change.integration_records:
                add_to_send_log(tx, change.integration_records, change.history.at)
            put_nik_lookups(tx, change)
            if change.certificate is not None:
                put_certificate(tx, change.certificate)
            if change.posting is not None:
                put_posting(tx, change.posting)
            if change.filed_report is not None:
                put_filed_report(tx, change.filed_report)
            if change.budget_write is not None:
                put_budgets(tx, change.budget_write)
            _put_dam_writes(tx, change)
            put_dam_link(tx, change)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "tracking code" in cancelled.failed:
                raise TrackingCodeTaken(app.tracking_code) from None
            if "certificate number" in cancelled.failed and not cancelled.failed & {"application", "history"}:
                raise SequenceTaken(change.certificate.series if change.certificate else "") from None
            if cancelled.failed & {"budget", "budget above"} and not cancelled.failed & {"application", "history"}:
                raise StaleBudget(app.id) from None
            # The dam moved meanwhile, or its obligation (a watch marked it overdue): decide again.
            if cancelled.failed & DAM_LABELS and not cancelled.failed & {"application", "history"}:
                raise StaleAsset(app.id) from None
            if cancelled.failed & {"application", "history"}:
                raise StaleApplication(app.id) from None
            raise
        return outbox

    def due_for_escalation(self, now: datetime, limit: int) -> list[str]:
        """Ids of applications whose next escalation is due by `now`, earliest first."""
        items = query_every_shard(m.ApplicationItem, DUE_PARTITION, ESCALATION_SHARDS, "due", "due_sort", limit,
                                  range_key_condition=m.ApplicationItem.due_sort <= f"{key_time(now)}#~")
        return [raw["pk"]["S"].removeprefix("APP#") for raw in items]

    def counters(self, node_id: str, period: str) -> dict[str, int]:
        return self.counters_many([(node_id, period)]).get((node_id, period), {})

    def counters_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        return read_counters(keys)

    def counters_counted(self, keys: Iterable[tuple[str, str]]) -> tuple[dict[tuple[str, str], dict[str, int]], datetime | None]:
        found = read_counters_counted(keys)
        newest = max((counted for _, counted in found.values() if counted), default=None)
        return ({key: values for key, (values, _) in found.items()},
                from_key_time(newest) if newest else None)

    def postings(self, node_id: str, period: str) -> list[tuple[str, str, int, datetime]]:
        return read_postings(node_id, period)

    def filed_reports(self, node_id: str, period: str) -> list[str]:
        return read_filed_reports(node_id, period)

    def filed_reports_page(self, node_id: str, period: str, after: str | None,
                           limit: int) -> tuple[list[tuple[str, datetime | None]], str | None]:
        return filed_reports_page(node_id, period, after, limit)

    def certificate_sequence(self, series: str) -> int:
        return last_certificate_number(series)

    def certificate(self, code: str) -> Certificate | None:
        return read_certificate(code)

    def page_by_nik(self, lookup: str, cursor: str | None,
                    limit: int) -> tuple[list[tuple[str, str, tuple[str, ...]]], str | None]:
        return nik_lookup_page(lookup, cursor, limit)

    def page_for_applicant(self, applicant_id: str, cursor: str | None, limit: int, *,
                           status: str | None = None, service_id: str | None = None) -> tuple[list[Application], str | None]:
        return _newest_first([Partition("by_applicant", f"APPLICANT#{applicant_id}")], decode_cursor(cursor), limit,
                             list_filter(status, service_id))

    def page_in_subtrees(self, roots: list[Node], cursor: str | None, limit: int, *,
                         status: str | None = None, service_id: str | None = None) -> tuple[list[Application], str | None]:
        partitions = [partition for root in roots if root.depth <= MAX_TREE_DEPTH for partition in _subtree_partitions(root)]
        if not partitions:
            return [], None
        return _newest_first(partitions, decode_cursor(cursor), limit, list_filter(status, service_id))

    def inbox_page(self, queues: list[tuple[str, str]], cursor: str | None, limit: int,
                   narrowed: InboxFilter | None = None) -> tuple[list[Application], str | None]:
        partitions = [Partition("inbox", f"{node_id}#{role}") for node_id, role in queues]
        if not partitions:
            return [], None
        condition = inbox_filter(narrowed) if narrowed is not None and narrowed.narrows else None
        items, next_cursor = merged_page(m.ApplicationItem, partitions, "inbox_sort", descending=False,
                                         after=decode_cursor(cursor), limit=limit, filter_condition=condition)
        return [app_from_raw(raw) for raw in items], next_cursor


def _put_state(tx: Writes, change: ApplicationChange) -> None:
    """The application on the version read (a new one claiming its tracking code) and its
    history entry, which no other change may have written."""
    app = change.application
    item = application_to_item(app)
    if change.expected_version is None:
        tx.put("application", item, condition=m.ApplicationItem.pk.does_not_exist())
        tx.put("tracking code", m.TrackingItem(f"TRACK#{app.tracking_code}", "T", application_id=app.id),
               condition=m.TrackingItem.pk.does_not_exist())
    else:
        tx.put("application", item, condition=m.ApplicationItem.version == change.expected_version)
    tx.put("history", history_item(app.id, history_sort_key(app.version), change.history),
           condition=m.HistoryItem.pk.does_not_exist())


def _subtree_partitions(root: Node) -> list[Partition]:
    """Where a node's subtree is indexed: its depth's index; the root's, every shard of it. One
    sort key orders them all (`created_key`, unique per application), so the merged page's
    cursor, a sort key, resumes every shard at once: no per-shard position to carry."""
    if root.depth == 0:
        return [Partition("by_anc0", key) for key in every_shard(root.id, ROOT_ANCESTOR_SHARDS)]
    return [Partition(f"by_anc{root.depth}", root.id)]


def _newest_first(partitions: list[Partition], after: str | None, limit: int,
                  condition: Any) -> tuple[list[Application], str | None]:
    items, next_cursor = merged_page(m.ApplicationItem, partitions, "created_key", descending=True, after=after,
                                     limit=limit, filter_condition=condition)
    return [app_from_raw(raw) for raw in items], next_cursor


def inbox_filter(narrowed: InboxFilter):
    """The inbox's filters as one condition. Like list filters they cost reads, not calls; an
    SLA state is read off the times the step was given when it started (due_at, warn_at)."""
    item, now = m.ApplicationItem, narrowed.now
    parts = []
    if narrowed.service_id:
        parts.append(item.service_id == narrowed.service_id)
    if narrowed.node_id:
        parts.append(item.node_path.contains(narrowed.node_id))
    running = item.suspended_at.does_not_exist()
    if narrowed.sla_state == "suspended":
        parts.append(item.suspended_at.exists())
    elif narrowed.sla_state == "overdue":
        parts.extend([running, item.due_at <= now])
    elif narrowed.sla_state == "due_soon":
        parts.extend([running, item.due_at > now, item.warn_at <= now])
    elif narrowed.sla_state == "on_time":
        parts.extend([running, item.due_at > now, item.warn_at.does_not_exist() | (item.warn_at > now)])
    return _all_of(parts)


def list_filter(status: str | None, service_id: str | None):
    """Filters on a list page (they cost reads, not extra calls: merged_page bounds the calls)."""
    return _all_of([
        m.ApplicationItem.status == status if status else None,
        m.ApplicationItem.service_id == service_id if service_id else None,
    ])


def _all_of(parts: Iterable[Any]):
    """The conditions given (None ones left out) joined with AND; None when there are none."""
    condition = None
    for part in parts:
        if part is not None:
            condition = part if condition is None else condition & part
    return condition
