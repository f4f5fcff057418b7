from datetime import datetime

from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.domain.inspections import Inspection, is_overdue

TAGS = ("dam register",)


def inspection_out(ctx, inspection: Inspection) -> s.InspectionOut:
    today = ctx.deps.clock.now().astimezone(ctx.deps.settings.org_timezone).date()
    recommendations = [
        s.RecommendationOut(
            index=n, text=rec.text, due_date=rec.due_date, status=rec.status,
            overdue=rec.status != "done" and is_overdue(rec.due_date, today),
            changes=[s.FollowUpChangeOut(at=ctx.api_time(datetime.fromisoformat(c["at"])), actor=c["actor_name"],
                                         actor_id=c["actor_id"], before=c["from"], after=c["to"]) for c in rec.changes])
        for n, rec in enumerate(inspection.recommendations)
    ]
    return s.InspectionOut(
        id=inspection.id, kind=inspection.kind, cause=inspection.cause, date=inspection.date,
        inspectors=list(inspection.inspectors), findings=[s.FindingOut(**f) for f in inspection.findings],
        photos=list(inspection.photos), recommendations=recommendations, next_due=inspection.next_due,
        recorded_by=inspection.recorded_by_name, recorded_at=ctx.api_time(inspection.recorded_at),
        version=inspection.version,
    )


@endpoint(summary="A dam's inspections, newest recorded first (staff reaching it)", query=s.InspectionsQuery,
          response=s.InspectionList, tags=TAGS, errors=(401, 404, 422), gate=gates.dam_staff)
def list_inspections(ctx, id: str, query: s.InspectionsQuery) -> s.InspectionList:
    found, cursor = ctx.deps.inspections.page(ctx.user(), id, query.cursor, query.limit)
    return s.InspectionList(items=[inspection_out(ctx, i) for i in found], next_cursor=cursor)


@endpoint(summary="Record an inspection of a dam (a dam inspector reaching it)", body=s.InspectionRequest,
          response=s.InspectionOut, status=201, tags=TAGS, errors=(401, 404, 409, 422), gate=gates.dam_inspectors)
def record_inspection(ctx, id: str, body: s.InspectionRequest) -> Result:
    inspection = ctx.deps.inspections.record(ctx.user(), id, body.model_dump())
    return Result(inspection_out(ctx, inspection), 201, {"Location": f"/assets/{id}/inspections/{inspection.id}"})


@endpoint(summary="Follow up an inspection's recommendations by their index: open, in_progress or done "
                  "(the dam's registrars, operators, inspectors reaching it)",
          body=s.FollowUpRequest, response=s.InspectionOut, tags=TAGS, errors=(401, 404, 409, 422),
          gate=gates.dam_uploaders)
def follow_up(ctx, id: str, inspection_id: str, body: s.FollowUpRequest) -> s.InspectionOut:
    updates = [(item.index, item.status) for item in body.recommendations]
    return inspection_out(ctx, ctx.deps.inspections.follow_up(ctx.user(), id, inspection_id, updates))
