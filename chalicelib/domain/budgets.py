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
    """One office's budget for one month. `allocated` is what its child offices' budgets add
    up to (kept here, moved in the same transaction as a child's budget)."""

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

    @property
    def recommended(self) -> int:
        return sum(self.categories.values())


@dataclass(frozen=True)
class BudgetWrite:
    """A budget to write on the version read, and the parent's (its `allocated` moved)."""

    budget: Budget
    expected_version: int
    parent: Budget | None = None
    parent_expected_version: int = 0


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _check_amount(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise InvalidInput("not an amount", [FieldProblem(field_name, msg("must be whole rupiah from 0 to {max}", max=MAX_AMOUNT))])
    return value


def set_amount(current: Budget, parent: Budget | None, node: Node, caller: Principal, amount: int,
               now: datetime) -> BudgetWrite:
    """The allocator's budget for the office. `parent` is the parent office's budget of the month
    (None at the root)."""
    if not caller.reaches(node.path[:-1], roles=ALLOCATOR_ROLES):
        raise Forbidden("budgets are set by a budget_allocator of an office above this one")
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
    new_parent = None
    if parent is not None:
        allocated = parent.allocated - (current.amount or 0) + amount
        if parent.amount is not None and allocated > parent.amount:
            raise InvalidInput(
                msg("the offices under {office} would get {allocated}, {excess} more than its budget of {amount}",
                    office=parent.node_id, allocated=rupiah(allocated), excess=rupiah(allocated - parent.amount),
                    amount=rupiah(parent.amount)),
                [FieldProblem("amount", msg("must be at most {amount}", amount=rupiah(amount - (allocated - parent.amount))))])
        new_parent = Budget(**{**parent.__dict__, "allocated": allocated, "version": parent.version + 1})
    updated = Budget(**{**current.__dict__, "amount": amount, "version": current.version + 1,
                        "updated_at": now, "updated_by": caller.user_id})
    return BudgetWrite(updated, current.version, new_parent, parent.version if parent else 0)


def set_recommendation(current: Budget, node: Node, caller: Principal, categories: dict[str, int],
                       known_categories: tuple[str, ...], now: datetime) -> BudgetWrite:
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
    return BudgetWrite(updated, current.version)


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
    return tuple(CounterMove(node_id, period, dict(deltas)) for node_id in app.node_path)


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
    split = budget.categories if budget else {}
    counted = {name.split(":")[1] for name in counters if name.startswith("budget:") and name != POSTINGS}
    names = list(dict.fromkeys([*known_categories, *split, *sorted(counted)]))
    categories = {
        name: CategoryFigures(split.get(name, 0), counters.get(counter_name(name, USED), 0),
                              counters.get(counter_name(name, PENDING), 0))
        for name in names
    }
    return BudgetFigures(node_id, period, budget.amount if budget else None, categories,
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
    if budget.categories:
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
