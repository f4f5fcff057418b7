"""The registers (NIK and NPWP checks), the registry send log and webhook subscriptions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from chalicelib.api.schemas.base import DAY_PATTERN, ID_LENGTH, Out, PageQuery, Request
from chalicelib.domain.subscriptions import EVENTS

# ---- registers and integrations ---------------------------------------------------------------

_DAY = DAY_PATTERN
EventName = Literal[EVENTS]  # type: ignore[valid-type]


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
    id: str = Field(description="the record's id: GET /integrations/sends/{id} shows it with the registry's answers")
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


class SendAnswerOut(Out):
    at: str
    verdict: Literal["saved", "token-expired", "rejected", "retry"] = Field(
        description="how satupintu read the answer: saved, refused for good (rejected), or to retry")
    http_status: int | None = Field(description="the registry's HTTP status; null when nothing answered")
    code: str | None = Field(description="the registry's own status code (MSG20003, …)")
    message: str
    answer: Any = Field(None, description="the registry's body as it came (NIKs masked), or why none came")


class SendDetailOut(SendOut):
    answers: list[SendAnswerOut] = Field(description="the latest posts of the record and what came back, newest first")


class SendList(Out):
    items: list[SendOut]
    next_cursor: str | None


class RunRequest(Request):
    date: str | None = Field(None, pattern=_DAY, description="the day to re-run, YYYY-MM-DD")


class RunAccepted(Out):
    target: str
    date: str | None = Field(description="the day re-run (for the finance registry, yesterday unless given)")
    records_due: int = Field(description="records of that day not yet saved when asked; the run makes them due (a finance day's totals are worked out again first)")


# ---- what finance and HR staff enter for the finance registry; the satisfaction survey ----------

_ACCOUNT = r"^[0-9A-Za-z.\-]{1,40}$"
_RUPIAH = Field(None, ge=0, le=10**15, description="whole rupiah")


class BalanceRequest(Request):
    """The fields a balance takes depend on its account kind (BIOS's): `operasional` — kdbank,
    no_rekening, saldo_akhir (unit optional); `pengelolaan-kas` (deposits) — kdbank, no_bilyet,
    nilai_deposito, nilai_bunga; `dana-kelolaan` — kdbank, no_rekening, saldo_akhir."""

    kdbank: str = Field(pattern=r"^[0-9A-Za-z]{1,10}$", description="the bank's code (BIOS ref/rekening)")
    no_rekening: str | None = Field(None, pattern=_ACCOUNT, description="the account number")
    no_bilyet: str | None = Field(None, pattern=_ACCOUNT, description="a deposit's certificate number")
    unit: str | None = Field(None, max_length=200, description="the account's unit (operasional)")
    saldo_akhir: int | None = _RUPIAH
    nilai_deposito: int | None = _RUPIAH
    nilai_bunga: int | None = _RUPIAH


class StaffCountsRequest(Request):
    pns: int = Field(ge=0, le=1_000_000, description="civil servants (PNS)")
    pppk: int = Field(ge=0, le=1_000_000, description="government employees on contract (PPPK)")
    non_pns: int = Field(ge=0, le=1_000_000, description="permanent non-civil-servant staff")
    kontrak: int = Field(ge=0, le=1_000_000, description="contract staff")


class SurveyScores(Request):
    requirements: int = Field(ge=1, le=4)
    procedure: int = Field(ge=1, le=4)
    time: int = Field(ge=1, le=4)
    cost: int = Field(ge=1, le=4)
    product: int = Field(ge=1, le=4)
    competence: int = Field(ge=1, le=4)
    behaviour: int = Field(ge=1, le=4)
    complaints: int = Field(ge=1, le=4)
    facilities: int = Field(ge=1, le=4)


class SurveyRequest(Request):
    scores: SurveyScores = Field(description="the nine elements of Permenpan RB 14/2017, 1 (poor) to 4 (very good)")


class SurveyOut(Out):
    application_id: str
    service_id: str
    period: str = Field(description="the month the answer counts in, YYYY-MM")
    scores: dict[str, int]
    index: float = Field(description="this answer's own index (25–100)")
    grade: Literal["A", "B", "C", "D"]


# ---- subscriptions ----------------------------------------------------------------------------

class CreateSubscriptionRequest(Request):
    url: str = Field(max_length=2000, description="https URL on a public host; deliveries are POSTed there",
                     json_schema_extra={"format": "uri", "pattern": "^https://[^/?#@\\s]+"})
    events: list[EventName] = Field(min_length=1, max_length=20, description="event types, e.g. application.approved")
    node_id: str | None = Field(None, max_length=ID_LENGTH, description=(
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
