"""Counters of failures (logins) or sends (codes) per key, in fixed windows: one item per key,
written on the count that was read. Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import is_condition_failure
from chalicelib.domain.errors import Conflict


class DynamoThrottleStore:
    """Counters of failures (logins) or sends (codes) per key, in fixed windows."""

    def locked_until(self, scope: str, key: str, now: datetime) -> datetime | None:
        try:
            item = m.ThrottleItem.get(f"THROTTLE#{scope}#{key}", "T", consistent_read=True)
        except DoesNotExist:
            return None
        if item.locked_until and item.locked_until > now:
            return item.locked_until
        return None

    def count(self, scope: str, key: str, now: datetime, window: timedelta, lock_at: int | None = None,
              lock_for: timedelta | None = None) -> tuple[int, datetime | None]:
        """Count one more event in the current window; lock when `lock_at` is reached.
        Answers the count in the window and the lock's end, if any."""
        pk = f"THROTTLE#{scope}#{key}"
        for _ in range(5):
            try:
                item = m.ThrottleItem.get(pk, "T", consistent_read=True)
                condition = m.ThrottleItem.count == int(item.count)
            except DoesNotExist:
                item = m.ThrottleItem(pk, "T", count=0)
                condition = m.ThrottleItem.pk.does_not_exist()
            if item.window_started is None or now - item.window_started >= window:
                item.window_started, item.count = now, 0
            item.count = int(item.count) + 1
            if lock_at is not None and item.count >= lock_at and lock_for is not None:
                item.locked_until = now + lock_for
                item.count, item.window_started = 0, now
            item.expires_ttl = now + window + (lock_for or timedelta(0)) + timedelta(days=1)
            try:
                item.save(condition=condition)
            except PutError as error:
                if is_condition_failure(error):
                    continue  # someone counted at the same moment: count again on their result
                raise
            locked = item.locked_until if item.locked_until and item.locked_until > now else None
            return int(item.count), locked
        raise Conflict("too many concurrent attempts; try again")

    def clear(self, scope: str, key: str) -> None:
        m.ThrottleItem(f"THROTTLE#{scope}#{key}", "T").delete()
