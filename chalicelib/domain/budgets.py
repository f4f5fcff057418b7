"""Marketing-fee budgets: a month's budget of an office, its split into categories, and what
spending reports use of it.

- A `budget_allocator` sets the budget of an office *below* theirs. Budgets of the offices under
  one parent never add up to more than the parent's own budget, when it has one.
- A `budget_recommender` reaching the office splits it into categories; the categories never add
  up to more than the budget (and a budget is never lowered under its split or its children).
- A spending report (a service with `on_approval.budget_posting`) counts as *pending* in its
  category while it awaits a decision and as *used* once approved, in the month it was spent,
  at its office and every office above. The counters move in the transaction of the status
  change (see `budget_moves`), so nothing is ever counted from the applications themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.domain.application_state import APPROVED, AWAITING_DECISION, Application, CounterMove
from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput
from chalicelib.domain.messages import msg
from chalicelib.domain.org import Node
from chalicelib.domain.people import Principal

PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")  # ASCII digits: `\d` takes "٢٠٢٦" too
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"  # the same months, as the API document states them
MAX_AMOUNT = 10**15  # a quadrillion rupiah: far above any budget, far below float trouble
SERIES_MONTHS = 12
# Counters every office keeps per month, beside the application counts.
USED, PENDING = "used", "pending"
POSTINGS = "budget:postings"  # moves of any budget figure: a report's fingerprint
# Who sets a budget (at an office above it) and who splits it (at or above it).
ALLOCATOR_ROLES = ("budget_allocator",)
RECOMMENDER_ROLES = ("budget_recommender",)


def check_period(period: str, field_name: str = "period") -> str:
    match = PERIOD.fullmatch(period) if isinstance(period, str) else None  # fullmatch: "$" allows a final "\n"
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("not a month", [FieldProblem(field_name, "must be a month as YYYY-MM, e.g. 2026-11")])
    return period


def months_up_to(period: str, count: int = SERIES_MONTHS) -> list[str]:
    """The `count` months ending with `period`, oldest first."""
    year, month = int(period[:4]), int(period[5:])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months[::-1]


def counter_name(category: str, figure: str) -> str:
    return f"budget:{category}:{figure}"


@dataclass(frozen=True)
class Budget:
    """One office's budget for one month: its own amount and split (set there), and what the
    offices directly below add up to (`allocated`, `below`), moved in the same transaction as a
    change below. An office's figures are its own when set, else those of the offices below: a
    region whose branches hold the money shows that money (see `amount_shown`)."""

    node_id: str
    period: str
    amount: int | None = None
    categories: dict[str, int] = field(default_factory=dict)
    allocated: int = 0
    version: int = 0  # 0: never written
    updated_at: datetime | None = None
    updated_by: str | None = None
    recommended_at: datetime | None = None
    recommended_by: str | None = None
    # The splits shown by the offices directly below, added up per category.
    below: dict[str, int] = field(default_factory=dict)

    @property
    def recommended(self) -> int:
        return sum(self.categories.values())

    @property
    def amount_shown(self) -> int | None:
        """Its own budget (which holds those below), else what the offices below hold."""
        return self.amount if self.amount is not None else (self.allocated or None)

    @property
    def split_shown(self) -> dict[str, int]:
        return self.categories if self.categories else self.below


@dataclass(frozen=True)
class BudgetWrite:
    """A budget to write on the version read, and the budgets above it whose roll-ups moved
    (`parent` the nearest, `above` further up, nearest first), each on the version read."""

    budget: Budget
    expected_version: int
    parent: Budget | None = None
    parent_expected_version: int = 0
    above: tuple[tuple[Budget, int], ...] = ()

    @property
    def items(self) -> list[tuple[Budget, int]]:
        parent = [(self.parent, self.parent_expected_version)] if self.parent is not None else []
        return [(self.budget, self.expected_version), *parent, *self.above]


def _with(budget: Budget, **changes: Any) -> Budget:
    return Budget(**{**budget.__dict__, **changes, "version": budget.version + 1})


def _added(split: dict[str, int], deltas: dict[str, int]) -> dict[str, int]:
    total = {name: split.get(name, 0) + deltas.get(name, 0) for name in dict.fromkeys([*split, *deltas])}
    return {name: value for name, value in total.items() if value}


def _split_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after.get(name, 0) - before.get(name, 0) for name in dict.fromkeys([*before, *after])
            if after.get(name, 0) != before.get(name, 0)}


def roll_up(above: list[Budget], amount_delta: int, split_delta: dict[str, int],
            grant: bool = False) -> tuple[list[tuple[Budget, int]], Budget | None]:
    """The budgets above an office (nearest first) once what it shows moved by these deltas:
    each one's `allocated` and `below` move while what it shows moves too; an office with its
    own amount (or split) shows that, so the move stops there. A grant is new money: it adds
    to every own amount and split on the way up, so it never stops. Answers the changed budgets
    with the versions read, and the first one whose own amount the offices below now exceed."""
    changed, exceeded = [], None
    for budget in above:
        if not amount_delta and not split_delta:
            break
        updates: dict[str, Any] = {"allocated": budget.allocated + amount_delta,
                                   "below": _added(budget.below, split_delta)}
        if grant:
            if budget.amount is not None:
                updates["amount"] = budget.amount + amount_delta
            if budget.categories:
                updates["categories"] = _added(budget.categories, split_delta)
        else:
            if budget.amount is not None:
                if exceeded is None and updates["allocated"] > budget.amount:
                    exceeded = _with(budget, **updates)
                amount_delta = 0
            if budget.categories:
                split_delta = {}
        changed.append((_with(budget, **updates), budget.version))
    return changed, exceeded


def _as_write(updated: Budget, current: Budget, changed: list[tuple[Budget, int]]) -> BudgetWrite:
    parent, parent_version = changed[0] if changed else (None, 0)
    return BudgetWrite(updated, current.version, parent, parent_version, tuple(changed[1:]))


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _check_amount(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise InvalidInput("not an amount", [FieldProblem(field_name, msg("must be whole rupiah from 0 to {max}", max=MAX_AMOUNT))])
    return value


def set_amount(current: Budget, parent: Budget | None, node: Node, caller: Principal, amount: int,
               now: datetime, above: tuple[Budget, ...] = ()) -> BudgetWrite:
    """The budget of the office. `parent` is the parent office's budget of the month (None at
    the root), `above` those further up, nearest first. An allocator above the office sets any
    amount (the area adds the month's money); a recommender above it divides money an office
    within their reach already holds (the region's split by office), never adds any."""
    path_above = ([parent] if parent is not None else []) + list(above)
    allocator = caller.reaches(node.path[:-1], roles=ALLOCATOR_ROLES)
    if not allocator and not _divides_held_money(caller, node, path_above):
        raise Forbidden("budgets are set by a budget_allocator above this office, or divided by a "
                        "budget_recommender among the offices under a budget they reach")
    amount = _check_amount(amount, "amount")
    if amount < current.recommended:
        raise InvalidInput(
            msg("the split into categories adds up to {total}, {excess} more than {amount}; change the split first",
                total=rupiah(current.recommended), excess=rupiah(current.recommended - amount), amount=rupiah(amount)),
            [FieldProblem("amount", msg("must be at least {amount} (the categories' total)",
                                        amount=rupiah(current.recommended)))])
    if amount < current.allocated:
        raise InvalidInput(
            msg("the offices below already have {allocated}, {excess} more than {amount}; lower theirs first",
                allocated=rupiah(current.allocated), excess=rupiah(current.allocated - amount), amount=rupiah(amount)),
            [FieldProblem("amount", msg("must be at least {amount} (the offices below)", amount=rupiah(current.allocated)))])
    changed, exceeded = roll_up(path_above, amount - (current.amount_shown or 0), {})
    if exceeded is not None:
        assert exceeded.amount is not None
        excess = exceeded.allocated - exceeded.amount
        raise InvalidInput(
            msg("the offices under {office} would get {allocated}, {excess} more than its budget of {amount}",
                office=exceeded.node_id, allocated=rupiah(exceeded.allocated), excess=rupiah(excess),
                amount=rupiah(exceeded.amount)),
            [FieldProblem("amount", msg("must be at most {amount}", amount=rupiah(amount - excess)))])
    updated = Budget(**{**current.__dict__, "amount": amount, "version": current.version + 1,
                        "updated_at": now, "updated_by": caller.user_id})
    return _as_write(updated, current, changed)


def _divides_held_money(caller: Principal, node: Node, path_above: list[Budget]) -> bool:
    """A recommender above the office, and an office with its own amount on the way up within
    the recommender's reach: the money being divided is already there."""
    if not caller.reaches(node.path[:-1], roles=RECOMMENDER_ROLES):
        return False
    for budget in path_above:
        if budget.amount is not None:
            depth = node.path.index(budget.node_id) if budget.node_id in node.path else -1
            return depth >= 0 and caller.reaches(node.path[:depth + 1], roles=RECOMMENDER_ROLES)
    return False


def set_recommendation(current: Budget, node: Node, caller: Principal, categories: dict[str, int],
                       known_categories: tuple[str, ...], now: datetime, above: tuple[Budget, ...] = ()) -> BudgetWrite:
    """The office's split into categories; `above` are the budgets above it, nearest first,
    whose split shown (the offices below added up) moves with it."""
    if not caller.reaches(node.path, roles=RECOMMENDER_ROLES):
        raise Forbidden("budgets are split by a budget_recommender reaching this office")
    if current.amount is None:
        raise Conflict(msg("{office} has no budget for {period} yet; its allocator sets one first", office=node.name,
                           period=current.period))
    problems = [FieldProblem(f"categories.{name}", msg("is not a category; use one of {options}",
                                                            options=", ".join(known_categories)))
                for name in categories if name not in known_categories]
    for name, value in categories.items():
        try:
            _check_amount(value, f"categories.{name}")
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    if problems:
        raise InvalidInput("some categories are not right", problems)
    total = sum(categories.values())
    if total > current.amount:
        excess = total - current.amount
        raise InvalidInput(
            msg("the categories add up to {total}, {excess} more than the budget of {amount}", total=rupiah(total),
                excess=rupiah(excess), amount=rupiah(current.amount)),
            [FieldProblem("categories", msg("exceed the budget by {excess}", excess=rupiah(excess)), "exceeds_budget",
                          {"excess": excess})])
    updated = Budget(**{**current.__dict__, "categories": {k: v for k, v in categories.items()},
                        "version": current.version + 1, "recommended_at": now, "recommended_by": caller.user_id})
    changed, _ = roll_up(list(above), 0, _split_delta(current.split_shown, updated.split_shown))
    return _as_write(updated, current, changed)


def grant_of(app: Application, service: ServiceType) -> tuple[str, str, int] | None:
    """(month, category, amount) an approved budget request adds, or None for anything else."""
    if not service.on_approval.budget_grant:
        return None
    data = app.data
    category, amount, month = data.get("category"), data.get("amount"), data.get("for_month")
    if not isinstance(category, str) or not isinstance(amount, int) or not isinstance(month, str):
        return None
    return month[:7], category, amount


def grant_request(app: Application, service: ServiceType, path: dict[str, Budget], caller: Principal,
                  now: datetime) -> BudgetWrite | None:
    """What the final approval of a budget request writes: the amount added to the office's
    budget of the month and to its category, and to every budget above it (the area allocates
    new money, so nothing above is exceeded). `path`: the budgets of the month by office."""
    granted = grant_of(app, service)
    if granted is None:
        return None
    period, category, amount = granted
    current = path.get(app.node_id) or Budget(app.node_id, period)
    above = [path.get(node_id) or Budget(node_id, period) for node_id in reversed(app.node_path[:-1])]
    before = current.split_shown
    updated = Budget(**{**current.__dict__, "amount": (current.allocated if current.amount is None else current.amount) + amount,
                        "categories": _added(current.categories or current.below, {category: amount}),
                        "version": current.version + 1, "updated_at": now, "updated_by": caller.user_id,
                        "recommended_at": now, "recommended_by": caller.user_id})
    changed, _ = roll_up(above, amount, _split_delta(before, updated.split_shown), grant=True)
    return _as_write(updated, current, changed)


# ---- spending reports ---------------------------------------------------------------------------

def posting_of(app: Application, service: ServiceType) -> tuple[str, str, int] | None:
    """(month, category, amount) a spending report posts, or None for anything else (or a
    report whose form is not complete yet: it only posts once submitted)."""
    if not service.on_approval.budget_posting:
        return None
    data = app.data
    category, amount, spent_on = data.get("category"), data.get("amount"), data.get("spent_on")
    if not isinstance(category, str) or not isinstance(amount, int) or not isinstance(spent_on, str):
        return None
    return spent_on[:7], category, amount


@dataclass(frozen=True)
class Posting:
    """An approved spending report, as the monthly usage report of every office above lists it."""

    application_id: str
    node_path: tuple[str, ...]
    period: str
    category: str
    amount: int
    approved_at: datetime


@dataclass(frozen=True)
class FiledReport:
    """A spending report as submitted, for the recap of its month's usage report everywhere above."""

    application_id: str
    node_path: tuple[str, ...]
    period: str


def filed_on_submission(app: Application, service: ServiceType) -> FiledReport | None:
    posting = posting_of(app, service)
    return FiledReport(app.id, app.node_path, posting[0]) if posting else None


def posting_on_approval(app: Application, service: ServiceType, now: datetime) -> Posting | None:
    """What the final approval of a spending report posts (None for anything else)."""
    booked = posting_of(app, service)
    if booked is None:
        return None
    period, category, amount = booked
    return Posting(app.id, app.node_path, period, category, amount, now)


def budget_figure(status: str) -> str | None:
    if status in AWAITING_DECISION:
        return PENDING
    if status == APPROVED:
        return USED
    return None


def budget_moves(app: Application, service: ServiceType, from_status: str | None,
                 to_status: str) -> tuple[CounterMove, ...]:
    posting = posting_of(app, service)
    before, after = budget_figure(from_status or ""), budget_figure(to_status)
    if posting is None or before == after:
        return ()
    period, category, amount = posting
    deltas = {POSTINGS: 1}
    if before:
        deltas[counter_name(category, before)] = -amount
    if after:
        deltas[counter_name(category, after)] = amount
    # The day spent too (a counter item per office and day, YYYY-MM-DD): the dashboard's daily
    # series of the month is then a few more keys in the same batched read.
    day = str(app.data["spent_on"])[:10]
    return tuple(CounterMove(node_id, when, dict(deltas)) for node_id in app.node_path for when in (period, day))


def days_of(period: str) -> list[str]:
    """Every day of the month, YYYY-MM-DD, first to last."""
    year, month = int(period[:4]), int(period[5:])
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [f"{period}-{day:02d}" for day in range(1, (following - first).days + 1)]


@dataclass(frozen=True)
class DayFigures:
    """One day of a month at an office: what was spent that day, approved (used) or awaiting."""

    day: str
    used: int
    pending: int


def day_figures(day: str, counters: dict[str, int]) -> DayFigures:
    used = sum(v for k, v in counters.items() if k.startswith("budget:") and k.endswith(f":{USED}"))
    pending = sum(v for k, v in counters.items() if k.startswith("budget:") and k.endswith(f":{PENDING}"))
    return DayFigures(day, used, pending)


# ---- what a budget looks like, with what is used of it ---------------------------------------

@dataclass(frozen=True)
class CategoryFigures:
    recommended: int
    used: int
    pending: int

    @property
    def remaining(self) -> int:
        return self.recommended - self.used - self.pending

    @property
    def percent_used(self) -> float | None:
        return round(100 * self.used / self.recommended, 1) if self.recommended else None


@dataclass(frozen=True)
class BudgetFigures:
    node_id: str
    period: str
    amount: int | None
    categories: dict[str, CategoryFigures]
    allocated: int = 0

    @property
    def recommended(self) -> int:
        return sum(c.recommended for c in self.categories.values())

    @property
    def used(self) -> int:
        return sum(c.used for c in self.categories.values())

    @property
    def pending(self) -> int:
        return sum(c.pending for c in self.categories.values())

    @property
    def remaining(self) -> int | None:
        return None if self.amount is None else self.amount - self.used - self.pending

    @property
    def percent_used(self) -> float | None:
        return round(100 * self.used / self.amount, 1) if self.amount else None


def figures(node_id: str, period: str, budget: Budget | None, counters: dict[str, int],
            known_categories: tuple[str, ...] = ()) -> BudgetFigures:
    """The budget with the counters of the same office and month: every category recommended,
    known or used appears, in the catalog's order first."""
    split = budget.split_shown if budget else {}
    counted = {name.split(":")[1] for name in counters if name.startswith("budget:") and name != POSTINGS}
    names = list(dict.fromkeys([*known_categories, *split, *sorted(counted)]))
    categories = {
        name: CategoryFigures(split.get(name, 0), counters.get(counter_name(name, USED), 0),
                              counters.get(counter_name(name, PENDING), 0))
        for name in names
    }
    return BudgetFigures(node_id, period, budget.amount_shown if budget else None, categories,
                         budget.allocated if budget else 0)


@dataclass(frozen=True)
class BudgetCheck:
    """How a spending report stands against the budget that governs it: the nearest office on
    its way up with a budget for the month. `over` when it is more than what is left."""

    period: str
    category: str
    amount: int
    node_id: str | None  # the office whose budget governs; None: no budget anywhere above
    available: int | None  # what was left for this report (its own amount not counted)
    over: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "category": self.category, "amount": self.amount, "node_id": self.node_id,
                "available": self.available, "over": self.over, "reason": self.reason}


def check_report(app: Application, service: ServiceType, budgets: dict[str, Budget],
                 counters: dict[str, dict[str, int]]) -> BudgetCheck | None:
    """`budgets` and `counters` by office id, for the report's month, along its path."""
    posting = posting_of(app, service)
    if posting is None:
        return None
    period, category, amount = posting
    governing = next((node_id for node_id in reversed(app.node_path)
                      if budgets.get(node_id) and budgets[node_id].amount is not None), None)
    if governing is None:
        return BudgetCheck(period, category, amount, None, None, True, f"no budget is set for {period}")
    budget, seen = budgets[governing], figures(governing, period, budgets[governing], counters.get(governing, {}))
    own = amount if budget_figure(app.status) else 0  # already counted in pending or used
    if budget.split_shown:
        figure = seen.categories.get(category, CategoryFigures(0, 0, 0))
        available = figure.remaining + own
        where = f"{category} at {governing} for {period}"
    else:
        available = (seen.remaining or 0) + own
        where = f"the budget of {governing} for {period} (not split into categories)"
    if amount > available:
        return BudgetCheck(period, category, amount, governing, available, True,
                           f"{rupiah(amount)} is over the {rupiah(max(available, 0))} left in {where}")
    return BudgetCheck(period, category, amount, governing, available, False,
                       f"within the {rupiah(available)} left in {where}")


def period_of_date(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
