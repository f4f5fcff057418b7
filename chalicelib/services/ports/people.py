"""Ports of accounts and people: users and their codes, sessions, throttles, delegations, the
notification list, and the password, token and mail machinery the account service takes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.credentials import KeyRing
    from chalicelib.domain.delegations import Delegation
    from chalicelib.domain.people import Grant, User
    from chalicelib.domain.staff_roles import StaffEntry
    from chalicelib.domain.notifications import Notification
    from chalicelib.services.ports.common import Attempt, OutboxKey, Session, StoredCode


class UserStore(Protocol):
    """Accounts, the address each one claims, their grants and one-time codes."""

    def user_id_for_email(self, email: str) -> str | None: ...

    def load(self, user_id: str) -> tuple[User | None, dict[str, StoredCode]]:
        """The user (grants and received delegations included) and its live codes by purpose."""

    def get(self, user_id: str) -> User | None: ...

    def get_many(self, user_ids: list[str]) -> dict[str, User]:
        """Several users' profiles read together (no grants, delegations or codes: what a mail
        to each needs), by id; those not found are left out."""

    def create(self, user: User, code: StoredCode | None, grants: Iterable[Grant] = (),
               granted_by: str = "") -> None:
        """All or nothing; EmailTaken when the address is claimed already."""

    def put_code(self, user_id: str, code: StoredCode) -> None:
        """Replaces the user's code of the same purpose."""

    def reserve_code_attempt(self, user_id: str, purpose: str, code_hash: str, limit: int) -> int | None:
        """Take one try at this very code before comparing it: the tries taken, this one
        included, or None when the code is gone, replaced, or out of tries. Atomic."""

    def delete_code(self, user_id: str, purpose: str) -> None: ...

    def redeem_code(self, user: User, expected_version: int, code: StoredCode) -> bool:
        """Saves the user and spends the code together; False if either changed meanwhile."""

    def save(self, user: User, expected_version: int) -> bool:
        """False when the stored version is not `expected_version`."""

    def add_grants(self, user_id: str, grants: Iterable[Grant], granted_by: str, at: datetime) -> None: ...

    def holders(self, role: str, node_id: str) -> list[tuple[str, Delegation | None]]:
        """(user id, None) per grant of `role` at the node; (delegate id, delegation) per
        delegation lending it (whatever its dates)."""

    def pending_since_before(self, cutoff: datetime, limit: int) -> list[str]: ...

    def delete_unverified(self, user: User) -> bool:
        """Removes a never-verified account and frees its address; False if it is active now."""


class SessionStore(Protocol):
    """Refresh-token families."""

    def create(self, session: Session, now: datetime) -> None: ...

    def get(self, family: str) -> Session | None: ...

    def advance(self, family: str, from_generation: int) -> bool:
        """To the next generation unless someone did first or it is revoked."""

    def revoke(self, family: str, user_id: str, tokens_expire_by: datetime) -> None:
        """End the family and mark it ended in the user's account (User.ended_sessions) until
        its last access token has expired. Nothing happens for an unknown family or another
        user's."""


class ThrottleStore(Protocol):
    """Counts of events per (scope, key) in fixed windows, with locks."""

    def locked_until(self, scope: str, key: str, now: datetime) -> datetime | None: ...

    def count(self, scope: str, key: str, now: datetime, window: timedelta, lock_at: int | None = None,
              lock_for: timedelta | None = None) -> tuple[int, datetime | None]:
        """One more event in the window; reaching `lock_at` locks for `lock_for` and starts the
        count again. Answers the count in the window and the lock's end, if locked."""

    def take(self, scope: str, key: str, now: datetime, window: timedelta, limit: int,
             lock_for: timedelta) -> Attempt:
        """Take one of `limit` tries in the window before the try is made (a password or code
        compared): granted only while fewer were taken and no lock holds, in one conditional
        write, so tries sent at the same moment each need one of their own. Taking the last
        locks for `lock_for`. When others keep writing at the same moment, the try is refused:
        contention counts against the caller, never for them."""

    def clear(self, scope: str, key: str) -> None: ...


