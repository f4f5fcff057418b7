from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint

TAGS = ("notifications",)


def _delivery(ctx, n) -> s.DeliveryOut:
    return s.DeliveryOut(status=n.delivery_status, attempts=n.attempts, last_error=n.last_error,
                         sent_at=ctx.api_time(n.sent_at))


@endpoint(summary="My notifications, newest first, with the unread count", query=s.NotificationsQuery,
          response=s.NotificationList, tags=TAGS, errors=(401, 422))
def list_notifications(ctx, query: s.NotificationsQuery) -> s.NotificationList:
    items, unread, next_cursor = ctx.deps.notifications.page(ctx.user(), query.unread, query.cursor, query.limit)
    return s.NotificationList(
        items=[s.NotificationOut(
            id=r.notification.id, kind=r.notification.kind, title=r.title, summary=r.summary,
            application_id=r.notification.application_id, tracking_code=r.notification.params.get("tracking_code"),
            link=r.link, created_at=ctx.api_time(r.notification.created_at), read_at=ctx.api_time(r.notification.read_at),
            delivery=_delivery(ctx, r.notification),
        ) for r in items],
        unread_count=unread, next_cursor=next_cursor,
    )


@endpoint(summary="Mark one of my notifications read", status=204, tags=TAGS, errors=(401, 404))
def mark_read(ctx, id: str) -> Result:
    ctx.deps.notifications.mark_read(ctx.user(), id)
    return Result(None, 204)


@endpoint(summary="Notifications whose e-mail failed for good (ops)", query=s.PageQuery,
          response=s.FailedNotificationList, tags=TAGS, errors=(401, 404, 422), gate=gates.ops)
def failed(ctx, query: s.PageQuery) -> s.FailedNotificationList:
    items = ctx.deps.notifications.failed(ctx.user(), query.limit)
    return s.FailedNotificationList(items=[
        s.FailedNotificationOut(id=n.id, user_id=n.user_id, kind=n.kind, application_id=n.application_id,
                                created_at=ctx.api_time(n.created_at), delivery=_delivery(ctx, n))
        for n in items
    ])
