"""Applications, their decisions, history and tracking, and their documents."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.api.schemas.base import ID_LENGTH, Integer, Out, PageQuery, Query, Request, Status, integer

# A form: each value is one field's (text, a number, true/false, or null to leave it empty);
# which fields and what each holds is the service's (GET /services/{id}), checked on the server.
MAX_FORM_FIELDS = 100
FORM_DATA = {"maxProperties": MAX_FORM_FIELDS, "propertyNames": {"maxLength": 64},
             "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}
FormData = Annotated[dict[str, Any], Field(max_length=MAX_FORM_FIELDS, json_schema_extra=FORM_DATA)]
MAX_STEP = 100  # more steps than any service has
ApplicationId = Annotated[str, Field(max_length=ID_LENGTH)]


# ---- applications ----------------------------------------------------------------------------

class CreateApplicationRequest(Request):
    service_id: str = Field(max_length=80)
    node_id: str = Field(max_length=ID_LENGTH)
    data: FormData = {}


class PatchApplicationRequest(Request):
    data: FormData = Field(description="JSON merge patch of the form: a null removes a field")


class WithdrawRequest(Request):
    reason: str | None = Field(None, max_length=2000)


class DecisionRequest(Request):
    action: Literal["approve", "reject", "return"]
    step: Integer = Field(ge=1, le=MAX_STEP,
                          description="the step being decided, as the application shows it; 409 if it moved on")
    comment: str | None = Field(None, max_length=2000)


class SuspendRequest(Request):
    reason: str = Field(max_length=2000, description="what the applicant must do; they are told")


class NikVerdictOut(Out):
    result: Literal["match", "no_match", "unavailable"]
    checked_at: str


class ReassignRequest(Request):
    user_email: str = Field(min_length=3, max_length=254,
                            description="someone holding the step's role at the step's own office")


class BatchDecisionRequest(Request):
    application_ids: list[ApplicationId] = Field(min_length=1, max_length=100)
    action: Literal["approve"]
    comment: str | None = Field(None, max_length=2000)
    steps: dict[ApplicationId, integer(1, MAX_STEP)] | None = Field(  # type: ignore[valid-type]
        None, max_length=100,
        description="optional: the step each application was at when chosen; one that moved on fails with 409")


class BatchItemOut(Out):
    id: str
    status: Status | None = None
    step: int | None = None
    error: dict[str, Any] | None = Field(None, description="problem+json of this item's failure")


class BatchDecisionOut(Out):
    results: list[BatchItemOut]


class CurrentStepOut(Out):
    name: str
    label: str
    label_en: str
    role: str
    node_id: str | None


class BudgetCheckOut(Out):
    period: str
    category: str
    amount: int
    node_id: str | None = Field(description="the office whose budget governs (the nearest with one)")
    available: int | None = Field(description="what was left for this report, in rupiah")
    over: bool
    reason: str


class ApplicationOut(Out):
    id: str
    tracking_code: str
    service_id: str
    service_version: int
    node_id: str
    applicant_id: str
    applicant_name: str
    service_name: str = Field(description="in Indonesian; service_name_en in English")
    service_name_en: str
    node_name: str | None = Field(description="the office it was filed at, as named then")
    status: Status
    step: int | None
    steps_total: int
    current_step: CurrentStepOut | None
    due_at: str | None
    sla_state: SlaState | None = Field(
        None, description="the current step against its SLA: due_soon in its last quarter; null when no decision is awaited")
    overdue: bool
    can_decide: bool = Field(False, description="the caller may decide the current step now (also suspend and resume it)")
    suspended: bool = Field(description="waiting on the applicant: the step's clock is stopped")
    suspended_at: str | None
    suspension_reason: str | None
    escalation_level: int = Field(description="escalations of the current step so far (1: deciders told it is overdue)")
    escalates_at: str | None = Field(None, description="when the current step is next escalated if still undecided "
                                                       "(counted in the office's working hours); null when it will not be")
    assignee_id: str | None = Field(None, description="the one person the step is with, once taken over or reassigned")
    assignee_name: str | None = None
    nik_checks: dict[str, NikVerdictOut] = Field({}, description="staff only: the civil registry's verdict on each NIK "
                                                             "of a civil-registry event, checked when it was filed")
    nik_flagged: list[str] = Field([], description="staff only: the NIK fields the civil registry did not match")
    can_claim: bool = Field(False, description="the step was escalated to an office where the caller decides: "
                                               "POST …/claim takes it over")
    submitted_at: str | None
    data: dict[str, Any]
    masked_fields: list[str] = Field(default_factory=list, description=(
        "form fields shown masked (NIKs): everyone but those who decide on the application sees "
        "them so; sending a masked value back unchanged in a PATCH keeps the NIK as it is"))
    created_at: str
    updated_at: str
    version: int
    budget_check: BudgetCheckOut | None = Field(
        None, description="a spending report against its budget when submitted; `over` flags it for the approver")
    budget_now: BudgetCheckOut | None = Field(
        None, description="the same, as the figures stand now (staff reading one application)")
    certificate_code: str | None = None


class ApplicationList(Out):
    items: list[ApplicationOut]
    next_cursor: str | None


class ListApplicationsQuery(Query):
    status: Status | None = None
    service_id: str | None = Field(None, max_length=80)
    node_id: str | None = Field(None, max_length=ID_LENGTH)
    scope: Literal["mine", "reach"] | None = Field(None, description="staff: mine = what I filed; default: my reach")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class NikLookupRequest(Request):
    nik: str = Field(max_length=40, pattern=r"^ *([0-9] *){16}$",
                     description="16 digits (ASCII 0-9); spaces are ignored. In the body, never the URL, "
                                 "so that no access log holds it")
    limit: Integer = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


SlaState = Literal["on_time", "due_soon", "overdue", "suspended"]


class InboxQuery(PageQuery):
    service_id: str | None = Field(None, max_length=80)
    node_id: str | None = Field(None, max_length=ID_LENGTH, description="only applications filed at or below this office")
    sla: SlaState | None = Field(None, description="only steps in this state against their SLA")
    q: str | None = Field(None, max_length=40, description="a tracking code: the one application it names, if it is "
                                                           "mine to decide now")


class HistoryEntryOut(Out):
    at: str
    actor: str
    actor_id: str
    action: str
    from_status: str | None
    to_status: str
    step: int | None = Field(description="the step acted on")
    to_step: int | None = Field(description="the step awaiting a decision afterwards")
    comment: str | None
    on_behalf_of: str | None = Field(None, description="a delegate's action: whose role it was taken under")
    on_behalf_of_id: str | None = None
    source_ip: str | None = Field(None, description="staff readers only")


class HistoryOut(Out):
    items: list[HistoryEntryOut]


class TrackEventOut(Out):
    status: str
    step: int | None
    at: str


class TrackOut(Out):
    service_id: str
    service_name: str
    service_name_en: str
    status: Status
    step: int | None
    steps_total: int
    updated_at: str
    history: list[TrackEventOut]


# ---- documents -------------------------------------------------------------------------------

class DocumentRequest(Request):
    requirement: str = Field(max_length=40, description="the name of one of the service's documents")
    filename: str = Field(max_length=200, description="shown to people only; never used as the storage key")
    content_type: str = Field(max_length=100)
    size: Integer = Field(ge=1, le=10**12, description="the file's exact size in bytes (each document has its own limit)")


class UploadOut(Out):
    url: str
    fields: dict[str, str] = Field(description="post these form fields, then the file as the field 'file'")
    expires_at: str


class Reasons(Out):
    id: str
    en: str


class DocumentOut(Out):
    document_id: str
    requirement: str
    filename: str
    content_type: str
    size: int
    status: Literal["awaiting_upload", "scanning", "clean", "rejected"]
    reason: str | None = Field(None, description="why it was rejected, in the caller's language")
    reasons: Reasons | None = None
    antivirus: Literal["clean", "skipped", "infected", "unscannable"] | None = None
    evidence: bool = Field(description="part of a submission: kept, never deleted")
    created_at: str
    scanned_at: str | None
    upload_expires_at: str | None


class DocumentCreatedOut(Out):
    document_id: str
    upload: UploadOut
    document: DocumentOut


class DocumentList(Out):
    items: list[DocumentOut]


class DownloadOut(Out):
    download_url: str
    filename: str
    content_type: str
    expires_in: int
