"""The regulations library and the offices' contact details."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.schemas.base import DAY_PATTERN, ID_LENGTH, Integer, Out, Query, Request, documented
from chalicelib.domain.catalog import ServiceType

RegulationType = Literal["law", "government_regulation", "ministerial_regulation", "circular", "guideline", "standard"]
RegulationStatus = Literal["in_force", "amended", "revoked"]
Topic = Annotated[str, Field(max_length=40, json_schema_extra=documented(pattern=r"^[a-z0-9][a-z0-9 -]{0,39}$"))]
EntryId = Annotated[str, Field(max_length=ID_LENGTH)]
Links = Field([], max_length=5, description="ids of library entries (at most 5)")


class RegulationFields(Request):
    number: str = Field(max_length=80, json_schema_extra=documented(min_length=1, pattern=r"\S"),
                        description="as the act writes it, e.g. 17, 37, 27/PRT/M/2015, SNI 8062:2015")
    year: Integer = Field(ge=1945, le=2100)
    title: str = Field(max_length=400, json_schema_extra=documented(min_length=1, pattern=r"\S"))
    enacted_on: str | None = Field(None, max_length=10, json_schema_extra=documented(pattern=DAY_PATTERN),
                                   description="the day it was enacted (YYYY-MM-DD), in its year; null when unknown")
    topics: list[Topic] = Field([], max_length=10)
    summary: str = Field("", max_length=4000)


class RegulationRequest(RegulationFields):
    type: RegulationType
    status: RegulationStatus | None = Field(None, description="what the library says when the act that amends or "
                                                              "revokes it is not in it; links decide otherwise")
    amends: list[EntryId] = Links
    revokes: list[EntryId] = Links


class RegulationPatch(Request):
    type: RegulationType | None = None
    number: str | None = Field(None, max_length=80, json_schema_extra=documented(min_length=1, pattern=r"\S"))
    year: Integer | None = Field(None, ge=1945, le=2100)
    title: str | None = Field(None, max_length=400, json_schema_extra=documented(min_length=1, pattern=r"\S"))
    enacted_on: str | None = Field(None, max_length=10, json_schema_extra=documented(pattern=DAY_PATTERN))
    topics: list[Topic] | None = Field(None, max_length=10)
    summary: str | None = Field(None, max_length=4000)
    status: RegulationStatus | None = None
    amends: list[EntryId] | None = Field(None, max_length=5)
    revokes: list[EntryId] | None = Field(None, max_length=5)


class RegulationQuery(Query):
    q: str | None = Field(None, max_length=200, description="words of the number, title, summary or the PDF's text")
    type: RegulationType | None = None
    year: int | None = Field(None, ge=1945, le=2100)
    status: RegulationStatus | None = None
    topic: str | None = Field(None, max_length=40)
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=400)


class RegulationVersionQuery(Query):
    version: int | None = Field(None, ge=1, le=1_000_000, description="an earlier version (its number)")


class RegulationRef(Out):
    id: str
    number: str
    title: str


class RegulationSummary(RegulationRef):
    type: RegulationType
    year: int
    enacted_on: str | None
    status: RegulationStatus
    topics: list[str]


class RegulationList(Out):
    items: list[RegulationSummary]
    next_cursor: str | None = None


class ServiceRef(Out):
    id: str
    name: str
    name_en: str


class VersionRef(Out):
    version: int
    updated_at: str


class RegulationDocumentOut(Out):
    document_id: str
    filename: str
    size: int
    status: Literal["awaiting_upload", "scanning", "clean", "rejected"]
    pages: int | None = None
    reason_id: str | None = None
    reason_en: str | None = None


class RegulationOut(RegulationSummary):
    summary: str
    amends: list[str]
    amended_by: list[str]
    revokes: list[str]
    revoked_by: list[str]
    cited_by_services: list[ServiceRef]
    download_url: str | None = Field(None, description="the PDF (clean only), for a few minutes")
    document: RegulationDocumentOut | None = None
    pending_document: RegulationDocumentOut | None = Field(
        None, description="a PDF uploaded to replace it, being scanned or refused (librarians)")
    version: int
    versions: list[VersionRef] = Field(description="earlier versions, read with ?version=N")
    updated_at: str


class RegulationUploadRequest(Request):
    filename: str = Field(max_length=200, json_schema_extra=documented(min_length=1, pattern=r"\S"))
    content_type: Literal["application/pdf"]
    size: Integer = Field(ge=1, le=10**12, description="the file's exact size in bytes (at most 20 MB)")


class RegulationUploadOut(Out):
    document_id: str
    url: str
    fields: dict[str, str] = Field(description="post these form fields, then the file as the field 'file'")


# ---- contact and help ---------------------------------------------------------------------------

class ContactRequest(Request):
    address: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254, json_schema_extra={"format": "email"})
    phone: str | None = Field(None, max_length=40, json_schema_extra=documented(pattern=r"^\+?[0-9 ()\-]{4,40}$"))
    hours: str | None = Field(None, max_length=200, description="opening hours as people read them")


class ContactOut(Out):
    node_id: str
    name: str
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    hours: str | None = None
    source_node_id: str | None = Field(None, description="the office whose contact this is (itself or one above)")


class ServicePage(ServiceType):
    """A service as its public page shows it: the catalog's entry, the regulations it cites and
    the offices to ask."""

    regulations: list[RegulationRef] = Field([], description="the library's entries its requirements rest on")
    ask: list[ContactOut] = Field([], description="the offices it is filed at, each with its contact (its own or "
                                                  "the nearest office above that publishes one)")
