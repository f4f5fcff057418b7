"""In-memory users, sessions, throttles, delegations and notifications, with the conditional
writes of the DynamoDB stores (same answers, same exceptions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Iterable

from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import Grant, User
from chalicelib.domain.notifications import FAILED, SENT, Notification
from chalicelib.services.ports import Attempt, EmailTaken, Session, StoredCode
from tests.fakes.paging import ConditionFailed, page_after


class FakeUserStore:
    def __init__(self) -> None:
        self.profiles: dict[str, User] = {}  # grants and delegations are kept apart, as in the table
        self.emails: dict[str, str] = {}
        self.grants: dict[str, set[Grant]] = {}
        self.codes: dict[str, dict[str, StoredCode]] = {}
        self.received: dict[str, dict[str, Delegation]] = {}  # delegate → delegations lent to them
        self.ended: dict[str, set[str]] = {}  # user → session families ended (the session store writes them)

    def user_id_for_email(self, email: str) -> str | None:
        return self.emails.get(email)

    def load(self, user_id: str) -> tuple[User | None, dict[str, StoredCode]]:
        profile = self.profiles.get(user_id)
        if profile is None:
            return None, {}
        grants = tuple(sorted(self.grants.get(user_id, ()), key=lambda g: (g.node_id, g.role)))
        lent = tuple(sorted(self.received.get(user_id, {}).values(), key=lambda d: d.starts_at))
        return (replace(profile, grants=grants, delegations=lent, ended_sessions=frozenset(self.ended.get(user_id, ()))),
                dict(self.codes.get(user_id, {})))

    def get(self, user_id: str) -> User | None:
        return self.load(user_id)[0]

    def get_many(self, user_ids: list[str]) -> dict[str, User]:
        return {user_id: self.profiles[user_id] for user_id in user_ids if user_id in self.profiles}

    def create(self, user: User, code: StoredCode | None, grants: Iterable[Grant] = (), granted_by: str = "") -> None:
        if user.email in self.emails:
            raise EmailTaken(user.email)
        if user.id in self.profiles:
            raise ConditionFailed("profile")
        self.emails[user.email] = user.id
        self.profiles[user.id] = _profile(user)
        if code is not None:
            self.codes.setdefault(user.id, {})[code.purpose] = code
        self.grants.setdefault(user.id, set()).update(grants)

    def put_code(self, user_id: str, code: StoredCode) -> None:
        self.codes.setdefault(user_id, {})[code.purpose] = code

    def reserve_code_attempt(self, user_id: str, purpose: str, code_hash: str, limit: int) -> int | None:
        code = self.codes.get(user_id, {}).get(purpose)
        if code is None or code.code_hash != code_hash or code.attempts >= limit:
            return None
        self.codes[user_id][purpose] = replace(code, attempts=code.attempts + 1)
        return code.attempts + 1

    def delete_code(self, user_id: str, purpose: str) -> None:
        self.codes.get(user_id, {}).pop(purpose, None)

    def redeem_code(self, user: User, expected_version: int, code: StoredCode) -> bool:
        stored = self.codes.get(user.id, {}).get(code.purpose)
        profile = self.profiles.get(user.id)
        if stored is None or stored.code_hash != code.code_hash or profile is None or profile.version != expected_version:
            return False
        del self.codes[user.id][code.purpose]
        self.profiles[user.id] = _profile(user)
        return True

    def save(self, user: User, expected_version: int) -> bool:
        profile = self.profiles.get(user.id)
        if profile is None or profile.version != expected_version:
            return False
        self.profiles[user.id] = _profile(user)
        return True

    def add_grants(self, user_id: str, grants: Iterable[Grant], granted_by: str, at: datetime) -> None:
        grants = list(grants)
        if not grants:
            return
        if user_id not in self.profiles:
            raise ConditionFailed("user")
        self.grants.setdefault(user_id, set()).update(grants)

    def holders(self, role: str, node_id: str) -> list[tuple[str, Delegation | None]]:
        found: list[tuple[str, tuple[str, Delegation | None]]] = [
            (user_id, (user_id, None)) for user_id, grants in self.grants.items()
            if Grant(role, node_id) in grants and user_id in self.profiles
        ]
        found += [(f"{d.delegate_id}#{d.id}", (d.delegate_id, d)) for lent in self.received.values()
                  for d in lent.values() if (d.role, d.node_id) == (role, node_id)]
        return [holder for _sort, holder in sorted(found, key=lambda pair: pair[0])]

    def pending_since_before(self, cutoff: datetime, limit: int) -> list[str]:
        pending = sorted((u.created_at, u.id) for u in self.profiles.values() if u.status == "pending")
        return [user_id for created_at, user_id in pending if created_at < cutoff][:limit]

    def delete_unverified(self, user: User) -> bool:
        profile = self.profiles.get(user.id)
        if profile is None or profile.status != "pending" or self.emails.get(user.email) != user.id:
            return False
        del self.profiles[user.id]
        del self.emails[user.email]
        self.codes.get(user.id, {}).pop("verify", None)
        return True


def _profile(user: User) -> User:
    return replace(user, grants=(), delegations=())


class FakeSessionStore:
    """Marks ended families in the user store, as the table does (the user's partition)."""

    def __init__(self, users: FakeUserStore | None = None) -> None:
        self.sessions: dict[str, Session] = {}
        self.users = users or FakeUserStore()

    def create(self, session: Session, now: datetime) -> None:
        if session.family in self.sessions:
            raise ConditionFailed("session")
        self.sessions[session.family] = replace(session, revoked=False)

    def get(self, family: str) -> Session | None:
        return self.sessions.get(family)

    def advance(self, family: str, from_generation: int) -> bool:
        session = self.sessions.get(family)
        if session is None or session.generation != from_generation or session.revoked:
            return False
        self.sessions[family] = replace(session, generation=from_generation + 1)
        return True

    def revoke(self, family: str, user_id: str, tokens_expire_by: datetime) -> None:
        session = self.sessions.get(family)
        if session is not None and session.user_id == user_id:
            self.sessions[family] = replace(session, revoked=True)
            self.users.ended.setdefault(user_id, set()).add(family)


class FakeThrottleStore:
    """Fixed windows, as the DynamoDB store counts them."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, object]] = {}

    def locked_until(self, scope: str, key: str, now: datetime) -> datetime | None:
        item = self.items.get((scope, key))
        locked = item.get("locked_until") if item else None
        return locked if isinstance(locked, datetime) and locked > now else None

    def count(self, scope: str, key: str, now: datetime, window: timedelta, lock_at: int | None = None,
              lock_for: timedelta | None = None) -> tuple[int, datetime | None]:
        item = dict(self.items.get((scope, key), {"count": 0, "window_started": None, "locked_until": None}))
        started = item["window_started"]
        if not isinstance(started, datetime) or now - started >= window:
            item["window_started"], item["count"] = now, 0
        item["count"] = int(item["count"]) + 1  # type: ignore[call-overload]
        if lock_at is not None and item["count"] >= lock_at and lock_for is not None:  # type: ignore[operator]
            item["locked_until"] = now + lock_for
            item["count"], item["window_started"] = 0, now
        self.items[(scope, key)] = item
        locked = item["locked_until"]
        return int(item["count"]), locked if isinstance(locked, datetime) and locked > now else None  # type: ignore[call-overload]

    def take(self, scope: str, key: str, now: datetime, window: timedelta, limit: int,
             lock_for: timedelta) -> Attempt:
        locked = self.locked_until(scope, key, now)
        if locked:
            return Attempt(granted=False, refused_until=locked)
        item = self.items.setdefault((scope, key), {"count": 0, "window_started": None, "locked_until": None})
        started = item["window_started"]
        if not isinstance(started, datetime) or now - started >= window:
            item["window_started"], item["count"] = now, 0
        elif int(item["count"]) >= limit:  # type: ignore[call-overload]
            return Attempt(granted=False, refused_until=started + window)
        item["count"] = int(item["count"]) + 1  # type: ignore[call-overload]
        last = item["count"] >= limit  # type: ignore[operator]
        if last:
            item.update(locked_until=now + lock_for, count=0, window_started=now)
        return Attempt(granted=True, last=last)

    def clear(self, scope: str, key: str) -> None:
        self.items.pop((scope, key), None)


class FakeDelegationStore:
    """Writes the received side into the user store, as the table does (the user's partition)."""

    def __init__(self, users: FakeUserStore) -> None:
        self.users = users
        self.given: dict[str, dict[str, Delegation]] = {}

    def create(self, delegation: Delegation) -> None:
        d = delegation
        if d.id in self.given.get(d.delegator_id, {}) or d.id in self.users.received.get(d.delegate_id, {}):
            raise ConditionFailed("given")
        self.given.setdefault(d.delegator_id, {})[d.id] = d
        self.users.received.setdefault(d.delegate_id, {})[d.id] = d

    def of_user(self, user_id: str) -> list[Delegation]:
        found = {**self.users.received.get(user_id, {}), **self.given.get(user_id, {})}
        return sorted(found.values(), key=lambda d: (d.starts_at, d.id))

    def delete(self, delegation: Delegation) -> None:
        self.given.get(delegation.delegator_id, {}).pop(delegation.id, None)
        self.users.received.get(delegation.delegate_id, {}).pop(delegation.id, None)


class FakeNotificationStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Notification] = {}  # (user, N#id | M#id)
        self.unread: dict[str, int] = {}
        self.failed_at: dict[tuple[str, str], str] = {}  # the failed partition's sort key
        self.outbox: Any = None  # the fake outbox (Fakes wires it), whose entries record_sent clears

    @staticmethod
    def _sk(notification_id: str, in_app: bool) -> str:
        return ("N#" if in_app else "M#") + notification_id

    def add(self, notification: Notification) -> bool:
        key = (notification.user_id, self._sk(notification.id, notification.in_app))
        if key in self.items:
            return False
        self.items[key] = notification
        if notification.in_app and notification.read_at is None:
            self.unread[notification.user_id] = self.unread.get(notification.user_id, 0) + 1
        return True

    def add_many(self, notifications: list[Notification]) -> list[Notification]:
        return [n for n in notifications if self.add(n)]

    def get(self, user_id: str, notification_id: str, in_app: bool = True) -> Notification | None:
        return self.items.get((user_id, self._sk(notification_id, in_app)))

    def page(self, user_id: str, cursor: str | None, limit: int,
             unread_only: bool) -> tuple[list[Notification], str | None]:
        rows = [("N#" + n.id, n) for (uid, sk), n in self.items.items()
                if uid == user_id and sk.startswith("N#") and (not unread_only or n.read_at is None)]
        return page_after(rows, cursor, limit, descending=True)

    def unread_count(self, user_id: str) -> int:
        return max(0, self.unread.get(user_id, 0))

    def mark_read(self, user_id: str, notification_id: str, at: datetime) -> bool:
        key = (user_id, "N#" + notification_id)
        found = self.items.get(key)
        if found is None or found.read_at is not None:
            return False
        self.items[key] = replace(found, read_at=at)
        self.unread[user_id] = self.unread.get(user_id, 0) - 1
        return True

    def record_delivery(self, notification: Notification, status: str, attempts: int, at: datetime,
                        error: str | None = None, message_id: str | None = None) -> None:
        key = (notification.user_id, self._sk(notification.id, notification.in_app))
        found = self.items.get(key)
        if found is None or found.delivery_status == SENT:
            return
        changes: dict[str, object] = {"delivery_status": status, "attempts": attempts}
        if error is not None:
            changes["last_error"] = error[:500]
        if status == SENT:
            changes["sent_at"] = at
        self.items[key] = replace(found, **changes)  # type: ignore[arg-type]
        if status == FAILED:
            self.failed_at[key] = f"{at.isoformat()}#{notification.id}"

    def record_sent(self, sent: list[tuple[Notification, str]], at: datetime, entries_done: Iterable[Any] = ()) -> None:
        for notification, message_id in sent:
            self.record_delivery(notification, SENT, 1, at, message_id=message_id)
        if self.outbox is not None:  # the same table: its entries cleared in the same transaction
            self.outbox.done_many(list(entries_done))

    def record_returned(self, notification: Notification, status: str, detail: str, at: datetime) -> bool:
        key = (notification.user_id, self._sk(notification.id, notification.in_app))
        found = self.items.get(key)
        if found is None:
            return False
        self.items[key] = replace(found, delivery_status=status, last_error=detail[:500])
        self.failed_at[key] = f"{at.isoformat()}#{notification.id}"
        return True

    def failed(self, limit: int) -> list[Notification]:
        newest = sorted(self.failed_at.items(), key=lambda pair: pair[1], reverse=True)[:limit]
        return [self.items[key] for key, _ in newest]
