"""A dam's applications: those whose form names it (GET /assets/{id}/applications)."""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.schemas.base import Out, Query, Status


class DamApplicationsQuery(Query):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200, pattern=r"^[A-Za-z0-9_-]+$",
                               description="the next_cursor of the page before")


class DamApplicationStepOut(Out):
    name: str
    label: str
    label_en: str


class DamApplicationOut(Out):
    id: str
    tracking_code: str
    service_id: str
    service_name: str = Field(description="in Indonesian; service_name_en in English")
    service_name_en: str
    status: Status
    step: int | None
    steps_total: int
    current_step: DamApplicationStepOut | None = Field(description="the step awaiting a decision, if any")
    created_at: str = Field(description="when it was filed (as a draft)")
    submitted_at: str | None
    updated_at: str
    can_open: bool = Field(description="the caller may open the application itself (GET /applications/{id})")


class DamApplicationList(Out):
    items: list[DamApplicationOut] = Field(description="newest filed first")
    next_cursor: str | None