class DelegationStore(Protocol):
    def create(self, delegation: Delegation) -> None: ...

    def of_user(self, user_id: str) -> list[Delegation]:
        """Given and received, each once, by start."""

    def delete(self, delegation: Delegation) -> None: ...


class NotificationStore(Protocol):
    """Each user's in-app list (with an unread count) and the delivery record of every mail."""

    def add(self, notification: Notification) -> bool:
        """False if it was written before (its id is derived from what caused it)."""

    def add_many(self, notifications: list[Notification]) -> list[Notification]:
        """Write each one not written before (and count it unread); answers those written now."""

    def get(self, user_id: str, notification_id: str, in_app: bool = True) -> Notification | None: ...

    def page(self, user_id: str, cursor: str | None, limit: int,
             unread_only: bool) -> tuple[list[Notification], str | None]:
        """Newest first."""

    def unread_count(self, user_id: str) -> int: ...

    def mark_read(self, user_id: str, notification_id: str, at: datetime) -> bool:
        """False if it was read already (the count moves once)."""

    def record_delivery(self, notification: Notification, status: str, attempts: int, at: datetime,
                        error: str | None = None, message_id: str | None = None) -> None:
        """Never moves a sent one back."""

    def record_sent(self, sent: list[tuple[Notification, str]], at: datetime, entries_done: Iterable[OutboxKey] = ()) -> None:
        """Each (notification, message id) sent at its first attempt, recorded together, and the
        outbox entries (OutboxKey) that told of them cleared with them."""

    def record_returned(self, notification: Notification, status: str, detail: str, at: datetime) -> bool:
        """Mail accepted earlier came back (bounced or complained): said on the notification and
        listed with the failed ones. False when there is no such notification."""

    def failed(self, limit: int) -> list[Notification]: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str, password: str) -> bool: ...

    def needs_rehash(self, stored_hash: str) -> bool: ...

    def burn_time(self, password: str) -> None:
        """Spend a verification's time for an account that has no hash to check."""


class AccessClaims(Protocol):
    @property
    def user_id(self) -> str: ...

    @property
    def session_family(self) -> str: ...

    @property
    def session_epoch(self) -> int: ...


class AccessTokens(Protocol):
    @property
    def lifetime_seconds(self) -> int: ...

    def issue(self, user_id: str, session_family: str, session_epoch: int) -> str: ...

    def verify(self, token: str) -> AccessClaims:
        """Raises NotAuthenticated for a token that is not ours, not whole or expired."""


class KeySource(Protocol):
    """The signing keys, read again now and then (a rotated secret reaches running code)."""

    def get(self) -> KeyRing: ...


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str, html: str | None = None,
             tags: dict[str, str] | None = None) -> str:
        """Answers the message id. `tags` come back with the mail's bounce or complaint."""


class DirectNotifier(Protocol):
    """Mail to one account's owner that no outbox carries (codes, invitations)."""

    def send_direct(self, user_id: str, kind: str, params: dict[str, Any],
                    secret: dict[str, Any] | None = None, at_once: bool = False) -> None:
        """Queued for the notification function; `at_once` sends it here first (from a worker)."""


class StaffStore(Protocol):
    """issue 20: admin — each office's staff roll, and revoking a grant with what rests on it."""

    def page(self, node_id: str, cursor: str | None, limit: int) -> tuple[list[StaffEntry], str | None]:
        """The roles held at the office, by person then role."""

    def profiles(self, user_ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """(name, e-mail address, status) by user id; unknown ids are left out."""

    def revoke(self, user_id: str, grant: Grant, delegations: list[Delegation]) -> bool:
        """The grant and its roll entry removed, the delegations ended; False when the grant was gone."""
