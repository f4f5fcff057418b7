"""The dam register: a dam as registered and edited, as the public and staff read it, its history."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from chalicelib.api.schemas.base import DAY_PATTERN, ID_LENGTH, Integer, Out, Query, Request
from chalicelib.domain import assets

DamStatus = Literal[assets.STATUSES]  # type: ignore[valid-type]
DamType = Literal[assets.TYPES]  # type: ignore[valid-type]
HazardClass = Literal[assets.HAZARD_CLASSES]  # type: ignore[valid-type]
Purpose = Literal[assets.PURPOSES]  # type: ignore[valid-type]
MonitoringEvery = Literal[assets.MONITORING_EVERY]  # type: ignore[valid-type]

_REGION = {"province_code": r"^[0-9]{2}$", "regency_code": r"^[0-9]{2}\.[0-9]{2}$",
           "district_code": r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$", "village_code": r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"}
# Bounds on the figures lie beyond any real dam (the highest stands about 300 m; the largest
# reservoirs hold some 200 km³): a number past them is a typing error, never a dam.


class LocationIn(Request):
    province_code: str = Field(pattern=_REGION["province_code"], description="from the region master data, e.g. 32")
    regency_code: str = Field(pattern=_REGION["regency_code"], description="e.g. 32.14")
    district_code: str = Field(pattern=_REGION["district_code"], description="e.g. 32.14.06")
    village_code: str | None = Field(None, pattern=_REGION["village_code"], description="optional, e.g. 32.14.06.2001")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class LevelThresholds(Request):
    waspada: float = Field(ge=-500, le=5000, description="alert (m above sea level)")
    siaga: float = Field(ge=-500, le=5000, description="standby")
    awas: float = Field(ge=-500, le=5000, description="danger")


class ThresholdsIn(Request):
    level_m: LevelThresholds | None = None


class DamFields(Request):
    name: str = Field(min_length=1, max_length=120)
    register_code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    river_basin: str = Field(min_length=1, max_length=120)
    location: LocationIn
    type: DamType
    # The technical figures may be unknown yet (a dam in design, a figure not yet surveyed): null.
    height_m: float | None = Field(None, ge=0, le=1000, description="above the foundation")
    crest_length_m: float | None = Field(None, ge=0, le=20000)
    reservoir_volume_m3: float | None = Field(None, ge=0, le=3e11)
    catchment_km2: float | None = Field(None, ge=0, le=1e6)
    purposes: list[Purpose] = Field(min_length=1, max_length=len(assets.PURPOSES))
    hazard_class: HazardClass
    year_completed: Integer | None = Field(None, ge=1800, le=2100)
    thresholds: ThresholdsIn = Field(default_factory=ThresholdsIn)
    monitoring_every: MonitoringEvery = "quarter"


class CreateDamRequest(DamFields):
    node_id: str = Field(max_length=ID_LENGTH, description="the managing office")
    status: DamStatus = Field("design", description="an existing dam's status when entered; later only permits move it")


class PatchDamRequest(Request):
    version: Integer = Field(ge=1, description="the dam's version as read: 409 if it changed since")
    name: str | None = Field(None, min_length=1, max_length=120)
    register_code: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    river_basin: str | None = Field(None, min_length=1, max_length=120)
    location: LocationIn | None = None
    type: DamType | None = None
    height_m: float | None = Field(None, ge=0, le=1000)
    crest_length_m: float | None = Field(None, ge=0, le=20000)
    reservoir_volume_m3: float | None = Field(None, ge=0, le=3e11)
    catchment_km2: float | None = Field(None, ge=0, le=1e6)
    purposes: list[Purpose] | None = Field(None, min_length=1, max_length=len(assets.PURPOSES))
    hazard_class: HazardClass | None = None
    year_completed: Integer | None = Field(None, ge=1800, le=2100)
    thresholds: ThresholdsIn | None = None
    monitoring_every: MonitoringEvery | None = None


class LocationOut(Out):
    province_code: str
    regency_code: str
    district_code: str
    village_code: str | None
    lat: float
    lon: float


class DamOut(Out):
    access: Literal["public", "staff"] = Field(description="public: only the public fields; the rest are null")
    id: str
    name: str
    location: LocationOut
    type: str
    status: str
    purposes: list[str]
    register_code: str | None
    node_id: str | None
    river_basin: str | None
    height_m: float | None
    crest_length_m: float | None
    reservoir_volume_m3: float | None
    catchment_km2: float | None
    hazard_class: str | None
    year_completed: int | None
    thresholds: dict[str, Any] | None
    monitoring_every: str | None
    version: int | None


class DamList(Out):
    items: list[DamOut]
    next_cursor: str | None


class DamListQuery(Query):
    q: str | None = Field(None, max_length=100, description="words in the name, register code or river basin")
    status: DamStatus | None = None
    node_id: str | None = Field(None, max_length=ID_LENGTH, description="managed at or below this office (staff)")
    province_code: str | None = Field(None, pattern=_REGION["province_code"])
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class DamChangeOut(Out):
    version: int
    at: str
    actor: str
    actor_id: str
    action: Literal[("registered", "edited", "status") + assets.DAM_EVENTS]  # type: ignore[valid-type]
    changes: dict[str, list[Any]] = Field(description="field → [before, after]")
    application_id: str | None
    comment: str | None
    document_id: str | None = Field(None, description="the technical document a document_… line is about")


class DamHistoryQuery(Query):
    limit: int = Field(100, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)
    order: Literal["oldest", "newest"] = Field("oldest", description="oldest first (the default) or newest first")


class DamHistoryOut(Out):
    """In the order asked; `next_cursor` asks for the page after (null at the end)."""

    items: list[DamChangeOut]
    next_cursor: str | None = None


# ---- daily readings -------------------------------------------------------------------------------

class ReadingRequest(Request):
    level_m: float | None = Field(None, ge=-500, le=5000, description="reservoir level, m above sea level")
    inflow_m3s: float | None = Field(None, ge=0, le=1e6)
    outflow_m3s: float | None = Field(None, ge=0, le=1e6)
    rainfall_mm: float | None = Field(None, ge=0, le=2000)
    seepage_ls: float | None = Field(None, ge=0, le=1e6)


class ReadingImportOut(Out):
    imported: int = Field(description="how many days were written (each replacing what that day held)")
    first: str = Field(description="the first day written")
    last: str = Field(description="the last day written")
    alert: str | None = Field(description="the highest alert band the import crossed into (one notice told), or null")


class ReadingOut(Out):
    date: str
    level_m: float | None
    inflow_m3s: float | None
    outflow_m3s: float | None
    rainfall_mm: float | None
    seepage_ls: float | None


class ReadingList(Out):
    items: list[ReadingOut]


class ObligationOut(Out):
    period: str = Field(description="2026-11 (month), 2026-Q4 (quarter) or 2026 (year), as the dam's schedule says")
    due_at: str = Field(description="when the report falls due (the report is on time before it)")
    status: Literal["open", "overdue", "met"]
    application_id: str | None = Field(description="the approved monitoring report that met it")


class ObligationList(Out):
    items: list[ObligationOut] = Field(description="oldest period first")


class ReadingsQuery(Query):
    from_: str = Field(alias="from", pattern=DAY_PATTERN, description="first day, YYYY-MM-DD")
    to: str = Field(pattern=DAY_PATTERN, description="last day, YYYY-MM-DD (at most 366 days in all)")
