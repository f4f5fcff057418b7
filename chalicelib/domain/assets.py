"""The dam register: a dam's record, what the public may see of it, where it lies (region codes of
the master data, coordinates), its alert thresholds, and the status its permits move it through
(design → construction → impoundment → operating → decommissioned)."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.domain.messages import msg
from chalicelib.domain.regions import district_exists, province_exists, regency_exists

STATUSES = ("design", "construction", "impoundment", "operating", "decommissioned")
TYPES = ("earthfill", "rockfill", "concrete", "composite", "other")
HAZARD_CLASSES = ("low", "medium", "high", "very_high")
PURPOSES = ("irrigation", "water_supply", "hydropower", "flood_control", "fisheries", "tourism", "other")
MONITORING_EVERY = ("month", "quarter", "year")
ALERT_LEVELS = ("waspada", "siaga", "awas")  # rising order: alert, standby, danger

# What anyone may see of a dam (the register's public face); the rest is staff-only within reach.
PUBLIC_FIELDS = ("id", "name", "location", "type", "status", "purposes")

# The permit whose approval moves a dam, and the status it must be in then. A design approval
# names no dam in the register yet (it proposes one) or names one still being designed (a
# change to its design), so it accepts a dam in `design`.
PERMIT_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "dam-design-approval": (("design",), "design"),
    "dam-construction-permit": (("design",), "construction"),
    "dam-impoundment-permit": (("construction",), "impoundment"),
    "dam-operation-permit": (("impoundment",), "operating"),
    "dam-decommissioning": (("operating",), "decommissioned"),
}

# What a staff edit may set. `status` is not among them: only approved permits move it.
EDITABLE = ("name", "register_code", "river_basin", "location", "type", "height_m", "crest_length_m",
            "reservoir_volume_m3", "catchment_km2", "purposes", "hazard_class", "year_completed", "thresholds",
            "monitoring_every")

NULLABLE = ("year_completed", "height_m", "crest_length_m", "reservoir_volume_m3", "catchment_km2")

_VILLAGE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")


@dataclass(frozen=True)
class Dam:
    id: str
    name: str
    register_code: str
    node_id: str
    node_path: tuple[str, ...]
    river_basin: str
    location: dict[str, Any]
    type: str
    height_m: float | None
    crest_length_m: float | None
    reservoir_volume_m3: float | None
    catchment_km2: float | None
    purposes: tuple[str, ...]
    hazard_class: str
    thresholds: dict[str, dict[str, float]]
    monitoring_every: str
    status: str
    created_at: datetime
    updated_at: datetime
    year_completed: int | None = None
    version: int = 1

    def public(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PUBLIC_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in EDITABLE}
        shown.update(id=self.id, node_id=self.node_id, status=self.status, version=self.version)
        return shown


@dataclass(frozen=True)
class DamChange:
    """One line of a dam's history: who changed what (field → [before, after]), and why."""

    version: int
    at: datetime
    actor_id: str
    actor_name: str
    action: str  # "registered", "edited", "status"; events: DAM_EVENTS
    changes: dict[str, list[Any]] = field(default_factory=dict)
    application_id: str | None = None
    comment: str | None = None
    document_id: str | None = None

    @property
    def moves_dam(self) -> bool:
        """A change of the dam's record (its own version); an event (DAM_EVENTS) happens at a
        version without changing it, and sorts after that version's change by time."""
        return self.action not in DAM_EVENTS


# What happens to a dam without changing its record: its documents uploaded and scanned, its
# inspections recorded.
DAM_EVENTS = ("document_added", "document_accepted", "document_rejected", "inspection_recorded")


_OPTIONAL = {"height_m": None, "crest_length_m": None, "reservoir_volume_m3": None, "catchment_km2": None,
             "year_completed": None, "thresholds": {}, "monitoring_every": "quarter", "status": "design"}


