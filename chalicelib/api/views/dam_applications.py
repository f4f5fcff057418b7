from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint
from chalicelib.domain.application_state import AWAITING_DECISION, Application

TAGS = ("dam register",)


def _out(ctx, app: Application, can_open: bool) -> s.DamApplicationOut:
    service = ctx.deps.catalog.service_of(app)
    current = None
    if service is not None and app.step is not None and app.status in AWAITING_DECISION:
        step = service.step_at(app.step)
        current = s.DamApplicationStepOut(name=step.name, label=step.label, label_en=step.label_en)
    return s.DamApplicationOut(
        id=app.id, tracking_code=app.tracking_code, service_id=app.service_id,
        service_name=service.name if service else app.service_id,
        service_name_en=service.name_en if service else app.service_id,
        status=app.status, step=app.step, steps_total=app.steps_total, current_step=current,
        created_at=ctx.api_time(app.created_at), submitted_at=ctx.api_time(app.submitted_at),
        updated_at=ctx.api_time(app.updated_at), can_open=can_open,
    )


@endpoint(summary="The applications whose form names a dam, newest filed first (staff reaching it)",
          query=s.DamApplicationsQuery, response=s.DamApplicationList, tags=TAGS, errors=(401, 404, 422),
          gate=gates.dam_staff)
def list_dam_applications(ctx, id: str, query: s.DamApplicationsQuery) -> s.DamApplicationList:
    shown, cursor = ctx.deps.dam_applications.page(ctx.user(), id, query.cursor, query.limit)
    return s.DamApplicationList(items=[_out(ctx, app, can_open) for app, can_open in shown], next_cursor=cursor)
