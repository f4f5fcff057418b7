"""Counters of tries (logins), failures (codes) or sends (codes) per key, in fixed windows: one
item per key, moved by conditional updates that never read first, so requests at the same moment
each count. Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import is_condition_failure
from chalicelib.domain.errors import Conflict
from chalicelib.services.ports import Attempt

T = m.ThrottleItem

# Rounds of (count in the window, else open a new window) before giving up: each round fails only
# when another request opened the window between our two writes, so a third round is rare.
ROUNDS = 3
# A try refused because others kept writing at the same moment may come back after this long.
CONTENTION_BACKOFF = timedelta(seconds=1)


def _pk(scope: str, key: str) -> str:
    return f"THROTTLE#{scope}#{key}"


def _not_locked(now: datetime):
    return T.locked_until.does_not_exist() | (T.locked_until <= now)


class DynamoThrottleStore:
    def locked_until(self, scope: str, key: str, now: datetime) -> datetime | None:
        try:
            item = T.get(_pk(scope, key), "T", consistent_read=True)
        except DoesNotExist:
            return None
        if item.locked_until and item.locked_until > now:
            return item.locked_until
        return None

    def take(self, scope: str, key: str, now: datetime, window: timedelta, limit: int,
             lock_for: timedelta) -> Attempt:
        pk = _pk(scope, key)
        open_with_room = (T.window_started > now - window) & (T.count < limit) & _not_locked(now)
        for _ in range(ROUNDS):
            item = _add_one(pk, now, window, lock_for, open_with_room) or _open_window(pk, now, window, lock_for)
            if item is not None:
                if int(item.count) >= limit:
                    _lock(pk, now, lock_for)
                return Attempt(granted=True, last=int(item.count) >= limit)
            refused = _refused_until(pk, now, window, limit)
            if refused is not None:
                return Attempt(granted=False, refused_until=refused)
        return Attempt(granted=False, refused_until=now + CONTENTION_BACKOFF)

    def count(self, scope: str, key: str, now: datetime, window: timedelta, lock_at: int | None = None,
              lock_for: timedelta | None = None) -> tuple[int, datetime | None]:
        """Count one more event in the current window; lock when `lock_at` is reached.
        Answers the count in the window and the lock's end, if any."""
        pk = _pk(scope, key)
        for _ in range(ROUNDS):
            item = (_add_one(pk, now, window, lock_for, T.window_started > now - window)
                    or _open_window(pk, now, window, lock_for, locks_hold=False))
            if item is None:
                continue
            if lock_at is not None and lock_for is not None and int(item.count) >= lock_at:
                return 0, _lock(pk, now, lock_for)
            locked = item.locked_until if item.locked_until and item.locked_until > now else None
            return int(item.count), locked
        raise Conflict("too many concurrent attempts; try again")

    def clear(self, scope: str, key: str) -> None:
        T(_pk(scope, key), "T").delete()


# ---- the writes: each one conditional update, answering the item as it is after it ---------------

def _add_one(pk: str, now: datetime, window: timedelta, lock_for: timedelta | None, condition) -> m.ThrottleItem | None:
    """One more in the open window (an atomic ADD); None when the condition does not hold."""
    return _update(pk, [T.count.add(1), T.expires_ttl.set(_expiry(now, window, lock_for))], condition)


def _open_window(pk: str, now: datetime, window: timedelta, lock_for: timedelta | None,
                 locks_hold: bool = True) -> m.ThrottleItem | None:
    """A new window at one, if there is none or the last one is over (and, for tries, no lock
    holds). An update, not a put: a lock the counting of events leaves alone stays."""
    over = T.window_started.does_not_exist() | (T.window_started <= now - window)
    if locks_hold:
        over = over & _not_locked(now)
    return _update(pk, [T.count.set(1), T.window_started.set(now), T.expires_ttl.set(_expiry(now, window, lock_for))],
                   over)


def _update(pk: str, actions: list, condition) -> m.ThrottleItem | None:
    item = T(pk, "T")
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return item


def _lock(pk: str, now: datetime, lock_for: timedelta) -> datetime:
    """Locked from now; the count starts again, to be taken once the lock is over."""
    until = now + lock_for
    T(pk, "T").update(actions=[
        T.locked_until.set(until), T.count.set(0), T.window_started.set(now),
        T.expires_ttl.set(until + timedelta(days=1)),
    ])
    return until


def _refused_until(pk: str, now: datetime, window: timedelta, limit: int) -> datetime | None:
    """Why a try was not granted: a lock, or the window's tries all taken (until it ends).
    None means neither holds any more: another request moved the item meanwhile."""
    try:
        item = T.get(pk, "T", consistent_read=True)
    except DoesNotExist:
        return None
    if item.locked_until and item.locked_until > now:
        return item.locked_until
    if item.window_started and item.window_started > now - window and int(item.count) >= limit:
        return item.window_started + window
    return None


def _expiry(now: datetime, window: timedelta, lock_for: timedelta | None) -> datetime:
    return now + window + (lock_for or timedelta(0)) + timedelta(days=1)