def new_dam(fields: dict[str, Any], dam_id: str, node_path: tuple[str, ...], now: datetime) -> Dam:
    """A dam as entered: what is not given is not known yet (null), or the register's default."""
    given = _OPTIONAL | {k: v for k, v in fields.items() if v is not None or k not in _OPTIONAL}
    check_dam(given)
    given.update(purposes=tuple(dict.fromkeys(given["purposes"])), thresholds=_thresholds(given["thresholds"]),
                 location={k: v for k, v in given["location"].items() if v is not None})
    return Dam(**given, id=dam_id, node_path=node_path, created_at=now, updated_at=now, version=1)


def _thresholds(thresholds: dict[str, Any] | None) -> dict[str, Any]:
    return {name: value for name, value in (thresholds or {}).items() if value is not None}


def check_dam(fields: dict[str, Any]) -> None:
    """What the body's types cannot say: real region codes that nest, coordinates on the earth,
    thresholds that rise waspada < siaga < awas. Raises InvalidInput naming every problem."""
    problems = _location_problems(fields.get("location") or {}) + _threshold_problems(fields.get("thresholds") or {})
    if problems:
        raise InvalidInput("the dam is not right", problems)


def _location_problems(location: dict[str, Any]) -> list[FieldProblem]:
    problems = []
    province, regency, district = (location.get(k) or "" for k in ("province_code", "regency_code", "district_code"))
    village = location.get("village_code")
    if not province_exists(province):
        problems.append(FieldProblem("location.province_code", "is not a province in the master data"))
    if not (regency.startswith(province + ".") and regency_exists(regency)):
        problems.append(FieldProblem("location.regency_code", "is not a regency of that province in the master data"))
    if not (district.startswith(regency + ".") and district_exists(district)):
        problems.append(FieldProblem("location.district_code", "is not a district of that regency in the master data"))
    if village is not None and not (_VILLAGE.fullmatch(village) and village.startswith(district + ".")):
        problems.append(FieldProblem("location.village_code", "must be the district's code and four digits"))
    for name, limit in (("lat", 90), ("lon", 180)):
        value = location.get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not -limit <= value <= limit:
            problems.append(FieldProblem(f"location.{name}", msg("must be between -{limit} and {limit}", limit=limit)))
    return problems


def _threshold_problems(thresholds: dict[str, Any]) -> list[FieldProblem]:
    level = thresholds.get("level_m")
    if not level:
        return []
    values = [level.get(name) for name in ALERT_LEVELS]
    if any(v is None for v in values) or not values[0] < values[1] < values[2]:
        return [FieldProblem("thresholds.level_m", "must rise: waspada below siaga below awas")]
    return []


def alert_level(thresholds: dict[str, Any], level_m: float | None) -> str | None:
    """The highest alert a reservoir level has reached (at or past its threshold), or None."""
    level = (thresholds or {}).get("level_m")
    if level is None or level_m is None:
        return None
    reached = None
    for name in ALERT_LEVELS:
        if level.get(name) is not None and level_m >= level[name]:
            reached = name
    return reached


# Who is told when a dam's level crosses into a higher alert band: its staff (the dam roles) and
# their managers (approvers, viewers), at the dam's managing office and every office above it.
ALERT_ROLES = ("dam_registrar", "dam_operator", "dam_inspector", "approver", "viewer")
ALERT_LABELS_EN = {"waspada": "WASPADA (alert)", "siaga": "SIAGA (standby)", "awas": "AWAS (danger)"}


def _rank(band: str | None) -> int:
    return ALERT_LEVELS.index(band) + 1 if band else 0


