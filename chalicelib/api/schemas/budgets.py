"""Budgets, dashboards, usage reports, receipts and certificates."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.schemas.base import ID_LENGTH, Out, Query, Request, integer
from chalicelib.domain.budgets import MAX_AMOUNT, PERIOD_PATTERN


# ---- budgets, dashboards, reports, certificates ------------------------------------------------

Period = Field(pattern=PERIOD_PATTERN, description="a month, YYYY-MM, from 2000-01 to 2100-12")
Rupiah = integer(0, MAX_AMOUNT)


class BudgetAmountRequest(Request):
    amount: Rupiah = Field(description="whole rupiah")


class RecommendationRequest(Request):
    categories: dict[Annotated[str, Field(max_length=40)], Rupiah] = Field(max_length=50, description="category → rupiah")


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


class SatisfactionOut(Out):
    service_id: str
    responses: int = Field(description="surveys answered in the month")
    index: float = Field(description="IKM: the mean of the nine elements' means × 25 (25–100)")
    grade: Literal["A", "B", "C", "D"] = Field(description="the quality letter of the index")


class DayOut(Out):
    date: str = Field(description="YYYY-MM-DD")
    used: int = Field(description="rupiah spent that day in reports approved since")
    pending: int = Field(description="rupiah spent that day in reports awaiting a decision")


class DamObligationsOut(Out):
    open: int = Field(description="not yet due, or due and not yet late")
    overdue: int
    met: int = Field(description="met by an approved monitoring report")


class StepFiguresOut(Out):
    service_id: str
    service_name: str
    service_name_en: str
    step: int = Field(description="the step's number in the service, from 1")
    label: str
    label_en: str
    role: str = Field(description="the role that decides it")
    sla_hours: float
    open: int = Field(description="awaiting a decision at this step now")
    overdue: int = Field(description="of those open, past the due time (the deciders have been told)")
    suspended: int = Field(description="of those open, waiting on the applicant (the clock stopped)")
    decided: int = Field(description="decisions taken at this step (approve, reject, return)")
    p50_hours: float | None = Field(description="median processing time, working hours as the SLA counts them, "
                                                "read from a histogram in tenths of the SLA; null without decisions")
    p90_hours: float | None = Field(description="90th percentile, read the same way")
    p50_at_least: bool = Field(description="the median is past the histogram's last edge (5x the SLA): "
                                           "p50_hours is then a lower bound; otherwise an upper bound")
    p90_at_least: bool = Field(description="the same for the 90th percentile")
    over_sla: bool = Field(description="the 90th percentile is past the SLA")


class DashboardOut(OfficeFiguresOut):
    # An office's figures, and each child office's as a row below them.
    children: list[OfficeFiguresOut]
    series: list[OfficeFiguresOut] = Field(description="the office, the 12 months up to `period`, oldest first")
    satisfaction: list[SatisfactionOut] = Field(
        default_factory=list, description="the public satisfaction index per service, from the month's surveys")
    daily: list[DayOut] = Field(description="the office, every day of `period`, first to last (the day spent)")
    dam_obligations: DamObligationsOut = Field(
        description="the dams' monitoring reports falling due in `period` at the office and below, by status")
    steps: list[StepFiguresOut] = Field(
        default_factory=list,
        description="each workflow step with applications filed in `period` at the office and below, in catalogue order")
    counted_through: str | None = Field(
        default=None, description="time of the newest change counted into these figures (they follow the changes "
                                  "by a few seconds); null while none is counted")


class ReportRequest(Request):
    kind: Literal["budget-usage"]
    node_id: str = Field(max_length=ID_LENGTH)
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
