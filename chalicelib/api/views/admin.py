"""issue 20: admin — who holds what at an office, granting and revoking roles, pausing an event
subscription. Non-admins get 404 at the gate, as for every admin route."""

from __future__ import annotations

from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.api.schemas import admin as a
from chalicelib.api.views.auth import user_out
from chalicelib.api.views.subscriptions import subscription_out

TAGS = ("org",)


@endpoint(summary="Who holds which role at an office (its admins); one page of its staff roll", query=s.PageQuery,
          response=a.StaffList, tags=TAGS, errors=(401, 404, 422), gate=gates.admin)
def list_staff(ctx, id: str, query: s.PageQuery) -> a.StaffList:
    members, next_cursor = ctx.deps.staff.roll(ctx.user(), id, query.cursor, query.limit)
    return a.StaffList(node_id=id, next_cursor=next_cursor, items=[
        a.StaffRoleOut(user_id=m.entry.user_id, name=m.name, email=m.email, status=m.status, role=m.entry.role,
                       node_id=m.entry.node_id, granted_at=ctx.api_time(m.entry.granted_at), granted_by=m.entry.granted_by)
        for m in members])


@endpoint(summary="Give an account a role at an office the caller administers", body=s.Role, response=s.UserOut,
          status=201, tags=TAGS, errors=(401, 404, 409, 422), gate=gates.admin)
def grant_role(ctx, id: str, body: s.Role) -> Result:
    user = ctx.deps.staff.grant(ctx.user(), id, body.role, body.node_id)
    return Result(user_out(user), 201)


@endpoint(summary="Take a role away; the delegations lent out of it end with it", response=a.RevokedOut, tags=TAGS,
          errors=(401, 404, 409), gate=gates.admin)
def revoke_role(ctx, id: str, role: str, node_id: str) -> a.RevokedOut:
    ended = ctx.deps.staff.revoke(ctx.user(), id, role, node_id)
    return a.RevokedOut(user_id=id, role=role, node_id=node_id, ended_delegations=[
        a.EndedDelegationOut(id=d.id, delegate_id=d.delegate_id, delegate_name=d.delegate_name,
                             starts_at=ctx.api_time(d.starts_at), ends_at=ctx.api_time(d.ends_at)) for d in ended])


@endpoint(summary="Pause a subscription: deliveries wait until it is resumed", response=s.SubscriptionOut,
          tags=("subscriptions",), errors=(401, 404), gate=gates.admin)
def pause_subscription(ctx, id: str) -> s.SubscriptionOut:
    return subscription_out(ctx, ctx.deps.subscriptions.pause(ctx.user(), id))


@endpoint(summary="A subscription's deliveries, newest first: state, attempts and the receiver's answers",
          query=s.PageQuery, response=a.SubscriptionDeliveryList, tags=("subscriptions",), errors=(401, 404, 422), gate=gates.admin)
def list_deliveries(ctx, id: str, query: s.PageQuery) -> a.SubscriptionDeliveryList:
    entries, next_cursor = ctx.deps.subscription_deliveries.page(ctx.user(), id, query.cursor, query.limit)
    return a.SubscriptionDeliveryList(next_cursor=next_cursor, items=[delivery_out(ctx, e) for e in entries])


def delivery_out(ctx, entry) -> a.SubscriptionDeliveryOut:
    application = entry.fields.get("application") or {}
    return a.SubscriptionDeliveryOut(
        event_id=entry.fields.get("id", entry.key), event=entry.dataset, application_id=application.get("id"),
        tracking_code=application.get("tracking_code"), state=entry.state, attempts=entry.attempts,
        created_at=ctx.api_time(entry.created_at), next_attempt_at=ctx.api_time(entry.next_attempt_at),
        last_attempt_at=ctx.api_time(entry.last_attempt_at), last_http_status=entry.last_http_status,
        last_message=entry.last_message, sent_at=ctx.api_time(entry.sent_at),
    )
