"""A dam's monitoring obligations: each operating dam owes a monitoring report per period of its
schedule (`monitoring_every`: month, quarter or year), due a number of days after the period
ends, its operators reminded a number of days before. Periods are named `2026-11`, `2026-Q4`,
`2026` and run on the organisation's calendar days (its time zone).

A dam that leaves operating (decommissioned) still owes the report on the period it operated
in, overdue if unmet: that period's readings are the last record of a dam holding water, and a
decommissioning permit does not waive them. No period after it opens (the watch opens the next
only while the dam operates).

An obligation carries its own next step (open the next period's obligation when its period
ends, remind, mark overdue), so the daily watch reads only what falls due that day: its cost
follows the obligations due, never the register or the history (docs/DATA.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from chalicelib.domain.application_state import CounterMove
from chalicelib.domain.messages import Label, msg
from chalicelib.domain.notifications import Notice

EVERY = ("month", "quarter", "year")
EVERY_LABELS = {"month": Label("bulan", "month"), "quarter": Label("triwulan", "quarter"),
                "year": Label("tahun", "year")}
OPEN, OVERDUE, MET = "open", "overdue", "met"
STATUSES = (OPEN, OVERDUE, MET)

# Who is reminded before a report is due (the dam's operators, at its office and above), and who
# is told once it is overdue (the dam's staff there).
REMIND_ROLES = ("dam_operator",)
OVERDUE_ROLES = ("dam_registrar", "dam_operator", "dam_inspector")

# The steps an obligation takes on the watch, each once.
OPEN_NEXT, REMIND, MARK_OVERDUE = "open_next", "remind", "overdue"

_PERIOD = {
    "month": re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^([0-9]{4})-Q([1-4])$"),
    "year": re.compile(r"^([0-9]{4})$"),
}


@dataclass(frozen=True)
class DutyTerms:
    """When a period's report is due (days after the period ends) and when its operators are
    reminded (days before it is due): the catalog's dam-monitoring-report says (`monitoring`)."""

    due_days: int = 30
    remind_days: int = 7


def every_of(period: str) -> str | None:
    """The schedule a period name belongs to, or None if it is no period name."""
    return next((every for every, pattern in _PERIOD.items() if pattern.match(period or "")), None)


def period_of(day: date, every: str) -> str:
    """The period of a schedule a calendar day falls in."""
    if every == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if every == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if every == "year":
        return f"{day.year:04d}"
    raise ValueError(f"no such schedule: {every}")


def bounds(period: str) -> tuple[date, date]:
    """The period's first day and the first day after it."""
    every = every_of(period)
    if every is None:
        raise ValueError(f"not a period: {period!r}")
    year = int(period[:4])
    if every == "year":
        return date(year, 1, 1), date(year + 1, 1, 1)
    first_month = int(period[5:]) if every == "month" else (int(period[6:]) - 1) * 3 + 1
    months = 1 if every == "month" else 3
    after = first_month + months
    return date(year, first_month, 1), date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1)


def following(period: str, every: str) -> str:
    """The period after `period` on the schedule `every`: the one holding its first day after.
    A schedule changed since (month → quarter) may give a period that overlaps the last one:
    overlapping is better than a stretch nobody reports on."""
    return period_of(bounds(period)[1], every)


def period_problem(period: str, every: str, today: date) -> str | None:
    """Why a report cannot be for `period` of a dam reporting every `every`, or None."""
    if every_of(period) != every:
        example = {"month": "2026-11", "quarter": "2026-Q4", "year": "2026"}[every]
        return msg("must be a period like {example}: the dam reports every {every}", every=EVERY_LABELS[every],
                   example=example)
    if bounds(period)[0] > today:
        return "must not be a period that has not begun"
    return None


def local_midnight(day: date, tz: timezone) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


@dataclass(frozen=True)
class Obligation:
    dam_id: str
    dam_name: str
    node_path: tuple[str, ...]
    period: str
    starts_at: datetime  # the period's first moment (UTC)
    ends_at: datetime  # the first moment after it: the next period's obligation opens then
    due_at: datetime
    remind_at: datetime
    status: str = OPEN
    application_id: str | None = None
    reminded: bool = False
    next_opened: bool = False
    version: int = 1


