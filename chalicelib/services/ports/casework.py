"""Ports of casework: the org tree, applications (with their history, counters, certificates
and postings), documents, the outbox, budgets and PDFs; and the narrow faces one service shows
another (publishing an outbox, the documents still missing, a report's budget check…)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

if TYPE_CHECKING:
    from chalicelib.domain.budgets import Budget, BudgetCheck, BudgetFigures, BudgetWrite
    from chalicelib.domain.catalog import ServiceType
    from chalicelib.domain.documents import Document
    from chalicelib.domain.integrations import IntegrationRecord
    from chalicelib.domain.application_state import Application, ApplicationChange, HistoryEntry
    from chalicelib.domain.certificates import Certificate
    from chalicelib.domain.notifications import Notice, Notification
    from chalicelib.domain.office_hours import OfficeCalendar
    from chalicelib.domain.org import Node
    from chalicelib.services.ports.common import ChildLink, InboxFilter, OutboxKey, PdfRecord

NikHit = tuple[str, str, tuple[str, ...]]  # (application id, field, office path)
PostingLine = tuple[str, str, int, datetime]  # (application id, category, amount, approved at)


class OrgStore(Protocol):
    def get(self, node_id: str) -> Node | None: ...

    def get_many(self, node_ids: Iterable[str]) -> dict[str, Node]:
        """Nodes by id; ids not found are left out."""

    def get_with_children(self, node_id: str) -> tuple[Node | None, list[ChildLink]]: ...

    def create(self, node: Node, now: datetime) -> None:
        """ParentMissing when the parent is not there; SiblingNameTaken when the parent has a
        child of that name (case-insensitive)."""

    def by_kind(self, kind: str, limit: int = 200) -> list[Node]: ...

    def calendars(self, node_ids: Iterable[str]) -> dict[str, OfficeCalendar]:
        """The working calendars these offices set themselves; the others are left out."""

    def recent_calendars(self, node_ids: Iterable[str]) -> dict[str, OfficeCalendar]:
        """`calendars`, possibly as read a short while ago (for the deadlines of changes)."""

    def put_calendar(self, node_id: str, calendar: OfficeCalendar) -> None:
        """ParentMissing when the office is not there."""

    def delete_calendar(self, node_id: str) -> None: ...


class ApplicationStore(Protocol):
    def get(self, app_id: str) -> Application | None: ...

    def get_many(self, app_ids: Iterable[str]) -> dict[str, Application]: ...

    def get_with_history(self, app_id: str) -> tuple[Application | None, list[HistoryEntry]]: ...

    def id_for_tracking_code(self, code: str) -> str | None: ...

    def save(self, change: ApplicationChange) -> list[OutboxKey]:
        """Everything the change writes, or nothing: TrackingCodeTaken for a new application
        whose code is taken, StaleApplication when the stored version is not the one read,
        SequenceTaken when the certificate's number was given meanwhile. Answers the outbox
        entries written."""

    def due_for_escalation(self, now: datetime, limit: int) -> list[str]:
        """Ids whose next escalation is due by `now`, earliest first (running steps only)."""

    def counters(self, node_id: str, period: str) -> dict[str, int]: ...

    def counters_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]: ...

    def counters_counted(self, keys: Iterable[tuple[str, str]]) -> tuple[dict[tuple[str, str], dict[str, int]], datetime | None]:
        """counters_many, and the time of the newest change counted into any of them (None when
        none says): the counters follow the changes by the stream's delay (docs/DATA.md)."""

    def postings(self, node_id: str, period: str) -> list[PostingLine]: ...

    def filed_reports(self, node_id: str, period: str) -> list[str]:
        """Ids of every spending report submitted in the subtree for the month."""

    def filed_reports_page(self, node_id: str, period: str, after: str | None,
                           limit: int) -> tuple[list[tuple[str, datetime | None]], str | None]:
        """One page of the month's filed spending reports in the subtree after the application
        `after`: (application id, approved at or None), and the last id read when more may follow."""

    def certificate_sequence(self, series: str) -> int:
        """The last number given in the series (0: none yet)."""

    def certificate(self, code: str) -> Certificate | None: ...

    def page_by_nik(self, lookup: str, cursor: str | None, limit: int) -> tuple[list[NikHit], str | None]: ...

    def page_for_applicant(self, applicant_id: str, cursor: str | None, limit: int, *,
                           status: str | None = None,
                           service_id: str | None = None) -> tuple[list[Application], str | None]:
        """Newest first."""

    def page_in_subtrees(self, roots: list[Node], cursor: str | None, limit: int, *,
                         status: str | None = None,
                         service_id: str | None = None) -> tuple[list[Application], str | None]:
        """Filed at or below any of `roots`, newest first."""

    def inbox_page(self, queues: list[tuple[str, str]], cursor: str | None, limit: int,
                   narrowed: InboxFilter | None = None) -> tuple[list[Application], str | None]:
        """Awaiting a decision by the (node, role) queues named, soonest due first."""


