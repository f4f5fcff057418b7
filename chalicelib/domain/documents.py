"""Documents of an application: who may add or remove them, and what submission needs.

A document starts `awaiting_upload` (the browser has a presigned POST), becomes `scanning` when
its file arrives, and ends `clean` (served) or `rejected` (kept in quarantine, never served).
A clean document that was part of a submission is evidence behind a decision: it is never
deleted or overwritten; a corrected file is a new document.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.catalog import DocumentSpec, ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput, TooManyAttempts
from chalicelib.domain.application_state import AWAITING_DECISION, EDITABLE, Application, HistoryEntry
from chalicelib.domain.messages import Label, msg
from chalicelib.domain.messages import status as status_label
from chalicelib.domain.people import Principal
from chalicelib.domain.upload_keys import APPLICATIONS

AWAITING, SCANNING, CLEAN, REJECTED = "awaiting_upload", "scanning", "clean", "rejected"
MAX_FILENAME = 200

# Where files live in the uploads bucket (domain/upload_keys.py): the browser posts to incoming/
# (the key chosen here, never the uploader's filename); only the scan writes under clean/, the
# one prefix served.


def incoming_key(app_id: str, document_id: str) -> str:
    return APPLICATIONS.incoming_key(app_id, document_id)


def served_key(app_id: str, document_id: str) -> str:
    return APPLICATIONS.served_key(app_id, document_id)


def parse_incoming_key(key: str) -> tuple[str, str] | None:
    return APPLICATIONS.parse(key)


@dataclass
class Document:
    id: str
    application_id: str
    requirement: str
    filename: str
    content_type: str  # as declared
    size: int  # as declared
    status: str
    uploader_id: str
    created_at: datetime
    upload_expires_at: datetime
    reason_code: str | None = None
    reason_id: str | None = None
    reason_en: str | None = None
    scanned_at: datetime | None = None
    scanned_etag: str | None = None
    antivirus: str | None = None  # clean | skipped | infected | unscannable
    antivirus_detail: str | None = None
    served_version: str | None = None
    served_type: str | None = None
    served_size: int | None = None
    sha256: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    version: int = 1

    @property
    def settled(self) -> bool:
        return self.status in (CLEAN, REJECTED)

    def evolve(self, **changes: Any) -> "Document":
        return replace(self, **changes)


# Where a service lets its office remove evidence until approval: any time before a decision.
EVIDENCE_REMOVABLE = EDITABLE + AWAITING_DECISION


def requirement_of(service: ServiceType, name: str) -> DocumentSpec | None:
    return next((d for d in service.documents if d.name == name), None)


def check_upload(app: Application, service: ServiceType, caller: Principal, requirement: str, filename: str,
                 content_type: str, size: int, existing: list[Document], per_application: int) -> DocumentSpec:
    """Refuse anything the presigned POST would let through: the scan checks the file again."""
    if app.applicant_id != caller.user_id:
        raise Forbidden("only the applicant who filed it may add documents")
    if app.status not in EDITABLE:
        raise Conflict(msg("documents can be added while the application is a draft or returned, not {status}",
                           status=status_label(app.status)))
    spec = requirement_of(service, requirement)
    problems = []
    if spec is None:
        problems.append(FieldProblem("requirement", msg("is not a document this service asks for: {options}",
                                                        options=", ".join(d.name for d in service.documents))))
    else:
        if content_type not in spec.content_types:
            problems.append(FieldProblem("content_type", msg("{document} accepts {types}", document=_label(spec),
                                                             types=", ".join(spec.content_types)),
                                         "file_type", {"allowed": list(spec.content_types)}))
        if size <= 0:
            problems.append(FieldProblem("size", "must be the file's size in bytes"))
        elif size > spec.max_bytes:
            problems.append(FieldProblem("size", msg("{document} may be at most {limit} bytes", document=_label(spec),
                                                     limit=spec.max_bytes),
                                         "file_too_large", {"max_bytes": spec.max_bytes}))
    if not filename.strip() or len(filename) > MAX_FILENAME:
        problems.append(FieldProblem("filename", msg("must be 1 to {limit} characters", limit=MAX_FILENAME)))
    if problems:
        raise InvalidInput("the document cannot be added", problems)
    if len(existing) >= per_application:
        raise TooManyAttempts(msg("an application holds at most {limit} documents; delete some first",
                                   limit=per_application), 60)
    assert spec is not None
    return spec


def is_evidence(app: Application, document: Document) -> bool:
    """Part of a submission that someone decided on: kept as it is."""
    return document.status == CLEAN and app.last_submitted_at is not None and document.created_at < app.last_submitted_at


def check_delete(app: Application, caller: Principal, document: Document,
                 service: ServiceType | None = None) -> tuple[str, ...]:
    """Answers the statuses the application may be in for the removal to go through (the
    transaction checks them again). A service whose evidence its office may remove until the
    report is approved (the marketing-fee table) lets any submitter of the office remove it
    while it is awaiting a decision too; the history keeps what went and who removed it."""
    if service is not None and service.on_approval.evidence_removable_until_approved:
        if app.applicant_id != caller.user_id and not caller.holds("submitter", app.node_id):
            raise Forbidden("only the office that filed it may remove its evidence")
        if app.status not in EVIDENCE_REMOVABLE:
            raise Conflict(msg("evidence can be removed until the report is decided, not once it is {status}",
                                   status=status_label(app.status)))
        return EVIDENCE_REMOVABLE
    if app.applicant_id != caller.user_id:
        raise Forbidden("only the applicant who filed it may remove documents")
    if app.status not in EDITABLE:
        raise Conflict(msg("documents can be removed while the application is a draft or returned, not {status}",
                           status=status_label(app.status)))
    if is_evidence(app, document):
        raise Conflict("this document was part of a submission and stays as evidence; add a corrected file instead")
    return EDITABLE


def check_required_kept(app: Application, service: ServiceType, document: Document, documents: list[Document]) -> None:
    """Evidence removed while its report awaits a decision must not leave a mandatory
    requirement without a clean file: the deciders would approve a report without its photo."""
    spec = requirement_of(service, document.requirement)
    if app.status not in AWAITING_DECISION or spec is None or not spec.required:
        return
    others = [d for d in documents if d.requirement == spec.name and d.id != document.id and d.status == CLEAN]
    if not others:
        raise Conflict(msg("{document} is required and this is its only file: add another before removing it",
                           document=_label(spec)))


def missing_documents(service: ServiceType, documents: list[Document], now: datetime) -> list[tuple[str, str, str]]:
    """(requirement, code, why) for each mandatory document without a clean file, and for any file
    still being scanned (its verdict must be known before deciders see the application)."""
    problems = []
    for spec in service.documents:
        mine = [d for d in documents if d.requirement == spec.name]
        if any(d.status == SCANNING for d in mine):
            problems.append((spec.name, "document_scanning",
                             msg("{document} is still being checked; try again in a moment", document=_label(spec))))
            continue
        if not spec.required or any(d.status == CLEAN for d in mine):
            continue
        rejected = [d for d in mine if d.status == REJECTED]
        if rejected:
            problems.append((spec.name, "document_rejected",
                             msg("{document} was rejected: {reason}; upload another file", document=_label(spec),
                                 reason=Label(rejected[-1].reason_id or "", rejected[-1].reason_en or ""))))
        elif any(d.status == AWAITING and d.upload_expires_at > now for d in mine):
            problems.append((spec.name, "document_uploading", msg("{document} has not finished uploading", document=_label(spec))))
        else:
            problems.append((spec.name, "document_required", msg("{document} is required; upload it", document=_label(spec))))
    return problems


def document_event(app: Application, actor_id: str, actor_name: str, action: str, document: Document,
                   label: str, now: datetime, comment: str | None = None, source_ip: str | None = None,
                   user_agent: str | None = None) -> HistoryEntry:
    """A history entry for something that happened to a document; the application's status and
    step do not move."""
    text = f"{label}: {document.filename}" + (f" — {comment}" if comment else "")
    return HistoryEntry(
        at=now, actor_id=actor_id, actor_name=actor_name, action=action, from_status=app.status,
        to_status=app.status, step=app.step, comment=text,
        to_step=app.step if app.status in ("submitted", "in_review") else None,
        source_ip=source_ip, user_agent=user_agent,
    )


def _label(spec: Any) -> Label:
    return Label(spec.label, spec.label_en)
