"""An office's working calendar: its weekly working hours and its public holidays (SPEC.md,
"An application's life": a step's due time is counted in the office's working hours where the
office keeps them). Offices below inherit the nearest calendar above them unless they set
their own; an office with none above it counts wall-clock hours.

Indonesian offices keep one of the three national time zones, none with daylight saving, so a
calendar names its zone (WIB, WITA, WIT) and the arithmetic is on fixed offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.messages import msg

ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_HOLIDAYS = 200
MAX_PERIODS_A_DAY = 4
# How far ahead a due time is looked for: a calendar with a year of holidays in a row is a
# mistake, not a reason to loop for ever.
SEARCH_DAYS = 400
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])|24:00")


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass(frozen=True)
class OfficeCalendar:
    """`week` maps each weekday (mon…sun) to its working periods, (start, end) in minutes after
    local midnight, sorted and apart; a day not named is not worked."""

    zone: str
    week: Mapping[str, tuple[tuple[int, int], ...]]
    holidays: tuple[Holiday, ...] = ()
    node_id: str | None = None  # the office that set it (an inherited calendar names its owner)
    updated_at: datetime | None = None
    updated_by: str | None = None
    _closed: frozenset[date] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_closed", frozenset(h.day for h in self.holidays))

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=ZONES[self.zone]), self.zone)

    def _periods_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if day in self._closed:
            return ()
        midnight = datetime.combine(day, time(0), self.tz)
        return tuple((midnight + timedelta(minutes=a), midnight + timedelta(minutes=b))
                     for a, b in self.week.get(WEEKDAYS[day.weekday()], ()))

    def add_working(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (start itself if it is zero)."""
        if duration <= timedelta(0):
            return start
        left = duration
        day = start.astimezone(self.tz).date()
        for _ in range(SEARCH_DAYS):
            for begin, end in self._periods_on(day):
                begin = max(begin, start)
                if end <= begin:
                    continue
                if begin + left <= end:
                    return (begin + left).astimezone(start.tzinfo or timezone.utc)
                left -= end - begin
            day += timedelta(days=1)
        # Never reached with a valid calendar (it works some hours every week); the
        # wall-clock answer beats none.
        return start + duration

    def working_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero if end is not after start)."""
        total = timedelta(0)
        day, last = start.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        while day <= last and end > start:
            for begin, finish in self._periods_on(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "week": {day: [[_clock(a), _clock(b)] for a, b in self.week[day]] for day in WEEKDAYS if self.week.get(day)},
            "holidays": [{"date": h.day.isoformat(), "name": h.name} for h in sorted(self.holidays, key=lambda h: h.day)],
        }


def add_time(calendar: OfficeCalendar | None, start: datetime, duration: timedelta) -> datetime:
    """`duration` after `start`: in working time where the office keeps a calendar, else on the
    wall clock."""
    return calendar.add_working(start, duration) if calendar is not None else start + duration


def elapsed(calendar: OfficeCalendar | None, start: datetime, end: datetime) -> timedelta:
    if calendar is None:
        return max(end - start, timedelta(0))
    return calendar.working_between(start, end)


def effective(path: tuple[str, ...], own: Mapping[str, OfficeCalendar]) -> dict[str, OfficeCalendar | None]:
    """For each office on a root→office path, the calendar it keeps: its own, else the nearest
    one above it, else None (wall clock)."""
    result: dict[str, OfficeCalendar | None] = {}
    current = None
    for node_id in path:
        current = own.get(node_id, current)
        result[node_id] = current
    return result


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: Any) -> int | None:
    if not isinstance(text, str) or not _CLOCK.fullmatch(text):
        return None
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def parse_calendar(body: Mapping[str, Any], node_id: str, now: datetime, by: str) -> OfficeCalendar:
    """A calendar as an admin sends it (`as_dict`'s shape), checked whole: every problem named."""
    problems: list[FieldProblem] = []
    zone = body.get("zone")
    if zone not in ZONES:
        problems.append(FieldProblem("zone", msg("must be one of {options}", options=", ".join(ZONES)), "choice"))
    week = _parse_week(body.get("week"), problems)
    holidays = _parse_holidays(body.get("holidays", []), problems)
    if not problems and not any(week.values()):
        problems.append(FieldProblem("week", "must have working hours on at least one day", "required"))
    if problems:
        raise InvalidInput("the calendar is not right", problems)
    return OfficeCalendar(zone=str(zone), week=week, holidays=holidays, node_id=node_id, updated_at=now, updated_by=by)


def _parse_week(raw: Any, problems: list[FieldProblem]) -> dict[str, tuple[tuple[int, int], ...]]:
    if not isinstance(raw, Mapping):
        problems.append(FieldProblem("week", "must map weekdays (mon…sun) to working periods", "type"))
        return {}
    week: dict[str, tuple[tuple[int, int], ...]] = {}
    for day, periods in raw.items():
        name = f"week.{day}"
        if day not in WEEKDAYS:
            problems.append(FieldProblem(name, "is not a weekday (mon, tue, wed, thu, fri, sat, sun)", "choice"))
            continue
        if not isinstance(periods, list) or len(periods) > MAX_PERIODS_A_DAY:
            problems.append(FieldProblem(name, msg("must be a list of at most {limit} [start, end] periods", limit=MAX_PERIODS_A_DAY), "type"))
            continue
        parsed = []
        for period in periods:
            bounds = [_minutes(t) for t in period] if isinstance(period, list) and len(period) == 2 else [None]
            if None in bounds or bounds[0] >= bounds[1]:
                problems.append(FieldProblem(name, "each period is [\"HH:MM\", \"HH:MM\"], the start before the end", "format"))
                break
            parsed.append((bounds[0], bounds[1]))
        parsed.sort()
        if any(a[1] > b[0] for a, b in zip(parsed, parsed[1:])):
            problems.append(FieldProblem(name, "periods must not overlap", "format"))
        week[day] = tuple(parsed)
    return week


def _parse_holidays(raw: Any, problems: list[FieldProblem]) -> tuple[Holiday, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_HOLIDAYS:
        problems.append(FieldProblem("holidays", msg("must be a list of at most {limit} days", limit=MAX_HOLIDAYS), "type"))
        return ()
    found: dict[date, Holiday] = {}
    for index, item in enumerate(raw):
        name = item.get("name") if isinstance(item, Mapping) else None
        try:
            day = date.fromisoformat(item["date"]) if isinstance(item, Mapping) and isinstance(item.get("date"), str) else None
        except ValueError:
            day = None
        if day is None or not isinstance(name, str) or not name.strip() or len(name) > 120:
            problems.append(FieldProblem(f"holidays.{index}", "needs a date (YYYY-MM-DD) and a name of 1 to 120 characters",
                                         "format"))
            continue
        found[day] = Holiday(day, " ".join(name.split()))
    return tuple(sorted(found.values(), key=lambda h: h.day))
