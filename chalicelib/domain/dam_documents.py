"""A dam's technical documents: drawings, studies, as-built reports, inspection photos and others,
each of a `kind` with its own file types and size limit. They go the way of an application's
documents (domain/documents.py): `awaiting_upload` (the browser has a presigned POST pinned to the
key, type and size), `scanning` once the file arrived, then `clean` (served, as the scan wrote it)
or `rejected` (quarantined, never served; the reason kept in Indonesian and English)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.documents import AWAITING, CLEAN, MAX_FILENAME, REJECTED, SCANNING
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.files import JPEG, PDF, PNG
from chalicelib.domain.messages import Label, msg

MB = 1024 * 1024


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: str
    label_en: str
    content_types: tuple[str, ...]
    max_bytes: int


KINDS = {kind.name: kind for kind in (
    DocumentKind("drawing", "gambar teknik", "drawing", (PDF, PNG, JPEG), 50 * MB),
    DocumentKind("study", "kajian", "study", (PDF,), 50 * MB),
    DocumentKind("as_built_report", "laporan purnalaksana (as-built)", "as-built report", (PDF,), 50 * MB),
    DocumentKind("inspection_photo", "foto inspeksi", "inspection photo", (JPEG, PNG), 10 * MB),
    DocumentKind("other", "dokumen lain", "other document", (PDF, PNG, JPEG), 20 * MB),
)}
INSPECTION_PHOTO = "inspection_photo"


@dataclass(frozen=True)
class DamDocument:
    id: str
    asset_id: str
    kind: str
    filename: str
    content_type: str  # as declared
    size: int  # as declared
    status: str
    uploader_id: str
    uploader_name: str
    created_at: datetime
    upload_expires_at: datetime
    reason_code: str | None = None
    reason_id: str | None = None
    reason_en: str | None = None
    scanned_at: datetime | None = None
    scanned_etag: str | None = None
    antivirus: str | None = None
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

    def evolve(self, **changes: Any) -> "DamDocument":
        return replace(self, **changes)


def check_upload(kind: str, filename: str, content_type: str, size: int) -> DocumentKind:
    """What the presigned POST would let through is refused here first (the scan checks the file's
    real type and size again: the emulator does not enforce a POST's conditions)."""
    spec = KINDS.get(kind)
    problems = []
    if spec is None:
        problems.append(FieldProblem("kind", msg("must be one of {options}", options=", ".join(KINDS))))
    else:
        if content_type not in spec.content_types:
            problems.append(FieldProblem("content_type", msg("{document} accepts {types}", document=label(spec),
                                                             types=", ".join(spec.content_types)),
                                         "file_type", {"allowed": list(spec.content_types)}))
        if size > spec.max_bytes:
            problems.append(FieldProblem("size", msg("{document} may be at most {limit} bytes", document=label(spec),
                                                     limit=spec.max_bytes),
                                         "file_too_large", {"max_bytes": spec.max_bytes}))
    if size <= 0:
        problems.append(FieldProblem("size", "must be the file's size in bytes"))
    if not filename.strip() or len(filename) > MAX_FILENAME:
        problems.append(FieldProblem("filename", msg("must be 1 to {limit} characters", limit=MAX_FILENAME)))
    if problems:
        raise InvalidInput("the document cannot be added", problems)
    assert spec is not None
    return spec


def label(spec: DocumentKind) -> Label:
    return Label(spec.label, spec.label_en)


def history_comment(document: DamDocument, reason_en: str | None = None) -> str:
    """What a history line says of a document: its kind, its name, and why it was refused."""
    spec = KINDS.get(document.kind)
    text = f"{spec.label_en if spec else document.kind}: {document.filename}"
    return text + (f" — {reason_en}" if reason_en else "")


__all__ = ["AWAITING", "CLEAN", "REJECTED", "SCANNING", "KINDS", "DamDocument", "DocumentKind", "check_upload"]
