"""Event subscriptions (admins): /subscriptions. Deliveries are in the send log
(GET /integrations/sends?target=subscriptions)."""

from __future__ import annotations

from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint

TAGS = ("subscriptions",)


def subscription_out(ctx, sub, model=s.SubscriptionOut, **extra):
    return model(
        id=sub.id, url=sub.url, events=list(sub.events), node_id=sub.node_id, state=sub.state,
        description=sub.description, owner_id=sub.owner_id, created_at=ctx.api_time(sub.created_at),
        failures_in_a_row=sub.failures_in_a_row, paused_at=ctx.api_time(sub.paused_at),
        paused_reason=sub.paused_reason, last_delivered_at=ctx.api_time(sub.last_delivered_at), **extra,
    )


@endpoint(summary="Subscribe a URL to application events (admin); the signing secret is shown once",
          body=s.CreateSubscriptionRequest, response=s.CreatedSubscriptionOut, status=201, tags=TAGS,
          errors=(401, 404, 422), gate=gates.admin)
def create(ctx, body: s.CreateSubscriptionRequest) -> Result:
    sub, secret = ctx.deps.subscriptions.create(ctx.user(), body.url, body.events, body.node_id, body.description)
    return Result(subscription_out(ctx, sub, s.CreatedSubscriptionOut, secret=secret), 201,
                  {"Location": f"/subscriptions/{sub.id}"})


@endpoint(summary="The subscriptions of the offices I administer", query=s.PageQuery, response=s.SubscriptionList,
          tags=TAGS, errors=(401, 404, 422), gate=gates.admin)
def list_subscriptions(ctx, query: s.PageQuery) -> s.SubscriptionList:
    items, next_cursor = ctx.deps.subscriptions.page(ctx.user(), query.cursor, query.limit)
    return s.SubscriptionList(items=[subscription_out(ctx, sub) for sub in items], next_cursor=next_cursor)


@endpoint(summary="One subscription", response=s.SubscriptionOut, tags=TAGS, errors=(401, 404), gate=gates.admin)
def get(ctx, id: str) -> s.SubscriptionOut:
    return subscription_out(ctx, ctx.deps.subscriptions.get(ctx.user(), id))


@endpoint(summary="End a subscription; deliveries still waiting are not sent", status=204, tags=TAGS,
          errors=(401, 404), gate=gates.admin)
def delete(ctx, id: str) -> Result:
    ctx.deps.subscriptions.delete(ctx.user(), id)
    return Result(None, 204)


@endpoint(summary="Resume a paused subscription: the deliveries that waited are sent", response=s.SubscriptionOut,
          tags=TAGS, errors=(401, 404), gate=gates.admin)
def resume(ctx, id: str) -> s.SubscriptionOut:
    return subscription_out(ctx, ctx.deps.subscriptions.resume(ctx.user(), id))