def raised_alert(thresholds: dict[str, Any], earlier: float | None, stored: dict[str, float | None],
                 entered: dict[str, float | None]) -> tuple[str, str, float] | None:
    """The highest alert band an entry of days crosses into: (band, day, level_m), or None.

    A day raises the alarm only when its level is in a higher band than the reading before it
    (the latest earlier day with a level, entered or stored; `earlier` is the one before all of
    them) and than what that same day held before (a day sent again at the same level is no new
    alarm). A level that stays in its band day after day is told once, when it got there. Days
    without a level are passed over. `stored`: the levels already held for the days concerned."""
    merged = stored | entered
    previous, raised = alert_level(thresholds, earlier), None
    for day in sorted(merged):
        if merged[day] is None:
            continue
        band = alert_level(thresholds, merged[day])
        crossed = _rank(band) > max(_rank(previous), _rank(alert_level(thresholds, stored.get(day))))
        if day in entered and crossed and (raised is None or _rank(band) > _rank(raised[0])):
            raised = (band, day, merged[day])
        previous = band
    return raised


def status_after_permit(service_id: str, current: str | None) -> str:
    """The status an approved permit moves a dam to; Conflict if the dam is not where the permit
    starts (a construction permit for a dam already operating). `current` None: a new dam."""
    starts, moves_to = PERMIT_MOVES[service_id]
    if current is None and service_id == "dam-design-approval":
        return moves_to
    if current not in starts:
        raise Conflict(msg("the dam is {status}; this permit moves a dam that is {expected}",
                           status=current or "not registered", expected=" or ".join(starts)))
    return moves_to


# ---- a dam proposed by a design approval ------------------------------------------------------

# The design approval's form (catalog dam-design-approval, version 2) in the register's terms.
PROPOSAL_TYPES = {"Urugan tanah": "earthfill", "Urugan batu": "rockfill", "Beton": "concrete",
                  "Beton komposit": "composite", "Lainnya": "other"}
PROPOSAL_PURPOSES = {"Irigasi": "irrigation", "Air baku": "water_supply", "PLTA": "hydropower",
                     "Pengendali banjir": "flood_control", "Perikanan": "fisheries", "Pariwisata": "tourism",
                     "Lainnya": "other"}
PROPOSAL_HAZARDS = {"Rendah": "low", "Sedang": "medium", "Tinggi": "high", "Sangat tinggi": "very_high"}
MCM = 1_000_000  # the form asks the reservoir in million m³; the register holds m³


def proposal_problems(data: dict[str, Any]) -> list[FieldProblem]:
    """What the form's own checks cannot say of a proposed dam's site: its district is a real
    one in the master data (it gives the province and regency). Fields not filled yet are
    passed over: a draft may be incomplete, and submitting asks for what is required."""
    district = data.get("district_code")
    if district is None or district_exists(district):
        return []
    return [FieldProblem("data.district_code", "is not a district in the master data (e.g. 32.14.03)")]


def proposed_dam(data: dict[str, Any], dam_id: str, node_path: tuple[str, ...], register_code: str,
                 now: datetime) -> Dam:
    """The dam an approved design proposes, entering the register in `design`: its facts as the
    approved form gives them, managed by `node_path[-1]`, under a provisional register code
    (the registrar sets the official one later; the history keeps both)."""
    district = data["district_code"]
    regency, province = district.rsplit(".", 1)[0], district.split(".", 1)[0]
    fields = {
        "node_id": node_path[-1], "name": data["dam_name"], "register_code": register_code,
        "river_basin": data["river_basin"], "type": PROPOSAL_TYPES[data["dam_type"]],
        "location": {"province_code": province, "regency_code": regency, "district_code": district,
                     "lat": data["latitude"], "lon": data["longitude"]},
        "height_m": data["height_m"], "crest_length_m": data["crest_length_m"],
        "reservoir_volume_m3": data["reservoir_capacity_mcm"] * MCM,
        "purposes": [PROPOSAL_PURPOSES[data["main_purpose"]]], "hazard_class": PROPOSAL_HAZARDS[data["hazard_class"]],
        "status": "design",
    }
    return new_dam(fields, dam_id, node_path, now)


