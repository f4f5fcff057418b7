"""A dam's technical documents: the upload asked for, the document as staff read it, the list."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas.applications import Reasons, UploadOut
from chalicelib.api.schemas.base import Integer, Out, Query, Request
from chalicelib.domain.dam_documents import KINDS

DocumentKind = Literal[tuple(KINDS)]  # type: ignore[valid-type]


class DamDocumentRequest(Request):
    kind: DocumentKind = Field(description="drawing, study, as_built_report, inspection_photo or other; "
                                           "each kind has its own file types and size limit")
    filename: str = Field(max_length=200, description="shown to people only; never used as the storage key")
    content_type: str = Field(max_length=100)
    size: Integer = Field(ge=1, le=10**12, description="the file's exact size in bytes")


class DamDocumentOut(Out):
    document_id: str
    kind: str
    filename: str
    content_type: str
    size: int
    status: Literal["awaiting_upload", "scanning", "clean", "rejected"]
    reason: str | None = Field(None, description="why it was rejected, in the caller's language")
    reasons: Reasons | None = None
    antivirus: Literal["clean", "skipped", "infected", "unscannable"] | None = None
    uploaded_by: str
    created_at: str
    scanned_at: str | None
    upload_expires_at: str | None


class DamDocumentCreatedOut(Out):
    document_id: str
    upload: UploadOut
    document: DamDocumentOut


class DamDocumentList(Out):
    items: list[DamDocumentOut]
    next_cursor: str | None


class DamDocumentsQuery(Query):
    kind: DocumentKind | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=64, pattern=r"^doc_[0-9a-z]+$",
                               description="the next_cursor of the page before")
