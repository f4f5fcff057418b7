from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint

TAGS = ("budgets",)


@endpoint(summary="The month's spending reports at an office and below, whatever their status: point, "
                  "description, status, amount and approval date (the usage report's recap), page by page",
          query=s.RecapQuery, response=s.RecapList, tags=TAGS, errors=(401, 404, 422), gate=gates.reports)
def recap(ctx, node_id: str, period: str, query: s.RecapQuery) -> s.RecapList:
    entries, cursor = ctx.deps.budget_recap.page(ctx.user(), node_id, period, query.cursor, query.limit)
    return s.RecapList(items=[
        s.RecapEntryOut(application_id=e.application_id, tracking_code=e.tracking_code, node_id=e.node_id,
                        office=e.office, point=e.point, activity=e.activity, description=e.description,
                        category=e.category, status=e.status, amount=e.amount, spent_on=e.spent_on,
                        approved_at=ctx.api_time(e.approved_at))
        for e in entries
    ], next_cursor=cursor)