def edited(dam: Dam, changes: dict[str, Any], now: datetime) -> tuple[Dam, dict[str, list[Any]]]:
    """The dam with a staff edit applied, and the fields that changed ([before, after])."""
    problems = [FieldProblem(n, "cannot be changed here") for n in sorted(set(changes) - set(EDITABLE))]
    problems += [FieldProblem(n, "must not be null") for n, v in sorted(changes.items()) if v is None and n not in NULLABLE]
    if problems:
        raise InvalidInput("the dam is not right", problems)
    merged = dam.as_dict() | changes
    check_dam(merged)
    updates = {k: (tuple(dict.fromkeys(v)) if k == "purposes" else _thresholds(v) if k == "thresholds" else v)
               for k, v in changes.items()}
    if "location" in updates:
        updates["location"] = {k: v for k, v in updates["location"].items() if v is not None}
    diff = {name: [_plain(getattr(dam, name)), _plain(value)] for name, value in updates.items()
            if getattr(dam, name) != value}
    return replace(dam, **updates, updated_at=now, version=dam.version + 1), diff


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# ---- readings from a CSV file ------------------------------------------------------------------

READING_COLUMNS = ("level_m", "inflow_m3s", "outflow_m3s", "rainfall_mm", "seepage_ls")
READING_LIMITS = {"level_m": (-500, 5000), "inflow_m3s": (0, 1e6), "outflow_m3s": (0, 1e6), "rainfall_mm": (0, 2000),
                  "seepage_ls": (0, 1e6)}
CSV_HEADER = ("date",) + READING_COLUMNS
# An import is written in one DynamoDB transaction (at most 100 items), so that it lands whole
# or not at all, with no staging to clean up after a failure: its days and the one alert notice
# it may raise. A longer record is sent in several imports (a quarter is one).
MAX_IMPORT_ROWS = 99


def readings_from_csv(text: str) -> dict[str, dict[str, float]]:
    """The days of a CSV file (header `date,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls`,
    an empty cell for a figure not taken), each row checked before any is kept: InvalidInput
    names every bad row by its line in the file (the header is row 1), its column and why."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not rows or tuple(cell.strip() for cell in rows[0][1]) != CSV_HEADER:
        raise InvalidInput("the file is not right", [FieldProblem(
            "row 1", msg("must be the header {header}", header=",".join(CSV_HEADER)))])
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise InvalidInput("the file is not right", [FieldProblem("body", msg(
            "has {rows} days; an import takes at most {limit}", rows=len(rows) - 1, limit=MAX_IMPORT_ROWS))])
    days: dict[str, dict[str, float]] = {}
    problems: list[FieldProblem] = []
    for number, row in rows[1:]:
        problems += _row_problems(number, row, days)
    if problems:
        raise InvalidInput("the file is not right", problems)
    if not days:
        raise InvalidInput("the file is not right", [FieldProblem("body", "holds no days")])
    return days


def _row_problems(number: int, row: list[str], days: dict[str, dict[str, float]]) -> list[FieldProblem]:
    where = f"row {number}"
    if len(row) != len(CSV_HEADER):
        return [FieldProblem(where, msg("has {cells} cells; the header has {columns}", cells=len(row),
                                        columns=len(CSV_HEADER)))]
    day, problems, values = row[0].strip(), [], {}
    if not _is_day(day):
        problems.append(FieldProblem(f"{where}.date", "is not a real date (YYYY-MM-DD)"))
    elif day in days:
        problems.append(FieldProblem(f"{where}.date", msg("repeats the day {day}", day=day)))
    for column, cell in zip(READING_COLUMNS, row[1:]):
        if not cell.strip():
            continue
        low, high = READING_LIMITS[column]
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(FieldProblem(f"{where}.{column}", "must be a number"))
        elif not low <= value <= high:
            problems.append(FieldProblem(f"{where}.{column}", msg("must be between {low} and {high}",
                                                                  low=_figure(low), high=_figure(high))))
        else:
            values[column] = value
    if not problems:
        days[day] = values
    return problems


def _is_day(text: str) -> bool:
    try:
        return len(text) == 10 and datetime.strptime(text, "%Y-%m-%d") is not None
    except ValueError:
        return False


def _figure(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
