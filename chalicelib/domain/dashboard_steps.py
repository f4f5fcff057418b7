"""The dashboard's step figures: for each workflow step, how many applications wait at it (open,
overdue, suspended) and how long its decisions took against the step's SLA, kept as counters so
a dashboard reads them instead of counting (docs/DATA.md, "step figures").

A change's counter moves come from comparing the application before and after it
(`step_moves`): leaving a step takes it off that step's counts and, when a decision left it,
puts its processing time into a fixed histogram; entering one adds it there. Every counter sits
on the item of the month the application was filed, at every office from the root to the
filing office, like the status counters, so an office's figures are the sum of its children's.

Processing time is measured as the SLA accounts it: in the deciding office's working time where
it keeps a calendar, without the time spent suspended (both already in the step's due time,
which moves on resume). The histogram's buckets are fractions of the step's SLA: tenths up to
twice the SLA, then 2-3x, 3-5x and beyond 5x. A percentile is read by nearest rank as the upper
edge of the bucket holding that rank (so within a tenth of the SLA up to twice it); in the last
bucket, which has no upper edge, it is its lower edge (5x SLA: "at least").
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.domain.application_state import AWAITING_DECISION, WITHDRAWN, Application, CounterMove
from chalicelib.domain.catalog import Catalog, ServiceType
from chalicelib.domain.office_hours import OfficeCalendar, elapsed

# Upper edges of the histogram's buckets, as multiples of the step's SLA; one more bucket past
# the last edge holds everything slower.
BUCKET_EDGES: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(1, 21)) + (3.0, 5.0)
BUCKETS = len(BUCKET_EDGES) + 1
FLAGS = ("open", "suspended", "overdue")
PREFIX = "step:"


def counter_name(service_id: str, step: int, what: str) -> str:
    """`step:{service}:{step}:{open|suspended|overdue|bNN}` on the office's month counters."""
    return f"{PREFIX}{service_id}:{step}:{what}"


def bucket_of(ratio: float) -> int:
    """The bucket of a processing time given as a multiple of the SLA (edges belong below)."""
    return bisect_left(BUCKET_EDGES, max(ratio, 0.0))


def percentile(histogram: list[int], fraction: float) -> float | None:
    """The nearest-rank percentile of the histogram, as a multiple of the SLA: the upper edge of
    the bucket holding the ceil(fraction x N)-th fastest decision (the last bucket: its lower
    edge). None without decisions."""
    total = sum(histogram)
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return BUCKET_EDGES[min(index, len(BUCKET_EDGES) - 1)]
    return BUCKET_EDGES[-1]


def open_ended(histogram: list[int], fraction: float) -> bool:
    """Whether the percentile falls in the last bucket, past the last edge: its value (that
    edge) is then a lower bound ("at least 5x the SLA"); in every other bucket, an upper bound."""
    total = sum(histogram)
    if total <= 0:
        return False
    return sum(histogram[:-1]) < max(1, math.ceil(fraction * total))


def _standing(app: Application) -> tuple[int, bool, bool] | None:
    """(step, suspended, overdue) while a decision is awaited; overdue once the watch has told
    the deciders (escalation level 0 done), until the step is left or restarted by a takeover."""
    if app.status not in AWAITING_DECISION or app.step is None:
        return None
    return app.step, app.is_suspended, app.escalation_level >= 1


def processing_ratio(before: Application, sla_hours: float, now: datetime,
                     calendar: OfficeCalendar | None) -> float:
    """How long the step took, as a multiple of its SLA, read from its due time: the SLA less
    what was left of it, or plus how far past it. A suspended step's clock stopped when it was
    suspended."""
    sla = timedelta(hours=sla_hours)
    if before.due_at is None:
        return 0.0
    end = before.suspended_at or now
    if end <= before.due_at:
        taken = sla - elapsed(calendar, end, before.due_at)
    else:
        taken = sla + elapsed(calendar, before.due_at, end)
    return max(taken, timedelta(0)) / sla


def step_deltas(before: Application, after: Application, service: ServiceType, now: datetime,
                calendar: OfficeCalendar | None = None) -> dict[str, int]:
    """The step counters one change moves (see the module's docstring)."""
    was, now_at = _standing(before), _standing(after)
    deltas: dict[str, int] = {}

    def add(step: int, what: str, delta: int) -> None:
        name = counter_name(before.service_id, step, what)
        deltas[name] = deltas.get(name, 0) + delta

    if was is not None and (now_at is None or now_at[0] != was[0]):
        step, suspended, overdue = was
        add(step, "open", -1)
        if suspended:
            add(step, "suspended", -1)
        if overdue:
            add(step, "overdue", -1)
        if after.status != WITHDRAWN:
            ratio = processing_ratio(before, service.step_at(step).sla_hours, now, calendar)
            add(step, f"b{bucket_of(ratio):02d}", 1)
        was = None
    if now_at is not None:
        step = now_at[0]
        if was is None:
            add(step, "open", 1)
        for index, what in ((1, "suspended"), (2, "overdue")):
            if now_at[index] != (was[index] if was else False):
                add(step, what, 1 if now_at[index] else -1)
    return {name: delta for name, delta in deltas.items() if delta}


def step_moves(before: Application, after: Application, service: ServiceType, now: datetime, tz: timezone,
               calendar: OfficeCalendar | None = None) -> tuple[CounterMove, ...]:
    """The step counters as moves on the filing month's counters of every office on the path."""
    deltas = step_deltas(before, after, service, now, calendar)
    if not deltas:
        return ()
    period = before.created_at.astimezone(tz).strftime("%Y-%m")
    return tuple(CounterMove(node_id, period, dict(deltas)) for node_id in before.node_path)


@dataclass(frozen=True)
class StepFigures:
    service_id: str
    service_name: str
    service_name_en: str
    step: int
    label: str
    label_en: str
    role: str
    sla_hours: float
    open: int
    overdue: int
    suspended: int
    decided: int
    p50_hours: float | None
    p90_hours: float | None
    # The percentile is past the last edge: its hours are a lower bound, not an upper one.
    p50_at_least: bool = False
    p90_at_least: bool = False

    @property
    def over_sla(self) -> bool:
        return self.p90_hours is not None and self.p90_hours > self.sla_hours


def step_figures(counters: dict[str, int], catalog: Catalog) -> list[StepFigures]:
    """Every step of a current service with something to show in the month's counters, in the
    catalogue's order; negative counts (a step left that was entered before counting began) read
    as 0."""
    rows = []
    for service in catalog.current():
        for number, step in enumerate(service.steps, start=1):
            values = {what: max(counters.get(counter_name(service.id, number, what), 0), 0) for what in FLAGS}
            histogram = [max(counters.get(counter_name(service.id, number, f"b{k:02d}"), 0), 0) for k in range(BUCKETS)]
            if not any(values.values()) and not any(histogram):
                continue
            p50, p90 = percentile(histogram, 0.5), percentile(histogram, 0.9)
            rows.append(StepFigures(
                service.id, service.name, service.name_en, number, step.label, step.label_en, step.role,
                float(step.sla_hours), values["open"], values["overdue"], values["suspended"], sum(histogram),
                None if p50 is None else round(p50 * step.sla_hours, 2),
                None if p90 is None else round(p90 * step.sla_hours, 2),
                open_ended(histogram, 0.5), open_ended(histogram, 0.9)))
    return rows