class DocumentStore(Protocol):
    def list(self, app_id: str) -> list[Document]: ...

    def get(self, app_id: str, document_id: str) -> Document | None: ...

    def get_with_application(self, app_id: str, document_id: str) -> tuple[Application | None, Document | None]:
        """The application and one of its documents, read together (the scan's first read)."""

    def list_with_application(self, app_id: str) -> tuple[Application | None, list[Document]]:
        """The application and its documents, read together (what a receipt prints)."""

    def add(self, app: Application, doc: Document, history: HistoryEntry) -> None:
        """StaleApplication unless the application is as read and editable."""

    def start_scan(self, doc: Document) -> bool:
        """Awaiting upload → scanning; False if someone moved it first."""

    def settle(self, app: Application, doc: Document, history: HistoryEntry,
               notices: tuple[Notice, ...] = (), told: tuple[Notification, ...] = ()) -> list[OutboxKey] | None:
        """A scan's verdict, with its notices (to the outbox) and notifications told in the app
        only (written in the same transaction); None if the document was settled already,
        StaleApplication if the application moved since it was read."""

    def delete(self, app: Application, doc: Document, history: HistoryEntry, files: list[str],
               statuses: tuple[str, ...] = ...) -> list[OutboxKey]:
        """StaleApplication unless the application (in one of `statuses`, else a draft or
        returned) and document are as read. The
        storage keys `files` are owed removal: an outbox entry (topic remove_files) of the delete."""


class OutboxStore(Protocol):
    def get(self, key: OutboxKey) -> tuple[Notice, datetime] | None: ...

    def get_payload(self, key: OutboxKey) -> tuple[dict[str, Any], datetime] | None: ...

    def get_many(self, keys: list[OutboxKey]) -> dict[OutboxKey, tuple[Notice, datetime]]:
        """The notices of those entries still waiting, by key, read together."""

    def done(self, key: OutboxKey) -> None: ...

    def done_many(self, keys: list[OutboxKey]) -> None: ...

    def stragglers(self, older_than: datetime, limit: int, topic: str = "notify") -> list[OutboxKey]:
        """Entries of `topic` still waiting since before `older_than`."""

    def count_relay(self, key: OutboxKey, give_up_after: int) -> int:
        """One more hand-on; past `give_up_after` it is no straggler any more. 0 if gone."""


class BudgetStore(Protocol):
    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Budget]:
        """Budgets by (office, month); one never written is left out."""

    def get(self, node_id: str, period: str) -> Budget:
        """An empty budget (version 0) when none was written."""

    def write(self, change: BudgetWrite) -> None:
        """The budget and its parent's, each on the version read; StaleBudget otherwise."""


class PdfStore(Protocol):
    def get(self, kind: str, subject: str) -> PdfRecord | None: ...

    def request(self, record: PdfRecord, requester: str | None, expires_at: datetime | None = None) -> PdfRecord:
        """Created if new (else kept as it is), `requester` added. Answers it as stored."""

    def claim(self, kind: str, subject: str, now: datetime, lease: timedelta,
              create: PdfRecord | None = None) -> PdfRecord | None:
        """The right to render now: None when it is ready, missing or someone's lease runs.
        `create`: the record to make if there is none yet (asked for and claimed in one write)."""

    def finish(self, kind: str, subject: str, object_key: str, pages: int, size: int, now: datetime,
               entry_done: OutboxKey | None = None) -> None:
        """Ready; the outbox entry that asked for it (if any) cleared with it."""

    def fail(self, kind: str, subject: str, error: str, final: bool) -> None:
        """Lease released; `final` marks it failed. A ready one stays ready."""


# ---- what one service asks of another ------------------------------------------------------------

class OutboxPublisher(Protocol):
    def publish(self, keys: list[OutboxKey], deliveries: list[list[str]] | None = None) -> bool:
        """Hand a committed change's entries on; True when `deliveries` rode on its fan-out."""


class MissingDocuments(Protocol):
    def missing(self, app: Application) -> Sequence[tuple[str, ...]]: ...


class BudgetChecks(Protocol):
    def check_report(self, app: Application, service: ServiceType) -> BudgetCheck | None: ...


class BudgetFiguresSource(Protocol):
    """The budget service as the report renderer reads it: its store, and figures with the
    catalog's categories."""

    @property
    def budgets(self) -> BudgetStore: ...

    def figures(self, node: Node, period: str, budget: Budget | None) -> BudgetFigures: ...


class IntegrationRuns(Protocol):
    def nudge(self, targets: set[str]) -> None:
        """Start a run for each target (best effort)."""

    def nudge_records(self, records: Iterable[IntegrationRecord]) -> None:
        """Start a run sending these records, which a change made due now (best effort)."""
