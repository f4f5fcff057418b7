from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.domain.budgets import BudgetFigures
from chalicelib.services.budgets import OfficeFigures

TAGS = ("budgets",)


def budget_out(figures: BudgetFigures) -> s.BudgetOut:
    return s.BudgetOut(
        node_id=figures.node_id, period=figures.period, amount=figures.amount, recommendation=figures.recommended,
        used=figures.used, pending=figures.pending, remaining=figures.remaining, percent_used=figures.percent_used,
        allocated_to_children=figures.allocated,
        categories={name: s.CategoryOut(recommended=c.recommended, used=c.used, pending=c.pending, remaining=c.remaining,
                                        percent_used=c.percent_used)
                    for name, c in figures.categories.items()},
    )


def office_out(office: OfficeFigures) -> s.OfficeFiguresOut:
    return s.OfficeFiguresOut(
        node_id=office.node_id, name=office.name, kind=office.kind, period=office.budget.period,
        applications=office.applications, by_status=office.by_status, by_service=office.by_service,
        budget=budget_out(office.budget),
    )


@endpoint(summary="Set an office's budget for a month (a budget_allocator above it adds money; a "
                  "budget_recommender above it divides what an office within reach holds)", body=s.BudgetAmountRequest,
          response=s.BudgetOut, tags=TAGS, errors=(401, 403, 404, 409, 422), gate=gates.allocator_of)
def set_budget(ctx, node_id: str, period: str, body: s.BudgetAmountRequest) -> s.BudgetOut:
    return budget_out(ctx.deps.budgets.set_amount(ctx.user(), node_id, period, body.amount))


@endpoint(summary="Split the month's budget into categories (a budget_recommender reaching the office)",
          body=s.RecommendationRequest, response=s.BudgetOut, tags=TAGS, errors=(401, 404, 409, 422),
          gate=gates.recommender_of)
def set_recommendation(ctx, node_id: str, period: str, body: s.RecommendationRequest) -> s.BudgetOut:
    return budget_out(ctx.deps.budgets.set_recommendation(ctx.user(), node_id, period, body.categories))


@endpoint(summary="An office's budget for a month, with what is used and pending", response=s.BudgetOut, tags=TAGS,
          errors=(401, 404, 422))
def get_budget(ctx, node_id: str, period: str) -> s.BudgetOut:
    return budget_out(ctx.deps.budgets.get(ctx.user(), node_id, period))


@endpoint(summary="An office's month: applications, budget, each child office, 12 months and the month's days",
          query=s.DashboardQuery, response=s.DashboardOut, tags=TAGS, errors=(401, 404, 422), gate=gates.figures_of)
def dashboard(ctx, node_id: str, query: s.DashboardQuery) -> s.DashboardOut:
    board = ctx.deps.budgets.dashboard(ctx.user(), node_id, query.period)
    office = office_out(board.office)
    return s.DashboardOut(**office.model_dump(exclude={"budget"}), budget=office.budget,
                          children=[office_out(c) for c in board.children],
                          series=[office_out(m) for m in board.series],
                          satisfaction=[s.SatisfactionOut(service_id=service_id, **figures)
                                        for service_id, figures in sorted(board.satisfaction.items())],
                          daily=[s.DayOut(date=d.day, used=d.used, pending=d.pending) for d in board.daily],
                          dam_obligations=s.DamObligationsOut(**board.dam_obligations),
                          steps=[s.StepFiguresOut(**vars(step), over_sla=step.over_sla) for step in board.steps],
                          counted_through=ctx.api_time(board.counted_through))


@endpoint(summary="The dashboard as CSV: one row per office and category", query=s.DashboardQuery, tags=TAGS,
          errors=(401, 404, 422), gate=gates.figures_of)
def export_csv(ctx, node_id: str, query: s.DashboardQuery) -> Result:
    text = ctx.deps.budgets.export_csv(ctx.user(), node_id, query.period)
    filename = f"dashboard-{node_id}-{query.period}.csv"
    # A byte-order mark: Excel opens UTF-8 CSV as such only with one.
    return Result("\ufeff" + text, 200, {"Content-Type": "text/csv; charset=utf-8",
                                         "Content-Disposition": f'attachment; filename="{filename}"'})