def new_obligation(dam_id: str, dam_name: str, node_path: tuple[str, ...], period: str, terms: DutyTerms,
                   tz: timezone) -> Obligation:
    first, after = bounds(period)
    ends_at = local_midnight(after, tz)
    due_at = local_midnight(after + timedelta(days=terms.due_days), tz)
    return Obligation(dam_id=dam_id, dam_name=dam_name, node_path=tuple(node_path), period=period,
                      starts_at=local_midnight(first, tz), ends_at=ends_at, due_at=due_at,
                      remind_at=due_at - timedelta(days=terms.remind_days))


def last_day(obligation: Obligation, tz: timezone) -> date:
    """The last calendar day (local) on which the report is on time."""
    return (obligation.due_at.astimezone(tz) - timedelta(days=1)).date()


def month_of(obligation: Obligation, tz: timezone) -> str:
    return last_day(obligation, tz).isoformat()[:7]


def next_step(obligation: Obligation) -> tuple[str, datetime] | None:
    """The obligation's earliest step still to take, and when; None once it has none left (met
    or overdue, and the next period's opened)."""
    steps = []
    if not obligation.next_opened:
        steps.append((obligation.ends_at, 0, OPEN_NEXT))
    if obligation.status == OPEN:
        if not obligation.reminded:
            steps.append((obligation.remind_at, 1, REMIND))
        steps.append((obligation.due_at, 2, MARK_OVERDUE))
    if not steps:
        return None
    at, _, what = min(steps)
    return what, at


@dataclass(frozen=True)
class Transition:
    """An obligation's change: the new state, the counters it moves, what it tells."""

    after: Obligation
    counters: tuple[CounterMove, ...] = ()
    notices: tuple[Notice, ...] = ()
    step: str = ""


def _moves(obligation: Obligation, tz: timezone, deltas: dict[str, int]) -> tuple[CounterMove, ...]:
    month = month_of(obligation, tz)
    named = {f"dam_obligations:{status}": delta for status, delta in deltas.items()}
    return tuple(CounterMove(node_id, month, named) for node_id in obligation.node_path)


def opened_moves(obligation: Obligation, tz: timezone) -> tuple[CounterMove, ...]:
    """A new obligation counts as open at every office of its dam's line."""
    return _moves(obligation, tz, {OPEN: 1})


def _params(obligation: Obligation, tz: timezone) -> dict[str, str]:
    return {"dam_name": obligation.dam_name, "period": obligation.period,
            "due_on": last_day(obligation, tz).isoformat(), "dam_id": obligation.dam_id}


def advance(obligation: Obligation, now: datetime, tz: timezone) -> Transition | None:
    """The step due by `now`, taken: None if none is. A reminder whose report is already overdue
    is not sent: the overdue notice says more."""
    found = next_step(obligation)
    if found is None or found[1] > now:
        return None
    what = found[0]
    version = obligation.version + 1
    if what == OPEN_NEXT:
        return Transition(replace(obligation, next_opened=True, version=version), step=OPEN_NEXT)
    if what == REMIND and obligation.due_at > now:
        notice = Notice("dam_report_due", _params(obligation, tz), to_roles=REMIND_ROLES,
                        to_node_path=obligation.node_path)
        return Transition(replace(obligation, reminded=True, version=version), notices=(notice,), step=REMIND)
    notice = Notice("dam_report_overdue", _params(obligation, tz), to_roles=OVERDUE_ROLES,
                    to_node_path=obligation.node_path)
    return Transition(replace(obligation, status=OVERDUE, reminded=True, version=version),
                      counters=_moves(obligation, tz, {OPEN: -1, OVERDUE: 1}), notices=(notice,), step=MARK_OVERDUE)


def met(obligation: Obligation, application_id: str, tz: timezone) -> Transition | None:
    """An approved report meets the obligation (late or not); one already met keeps its first
    report (None)."""
    if obligation.status == MET:
        return None
    after = replace(obligation, status=MET, application_id=application_id, version=obligation.version + 1)
    return Transition(after, counters=_moves(obligation, tz, {obligation.status: -1, MET: 1}), step="met")


def first_of(dam, now: datetime, terms: DutyTerms, tz: timezone) -> Obligation | None:
    """The obligation a dam owes from the moment it operates: the period it began operating in
    (it operated in it). None for a dam not operating."""
    if dam.status != "operating":
        return None
    period = period_of(now.astimezone(tz).date(), dam.monitoring_every)
    return new_obligation(dam.id, dam.name, dam.node_path, period, terms, tz)
