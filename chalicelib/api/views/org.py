from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.api.views.auth import user_out
from chalicelib.domain.office_hours import OfficeCalendar
from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant

TAGS = ("org",)


def node_out(node: Node, children=(), ancestors=()) -> s.NodeOut:
    return s.NodeOut(
        id=node.id, kind=node.kind, name=node.name, parent_id=node.parent_id, region_code=node.region_code,
        path=list(node.path), children=[s.ChildOut(id=c.id, kind=c.kind, name=c.name) for c in children],
        ancestors=[s.ChildOut(id=a.id, kind=a.kind, name=a.name) for a in ancestors],
    )


@endpoint(summary="An office and its children (staff reaching it)", response=s.NodeOut, tags=TAGS, errors=(401, 404))
def get_node(ctx, id: str) -> s.NodeOut:
    node, children = ctx.deps.org.node_for_staff(ctx.user(), id)
    return node_out(node, children, ctx.deps.org.ancestors_in_reach(ctx.user(), node))


@endpoint(summary="Open a new office under one the caller administers", body=s.CreateNodeRequest,
          response=s.NodeOut, status=201, tags=TAGS, errors=(401, 404, 409, 422), gate=gates.admin)
def create_node(ctx, body: s.CreateNodeRequest) -> s.NodeOut:
    node = ctx.deps.org.create_node(ctx.user(), body.parent_id, body.kind, body.name, body.region_code)
    return node_out(node)


@endpoint(summary="Give staff roles; a new person gets an e-mail to set a password", body=s.StaffRequest,
          response=s.UserOut, status=201, tags=TAGS, errors=(401, 404, 409, 422), gate=gates.admin)
def invite_staff(ctx, body: s.StaffRequest) -> s.UserOut:
    grants = [Grant(r.role, r.node_id) for r in body.roles]
    nodes = ctx.deps.org.nodes([g.node_id for g in grants])
    user = ctx.deps.accounts.invite_staff(ctx.user(), body.email, body.name, grants, nodes)
    return user_out(user)


def calendar_out(ctx, node: Node, calendar: OfficeCalendar | None) -> s.CalendarOut:
    if calendar is None:
        return s.CalendarOut(node_id=node.id, source="none")
    shown = calendar.as_dict()
    return s.CalendarOut(
        node_id=node.id, source="own" if calendar.node_id == node.id else "inherited", source_node_id=calendar.node_id,
        zone=shown["zone"], week=shown["week"], holidays=[s.HolidayOut(**h) for h in shown["holidays"]],
        updated_at=ctx.api_time(calendar.updated_at),
    )


@endpoint(summary="An office's working hours and holidays (its own or inherited); SLAs count them",
          response=s.CalendarOut, tags=TAGS, errors=(401, 404))
def get_calendar(ctx, id: str) -> s.CalendarOut:
    return calendar_out(ctx, *ctx.deps.org.calendar(ctx.user(), id))


@endpoint(summary="Set an office's working hours and holidays (its admin); offices below follow it",
          body=s.CalendarRequest, response=s.CalendarOut, tags=TAGS, errors=(401, 404, 422), gate=gates.admin)
def put_calendar(ctx, id: str, body: s.CalendarRequest) -> s.CalendarOut:
    return calendar_out(ctx, *ctx.deps.org.set_calendar(ctx.user(), id, body.model_dump()))


@endpoint(summary="Drop an office's own calendar: it follows the one above again", status=204, tags=TAGS,
          errors=(401, 404), gate=gates.admin)
def delete_calendar(ctx, id: str) -> Result:
    ctx.deps.org.drop_calendar(ctx.user(), id)
    return Result(status=204)
