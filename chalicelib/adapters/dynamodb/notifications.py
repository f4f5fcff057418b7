"""Notifications: each user's partition (NOTE#…) holds in-app (N#) and mail-only (M#) ones and
the unread count, moved in the same transaction as what it counts. Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.outbox import DynamoOutboxStore
from chalicelib.adapters.dynamodb.shards import FAILED_NOTIFICATION_SHARDS, query_every_shard, sharded_key
from chalicelib.adapters.dynamodb.table import (
    Writes, committed_unless, is_condition_failure, key_time, query_page,
)
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.notifications import FAILED, SENT, Notification
from chalicelib.services.ports import OutboxKey

# Failed for good: filed in this partition of the pending index (sharded by the notification's
# id: a mail outage fails every notice), where ops find them.
FAILED_NOTIFICATIONS_PARTITION = "NOTIFY-FAILED"


def _failed_key(notification: Notification) -> str:
    return sharded_key(FAILED_NOTIFICATIONS_PARTITION, notification.id, FAILED_NOTIFICATION_SHARDS)


def _note_pk(user_id: str) -> str:
    return f"NOTE#{user_id}"


def _note_sk(notification: Notification) -> str:
    return ("N#" if notification.in_app else "M#") + notification.id


# Kept half a year: the list is a working tool, not an archive (the history is the record).
NOTIFICATION_DAYS = 183


def _notification_from_item(item: m.NotificationItem) -> Notification:
    return Notification(
        id=item.notification_id, user_id=item.user_id, kind=item.kind, params=item.params or {},
        created_at=item.created_at, application_id=item.application_id, read_at=item.read_at,
        delivery_status=item.delivery_status, attempts=int(item.attempts or 0), last_error=item.last_error,
        sent_at=item.sent_at,
    )


# DynamoDB's limit on the writes of one transaction.
MAX_TRANSACTION_ITEMS = 100


def _unread(notification: Notification) -> bool:
    return notification.in_app and notification.read_at is None


def put_notifications(tx: Writes, notifications: list[Notification]) -> None:
    """New notifications (each written once: its id is derived from what caused it), and each
    reader's unread count moved by as many as are theirs, in the caller's transaction."""
    unread: dict[str, int] = {}
    for n in notifications:
        tx.put("notification", m.NotificationItem(
            _note_pk(n.user_id), _note_sk(n), notification_id=n.id, user_id=n.user_id, kind=n.kind,
            params=n.params, application_id=n.application_id, created_at=n.created_at, read_at=n.read_at,
            delivery_status=n.delivery_status, attempts=n.attempts, last_error=n.last_error, sent_at=n.sent_at,
            unread_key=n.user_id if _unread(n) else None, unread_sort=n.id if _unread(n) else None,
            expires_ttl=n.created_at + timedelta(days=NOTIFICATION_DAYS),
        ), condition=m.NotificationItem.pk.does_not_exist())
        if _unread(n):
            unread[n.user_id] = unread.get(n.user_id, 0) + 1
    for user_id, count in unread.items():  # one update per reader: a transaction writes an item once
        tx.update("count", m.UnreadCountItem(_note_pk(user_id), "COUNT"), actions=[m.UnreadCountItem.unread.add(count)])


def _delivery_actions(notification: Notification, status: str, attempts: int, at: datetime, error: str | None,
                      message_id: str | None) -> list:
    actions = [m.NotificationItem.delivery_status.set(status), m.NotificationItem.attempts.set(attempts)]
    if error is not None:
        actions.append(m.NotificationItem.last_error.set(error[:500]))
    if status == SENT:
        actions += [m.NotificationItem.sent_at.set(at), m.NotificationItem.message_id.set(message_id or "")]
    if status == FAILED:
        actions += [m.NotificationItem.pending_key.set(_failed_key(notification)),
                    m.NotificationItem.pending_since.set(f"{key_time(at)}#{notification.id}")]
    return actions


class DynamoNotificationStore:
    def add(self, notification: Notification) -> bool:
        """Write a new notification (and count it unread); False if it was written before."""
        return committed_unless(lambda tx: put_notifications(tx, [notification]), "notification")

    def add_many(self, notifications: list[Notification]) -> list[Notification]:
        """One transaction for them all when none was written before (a change's notices, at
        their first fan-out); else, or past a transaction's size, one by one."""
        if not notifications:
            return []
        readers = {n.user_id for n in notifications if _unread(n)}
        if len(notifications) + len(readers) <= MAX_TRANSACTION_ITEMS:
            if committed_unless(lambda tx: put_notifications(tx, notifications), "notification"):
                return list(notifications)
        return [n for n in notifications if self.add(n)]

    def get(self, user_id: str, notification_id: str, in_app: bool = True) -> Notification | None:
        try:
            item = m.NotificationItem.get(_note_pk(user_id), ("N#" if in_app else "M#") + notification_id,
                                          consistent_read=True)
        except DoesNotExist:
            return None
        return _notification_from_item(item)

    def page(self, user_id: str, cursor: str | None, limit: int, unread_only: bool) -> tuple[list[Notification], str | None]:
        """Newest first: the in-app items of the user's partition, or the unread index. One
        Query either way; the cursor is the sort key of the last item given out."""
        after = decode_cursor(cursor)
        if after is not None and not after.startswith("N#"):
            raise InvalidInput("bad cursor", [FieldProblem("cursor", "is not a cursor this list gave out")])
        if unread_only:
            condition = m.NotificationItem.unread_sort < after.removeprefix("N#") if after else None
            items, last = query_page(m.NotificationItem, hash_key=user_id, index_name="unread", limit=limit,
                                     range_key_condition=condition, scan_index_forward=False)
        else:
            # The in-app items sort between "N#" and the cursor (inclusive): one more is read
            # so that dropping the cursor's own item still fills the page.
            condition = m.Item.sk.between("N#", after) if after else m.Item.sk.startswith("N#")
            items, last = query_page(hash_key=_note_pk(user_id), range_key_condition=condition,
                                     limit=limit + (1 if after else 0), scan_index_forward=False, consistent_read=True)
            items = [raw for raw in items if raw["sk"]["S"] != after][:limit]
        found = [_notification_from_item(m.NotificationItem.from_raw_data(raw)) for raw in items]
        next_cursor = encode_cursor("N#" + found[-1].id) if last and found else None
        return found, next_cursor

    def unread_count(self, user_id: str) -> int:
        raw = m.Item._get_connection().get_item(_note_pk(user_id), "COUNT", consistent_read=True).get("Item") or {}
        return max(0, int(raw.get("unread", {}).get("N", 0)))

    def mark_read(self, user_id: str, notification_id: str, at: datetime) -> bool:
        """False if it was read already (the count moves once)."""

        def build(tx: Writes) -> None:
            tx.update("notification", m.NotificationItem(_note_pk(user_id), f"N#{notification_id}"),
                      actions=[m.NotificationItem.read_at.set(at), m.NotificationItem.unread_key.remove(),
                               m.NotificationItem.unread_sort.remove()],
                      condition=m.NotificationItem.pk.exists() & m.NotificationItem.read_at.does_not_exist())
            tx.update("count", m.UnreadCountItem(_note_pk(user_id), "COUNT"), actions=[m.UnreadCountItem.unread.add(-1)])

        return committed_unless(build, "notification")

    def record_delivery(self, notification: Notification, status: str, attempts: int, at: datetime,
                        error: str | None = None, message_id: str | None = None) -> None:
        """What the last delivery attempt did. A failure for good also files the notification
        in the failed partition of the pending index, where ops find it."""
        actions = _delivery_actions(notification, status, attempts, at, error, message_id)
        item = m.NotificationItem(_note_pk(notification.user_id), _note_sk(notification))
        try:
            # Never back from sent: a late failure report of a redelivered job must not undo it.
            item.update(actions=actions, condition=m.NotificationItem.pk.exists()
                        & (m.NotificationItem.delivery_status != SENT))
        except UpdateError as error_:
            if not is_condition_failure(error_):
                raise

    def record_sent(self, sent: list[tuple[Notification, str]], at: datetime, entries_done: Iterable[OutboxKey] = ()) -> None:
        """One transaction for a fan-out's mails sent at their first attempt and the outbox
        entries that told of them; should one of them be recorded meanwhile (a redelivered
        job), each on its own."""
        done = list(entries_done)
        if len(sent) + len(done) > MAX_TRANSACTION_ITEMS:
            self._record_one_by_one(sent, at, done)
            return

        def build(tx: Writes) -> None:
            for notification, message_id in sent:
                tx.update("sent", m.NotificationItem(_note_pk(notification.user_id), _note_sk(notification)),
                          actions=_delivery_actions(notification, SENT, 1, at, None, message_id),
                          condition=m.NotificationItem.pk.exists() & (m.NotificationItem.delivery_status != SENT))
            for key in done:
                tx.delete("outbox", m.OutboxItem(key.pk, key.sk))

        if sent or done:
            if not committed_unless(build, "sent"):
                self._record_one_by_one(sent, at, done)

    def _record_one_by_one(self, sent: list[tuple[Notification, str]], at: datetime, done: list[OutboxKey]) -> None:
        for notification, message_id in sent:
            self.record_delivery(notification, SENT, 1, at, message_id=message_id)
        DynamoOutboxStore().done_many(done)

    def record_returned(self, notification: Notification, status: str, detail: str, at: datetime) -> bool:
        """Mail SES had accepted came back (bounced, or marked as spam): said on the notification
        and filed with the failed ones for ops. False when there is no such notification."""
        item = m.NotificationItem(_note_pk(notification.user_id), _note_sk(notification))
        try:
            item.update(actions=[
                m.NotificationItem.delivery_status.set(status), m.NotificationItem.last_error.set(detail[:500]),
                m.NotificationItem.pending_key.set(_failed_key(notification)),
                m.NotificationItem.pending_since.set(f"{key_time(at)}#{notification.id}"),
            ], condition=m.NotificationItem.pk.exists())
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def failed(self, limit: int) -> list[Notification]:
        items = query_every_shard(m.UserItem, FAILED_NOTIFICATIONS_PARTITION, FAILED_NOTIFICATION_SHARDS, "pending",
                                  "pending_since", limit, descending=True)
        keys = [(raw["pk"]["S"], raw["sk"]["S"]) for raw in items]
        # A batch read answers in any order: newest first is the index's order, kept here.
        found = {(item.pk, item.sk): item for item in m.NotificationItem.batch_get(keys)} if keys else {}
        return [_notification_from_item(found[key]) for key in keys if key in found]
