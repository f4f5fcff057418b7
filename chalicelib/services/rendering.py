"""PDFs: the receipt of a submission, the certificate of an approved permit, and the monthly
budget-usage report.

Receipts and certificates are asked for by the change that causes them (an outbox entry of
topic `render`, written in its transaction); reports by `POST /reports`. The render function
(an SQS consumer) makes each one once: a PDF's record is claimed with a lease before rendering,
a record already `ready` is never rendered again, and the file's key is fixed by what it is, so
a redelivered job finds the work done. A report's id is derived from the office, the month and
the state of the figures: asking again while nothing changed answers the same report.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Any, Callable

from chalicelib.domain import budgets as budget_rules
from chalicelib.domain import papers
from chalicelib.domain.budget_recap import recap_entry
from chalicelib.domain.catalog import Catalog, ServiceType
from chalicelib.domain.documents import CLEAN, served_key
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.application_state import CERTIFICATE, RECEIPT, Application
from chalicelib.domain.messages import msg
from chalicelib.domain.people import Principal, application_roles
from chalicelib.domain.nik import mask_nik
from chalicelib.services.ports.assets import AssetStore
from chalicelib.services.ports import (
    ApplicationStore, BudgetFiguresSource, Clock, DocumentStore, JobQueue, ObjectStorage, OrgStore, OutboxStore,
    PdfRecord, PdfStore,
)

logger = logging.getLogger(__name__)

BUDGET_USAGE = "budget-usage"
REPORT_KINDS = (BUDGET_USAGE,)
RENDER_LEASE = timedelta(minutes=5)
REPORT_DAYS = 30  # a report is kept this long, then asked for again
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 12 * 1024 * 1024


class RenderFailed(Exception):
    def __init__(self, reason: str, final: bool) -> None:
        super().__init__(reason)
        self.final = final


@dataclass(frozen=True)
class Report:
    id: str
    record: PdfRecord


def report_id(node_id: str, period: str, budget_version: int, postings: int) -> str:
    """The same office, month and figures: the same report."""
    digest = hashlib.sha256(f"{BUDGET_USAGE}|{node_id}|{period}|{budget_version}|{postings}".encode()).hexdigest()
    return f"rpt_{digest[:26]}"


def object_key(kind: str, subject: str) -> str:
    return f"generated/{kind}/{subject}.pdf"


class RenderService:
    def __init__(self, *, applications: ApplicationStore, documents: DocumentStore, org: OrgStore,
                 budgets: BudgetFiguresSource, pdfs: PdfStore, storage: ObjectStorage, outbox: OutboxStore, jobs: JobQueue,
                 catalog: Catalog, clock: Clock, tz: timezone, org_name: str, web_base_url: str,
                 verify_base_url: str, max_receives: int, pdf_adapter: Callable[[], Any],
                 assets: AssetStore | None = None) -> None:
        self.applications = applications
        self.documents = documents
        self.org = org
        self.budgets = budgets  # the budget service (figures with the catalog's categories)
        self.pdfs = pdfs
        self.storage = storage
        self.outbox = outbox
        self.jobs = jobs
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.org_name = org_name
        self.web_base_url = web_base_url.rstrip("/")
        self.verify_base_url = verify_base_url.rstrip("/")
        self.max_receives = max_receives
        self.pdf_adapter = pdf_adapter  # answers the PDF adapter (imported on the first render only)
        self.assets = assets  # the dam register: a form naming a dam prints its name, not its id

    # ---- asking ------------------------------------------------------------------------------

    def request_report(self, caller: Principal, kind: str, node_id: str, period: str) -> Report:
        node = self.org.get(node_id)
        # The report shows each spending report's evidence photos and payee: for the roles that
        # read the program's applications there (SPEC: area, region, branch, MCOT), not viewers.
        if node is None or not caller.reaches(node.path, roles=application_roles("marketing-fee")):
            raise NotFound("no such office")
        if kind not in REPORT_KINDS:
            raise InvalidInput("unknown report", [FieldProblem("kind", msg("must be one of {options}", options=", ".join(REPORT_KINDS)))])
        budget_rules.check_period(period)
        budget = self.budgets.budgets.get(node.id, period)
        postings = self.applications.counters(node.id, period).get(budget_rules.POSTINGS, 0)
        rid = report_id(node.id, period, budget.version, postings)
        now = self.clock.now()
        record = self.pdfs.request(
            PdfRecord(kind=BUDGET_USAGE, subject=rid, status="pending", created_at=now, node_id=node.id, period=period),
            caller.user_id, expires_at=now + timedelta(days=REPORT_DAYS),
        )
        if record.status == "pending":
            # Queued again while pending: a lost job is replaced, and rendering is idempotent.
            self.jobs.send({"type": "report", "kind": BUDGET_USAGE, "subject": rid})
        logger.info("report requested", extra={"report_id": rid, "node_id": node.id, "period": period,
                                               "status": record.status})
        return Report(rid, record)

    def report(self, caller: Principal, rid: str) -> PdfRecord:
        record = self.pdfs.get(BUDGET_USAGE, rid)
        if record is None or caller.user_id not in record.requested_by:
            raise NotFound("no such report")
        return record

    def download_url(self, record: PdfRecord, filename: str) -> str | None:
        if record.status != "ready" or not record.object_key:
            return None
        return self.storage.presign_download(record.object_key, None, filename, "application/pdf")

    # ---- rendering (the render function) ------------------------------------------------------

    def handle_outbox(self, key: Any, receive_count: int) -> str:
        """An outbox entry asking for a receipt or certificate: render it, then clear the entry.
        What it asks is read from the entry unless its job carried it (a repeated job of those
        finds the PDF ready by its claim)."""
        found = (key.payload, key.at) if key.carries else self.outbox.get_payload(key)
        if found is None:
            return "already handled"
        payload, at = found
        kind, subject = payload["kind"], payload["application_id"]
        asked = PdfRecord(kind=kind, subject=subject, status="pending", created_at=at)
        outcome = self.render_pdf(kind, subject, receive_count, asked=asked, entry=key)
        if outcome != "rendered":  # rendered: the entry went with the record's last write
            self.outbox.done(key)
        return outcome

    def render_pdf(self, kind: str, subject: str, receive_count: int, asked: PdfRecord | None = None,
                   entry: Any = None) -> str:
        """Make the PDF once. Answers "rendered", "already rendered" or "busy" (someone else
        holds the lease: their run, or its redelivery, finishes it). `asked`: the record to
        make if there is none (an outbox entry's paper: asked for and claimed in one write),
        `entry`: that outbox entry, cleared when the PDF is ready."""
        now = self.clock.now()
        if asked is None:
            record = self.pdfs.get(kind, subject)
            if record is not None and record.status == "ready":
                return "already rendered"
        claimed = self.pdfs.claim(kind, subject, now, RENDER_LEASE, asked)
        if claimed is None:
            record = self.pdfs.get(kind, subject)
            if record is not None and record.status == "ready":
                return "already rendered"
            raise RenderFailed("another render holds the lease", final=False)
        try:
            data = self._make(kind, subject, claimed)
        except Exception as error:
            final = receive_count >= self.max_receives
            self.pdfs.fail(kind, subject, f"{type(error).__name__}: {error}", final)
            logger.exception("render failed", extra={"kind": kind, "subject": subject, "attempt": receive_count,
                                                     "final": final})
            raise RenderFailed(str(error), final) from error
        key = object_key(kind, subject)
        self.storage.write_served(key, data, "application/pdf")
        self.pdfs.finish(kind, subject, key, _page_count(data), len(data), self.clock.now(), entry)
        logger.info("pdf rendered", extra={"kind": kind, "subject": subject, "bytes": len(data)})
        return "rendered"

    def _make(self, kind: str, subject: str, record: PdfRecord) -> bytes:
        pdf = self.pdf_adapter()
        if kind == RECEIPT:
            return pdf.receipt_pdf(self.receipt_paper(subject))
        if kind == CERTIFICATE:
            return pdf.certificate_pdf(self.certificate_paper(subject))
        if kind == BUDGET_USAGE:
            assert record.node_id and record.period
            return pdf.usage_report_pdf(self.usage_report_paper(record.node_id, record.period), self._photo)
        raise ValueError(f"unknown PDF kind {kind!r}")

    # ---- what each paper says -------------------------------------------------------------------

    def _application(self, app_id: str) -> tuple[Application, list, ServiceType]:
        app, history = self.applications.get_with_history(app_id)
        if app is None:
            raise LookupError(f"application {app_id} is gone")
        return app, history, self.catalog.require_service_of(app)

    def _local(self, moment):
        return moment.astimezone(self.tz)

    def receipt_paper(self, app_id: str) -> papers.ReceiptPaper:
        app, listed = self.documents.list_with_application(app_id)  # no history: one Query for both
        if app is None:
            raise LookupError(f"application {app_id} is gone")
        service = self.catalog.require_service_of(app)
        # The office's name as the application keeps it (from when it was filed): no read.
        node = None if app.node_name else self.org.get(app.node_id)
        office = app.node_name or (node.name if node else app.node_id)
        documents = [d for d in listed if d.status == CLEAN]
        labels = {d.name: d.label for d in service.documents}
        first_step = service.steps[0]
        return papers.ReceiptPaper(
            org_name=self.org_name, service=service.name, tracking_code=app.tracking_code,
            track_url=f"{self.web_base_url}/track/{app.tracking_code}", applicant=app.applicant_name,
            office=office,
            submitted_at=papers.waktu(self._local(app.submitted_at or app.updated_at)),
            facts=form_facts(service, app.data, self._dams_named(service, app.data)),
            documents=[papers.Fact(labels.get(d.requirement, d.requirement), f"{d.filename} ({_size(d.served_size or d.size)})")
                       for d in documents],
            next_step=(f"Permohonan Anda diperiksa lebih dahulu pada tahap \u201c{first_step.label}\u201d. "
                       f"Anda akan diberi tahu lewat e-mail setiap kali statusnya berubah."),
        )

    def _dams_named(self, service: ServiceType, data: dict[str, Any]) -> dict[str, str]:
        """Each dam the form names (a GetItem each; a form names one), as a paper states it: by
        its name only, since its register code is for staff (API.md: a dam's public facts) and
        a paper travels. A dam no longer in the register prints as its id."""
        named = {}
        for spec in service.fields:
            dam = self.assets.get(data[spec.name]) if spec.type == "asset" and data.get(spec.name) and self.assets else None
            if dam is not None:
                named[dam.id] = dam.name
        return named

    def certificate_paper(self, app_id: str) -> papers.CertificatePaper:
        app, history, service = self._application(app_id)
        cert = self.applications.certificate(app.certificate_code) if app.certificate_code else None
        if cert is None:
            raise LookupError(f"application {app_id} has no certificate")
        issuer = self.org.get(app.step_nodes[-1]) if app.step_nodes else None
        # The approvals that led here: the last approval of each step (a returned and
        # resubmitted step was approved again).
        approvals: dict[int, Any] = {}
        for entry in history:
            if entry.action == "approve" and entry.step:
                approvals[entry.step] = entry
        role_names = {"verifier": "Verifikator", "approver": "Pejabat pemberi persetujuan"}
        signatories = [
            papers.Signatory(name=entry.actor_name, role=role_names.get(service.step_at(step).role, service.step_at(step).role),
                             step=service.step_at(step).label, at=papers.waktu(self._local(entry.at)),
                             on_behalf_of=entry.on_behalf_of_name)
            for step, entry in sorted(approvals.items())
        ]
        return papers.CertificatePaper(
            org_name=self.org_name, title=service.name, number=cert.number, holder=cert.holder_name,
            facts=certificate_facts(service, app.data, self._dams_named(service, app.data)),
            issued_on=papers.tanggal(self._local(cert.issued_at)),
            issued_at_office=issuer.name if issuer else self.org_name, signatories=signatories,
            verify_code=cert.code, verify_url=f"{self.verify_base_url}/verify/{cert.code}",
            tracking_code=app.tracking_code,
        )

    def usage_report_paper(self, node_id: str, period: str) -> papers.UsageReportPaper:
        node = self.org.get(node_id)
        if node is None:
            raise LookupError(f"office {node_id} is gone")
        figures = self.budgets.figures(node, period, self.budgets.budgets.get(node.id, period))
        postings = self.applications.postings(node.id, period)
        filed = self.applications.filed_reports(node.id, period)
        found = self.applications.get_many(dict.fromkeys([app_id for app_id, *_ in postings] + filed))
        offices = self.org.get_many({app.node_id for app in found.values()})
        with ThreadPoolExecutor(max_workers=8) as pool:  # one Query each: waits, done side by side
            documents = dict(zip(found, pool.map(self.documents.list, found)))
        sections = []
        for app_id, category, amount, approved_at in postings:
            app = found.get(app_id)
            if app is None:
                continue
            photos = [served_key(app.id, d.id) + "@" + (d.served_version or "")
                      for d in documents[app_id]
                      if d.status == CLEAN and (d.served_type or d.content_type) in PHOTO_TYPES]
            data = app.data
            sections.append(papers.SpendingSection(
                title=str(data.get("activity") or app.tracking_code), category=category, amount=amount,
                spent_on=papers.tanggal(_date(data["spent_on"])) if data.get("spent_on") else "—",
                approved_on=papers.waktu(self._local(approved_at)),
                office=offices[app.node_id].name if app.node_id in offices else app.node_id,
                tracking_code=app.tracking_code, description=str(data.get("description") or ""),
                payee=str(data.get("payee") or "—"), photos=photos,
            ))
        return papers.UsageReportPaper(
            org_name=self.org_name, office=node.name, period_label=papers.bulan(period), budget=figures.amount,
            categories=[papers.CategoryLine(name, c.recommended, c.used, c.pending, c.percent_used)
                        for name, c in figures.categories.items()],
            sections=sections, generated_at=papers.waktu(self._local(self.clock.now())),
            recap=self._recap(period, [found[a] for a in dict.fromkeys(filed) if a in found], offices,
                              {app_id: approved_at for app_id, _c, _a, approved_at in postings}),
        )

    def _recap(self, period: str, reports: list[Application], offices: dict,
               approved: dict[str, Any]) -> list[papers.RecapLine]:
        """Every report submitted for the month (as it stands: one moved to another month
        since is left out), by the day spent: its point, description, status, amount and the
        day it was approved (domain/budget_recap.py, as `GET /budgets/{node}/{period}/reports`)."""
        lines = []
        for app in sorted(reports, key=lambda a: (str(a.data.get("spent_on")), a.created_at)):
            office = offices[app.node_id].name if app.node_id in offices else app.node_id
            entry = recap_entry(app, period, office, approved.get(app.id))
            if entry is None:
                continue
            lines.append(papers.RecapLine(
                point=entry.point, description=entry.summary, status=STATUS_WORDS.get(entry.status, entry.status),
                amount=entry.amount, tracking_code=entry.tracking_code,
                approved_on=papers.tanggal(self._local(entry.approved_at).date()) if entry.approved_at else "—"))
        return lines

    def _photo(self, reference: str) -> bytes | None:
        key, _, version = reference.partition("@")
        try:
            return self.storage.read_served(key, version or None, MAX_PHOTO_BYTES)
        except Exception:
            logger.warning("evidence photo unreadable", extra={"key": key}, exc_info=True)
            return None


# A report's status as the recap states it (the report is in Indonesian).
STATUS_WORDS = {"approved": "Disetujui", "submitted": "Diajukan", "in_review": "Diperiksa", "returned": "Dikembalikan",
                "rejected": "Ditolak", "withdrawn": "Ditarik", "draft": "Draf"}


def form_facts(service: ServiceType, data: dict[str, Any], dams: dict[str, str] | None = None) -> list[papers.Fact]:
    """The form as a paper states it: labels, rupiah, dates in Indonesian, NIKs masked, a dam by
    its name and register code (`dams`: id → that text)."""
    facts = []
    for spec in service.fields:
        value = data.get(spec.name)
        if value is None or value == "":
            continue
        if spec.type == "money":
            text = papers.rupiah(int(value))
        elif spec.type == "date":
            text = papers.tanggal(_date(value))
        elif spec.type == "nik":
            text = mask_nik(str(value))
        elif spec.type == "asset":
            text = (dams or {}).get(str(value), str(value))
        else:
            text = str(value)
        facts.append(papers.Fact(spec.label, text))
    return facts


def certificate_facts(service: ServiceType, data: dict[str, Any],
                      dams: dict[str, str] | None = None) -> list[papers.Fact]:
    """The facts a certificate states: those the catalog names for it, or the whole form."""
    wanted = service.on_approval.certificate_facts
    labels = {service.field(name).label for name in wanted if service.field(name)}
    return [f for f in form_facts(service, data, dams) if not wanted or f.label in labels]


def _date(value: Any):
    from datetime import date

    return date.fromisoformat(str(value)[:10])


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(size // 1024, 1)} KB"


def _page_count(data: bytes) -> int:
    """Pages of a PDF fpdf2 wrote (its page tree states the count once, as /Count n)."""
    import re

    counts = [int(n) for n in re.findall(rb"/Count (\d+)", data)]
    return max(counts) if counts else 0
