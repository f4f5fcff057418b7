"""Budgets and dashboards: setting and splitting a month's budget, and the figures of an office
read from counters (a handful of key reads, whatever the number of applications)."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

from chalicelib.domain import budgets as rules
from chalicelib.domain.budgets import (
    ALLOCATOR_ROLES, RECOMMENDER_ROLES, Budget, BudgetCheck, BudgetFigures, BudgetWrite, DayFigures,
)
from chalicelib.domain.catalog import Catalog, ServiceType
from chalicelib.domain.dashboard_steps import StepFigures, step_figures
from chalicelib.domain.obligations import STATUSES as OBLIGATION_STATUSES
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.application_state import STATUSES, Application
from chalicelib.domain.org import Node
from chalicelib.domain.people import FIGURES_ROLES, Principal
from chalicelib.services.ports import ApplicationStore, BudgetStore, Clock, OrgStore, StaleBudget

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfficeFigures:
    """One office's month: applications filed that month by status and by service, and its
    budget with what is used of it."""

    node: Node | None
    node_id: str
    name: str
    kind: str
    by_status: dict[str, int]
    by_service: dict[str, dict[str, int]]
    budget: BudgetFigures

    @property
    def applications(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Dashboard:
    office: OfficeFigures
    period: str
    children: list[OfficeFigures]
    series: list[OfficeFigures]  # the office itself, one per month, oldest first
    daily: list[DayFigures]  # the office itself, one per day of `period`, first to last
    # The public satisfaction index (IKM) per service in the month, from the office's counters.
    satisfaction: dict[str, dict] = field(default_factory=dict)
    # The dams' monitoring obligations falling due in the month at the office and below (open,
    # overdue, met), from the same counters (domain/obligations.py).
    dam_obligations: dict[str, int] = field(default_factory=dict)
    # Each workflow step with applications filed in the month at the office and below: open,
    # overdue, suspended, and p50/p90 processing time against its SLA (domain/dashboard_steps.py).
    steps: list[StepFigures] = field(default_factory=list)
    # The newest change counted into the figures read: the counters follow the changes by the
    # stream's delay (adapters/dynamodb/counters.py), and the page says how current they are.
    counted_through: datetime | None = None


def application_counts(counters: dict[str, int]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    by_status = {status: counters.get(f"status:{status}", 0) for status in STATUSES}
    by_service: dict[str, dict[str, int]] = {}
    for name, value in counters.items():
        if name.startswith("service:") and value:
            _, service_id, status = name.split(":", 2)
            by_service.setdefault(service_id, {})[status] = value
    return by_status, by_service


class BudgetService:
    def __init__(self, *, budgets: BudgetStore, org: OrgStore, applications: ApplicationStore, catalog: Catalog,
                 clock: Clock, tz: timezone) -> None:
        self.budgets = budgets
        self.org = org
        self.applications = applications
        self.catalog = catalog
        self.clock = clock
        self.tz = tz

    def categories(self) -> tuple[str, ...]:
        """Every category a budget-posting service offers, in the catalog's order."""
        names: list[str] = []
        for service in self.catalog.current():
            if service.on_approval.budget_posting:
                names.extend((service.field("category").options or []) if service.field("category") else [])
        return tuple(dict.fromkeys(names))

    # Each office as the caller may use it; outside that it does not exist for them (404). The
    # routes ask these first (their gates), before the period or the body is read.

    def office(self, caller: Principal, node_id: str) -> Node:
        """An office whose figures the caller sees."""
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=FIGURES_ROLES):
            raise NotFound("no such office")
        return node

    def office_to_allocate(self, caller: Principal, node_id: str) -> Node:
        """An office below one where the caller is budget_allocator (who adds money) or
        budget_recommender (who divides what is there among offices; the rules say which)."""
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path[:-1], roles=ALLOCATOR_ROLES + RECOMMENDER_ROLES):
            raise NotFound("no such office among those whose budget you set")
        return node

    def office_to_split(self, caller: Principal, node_id: str) -> Node:
        """An office at or below one where the caller is budget_recommender."""
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=RECOMMENDER_ROLES):
            raise NotFound("no such office among those whose budget you split")
        return node

    # ---- setting ---------------------------------------------------------------------------

    def set_amount(self, caller: Principal, node_id: str, period: str, amount: int) -> BudgetFigures:
        node = self.office_to_allocate(caller, node_id)
        rules.check_period(period)
        for _ in range(3):
            current, above = self._path(node, period)
            change = rules.set_amount(current, above[0] if above else None, node, caller, amount, self.clock.now(),
                                      tuple(above[1:]))
            try:
                self.budgets.write(change)
            except StaleBudget:
                continue  # a sibling's budget or the split moved meanwhile: check again
            logger.info("budget set", extra={"node_id": node.id, "period": period, "amount": amount})
            return self.figures(node, period, change.budget)
        raise Conflict("the budget kept changing while it was being set; try again")

    def set_recommendation(self, caller: Principal, node_id: str, period: str,
                           categories: dict[str, int]) -> BudgetFigures:
        node = self.office_to_split(caller, node_id)
        rules.check_period(period)
        current, above = self._path(node, period)
        change = rules.set_recommendation(current, node, caller, categories, self.categories(), self.clock.now(),
                                          tuple(above))
        try:
            self.budgets.write(change)
        except StaleBudget:
            raise Conflict("the budget changed while you were splitting it; reload it and try again") from None
        logger.info("budget split", extra={"node_id": node.id, "period": period, "categories": len(categories)})
        return self.figures(node, period, change.budget)

    def _path(self, node: Node, period: str) -> tuple[Budget, list[Budget]]:
        """The office's budget of the month and those above it, nearest first: one batched read
        (the tree is at most six deep), as each change rolls up through them."""
        found = self.budgets.get_many([(node_id, period) for node_id in node.path])
        path = [found.get((node_id, period)) or Budget(node_id, period) for node_id in node.path]
        return path[-1], path[-2::-1]

    # ---- reading ---------------------------------------------------------------------------

    def get(self, caller: Principal, node_id: str, period: str) -> BudgetFigures:
        node = self.office(caller, node_id)
        rules.check_period(period)
        return self.figures(node, period, self.budgets.get(node.id, period))

    def figures(self, node: Node, period: str, budget: Budget | None) -> BudgetFigures:
        counters = self.applications.counters(node.id, period)
        return rules.figures(node.id, period, budget, counters, self.categories())

    def grant_write(self, app: Application, service: ServiceType, caller: Principal) -> BudgetWrite | None:
        """What approving a budget request writes: the budgets along its path for its month
        (one batched read), with the amount added (domain/budgets.grant_request)."""
        granted = rules.grant_of(app, service)
        if granted is None:
            return None
        found = self.budgets.get_many([(node_id, granted[0]) for node_id in app.node_path])
        path = {node_id: budget for (node_id, _), budget in found.items()}
        return rules.grant_request(app, service, path, caller, self.clock.now())

    def check_report(self, app: Application, service: ServiceType) -> BudgetCheck | None:
        """How a spending report stands against its budget (two batched reads), or None."""
        posting = rules.posting_of(app, service)
        if posting is None:
            return None
        period = posting[0]
        budgets = {node_id: b for (node_id, _), b in self.budgets.get_many([(n, period) for n in app.node_path]).items()}
        governing = next((n for n in reversed(app.node_path) if budgets.get(n) and budgets[n].amount is not None), None)
        counters = {governing: self.applications.counters(governing, period)} if governing else {}
        return rules.check_report(app, service, budgets, counters)

    def dashboard(self, caller: Principal, node_id: str, period: str) -> Dashboard:
        """The office, each child office, the office's last 12 months and the days of the month:
        one Query for the children, then batched key reads of budgets and counters (at most 100
        keys a call)."""
        node, links = self.org.get_with_children(node_id)
        if node is None or not caller.reaches(node.path, roles=FIGURES_ROLES):
            raise NotFound("no such office")
        rules.check_period(period)
        months, days = rules.months_up_to(period), rules.days_of(period)
        keys = [(node.id, month) for month in months] + [(link.id, period) for link in links]
        budgets = self.budgets.get_many(keys)
        counters, counted_through = self.applications.counters_counted(keys + [(node.id, day) for day in days])
        known = self.categories()

        def office(node_id: str, name: str, kind: str, month: str, full: Node | None = None) -> OfficeFigures:
            counted = counters.get((node_id, month), {})
            by_status, by_service = application_counts(counted)
            return OfficeFigures(full, node_id, name, kind, by_status, by_service,
                                 rules.figures(node_id, month, budgets.get((node_id, month)), counted, known))

        series = [office(node.id, node.name, node.kind, month, node) for month in months]
        children = [office(link.id, link.name, link.kind, period) for link in links]
        from chalicelib.services.surveys import satisfaction_from_counters

        daily = [rules.day_figures(day, counters.get((node.id, day), {})) for day in days]
        month = counters.get((node.id, period), {})
        return Dashboard(series[-1], period, children, series, daily, satisfaction_from_counters(month),
                         {status: month.get(f"dam_obligations:{status}", 0) for status in OBLIGATION_STATUSES},
                         step_figures(month, self.catalog), counted_through)

    def export_csv(self, caller: Principal, node_id: str, period: str) -> str:
        """The dashboard for a spreadsheet: one row per office and category (the office first,
        then its children), with a TOTAL row per office that carries the application counts."""
        board = self.dashboard(caller, node_id, period)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["period", "node_id", "node_kind", "node_name", "level", "category", "budget", "recommended",
                         "used", "pending", "remaining", "percent_used", "applications",
                         *[f"status_{s}" for s in STATUSES]])
        for level, office in [("office", board.office)] + [("child", c) for c in board.children]:
            figures = office.budget
            base = [period, office.node_id, office.kind, office.name, level]
            writer.writerow([_cell(v) for v in [
                *base, "TOTAL", figures.amount, figures.recommended, figures.used, figures.pending, figures.remaining,
                figures.percent_used, office.applications, *[office.by_status[s] for s in STATUSES]]])
            for name, category in figures.categories.items():
                writer.writerow([_cell(v) for v in [
                    *base, name, "", category.recommended, category.used, category.pending, category.remaining,
                    category.percent_used, "", *["" for _ in STATUSES]]])
        return out.getvalue()


def _cell(value: object) -> str:
    """A spreadsheet cell that is never a formula: office names come from people, and a name
    starting with = + - @ would run in Excel (CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
