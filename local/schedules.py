"""When a schedule next fires: EventBridge's rate() and cron() expressions, in UTC.

cron has six fields — minutes hours day-of-month month day-of-week year — with *, ?, lists,
ranges, steps, month names and weekday names (1 or SUN .. 7 or SAT). L, W and # are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
_DAYS = {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split(), start=1)}


class ScheduleError(ValueError):
    pass


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """None means "any"."""
    if field in ("*", "?"):
        return None
    found: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names), _number(b, names)
        else:
            start = _number(part, names)
            end = high if "/" in field else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"{field!r} is outside {low}-{high}")
        found.update(range(start, end + 1, step))
    return found


def _number(text: str, names: dict[str, int] | None) -> int:
    text = text.upper()
    if names and text in names:
        return names[text]
    if not text.isdigit():
        raise ScheduleError(f"{text!r} is not a value EventBridge cron accepts here")
    return int(text)


@dataclass(frozen=True)
class Cron:
    minutes: set[int] | None
    hours: set[int] | None
    days: set[int] | None
    months: set[int] | None
    weekdays: set[int] | None  # 1 = Sunday
    years: set[int] | None

    @classmethod
    def parse(cls, fields: str) -> "Cron":
        parts = fields.split()
        if len(parts) != 6:
            raise ScheduleError("cron() takes six fields")
        weekday_field = re.sub("|".join(_DAYS), "", parts[4].upper())
        if any(ch in parts[2].upper() for ch in "LW#") or any(ch in weekday_field for ch in "L#"):
            raise ScheduleError("L, W and # are not supported by the local scheduler")
        return cls(
            _values(parts[0], 0, 59), _values(parts[1], 0, 23), _values(parts[2], 1, 31),
            _values(parts[3], 1, 12, _MONTHS), _values(parts[4], 1, 7, _DAYS), _values(parts[5], 1970, 2199),
        )

    def matches(self, t: datetime) -> bool:
        weekday = (t.isoweekday() % 7) + 1  # Monday=1..Sunday=7 → Sunday=1..Saturday=7
        return all((
            self.minutes is None or t.minute in self.minutes,
            self.hours is None or t.hour in self.hours,
            self.days is None or t.day in self.days,
            self.months is None or t.month in self.months,
            self.weekdays is None or weekday in self.weekdays,
            self.years is None or t.year in self.years,
        ))

    def next_after(self, moment: datetime) -> datetime:
        t = moment.astimezone(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t + timedelta(days=366 * 5)
        while t < limit:
            if self.months is not None and t.month not in self.months or self.years is not None and t.year not in self.years:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
                continue
            weekday = (t.isoweekday() % 7) + 1
            if self.days is not None and t.day not in self.days or self.weekdays is not None and weekday not in self.weekdays:
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
                continue
            if self.hours is not None and t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
                continue
            if self.minutes is not None and t.minute not in self.minutes:
                t += timedelta(minutes=1)
                continue
            return t
        raise ScheduleError("the expression never fires")


def next_fire(expression: str, after: datetime, started: datetime) -> datetime:
    """The first firing strictly after `after`. A rate counts from `started` (when the
    schedule was created), as EventBridge does."""
    rate = _RATE.match(expression)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        period = {"minute": timedelta(minutes=amount), "hour": timedelta(hours=amount), "day": timedelta(days=amount)}[unit]
        if after < started:
            return started + period
        elapsed = (after - started) // period
        return started + period * (elapsed + 1)
    if expression.startswith("cron(") and expression.endswith(")"):
        return Cron.parse(expression[5:-1]).next_after(after)
    raise ScheduleError(f"not a schedule expression: {expression}")
