"""A dam's inspections: as recorded, as followed up, as staff read them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.schemas.base import DAY_PATTERN, Integer, Out, Query, Request
from chalicelib.domain import inspections as rules

InspectionKind = Literal[rules.KINDS]  # type: ignore[valid-type]
Severity = Literal[rules.SEVERITIES]  # type: ignore[valid-type]
FollowUpStatus = Literal[rules.FOLLOW_UP]  # type: ignore[valid-type]


class FindingIn(Request):
    text: str = Field(min_length=1, max_length=2000)
    severity: Severity


class RecommendationIn(Request):
    text: str = Field(min_length=1, max_length=2000)
    due_date: str = Field(pattern=DAY_PATTERN, description="YYYY-MM-DD, on or after the inspection's date")


class InspectionRequest(Request):
    kind: InspectionKind
    cause: str | None = Field(None, max_length=200, description="a special inspection's cause: an earthquake, a flood")
    date: str = Field(pattern=DAY_PATTERN, description="the day inspected, YYYY-MM-DD, not in the future")
    inspectors: list[Annotated[str, Field(max_length=120)]] = Field(min_length=1, max_length=20,
                                                                   description="their names")
    findings: list[FindingIn] = Field(default_factory=list, max_length=rules.MAX_FINDINGS)
    photos: list[Annotated[str, Field(max_length=64, pattern=r"^doc_[0-9a-z]+$")]] = Field(
        default_factory=list, max_length=rules.MAX_PHOTOS, description="ids of the dam's documents of kind inspection_photo")
    recommendations: list[RecommendationIn] = Field(default_factory=list, max_length=rules.MAX_RECOMMENDATIONS)
    next_due: str | None = Field(None, pattern=DAY_PATTERN,
                                 description="the next inspection's due date; the dam's latest inspection sets it")


class FollowUpIn(Request):
    index: Integer = Field(ge=0, le=rules.MAX_RECOMMENDATIONS - 1, description="the recommendation's place, from 0")
    status: FollowUpStatus


class FollowUpRequest(Request):
    recommendations: list[FollowUpIn] = Field(min_length=1, max_length=rules.MAX_RECOMMENDATIONS)


class FindingOut(Out):
    text: str
    severity: str


class FollowUpChangeOut(Out):
    at: str
    actor: str
    actor_id: str
    before: str
    after: str


class RecommendationOut(Out):
    index: int
    text: str
    due_date: str
    status: str
    overdue: bool = Field(description="past its due date and not done")
    changes: list[FollowUpChangeOut] = Field(description="who moved its status and when, oldest first")


class InspectionOut(Out):
    id: str
    kind: str
    cause: str | None
    date: str
    inspectors: list[str]
    findings: list[FindingOut]
    photos: list[str]
    recommendations: list[RecommendationOut]
    next_due: str | None
    recorded_by: str
    recorded_at: str
    version: int


class InspectionList(Out):
    items: list[InspectionOut]
    next_cursor: str | None


class InspectionsQuery(Query):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=64, pattern=r"^insp_[0-9a-z]+$",
                               description="the next_cursor of the page before")
