"""Request and response bodies. Requests are strict (JSON types as they are, no coercion) and
refuse unknown fields; the OpenAPI document is generated from these same classes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.model import STATUSES

Status = Literal["draft", "submitted", "in_review", "returned", "approved", "rejected", "withdrawn"]
assert set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]

Email = Field(min_length=3, max_length=254)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    # Query strings are text: numbers are read from it, unknown parameters refused.
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    # An answer always carries every field, defaulted or not: the document says so, and the web
    # app's generated types can rely on it.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


# ---- health ---------------------------------------------------------------------------------

class HealthOut(Out):
    status: Literal["ok"]
    version: str


# ---- accounts -------------------------------------------------------------------------------

class RegisterRequest(Request):
    email: str = Email
    password: str = Field(max_length=1024, description="8 to 128 characters")
    name: str = Field(max_length=200)
    language: Literal["id", "en"] | None = None


class VerifyRequest(Request):
    email: str = Email
    code: str = Field(max_length=64)


class LoginRequest(Request):
    email: str = Email
    password: str = Field(max_length=1024)


class RefreshRequest(Request):
    refresh_token: str = Field(max_length=256)


class ForgotPasswordRequest(Request):
    email: str = Email


class ResetPasswordRequest(Request):
    email: str = Email
    code: str = Field(max_length=64, description="the 6-digit code, or the code from an invitation")
    new_password: str = Field(max_length=1024, description="8 to 128 characters")


class ProfileRequest(Request):
    name: str | None = Field(None, max_length=200)
    language: Literal["id", "en"] | None = Field(None, description="e-mails, notifications and problem details")


class AcceptedOut(Out):
    status: Literal["accepted"] = "accepted"
    detail: str


class TokenPairOut(Out):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class Role(Request):
    role: str
    node_id: str


class DelegatedRoleOut(Out):
    role: str
    node_id: str
    on_behalf_of: str = Field(description="the name of the colleague who lent it")
    until: str


class UserOut(Out):
    id: str
    email: str
    name: str
    language: str
    roles: list[Role]
    delegated_roles: list[DelegatedRoleOut] = Field(
        default_factory=list, description="roles lent to me now by colleagues' delegations (GET /me only)")


class UserEnvelope(Out):
    user: UserOut


# ---- org tree and staff ---------------------------------------------------------------------

class ChildOut(Out):
    id: str
    kind: str
    name: str


class NodeOut(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None
    region_code: str | None = None
    path: list[str]
    children: list[ChildOut] = []


class CreateNodeRequest(Request):
    parent_id: str = Field(max_length=64)
    kind: str = Field(max_length=40)
    name: str = Field(max_length=200)
    region_code: str | None = Field(None, max_length=16)


class StaffRequest(Request):
    email: str = Email
    name: str = Field(max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=50)


# ---- catalog ---------------------------------------------------------------------------------

class ServiceList(Out):
    items: list[ServiceType]


class OfficeOut(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None
    region_code: str | None = None
    path: list[str] = Field(description="the office's ancestors from the root, ending with itself")


class OfficeList(Out):
    items: list[OfficeOut]


# ---- applications ----------------------------------------------------------------------------

class CreateApplicationRequest(Request):
    service_id: str = Field(max_length=80)
    node_id: str = Field(max_length=64)
    data: dict[str, Any] = {}


class PatchApplicationRequest(Request):
    data: dict[str, Any] = Field(description="JSON merge patch of the form: a null removes a field")


class WithdrawRequest(Request):
    reason: str | None = Field(None, max_length=2000)


class DecisionRequest(Request):
    action: Literal["approve", "reject", "return"]
    step: int = Field(ge=1, description="the step being decided, as the application shows it; 409 if it moved on")
    comment: str | None = Field(None, max_length=2000)


class SuspendRequest(Request):
    reason: str = Field(max_length=2000, description="what the applicant must do; they are told")


class BatchDecisionRequest(Request):
    application_ids: list[str] = Field(min_length=1, max_length=100)
    action: Literal["approve"]
    comment: str | None = Field(None, max_length=2000)
    steps: dict[str, int] | None = Field(
        None, description="optional: the step each application was at when chosen; one that moved on fails with 409")


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
    node_id: str | None = Field(None, max_length=64)
    scope: Literal["mine", "reach"] | None = Field(None, description="staff: mine = what I filed; default: my reach")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class NikLookupRequest(Request):
    nik: str = Field(max_length=40, description="16 digits; spaces are ignored. In the body, never the URL, "
                                                "so that no access log holds it")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class PageQuery(Query):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


SlaState = Literal["on_time", "due_soon", "overdue", "suspended"]


class InboxQuery(PageQuery):
    service_id: str | None = Field(None, max_length=80)
    node_id: str | None = Field(None, max_length=64, description="only applications filed at or below this office")
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
    size: int = Field(ge=1, description="the file's exact size in bytes")


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
    antivirus: Literal["clean", "skipped", "infected"] | None = None
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


# ---- local stage -----------------------------------------------------------------------------

class MailQuery(Query):
    to: str | None = Field(None, max_length=254)


class MailOut(Out):
    to: list[str]
    subject: str
    text: str
    at: str


class MailList(Out):
    items: list[MailOut]


class DemoAccount(Out):
    email: str
    name: str
    roles: list[Role]


class DemoNode(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None


class DemoSubscription(Out):
    id: str
    url: str
    secret: str = Field(description="local stage only: to check the deliveries' signatures with")


class DemoOut(Out):
    password: str
    accounts: list[DemoAccount]
    nodes: list[DemoNode]
    subscription: DemoSubscription | None = None


class ScheduleOut(Out):
    name: str
    schedule: str


class ScheduleList(Out):
    items: list[ScheduleOut]


class ScheduleRunOut(Out):
    name: str
    ran_at: str


class ClockRequest(Request):
    advance_seconds: int = Field(ge=0, le=10 * 365 * 24 * 3600)


class ClockOut(Out):
    now: str
    offset_seconds: float


# ---- notifications ---------------------------------------------------------------------------

class NotificationsQuery(Query):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class DeliveryOut(Out):
    channel: Literal["email"] = "email"
    status: Literal["queued", "retrying", "sent", "failed"]
    attempts: int
    last_error: str | None
    sent_at: str | None


class NotificationOut(Out):
    id: str
    kind: str
    title: str
    summary: str
    application_id: str | None
    tracking_code: str | None
    link: str | None
    created_at: str
    read_at: str | None
    delivery: DeliveryOut


class NotificationList(Out):
    items: list[NotificationOut]
    unread_count: int
    next_cursor: str | None


class FailedNotificationOut(Out):
    id: str
    user_id: str
    kind: str
    application_id: str | None
    created_at: str
    delivery: DeliveryOut


class FailedNotificationList(Out):
    items: list[FailedNotificationOut]


# ---- delegations -----------------------------------------------------------------------------

class DelegationRequest(Request):
    role: str = Field(max_length=40)
    node_id: str = Field(max_length=64)
    delegate_email: str = Email
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class PersonOut(Out):
    id: str
    name: str


class DelegationOut(Out):
    id: str
    role: str
    node_id: str
    delegator: PersonOut
    delegate: PersonOut
    starts_at: str
    ends_at: str
    active: bool
    direction: Literal["given", "received"]


class DelegationList(Out):
    items: list[DelegationOut]


# ---- budgets, dashboards, reports, certificates ------------------------------------------------

Period = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")


class BudgetAmountRequest(Request):
    amount: int = Field(ge=0, le=10**15, description="whole rupiah")


class RecommendationRequest(Request):
    categories: dict[str, int] = Field(max_length=50, description="category → rupiah")


class CategoryOut(Out):
    recommended: int
    used: int
    pending: int
    remaining: int
    percent_used: float | None


class BudgetOut(Out):
    node_id: str
    period: str
    amount: int | None = Field(description="the month's budget; null when none is set")
    recommendation: int = Field(description="what the categories add up to")
    used: int
    pending: int
    remaining: int | None
    percent_used: float | None
    allocated_to_children: int
    categories: dict[str, CategoryOut]


class DashboardQuery(Query):
    period: str = Period


class OfficeFiguresOut(Out):
    node_id: str
    name: str
    kind: str
    period: str
    applications: int
    by_status: dict[str, int]
    by_service: dict[str, dict[str, int]]
    budget: BudgetOut


class DashboardOut(Out):
    node_id: str
    name: str
    kind: str
    period: str
    applications: int
    by_status: dict[str, int]
    by_service: dict[str, dict[str, int]]
    budget: BudgetOut
    children: list[OfficeFiguresOut]
    series: list[OfficeFiguresOut] = Field(description="the office, the 12 months up to `period`, oldest first")


class ReportRequest(Request):
    kind: Literal["budget-usage"]
    node_id: str = Field(max_length=64)
    period: str = Period


class ReportCreatedOut(Out):
    report_id: str
    status: Literal["pending", "ready", "failed"]


class ReportOut(Out):
    report_id: str
    kind: str
    node_id: str | None
    period: str | None
    status: Literal["pending", "ready", "failed"]
    created_at: str
    rendered_at: str | None
    pages: int | None
    download_url: str | None
    error: str | None


class CertificateOut(Out):
    code: str
    number: str
    issued_at: str
    holder: str
    status: Literal["valid", "revoked"]
    revoked_at: str | None
    revocation_reason: str | None
    verify_url: str
    pdf_status: Literal["pending", "ready", "failed"]
    download_url: str | None


class RevokeRequest(Request):
    reason: str = Field(max_length=1000)


class ReceiptOut(Out):
    tracking_code: str
    pdf_status: Literal["pending", "ready", "failed"]
    download_url: str | None


class VerifyOut(Out):
    valid: bool
    status: Literal["valid", "revoked"]
    service_id: str
    service_name: str
    service_name_en: str
    number: str
    issued_at: str
    holder: str = Field(description="masked: the first letter of each word")
    revoked_at: str | None
    revocation_reason: str | None


# ---- registers and integrations ---------------------------------------------------------------

_DAY = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


class NikCheckRequest(Request):
    nik: str = Field(max_length=40, description="16 digits; spaces are ignored")
    name: str | None = Field(None, max_length=200, description="with birth_date: ask the civil registry for a match")
    birth_date: str | None = Field(None, pattern=_DAY)


class RegistryMatchOut(Out):
    checked: bool = Field(description="whether the civil registry was asked and answered")
    match: bool | None = Field(None, description="the registry's answer: SESUAI (true) or TIDAK SESUAI (false)")
    reason: str | None = Field(None, description="why it was not asked or did not answer")


class NikCheckOut(Out):
    valid: bool
    problems: list[str]
    province: str | None
    regency: str | None
    district: str | None
    birth_date: str | None
    sex: Literal["M", "F"] | None
    registry: RegistryMatchOut


class NpwpCheckRequest(Request):
    npwp: str = Field(max_length=40, description="15 digits (dots and dash allowed) or the 16-digit form")


class NpwpCheckOut(Out):
    valid: bool
    problems: list[str]
    npwp: str | None = Field(description="the digits alone, when valid")
    formatted: str | None = Field(description="as printed (01.312.166.0-091.000), when valid")


class SendsQuery(PageQuery):
    target: Literal["bios", "civil-registry", "subscriptions"] | None = None
    status: Literal["pending", "sent", "failed"] | None = None
    date: str | None = Field(None, pattern=_DAY, description="the day records are about, YYYY-MM-DD")


class SendOut(Out):
    target: str
    dataset: str
    date: str = Field(description="the day the record is about")
    key: str
    state: Literal["pending", "sent", "failed"]
    attempts: int
    last_http_status: int | None
    last_code: str | None
    last_message: str | None
    registry_id: str | None
    record: dict[str, Any] = Field(description="what is (or was last) sent; NIKs masked")
    changes: int = Field(description="changes written to the record; the registry saved up to `saved_change`")
    saved_change: int
    created_at: str | None
    updated_at: str | None
    last_attempt_at: str | None
    next_attempt_at: str | None
    sent_at: str | None


class SendList(Out):
    items: list[SendOut]
    next_cursor: str | None


class RunRequest(Request):
    date: str | None = Field(None, pattern=_DAY, description="the day to re-run, YYYY-MM-DD")


class RunAccepted(Out):
    target: str
    date: str | None = Field(description="the day re-run (for the finance registry, yesterday unless given)")
    records_due: int = Field(description="records of that day not yet saved, now due")


# ---- subscriptions ----------------------------------------------------------------------------

class CreateSubscriptionRequest(Request):
    url: str = Field(max_length=2000, description="https URL on a public host; deliveries are POSTed there")
    events: list[str] = Field(min_length=1, max_length=20, description="event types, e.g. application.approved")
    node_id: str | None = Field(None, max_length=64, description=(
        "the office whose applications' events are sent (with every office below it); "
        "default: the one office where the caller is admin"))
    description: str | None = Field(None, max_length=300)


class SubscriptionOut(Out):
    id: str
    url: str
    events: list[str]
    node_id: str
    state: Literal["active", "paused"]
    description: str | None
    owner_id: str
    created_at: str
    failures_in_a_row: int = Field(description="deliveries in a row not accepted; paused at 5")
    paused_at: str | None
    paused_reason: str | None
    last_delivered_at: str | None


class CreatedSubscriptionOut(SubscriptionOut):
    secret: str = Field(description=(
        "the signing secret, shown this once: each delivery carries `Satupintu-Signature: t=<unix>,v1=<hex "
        "HMAC-SHA256 of '<t>.<body>'>`; refuse a t more than 300 s away and an `id` already handled"))


class SubscriptionList(Out):
    items: list[SubscriptionOut]
    next_cursor: str | None
