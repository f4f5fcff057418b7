"""DynamoDB implementations of the stores the services use.

Every multi-item write is one TransactWriteItems with conditions; every list is a Query on a
key or index named in docs/DATA.md, never a Scan.
"""

from __future__ import annotations

import base64
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb import models as m
from chalicelib.domain.budgets import Budget, BudgetWrite
from chalicelib.domain.documents import AWAITING, SCANNING, Document
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, Unavailable
from chalicelib.services.ports import (
    OutboxKey,
    ChildLink,
    EmailTaken,
    InboxFilter,
    ParentMissing,
    PdfRecord,
    Session,
    SiblingNameTaken,
    SequenceTaken,
    StaleApplication,
    StaleBudget,
    StoredCode,
    TrackingCodeTaken,
)
from chalicelib.domain.model import (
    AWAITING_DECISION,
    EDITABLE,
    MAX_TREE_DEPTH,
    Application,
    ApplicationChange,
    Certificate,
    CounterMove,
    Delegation,
    Grant,
    HistoryEntry,
    Node,
    Notice,
    User,
)
from chalicelib.domain.notifications import FAILED, SENT, Notification
from chalicelib.domain.pii import Sealed

PENDING_PARTITION = "PENDING"
OUTBOX_PARTITION = "OUTBOX"
FAILED_NOTIFICATIONS_PARTITION = "NOTIFY-FAILED"
DUE_PARTITION = "DUE"


def key_time(moment: datetime) -> str:
    """A UTC timestamp that sorts as text (index sort keys and cursors)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class TransactionCancelled(Exception):
    def __init__(self, failed: set[str], reasons: list[str | None]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.failed = failed  # labels of the writes whose condition failed
        self.reasons = reasons


class Writes:
    """The writes of one transaction, each with a label, so that a cancellation can say which
    condition failed (DynamoDB answers one reason per item, in the order pynamodb sends them:
    condition checks, deletes, puts, updates)."""

    def __init__(self, transaction: TransactWrite) -> None:
        self._tx = transaction
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def put(self, label: str, item: Any, condition: Any = None) -> None:
        self._tx.save(item, condition=condition)
        self._labels["put"].append(label)

    def delete(self, label: str, item: Any, condition: Any = None) -> None:
        self._tx.delete(item, condition=condition)
        self._labels["delete"].append(label)

    def update(self, label: str, item: Any, actions: list[Any], condition: Any = None) -> None:
        self._tx.update(item, actions=actions, condition=condition)
        self._labels["update"].append(label)

    def check(self, label: str, model: Any, hash_key: str, range_key: str, condition: Any) -> None:
        self._tx.condition_check(model, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def labels_in_sent_order(self) -> list[str]:
        return self._labels["check"] + self._labels["delete"] + self._labels["put"] + self._labels["update"]


def run_transaction(build: Callable[[Writes], None], attempts: int = 4) -> None:
    """Commit the writes `build` adds, retrying only DynamoDB's TransactionConflict (another
    transaction touched one of the items, typically a shared counter); a failed condition is
    final and raises TransactionCancelled naming the writes whose condition failed.

    Every attempt carries the same client request token, so a retry after a lost answer (a
    time-out) cannot apply the writes twice: DynamoDB treats it as the same transaction."""
    token = uuid.uuid4().hex
    for attempt in range(attempts):
        writes: Writes | None = None
        try:
            with TransactWrite(connection=m.connection(), client_request_token=token) as transaction:
                writes = Writes(transaction)
                build(writes)
            return
        except TransactWriteError as error:
            reasons = [r.code if r else None for r in (error.cancellation_reasons or [])]
            if not reasons:
                # Not cancelled but unanswered (time-out, throttling past botocore's retries):
                # the same token makes one more try safe; then the caller may try again.
                if attempt + 1 < attempts:
                    time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
                    continue
                raise Unavailable("the database did not answer; try again") from error
            if "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons and attempt + 1 < attempts:
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                token = uuid.uuid4().hex  # a conflict was a refusal: the next try is a new transaction
                continue
            labels = writes.labels_in_sent_order() if writes else []
            failed = {label for label, reason in zip(labels, reasons) if reason == "ConditionalCheckFailed"}
            raise TransactionCancelled(failed, reasons) from error


def committed_unless(build: Callable[[Writes], None], label: str) -> bool:
    """Commit; False when the write labelled `label` found its condition failed (it was done
    before), any other cancellation raising as usual."""
    try:
        run_transaction(build)
    except TransactionCancelled as cancelled:
        if label in cancelled.failed:
            return False
        raise
    return True


def _raw_query(model: type = m.Item, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One Query call (one page): pynamodb's iterators would quietly fetch as many pages as a
    filter needs, and a request must make a bounded number of calls. `model` is the one whose
    indexes the query may use."""
    answer = model._get_connection().query(**kwargs)
    return answer.get("Items", []), answer.get("LastEvaluatedKey")


def _whole_partition(pk: str) -> Iterator[dict[str, Any]]:
    """Every item of one partition (a consistent read), page after page: an application's
    history or an office's children may outgrow one 1 MB page."""
    yield from _whole_partition_prefix(pk, None)


def _whole_partition_prefix(pk: str, prefix: str | None) -> Iterator[dict[str, Any]]:
    start = None
    condition = m.Item.sk.startswith(prefix) if prefix else None
    while True:
        items, start = _raw_query(hash_key=pk, range_key_condition=condition, consistent_read=True,
                                  exclusive_start_key=start)
        yield from items
        if start is None:
            return


def _sort_value(raw: dict[str, Any], attribute: str) -> str:
    return raw[attribute]["S"]


# ---- cursors -------------------------------------------------------------------------------

def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        value = ""
    if not value or len(value) > 200 or "#" not in value:
        raise InvalidInput("bad cursor", [FieldProblem("cursor", "is not a cursor this list gave out")])
    return value


@dataclass(frozen=True)
class Partition:
    """One index partition to read: the index, its key attribute and the key's value."""

    index: str
    key_attribute: str
    key_value: str


def merged_page(
    partitions: list[Partition],
    sort_attribute: str,
    descending: bool,
    after: str | None,
    limit: int,
    filter_condition: Any = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page from several index partitions that share one sort order, merged: one Query per
    partition, whatever the size of the table.

    The cursor is the last sort key given out; each partition resumes strictly after it, so no
    per-partition state is needed. With a filter, a partition may stop early (it read `limit`
    items but kept fewer): items past the furthest such stopping point are held back for the
    next page, so the merge never skips one, and a filtered page may hold fewer than `limit`
    items while a next cursor remains.
    """
    found: list[dict[str, Any]] = []
    boundary: str | None = None
    sort_key = getattr(m.ApplicationItem, sort_attribute)
    for part in partitions:
        range_condition = None
        if after is not None:
            range_condition = sort_key < after if descending else sort_key > after
        items, last = _raw_query(
            m.ApplicationItem,
            hash_key=part.key_value,
            range_key_condition=range_condition,
            filter_condition=filter_condition,
            index_name=part.index,
            limit=limit,
            scan_index_forward=not descending,
        )
        found.extend(items)
        if last is not None:
            stop = last[sort_attribute]["S"]
            if boundary is None or (stop > boundary if descending else stop < boundary):
                boundary = stop
    found.sort(key=lambda raw: _sort_value(raw, sort_attribute), reverse=descending)
    if boundary is not None:
        found = [r for r in found
                 if (_sort_value(r, sort_attribute) >= boundary if descending else _sort_value(r, sort_attribute) <= boundary)]
    page = found[:limit]
    if len(found) > limit:
        return page, encode_cursor(_sort_value(page[-1], sort_attribute))
    if boundary is not None:
        return page, encode_cursor(boundary)
    return page, None


# ---- users ---------------------------------------------------------------------------------

def _user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def _email_pk(email: str) -> str:
    return f"EMAIL#{email}"


class DynamoUserStore:
    def user_id_for_email(self, email: str) -> str | None:
        try:
            return m.EmailClaimItem.get(_email_pk(email), "EMAIL", consistent_read=True).user_id
        except DoesNotExist:
            return None

    def load(self, user_id: str) -> tuple[User | None, dict[str, StoredCode]]:
        """The profile, its grants and its live codes: one Query on the user's partition (the
        sessions sort after PROFILE and are not read)."""
        items, _ = _raw_query(
            hash_key=_user_pk(user_id),
            range_key_condition=m.Item.sk.between("DELEGATION-IN#", "PROFILE"),
            consistent_read=True,
        )
        profile, grants, codes, delegations = None, [], {}, []
        for raw in items:
            sort_key = raw["sk"]["S"]
            if sort_key == "PROFILE":
                profile = m.UserItem.from_raw_data(raw)
            elif sort_key.startswith("DELEGATION-IN#"):
                delegations.append(_delegation_from_item(m.DelegationItem.from_raw_data(raw)))
            elif sort_key.startswith("GRANT#"):
                grant = m.GrantItem.from_raw_data(raw)
                grants.append(Grant(grant.role, grant.node_id))
            elif sort_key.startswith("OTP#"):
                code = m.OtpItem.from_raw_data(raw)
                codes[code.purpose] = StoredCode(code.purpose, code.code_hash, code.expires_at, int(code.attempts), code.password_hash)
        if profile is None:
            return None, {}
        user = _user_from_item(profile, tuple(sorted(grants, key=lambda g: (g.node_id, g.role))))
        user.delegations = tuple(sorted(delegations, key=lambda d: d.starts_at))
        return user, codes

    def get(self, user_id: str) -> User | None:
        return self.load(user_id)[0]

    def create(self, user: User, code: StoredCode | None, grants: Iterable[Grant] = (), granted_by: str = "") -> None:
        """Claim the address, write the profile, its first code and grants, all or nothing."""
        grants = list(grants)

        def build(tx: Writes) -> None:
            tx.put("claim", m.EmailClaimItem(_email_pk(user.email), "EMAIL", user_id=user.id),
                   condition=m.EmailClaimItem.pk.does_not_exist())
            tx.put("profile", _user_to_item(user), condition=m.UserItem.pk.does_not_exist())
            if code is not None:
                tx.put("code", _code_item(user.id, code))
            for grant in grants:
                tx.put("grant", _grant_item(user.id, grant, granted_by, user.created_at))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "claim" in cancelled.failed:
                raise EmailTaken(user.email) from None
            raise

    def put_code(self, user_id: str, code: StoredCode) -> None:
        _code_item(user_id, code).save()

    def record_code_failure(self, user_id: str, purpose: str) -> int:
        """One more wrong try; answers the count (the code is deleted by the caller at the limit)."""
        item = m.OtpItem(_user_pk(user_id), f"OTP#{purpose}")
        try:
            item.update(actions=[m.OtpItem.attempts.add(1)], condition=m.OtpItem.pk.exists())
        except UpdateError:
            return 10**6
        return int(item.attempts)

    def delete_code(self, user_id: str, purpose: str) -> None:
        m.OtpItem(_user_pk(user_id), f"OTP#{purpose}").delete()

    def redeem_code(self, user: User, expected_version: int, code: StoredCode) -> bool:
        """Save the user's new state and spend the code together; False if either changed."""

        def build(tx: Writes) -> None:
            tx.delete("code", m.OtpItem(_user_pk(user.id), f"OTP#{code.purpose}"),
                      condition=m.OtpItem.code_hash == code.code_hash)
            tx.put("profile", _user_to_item(user), condition=m.UserItem.version == expected_version)

        try:
            run_transaction(build)
        except TransactionCancelled:
            return False
        return True

    def save(self, user: User, expected_version: int) -> bool:
        try:
            _user_to_item(user).save(condition=m.UserItem.version == expected_version)
        except PutError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def add_grants(self, user_id: str, grants: Iterable[Grant], granted_by: str, at: datetime) -> None:
        grants = list(grants)
        if not grants:
            return

        def build(tx: Writes) -> None:
            tx.check("user", m.UserItem, _user_pk(user_id), "PROFILE", condition=m.UserItem.pk.exists())
            for grant in grants:
                tx.put("grant", _grant_item(user_id, grant, granted_by, at))

        run_transaction(build)

    def holders(self, role: str, node_id: str) -> list[tuple[str, Delegation | None]]:
        """Everyone holding `role` at `node_id`: (user id, None) for a grant, (delegate id,
        delegation) for each delegation lending it (the caller checks its dates)."""
        found: list[tuple[str, Delegation | None]] = []
        start = None
        while True:
            items, start = _raw_query(m.GrantItem, hash_key=f"{node_id}#{role}", index_name="holders",
                                      exclusive_start_key=start)
            for raw in items:
                user_id = raw["pk"]["S"].removeprefix("USER#")
                if raw["sk"]["S"].startswith("DELEGATION-IN#"):
                    found.append((user_id, _delegation_from_item(m.DelegationItem.from_raw_data(raw))))
                else:
                    found.append((user_id, None))
            if start is None:
                return found

    def pending_since_before(self, cutoff: datetime, limit: int) -> list[str]:
        items, _ = _raw_query(
            m.UserItem,
            hash_key=PENDING_PARTITION,
            range_key_condition=m.UserItem.pending_since < key_time(cutoff),
            index_name="pending",
            limit=limit,
        )
        return [raw["pk"]["S"].removeprefix("USER#") for raw in items]

    def delete_unverified(self, user: User) -> bool:
        """Remove a registration never verified: its profile, address claim and code."""

        def build(tx: Writes) -> None:
            tx.delete("profile", m.UserItem(_user_pk(user.id), "PROFILE"), condition=m.UserItem.status == "pending")
            tx.delete("claim", m.EmailClaimItem(_email_pk(user.email), "EMAIL"),
                      condition=m.EmailClaimItem.user_id == user.id)
            tx.delete("code", m.OtpItem(_user_pk(user.id), "OTP#verify"))

        try:
            run_transaction(build)
        except TransactionCancelled:
            return False
        return True


def _is_condition_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _user_from_item(item: m.UserItem, grants: tuple[Grant, ...]) -> User:
    return User(
        id=item.user_id,
        email=item.email,
        name=item.name,
        language=item.language,
        status=item.status,
        password_hash=item.password_hash,
        created_at=item.created_at,
        session_epoch=int(item.session_epoch or 0),
        grants=grants,
        version=int(item.version),
    )


def _user_to_item(user: User) -> m.UserItem:
    pending = user.status == "pending"
    return m.UserItem(
        _user_pk(user.id), "PROFILE",
        user_id=user.id, email=user.email, name=user.name, language=user.language, status=user.status,
        password_hash=user.password_hash, created_at=user.created_at, session_epoch=user.session_epoch,
        version=user.version,
        pending_key=PENDING_PARTITION if pending else None,
        pending_since=key_time(user.created_at) if pending else None,
    )


def _code_item(user_id: str, code: StoredCode) -> m.OtpItem:
    return m.OtpItem(
        _user_pk(user_id), f"OTP#{code.purpose}",
        purpose=code.purpose, code_hash=code.code_hash, expires_at=code.expires_at, attempts=code.attempts,
        password_hash=code.password_hash, expires_ttl=code.expires_at + timedelta(days=1),
    )


def _grant_item(user_id: str, grant: Grant, granted_by: str, at: datetime) -> m.GrantItem:
    return m.GrantItem(
        _user_pk(user_id), f"GRANT#{grant.node_id}#{grant.role}",
        role=grant.role, node_id=grant.node_id, granted_by=granted_by, granted_at=at,
        holder_key=f"{grant.node_id}#{grant.role}", holder_sort=user_id,
    )


# ---- delegations ---------------------------------------------------------------------------

_DELEGATION_FIELDS = ("role", "node_id", "delegator_id", "delegator_name", "delegate_id", "delegate_name",
                      "starts_at", "ends_at", "created_at")


def _delegation_items(d: Delegation) -> tuple[m.DelegationItem, m.DelegationItem]:
    values = {f: getattr(d, f) for f in _DELEGATION_FIELDS}
    expires = d.ends_at + timedelta(days=365)  # kept a year after it ends, as a record
    given = m.DelegationItem(_user_pk(d.delegator_id), f"DELEGATION-OUT#{d.id}", delegation_id=d.id,
                             expires_ttl=expires, **values)
    received = m.DelegationItem(_user_pk(d.delegate_id), f"DELEGATION-IN#{d.id}", delegation_id=d.id,
                                holder_key=f"{d.node_id}#{d.role}", holder_sort=f"{d.delegate_id}#{d.id}",
                                expires_ttl=expires, **values)
    return given, received


def _delegation_from_item(item: m.DelegationItem) -> Delegation:
    return Delegation(id=item.delegation_id, **{f: getattr(item, f) for f in _DELEGATION_FIELDS})


class DynamoDelegationStore:
    def create(self, delegation: Delegation) -> None:
        given, received = _delegation_items(delegation)

        def build(tx: Writes) -> None:
            tx.put("given", given, condition=m.DelegationItem.pk.does_not_exist())
            tx.put("received", received, condition=m.DelegationItem.pk.does_not_exist())

        run_transaction(build)

    def of_user(self, user_id: str) -> list[Delegation]:
        """Given and received, each once: one Query on the user's partition."""
        found = {}
        for raw in _whole_partition_prefix(_user_pk(user_id), "DELEGATION-"):
            delegation = _delegation_from_item(m.DelegationItem.from_raw_data(raw))
            found[delegation.id] = delegation
        return sorted(found.values(), key=lambda d: (d.starts_at, d.id))

    def delete(self, delegation: Delegation) -> None:
        given, received = _delegation_items(delegation)

        def build(tx: Writes) -> None:
            tx.delete("given", given)
            tx.delete("received", received)

        run_transaction(build)


# ---- throttles -----------------------------------------------------------------------------

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
                if _is_condition_failure(error):
                    continue  # someone counted at the same moment: count again on their result
                raise
            locked = item.locked_until if item.locked_until and item.locked_until > now else None
            return int(item.count), locked
        raise Conflict("too many concurrent attempts; try again")

    def clear(self, scope: str, key: str) -> None:
        m.ThrottleItem(f"THROTTLE#{scope}#{key}", "T").delete()


# ---- sessions (refresh-token families) -----------------------------------------------------

class DynamoSessionStore:
    def create(self, session: Session, now: datetime) -> None:
        m.SessionItem(
            f"SESSION#{session.family}", "S",
            user_id=session.user_id, generation=session.generation, epoch=session.epoch, created_at=now,
            expires_at=session.expires_at, revoked=False, expires_ttl=session.expires_at + timedelta(days=1),
        ).save(condition=m.SessionItem.pk.does_not_exist())

    def get(self, family: str) -> Session | None:
        try:
            item = m.SessionItem.get(f"SESSION#{family}", "S", consistent_read=True)
        except DoesNotExist:
            return None
        return Session(family, item.user_id, int(item.generation), int(item.epoch), item.expires_at, bool(item.revoked))

    def advance(self, family: str, from_generation: int) -> bool:
        """Move the family to the next generation if nobody did first; False means the token
        was already used (a replay, or two tabs refreshing at once)."""
        item = m.SessionItem(f"SESSION#{family}", "S")
        try:
            item.update(
                actions=[m.SessionItem.generation.set(from_generation + 1)],
                condition=(m.SessionItem.generation == from_generation) & (m.SessionItem.revoked == False),  # noqa: E712
            )
        except UpdateError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def revoke(self, family: str) -> None:
        item = m.SessionItem(f"SESSION#{family}", "S")
        try:
            item.update(actions=[m.SessionItem.revoked.set(True)], condition=m.SessionItem.pk.exists())
        except UpdateError as error:
            if not _is_condition_failure(error):
                raise


# ---- org tree ------------------------------------------------------------------------------

def _node_pk(node_id: str) -> str:
    return f"NODE#{node_id}"


def _node_from_item(item: m.NodeItem) -> Node:
    return Node(
        id=item.node_id, kind=item.kind, name=item.name, parent_id=item.parent_id,
        path=tuple(item.path), path_kinds=tuple(item.path_kinds), region_code=item.region_code,
    )


class DynamoOrgStore:
    def get(self, node_id: str) -> Node | None:
        try:
            return _node_from_item(m.NodeItem.get(_node_pk(node_id), "NODE"))
        except DoesNotExist:
            return None

    def get_many(self, node_ids: Iterable[str]) -> dict[str, Node]:
        keys = [(_node_pk(node_id), "NODE") for node_id in dict.fromkeys(node_ids)]
        if not keys:
            return {}
        return {item.node_id: _node_from_item(item) for item in m.NodeItem.batch_get(keys)}

    def get_with_children(self, node_id: str) -> tuple[Node | None, list[ChildLink]]:
        """The node and its children: its partition (one Query unless it has very many)."""
        node, children = None, []
        for raw in _whole_partition(_node_pk(node_id)):
            if raw["sk"]["S"] == "NODE":
                node = _node_from_item(m.NodeItem.from_raw_data(raw))
            else:
                link = m.ChildLinkItem.from_raw_data(raw)
                children.append(ChildLink(link.child_id, link.kind, link.name))
        return node, children

    def create(self, node: Node, now: datetime) -> None:
        def build(tx: Writes) -> None:
            tx.put(
                "node",
                m.NodeItem(
                    _node_pk(node.id), "NODE",
                    node_id=node.id, kind=node.kind, name=node.name, parent_id=node.parent_id,
                    path=list(node.path), path_kinds=list(node.path_kinds), region_code=node.region_code,
                    created_at=now, kind_key=f"KIND#{node.kind}", name_key=f"{node.name.lower()}#{node.id}",
                ),
                condition=m.NodeItem.pk.does_not_exist(),
            )
            if node.parent_id is not None:
                tx.put(
                    "sibling name",
                    m.ChildLinkItem(_node_pk(node.parent_id), f"CHILD#{node.name.lower()}",
                                    child_id=node.id, kind=node.kind, name=node.name),
                    condition=m.ChildLinkItem.pk.does_not_exist(),
                )
                tx.check("parent", m.NodeItem, _node_pk(node.parent_id), "NODE", condition=m.NodeItem.pk.exists())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "parent" in cancelled.failed:
                raise ParentMissing(node.parent_id) from None
            if "sibling name" in cancelled.failed:
                raise SiblingNameTaken(node.name) from None
            raise

    def by_kind(self, kind: str, limit: int = 200) -> list[Node]:
        items, _ = _raw_query(m.NodeItem, hash_key=f"KIND#{kind}", index_name="by_kind", limit=limit)
        return [_node_from_item(m.NodeItem.from_raw_data(raw)) for raw in items]


# ---- applications --------------------------------------------------------------------------

def _app_pk(app_id: str) -> str:
    return f"APP#{app_id}"


def _app_to_item(app: Application) -> m.ApplicationItem:
    ancestors = {f"anc{depth}": node_id for depth, node_id in enumerate(app.node_path)}
    awaiting = app.status in AWAITING_DECISION and app.decider_node_id and app.due_at
    escalating = awaiting and app.escalate_at is not None and not app.is_suspended
    return m.ApplicationItem(
        _app_pk(app.id), "A",
        application_id=app.id, tracking_code=app.tracking_code, service_id=app.service_id,
        service_version=app.service_version, node_id=app.node_id, node_path=list(app.node_path),
        applicant_id=app.applicant_id, applicant_name=app.applicant_name, status=app.status, step=app.step,
        steps_total=app.steps_total, data=app.data, created_at=app.created_at, updated_at=app.updated_at,
        version=app.version, due_at=app.due_at, warn_at=app.warn_at, node_name=app.node_name,
        submitted_at=app.submitted_at, last_submitted_at=app.last_submitted_at, step_nodes=list(app.step_nodes) or None,
        decider_node_id=app.decider_node_id, decider_role=app.decider_role,
        applicant_key=f"APPLICANT#{app.applicant_id}", created_key=f"{key_time(app.created_at)}#{app.id}",
        inbox_key=f"{app.decider_node_id}#{app.decider_role}" if awaiting else None,
        inbox_sort=f"{key_time(app.due_at)}#{app.id}" if awaiting else None,
        suspended_at=app.suspended_at, suspension_reason=app.suspension_reason,
        escalation_level=app.escalation_level, escalate_at=app.escalate_at,
        budget_check=app.budget_check, certificate_code=app.certificate_code,
        sealed=app.sealed.as_json() if app.sealed is not None else None, nik_lookups=app.nik_lookups or None,
        due_key=DUE_PARTITION if escalating else None,
        due_sort=f"{key_time(app.escalate_at)}#{app.id}" if escalating else None,
        **ancestors,
    )


def _app_from_item(item: m.ApplicationItem) -> Application:
    return Application(
        id=item.application_id, tracking_code=item.tracking_code, service_id=item.service_id,
        service_version=int(item.service_version), node_id=item.node_id, node_path=tuple(item.node_path),
        applicant_id=item.applicant_id, applicant_name=item.applicant_name, status=item.status,
        step=int(item.step) if item.step is not None else None, steps_total=int(item.steps_total),
        data=item.data or {}, created_at=item.created_at, updated_at=item.updated_at, version=int(item.version),
        due_at=item.due_at, warn_at=item.warn_at, node_name=item.node_name, submitted_at=item.submitted_at,
        last_submitted_at=item.last_submitted_at, step_nodes=tuple(item.step_nodes or ()),
        decider_node_id=item.decider_node_id, decider_role=item.decider_role,
        suspended_at=item.suspended_at, suspension_reason=item.suspension_reason,
        escalation_level=int(item.escalation_level or 0), escalate_at=item.escalate_at,
        budget_check=item.budget_check, certificate_code=item.certificate_code,
        sealed=Sealed.from_json(item.sealed), nik_lookups=dict(item.nik_lookups or {}),
    )


def app_from_raw(raw: dict[str, Any]) -> Application:
    return _app_from_item(m.ApplicationItem.from_raw_data(raw))


def history_sort_key(version: int, at: datetime | None = None) -> str:
    """A state change is H#{version}; an event that does not change the application (a document
    uploaded or scanned) sorts after the version it happened at, by time."""
    return f"H#{version:08d}" if at is None else f"H#{version:08d}.{key_time(at)}"


def _history_item(app_id: str, sort_key: str, entry: HistoryEntry) -> m.HistoryItem:
    return m.HistoryItem(
        _app_pk(app_id), sort_key,
        at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name, action=entry.action,
        from_status=entry.from_status, to_status=entry.to_status, step=entry.step, to_step=entry.to_step,
        comment=entry.comment, source_ip=entry.source_ip, user_agent=(entry.user_agent or "")[:300] or None,
        on_behalf_of_id=entry.on_behalf_of_id, on_behalf_of_name=entry.on_behalf_of_name,
    )


def _history_from_item(item: m.HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        at=item.at, actor_id=item.actor_id, actor_name=item.actor_name, action=item.action,
        from_status=item.from_status, to_status=item.to_status,
        step=int(item.step) if item.step is not None else None, comment=item.comment,
        to_step=int(item.to_step) if item.to_step is not None else None,
        source_ip=item.source_ip, user_agent=item.user_agent,
        on_behalf_of_id=item.on_behalf_of_id, on_behalf_of_name=item.on_behalf_of_name,
    )


# ---- outbox ----------------------------------------------------------------------------------

# Each topic's waiting entries are one partition of the pending index (the relay reads it).
OUTBOX_TOPICS = {"notify": OUTBOX_PARTITION, "render": f"{OUTBOX_PARTITION}-render"}


def _notice_payload(notice: Notice) -> dict[str, Any]:
    return {"kind": notice.kind, "params": notice.params, "application_id": notice.application_id,
            "to_user_id": notice.to_user_id, "to_role": notice.to_role, "to_node_id": notice.to_node_id,
            "except_user_id": notice.except_user_id, "fallback_roles": list(notice.fallback_roles)}


def notice_from_payload(payload: dict[str, Any]) -> Notice:
    return Notice(**{**payload, "fallback_roles": tuple(payload.get("fallback_roles") or ())})


def _put_outbox(tx: Writes, pk: str, history_key: str, entries: Iterable[tuple[str, dict[str, Any]]],
                at: datetime) -> list[OutboxKey]:
    """What a change must send (topic, payload), into the outbox of the change's own transaction."""
    keys = []
    for number, (topic, payload) in enumerate(entries):
        key = OutboxKey(pk, f"OUT#{history_key.removeprefix('H#')}#{number}", topic)
        tx.put("outbox", m.OutboxItem(key.pk, key.sk, topic=topic, payload=payload, created_at=at, relays=0,
                                      pending_key=OUTBOX_TOPICS[topic],
                                      pending_since=f"{key_time(at)}#{key.pk}#{key.sk}"),
               condition=m.OutboxItem.pk.does_not_exist())
        keys.append(key)
    return keys


def _put_notices(tx: Writes, pk: str, history_key: str, notices: Iterable[Notice], at: datetime) -> list[OutboxKey]:
    return _put_outbox(tx, pk, history_key, [("notify", _notice_payload(n)) for n in notices], at)


# ---- registry records (the send log; reading and sending: adapters/dynamodb/sends.py) ----------

SEND_DUE_PARTITION = "SEND-DUE"


def send_pk(target: str, dataset: str, key: str) -> str:
    return f"SEND#{target}#{dataset}#{key}"


def send_due_key(target: str) -> str:
    return f"{SEND_DUE_PARTITION}#{target}"


def send_list_key(target: str, state: str) -> str:
    """The `sends` index partition: one target's records in one state, by day."""
    return f"SENDS#{target}#{state}"


def _put_registry(tx: Writes, records: Iterable[Any], at: datetime) -> None:
    """Add each record's change to its send-log entry (created on first use) and make it pending
    again: the change's own transaction is the outbox of what the registries are owed."""
    merged: dict[str, Any] = {}
    adds: dict[str, dict[str, int]] = {}
    for record in records:
        pk = send_pk(record.target, record.dataset, record.key)
        merged[pk] = record
        totals = adds.setdefault(pk, {})
        for name, delta in record.adds.items():
            totals[name] = totals.get(name, 0) + delta
    for pk, record in merged.items():
        item = m.SendItem
        actions = [
            item.target.set(record.target), item.dataset.set(record.dataset), item.day.set(record.day),
            item.record_key.set(record.key), item.record_fields.set(dict(record.fields)),
            item.state.set("pending"), item.version.add(1), item.created_at.set(item.created_at | at),
            item.updated_at.set(at), item.next_attempt_at.set(record.due_at),
            item.send_list.set(send_list_key(record.target, "pending")),
            item.send_sort.set(f"{record.day}#{record.dataset}#{record.key}"),
            item.pending_key.set(send_due_key(record.target)),
            item.pending_since.set(f"{key_time(record.due_at)}#{pk}"),
        ]
        actions += [Path([f"total_{name}"]).add(delta) for name, delta in sorted(adds[pk].items())]
        if record.sealed is not None:
            actions.append(item.sealed.set({**record.sealed.as_json(), "paths": dict(record.sealed_paths)}))
        tx.update("registry record", m.SendItem(pk, "S"), actions=actions)


def nik_lookup_pk(lookup: str) -> str:
    return f"NIK#{lookup}"


def _put_nik_lookups(tx: Writes, change: ApplicationChange) -> None:
    """The application's NIK lookup items follow its form: new ones written (a put of one that
    exists rewrites the same item), dropped ones deleted, in the change's transaction."""
    app = change.application
    for name, lookup in change.dropped_lookups:
        tx.delete("nik lookup", m.NikLookupItem(nik_lookup_pk(lookup), f"APP#{app.id}#{name}"))
    if change.history.action not in ("create", "update"):
        return  # only filing and editing change the form
    for name, lookup in sorted(app.nik_lookups.items()):
        tx.put("nik lookup", m.NikLookupItem(nik_lookup_pk(lookup), f"APP#{app.id}#{name}", application_id=app.id,
                                             field_name=name, service_id=app.service_id, node_path=list(app.node_path),
                                             created_at=app.created_at))


class DynamoOutboxStore:
    def get(self, key: OutboxKey) -> tuple[Notice, datetime] | None:
        found = self.get_payload(key)
        return (notice_from_payload(found[0]), found[1]) if found else None

    def get_payload(self, key: OutboxKey) -> tuple[dict[str, Any], datetime] | None:
        try:
            item = m.OutboxItem.get(key.pk, key.sk, consistent_read=True)
        except DoesNotExist:
            return None
        return item.payload, item.created_at

    def done(self, key: OutboxKey) -> None:
        m.OutboxItem(key.pk, key.sk).delete()

    def stragglers(self, older_than: datetime, limit: int, topic: str = "notify") -> list[OutboxKey]:
        """Entries of `topic` still waiting since before `older_than` (their hand-on was lost)."""
        items, _ = _raw_query(m.UserItem, hash_key=OUTBOX_TOPICS[topic], index_name="pending", limit=limit,
                              range_key_condition=m.UserItem.pending_since < key_time(older_than))
        return [OutboxKey(raw["pk"]["S"], raw["sk"]["S"], topic) for raw in items]

    def count_relay(self, key: OutboxKey, give_up_after: int) -> int:
        """One more hand-on of an entry; past `give_up_after` it leaves the relay's partition
        for the failed one, for ops. Answers the count (0 if the entry is gone)."""
        item = m.OutboxItem(key.pk, key.sk)
        try:
            item.update(actions=[m.OutboxItem.relays.add(1)], condition=m.OutboxItem.pk.exists())
        except UpdateError as error:
            if _is_condition_failure(error):
                return 0
            raise
        relays = int(item.relays)
        if relays > give_up_after:
            item.update(actions=[m.OutboxItem.pending_key.set(f"{OUTBOX_TOPICS[key.topic]}-FAILED")])
        return relays


class DynamoApplicationStore:
    def get(self, app_id: str) -> Application | None:
        try:
            return _app_from_item(m.ApplicationItem.get(_app_pk(app_id), "A", consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, app_ids: Iterable[str]) -> dict[str, Application]:
        """Applications by id (100 a call); ids not found are left out."""
        found = batch_get_raw([(_app_pk(app_id), "A") for app_id in app_ids])
        return {pk.removeprefix("APP#"): app_from_raw(raw) for (pk, _sk), raw in found.items()}

    def get_with_history(self, app_id: str) -> tuple[Application | None, list[HistoryEntry]]:
        """The application and its whole history: its partition (A sorts before H#)."""
        app, history = None, []
        for raw in _whole_partition(_app_pk(app_id)):
            if raw["sk"]["S"] == "A":
                app = app_from_raw(raw)
            elif raw["sk"]["S"].startswith("H#"):
                history.append(_history_from_item(m.HistoryItem.from_raw_data(raw)))
        return app, history

    def id_for_tracking_code(self, code: str) -> str | None:
        try:
            return m.TrackingItem.get(f"TRACK#{code}", "T").application_id
        except DoesNotExist:
            return None

    def save(self, change: ApplicationChange) -> list[OutboxKey]:
        """The new state, its history entry, the counters it moves and the notices it causes, in
        one transaction conditioned on the version that was read. Answers the outbox entries."""
        app = change.application
        outbox: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            item = _app_to_item(app)
            if change.expected_version is None:
                tx.put("application", item, condition=m.ApplicationItem.pk.does_not_exist())
                tx.put("tracking code", m.TrackingItem(f"TRACK#{app.tracking_code}", "T", application_id=app.id),
                       condition=m.TrackingItem.pk.does_not_exist())
            else:
                tx.put("application", item, condition=m.ApplicationItem.version == change.expected_version)
            tx.put("history", _history_item(app.id, history_sort_key(app.version), change.history),
                   condition=m.HistoryItem.pk.does_not_exist())
            entries = [("notify", _notice_payload(n)) for n in change.notices]
            entries += [("render", {"kind": r.kind, "application_id": r.application_id}) for r in change.renders]
            outbox[:] = _put_outbox(tx, _app_pk(app.id), history_sort_key(app.version), entries, change.history.at)
            for move in _merged_moves(change.counters):
                tx.update(
                    "counters", m.CounterItem(f"COUNT#{move.node_id}", move.period),
                    actions=[Path([name]).add(delta) for name, delta in sorted(move.deltas.items())],
                )
            if change.registry:
                _put_registry(tx, change.registry, change.history.at)
            _put_nik_lookups(tx, change)
            if change.certificate is not None:
                _put_certificate(tx, change.certificate)
            if change.posting is not None:
                p = change.posting
                for node_id in p.node_path:
                    tx.put("posting", m.PostingItem(f"POSTED#{node_id}#{p.period}", f"{key_time(p.approved_at)}#{p.application_id}",
                                                    application_id=p.application_id, category=p.category, amount=p.amount,
                                                    approved_at=p.approved_at))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "tracking code" in cancelled.failed:
                raise TrackingCodeTaken(app.tracking_code) from None
            if "certificate number" in cancelled.failed and not cancelled.failed & {"application", "history"}:
                raise SequenceTaken(change.certificate.series if change.certificate else "") from None
            if cancelled.failed & {"application", "history"}:
                raise StaleApplication(app.id) from None
            raise
        return outbox

    def due_for_escalation(self, now: datetime, limit: int) -> list[str]:
        """Ids of applications whose next escalation is due by `now`, earliest first."""
        items, _ = _raw_query(m.ApplicationItem, hash_key=DUE_PARTITION, index_name="due", limit=limit,
                              range_key_condition=m.ApplicationItem.due_sort <= f"{key_time(now)}#~")
        return [raw["pk"]["S"].removeprefix("APP#") for raw in items]

    def counters(self, node_id: str, period: str) -> dict[str, int]:
        return self.counters_many([(node_id, period)]).get((node_id, period), {})

    def counters_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        """The counters of each (office, month) asked for; one call per 100."""
        found = batch_get_raw([(f"COUNT#{node_id}", period) for node_id, period in keys])
        return {(pk.removeprefix("COUNT#"), sk): _counter_values(raw) for (pk, sk), raw in found.items()}

    def postings(self, node_id: str, period: str) -> list[tuple[str, str, int, datetime]]:
        """(application, category, amount, approved at) of every spending report approved in
        the subtree for the month, oldest approval first."""
        return [(item.application_id, item.category, int(item.amount), item.approved_at)
                for item in m.PostingItem.query(f"POSTED#{node_id}#{period}")]

    def certificate_sequence(self, series: str) -> int:
        """The last number given in the series (0: none yet)."""
        try:
            return int(m.SequenceItem.get(f"SEQ#{series}", "S", consistent_read=True).value)
        except DoesNotExist:
            return 0

    def certificate(self, code: str) -> Certificate | None:
        try:
            return _certificate_from_item(m.CertificateItem.get(f"CERT#{code}", "C", consistent_read=True))
        except DoesNotExist:
            return None

    def page_by_nik(self, lookup: str, cursor: str | None, limit: int) -> tuple[list[tuple[str, str, tuple[str, ...]]], str | None]:
        """(application, field, office path) of the applications that name the NIK whose keyed
        HMAC is `lookup`: one Query."""
        after = decode_cursor(cursor)
        items, last = _raw_query(m.NikLookupItem, hash_key=nik_lookup_pk(lookup), limit=limit,
                                 range_key_condition=m.NikLookupItem.sk > after if after else None)
        found = [(raw["application_id"]["S"], raw["field_name"]["S"], tuple(v["S"] for v in raw["node_path"]["L"]))
                 for raw in items]
        return found, encode_cursor(last["sk"]["S"]) if last else None

    def page_for_applicant(self, applicant_id: str, cursor: str | None, limit: int, *,
                           status: str | None = None, service_id: str | None = None) -> tuple[list[Application], str | None]:
        items, next_cursor = merged_page(
            [Partition("by_applicant", "applicant_key", f"APPLICANT#{applicant_id}")],
            "created_key", True, decode_cursor(cursor), limit, list_filter(status, service_id),
        )
        return [app_from_raw(raw) for raw in items], next_cursor

    def page_in_subtrees(self, roots: list[Node], cursor: str | None, limit: int, *,
                         status: str | None = None, service_id: str | None = None) -> tuple[list[Application], str | None]:
        partitions = [
            Partition(f"by_anc{root.depth}", f"anc{root.depth}", root.id) for root in roots if root.depth <= MAX_TREE_DEPTH
        ]
        if not partitions:
            return [], None
        items, next_cursor = merged_page(
            partitions, "created_key", True, decode_cursor(cursor), limit, list_filter(status, service_id)
        )
        return [app_from_raw(raw) for raw in items], next_cursor

    def inbox_page(self, queues: list[tuple[str, str]], cursor: str | None, limit: int,
                   narrowed: InboxFilter | None = None) -> tuple[list[Application], str | None]:
        partitions = [Partition("inbox", "inbox_key", f"{node_id}#{role}") for node_id, role in queues]
        if not partitions:
            return [], None
        condition = inbox_filter(narrowed) if narrowed is not None and narrowed.narrows else None
        items, next_cursor = merged_page(partitions, "inbox_sort", False, decode_cursor(cursor), limit, condition)
        return [app_from_raw(raw) for raw in items], next_cursor


def _merged_moves(moves: Iterable[CounterMove]) -> list[CounterMove]:
    """One update per counter item: a transaction may not touch an item twice (a spending
    report's month and the month it was filed are often the same)."""
    merged: dict[tuple[str, str], dict[str, int]] = {}
    for move in moves:
        deltas = merged.setdefault((move.node_id, move.period), {})
        for name, delta in move.deltas.items():
            deltas[name] = deltas.get(name, 0) + delta
    return [CounterMove(node_id, period, deltas) for (node_id, period), deltas in merged.items()]


def _counter_values(raw: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in raw.items() if "N" in value}


def batch_get_raw(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by (pk, sk), up to 100 a call; keys not found are left out. Unprocessed keys
    (throttling) are asked again with a short backoff."""
    wanted = list(dict.fromkeys(keys))
    client, table = m.connection().client, m.Item.Meta.table_name
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(wanted), 100):
        request = {table: {"Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted[start:start + 100]],
                           "ConsistentRead": True}}
        for attempt in range(6):
            answer = client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(table, []):
                found[(raw["pk"]["S"], raw["sk"]["S"])] = raw
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(min(0.05 * 2 ** attempt, 1) * random.random())
        else:
            raise Unavailable("the table is busy; try again")
    return found


def _put_certificate(tx: Writes, cert: Certificate) -> None:
    item = m.CertificateItem(
        f"CERT#{cert.code}", "C", code=cert.code, application_id=cert.application_id, service_id=cert.service_id,
        number=cert.number, series=cert.series, sequence=cert.sequence, issued_at=cert.issued_at,
        holder_name=cert.holder_name, node_id=cert.node_id, revoked_at=cert.revoked_at,
        revocation_reason=cert.revocation_reason, version=cert.version,
    )
    if cert.version == 1:
        tx.put("certificate", item, condition=m.CertificateItem.pk.does_not_exist())
        # The number follows the last one given, or the transaction fails (SequenceTaken).
        last = m.SequenceItem.value == cert.sequence - 1
        if cert.sequence == 1:
            last = m.SequenceItem.pk.does_not_exist()
        tx.put("certificate number", m.SequenceItem(f"SEQ#{cert.series}", "S", value=cert.sequence), condition=last)
    else:
        tx.put("certificate", item, condition=m.CertificateItem.version == cert.version - 1)


def _certificate_from_item(item: m.CertificateItem) -> Certificate:
    return Certificate(
        code=item.code, application_id=item.application_id, service_id=item.service_id, number=item.number,
        series=item.series, sequence=int(item.sequence), issued_at=item.issued_at, holder_name=item.holder_name,
        node_id=item.node_id, revoked_at=item.revoked_at, revocation_reason=item.revocation_reason,
        version=int(item.version),
    )


def inbox_filter(narrowed: InboxFilter):
    """The inbox's filters as one condition. Like list filters they cost reads, not calls; an
    SLA state is read off the times the step was given when it started (due_at, warn_at)."""
    item, now = m.ApplicationItem, narrowed.now
    parts = []
    if narrowed.service_id:
        parts.append(item.service_id == narrowed.service_id)
    if narrowed.node_id:
        parts.append(item.node_path.contains(narrowed.node_id))
    running = item.suspended_at.does_not_exist()
    if narrowed.sla_state == "suspended":
        parts.append(item.suspended_at.exists())
    elif narrowed.sla_state == "overdue":
        parts.extend([running, item.due_at <= now])
    elif narrowed.sla_state == "due_soon":
        parts.extend([running, item.due_at > now, item.warn_at <= now])
    elif narrowed.sla_state == "on_time":
        parts.extend([running, item.due_at > now, item.warn_at.does_not_exist() | (item.warn_at > now)])
    return _all_of(parts)


def list_filter(status: str | None, service_id: str | None):
    """Filters on a list page (they cost reads, not extra calls: merged_page bounds the calls)."""
    return _all_of([
        m.ApplicationItem.status == status if status else None,
        m.ApplicationItem.service_id == service_id if service_id else None,
    ])


def _all_of(parts: Iterable[Any]):
    """The conditions given (None ones left out) joined with AND; None when there are none."""
    condition = None
    for part in parts:
        if part is not None:
            condition = part if condition is None else condition & part
    return condition


# ---- documents -------------------------------------------------------------------------------

_DOCUMENT_FIELDS = (
    "requirement", "filename", "content_type", "size", "status", "uploader_id", "created_at", "upload_expires_at",
    "reason_code", "reason_id", "reason_en", "scanned_at", "scanned_etag", "antivirus", "antivirus_detail",
    "served_version", "served_type", "served_size", "sha256", "details", "version",
)


def _document_to_item(doc: Document) -> m.DocumentItem:
    return m.DocumentItem(_app_pk(doc.application_id), f"DOC#{doc.id}", document_id=doc.id,
                          application_id=doc.application_id, **{f: getattr(doc, f) for f in _DOCUMENT_FIELDS})


def _document_from_item(item: m.DocumentItem) -> Document:
    values = {f: getattr(item, f) for f in _DOCUMENT_FIELDS}
    values["size"] = int(values["size"])
    values["version"] = int(values["version"])
    values["served_size"] = int(values["served_size"]) if values["served_size"] is not None else None
    values["details"] = values["details"] or {}
    return Document(id=item.document_id, application_id=item.application_id, **values)


class DynamoDocumentStore:
    def list(self, app_id: str) -> list[Document]:
        items, _ = _raw_query(hash_key=_app_pk(app_id), range_key_condition=m.Item.sk.startswith("DOC#"),
                              consistent_read=True)
        return sorted((_document_from_item(m.DocumentItem.from_raw_data(raw)) for raw in items),
                      key=lambda d: (d.created_at, d.id))

    def get(self, app_id: str, document_id: str) -> Document | None:
        try:
            return _document_from_item(m.DocumentItem.get(_app_pk(app_id), f"DOC#{document_id}", consistent_read=True))
        except DoesNotExist:
            return None

    def _application_unchanged(self, tx: Writes, app: Application, editable: bool) -> None:
        condition = m.ApplicationItem.version == app.version
        if editable:
            condition &= m.ApplicationItem.status.is_in(*EDITABLE)
        tx.check("application", m.ApplicationItem, _app_pk(app.id), "A", condition=condition)

    def add(self, app: Application, doc: Document, history: HistoryEntry) -> None:
        """The document and its history entry, only while the application is as it was read."""

        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=True)
            tx.put("document", _document_to_item(doc), condition=m.DocumentItem.pk.does_not_exist())
            tx.put("history", _history_item(app.id, history_sort_key(app.version, history.at), history),
                   condition=m.HistoryItem.pk.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "application" in cancelled.failed:
                raise StaleApplication(app.id) from None
            raise

    def start_scan(self, doc: Document) -> bool:
        """awaiting_upload → scanning; False if someone else moved it first."""
        item = m.DocumentItem(_app_pk(doc.application_id), f"DOC#{doc.id}")
        try:
            item.update(
                actions=[m.DocumentItem.status.set(SCANNING), m.DocumentItem.version.set(doc.version + 1)],
                condition=(m.DocumentItem.status == AWAITING) & (m.DocumentItem.version == doc.version),
            )
        except UpdateError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def settle(self, app: Application, doc: Document, history: HistoryEntry,
               notices: tuple[Notice, ...] = ()) -> list[OutboxKey] | None:
        """Record a scan's verdict with its history entry and notices. None if the document was
        already settled (a redelivered event); StaleApplication if the application moved."""
        outbox: list[OutboxKey] = []

        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=False)
            tx.put("document", _document_to_item(doc),
                   condition=m.DocumentItem.status.is_in(AWAITING, SCANNING) & (m.DocumentItem.version == doc.version - 1))
            history_key = history_sort_key(app.version, history.at)
            tx.put("history", _history_item(app.id, history_key, history), condition=m.HistoryItem.pk.does_not_exist())
            outbox[:] = _put_notices(tx, _app_pk(app.id), history_key, notices, history.at)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "application" in cancelled.failed:
                raise StaleApplication(app.id) from None
            if "document" in cancelled.failed:
                return None
            raise
        return outbox

    def delete(self, app: Application, doc: Document, history: HistoryEntry) -> None:
        def build(tx: Writes) -> None:
            self._application_unchanged(tx, app, editable=True)
            tx.delete("document", m.DocumentItem(_app_pk(app.id), f"DOC#{doc.id}"),
                      condition=m.DocumentItem.version == doc.version)
            tx.put("history", _history_item(app.id, history_sort_key(app.version, history.at), history),
                   condition=m.HistoryItem.pk.does_not_exist())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed & {"application", "document"}:
                raise StaleApplication(app.id) from None
            raise


# ---- notifications ---------------------------------------------------------------------------

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


class DynamoNotificationStore:
    def add(self, notification: Notification) -> bool:
        """Write a new notification (and count it unread); False if it was written before."""
        n = notification
        unread = n.in_app and n.read_at is None

        def build(tx: Writes) -> None:
            tx.put("notification", m.NotificationItem(
                _note_pk(n.user_id), _note_sk(n), notification_id=n.id, user_id=n.user_id, kind=n.kind,
                params=n.params, application_id=n.application_id, created_at=n.created_at, read_at=n.read_at,
                delivery_status=n.delivery_status, attempts=n.attempts, last_error=n.last_error, sent_at=n.sent_at,
                unread_key=n.user_id if unread else None, unread_sort=n.id if unread else None,
                expires_ttl=n.created_at + timedelta(days=NOTIFICATION_DAYS),
            ), condition=m.NotificationItem.pk.does_not_exist())
            if unread:
                tx.update("count", m.UnreadCountItem(_note_pk(n.user_id), "COUNT"), actions=[m.UnreadCountItem.unread.add(1)])

        return committed_unless(build, "notification")

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
            items, last = _raw_query(m.NotificationItem, hash_key=user_id, index_name="unread", limit=limit,
                                     range_key_condition=condition, scan_index_forward=False)
        else:
            # The in-app items sort between "N#" and the cursor (inclusive): one more is read
            # so that dropping the cursor's own item still fills the page.
            condition = m.Item.sk.between("N#", after) if after else m.Item.sk.startswith("N#")
            items, last = _raw_query(hash_key=_note_pk(user_id), range_key_condition=condition,
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
        actions = [m.NotificationItem.delivery_status.set(status), m.NotificationItem.attempts.set(attempts)]
        if error is not None:
            actions.append(m.NotificationItem.last_error.set(error[:500]))
        if status == SENT:
            actions += [m.NotificationItem.sent_at.set(at), m.NotificationItem.message_id.set(message_id or "")]
        if status == FAILED:
            actions += [m.NotificationItem.pending_key.set(FAILED_NOTIFICATIONS_PARTITION),
                        m.NotificationItem.pending_since.set(f"{key_time(at)}#{notification.id}")]
        item = m.NotificationItem(_note_pk(notification.user_id), _note_sk(notification))
        try:
            # Never back from sent: a late failure report of a redelivered job must not undo it.
            item.update(actions=actions, condition=m.NotificationItem.pk.exists()
                        & (m.NotificationItem.delivery_status != SENT))
        except UpdateError as error_:
            if not _is_condition_failure(error_):
                raise

    def failed(self, limit: int) -> list[Notification]:
        items, _ = _raw_query(m.UserItem, hash_key=FAILED_NOTIFICATIONS_PARTITION, index_name="pending", limit=limit,
                              scan_index_forward=False)
        keys = [(raw["pk"]["S"], raw["sk"]["S"]) for raw in items]
        return [_notification_from_item(item) for item in m.NotificationItem.batch_get(keys)] if keys else []


# ---- budgets ----------------------------------------------------------------------------------

def _budget_from_raw(raw: dict[str, Any]) -> Budget:
    item = m.BudgetItem.from_raw_data(raw)
    return Budget(
        node_id=item.node_id, period=item.period, amount=int(item.amount) if item.amount is not None else None,
        categories={k: int(v) for k, v in (item.categories or {}).items()}, allocated=int(item.allocated or 0),
        version=int(item.version), updated_at=item.updated_at, updated_by=item.updated_by,
        recommended_at=item.recommended_at, recommended_by=item.recommended_by,
    )


def _budget_item(b: Budget) -> m.BudgetItem:
    return m.BudgetItem(
        f"BUDGET#{b.node_id}", b.period, node_id=b.node_id, period=b.period, amount=b.amount,
        categories=b.categories or None, allocated=b.allocated, version=b.version, updated_at=b.updated_at,
        updated_by=b.updated_by, recommended_at=b.recommended_at, recommended_by=b.recommended_by,
    )


def _written_on(model: Any, expected_version: int) -> Any:
    return model.pk.does_not_exist() if expected_version == 0 else model.version == expected_version


class DynamoBudgetStore:
    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Budget]:
        """Budgets by (office, month); one never written is left out."""
        found = batch_get_raw([(f"BUDGET#{node_id}", period) for node_id, period in keys])
        return {(pk.removeprefix("BUDGET#"), sk): _budget_from_raw(raw) for (pk, sk), raw in found.items()}

    def get(self, node_id: str, period: str) -> Budget:
        return self.get_many([(node_id, period)]).get((node_id, period)) or Budget(node_id, period)

    def write(self, change: BudgetWrite) -> None:
        """The budget, and the parent's `allocated`, each on the version read."""
        def build(tx: Writes) -> None:
            tx.put("budget", _budget_item(change.budget), condition=_written_on(m.BudgetItem, change.expected_version))
            if change.parent is not None:
                tx.put("parent budget", _budget_item(change.parent),
                       condition=_written_on(m.BudgetItem, change.parent_expected_version))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed & {"budget", "parent budget"}:
                raise StaleBudget(change.budget.node_id) from None
            raise


# ---- PDFs ----------------------------------------------------------------------------------------

def _pdf_key(kind: str, subject: str) -> tuple[str, str]:
    return f"PDF#{kind}#{subject}", "P"


def _pdf_from_item(item: m.PdfItem) -> PdfRecord:
    return PdfRecord(
        kind=item.kind, subject=item.subject, status=item.status, object_key=item.object_key,
        created_at=item.created_at, rendered_at=item.rendered_at, attempts=int(item.attempts or 0),
        pages=int(item.pages) if item.pages is not None else None, size=int(item.size) if item.size is not None else None,
        error=item.error, node_id=item.node_id, period=item.period,
        requested_by=frozenset(item.requested_by or ()),
    )


class DynamoPdfStore:
    def get(self, kind: str, subject: str) -> PdfRecord | None:
        try:
            return _pdf_from_item(m.PdfItem.get(*_pdf_key(kind, subject), consistent_read=True))
        except DoesNotExist:
            return None

    def request(self, record: PdfRecord, requester: str | None, expires_at: datetime | None = None) -> PdfRecord:
        """The record of a PDF to make, created if new; `requester` added to those who may
        fetch it. Answers the record as stored."""
        item = m.PdfItem(*_pdf_key(record.kind, record.subject))
        actions = [
            m.PdfItem.kind.set(m.PdfItem.kind | record.kind),
            m.PdfItem.subject.set(m.PdfItem.subject | record.subject),
            m.PdfItem.status.set(m.PdfItem.status | record.status),
            m.PdfItem.created_at.set(m.PdfItem.created_at | record.created_at),
        ]
        if record.node_id:
            actions.append(m.PdfItem.node_id.set(record.node_id))
        if record.period:
            actions.append(m.PdfItem.period.set(record.period))
        if requester:
            actions.append(m.PdfItem.requested_by.add({requester}))
        if expires_at:
            actions.append(m.PdfItem.expires_ttl.set(expires_at))
        item.update(actions=actions)
        return _pdf_from_item(item)

    def claim(self, kind: str, subject: str, now: datetime, lease: timedelta) -> PdfRecord | None:
        """The right to render it now: None when it is ready or someone else's lease runs."""
        item = m.PdfItem(*_pdf_key(kind, subject))
        try:
            item.update(
                actions=[m.PdfItem.lease_until.set(now + lease), m.PdfItem.attempts.add(1)],
                condition=m.PdfItem.pk.exists() & (m.PdfItem.status != "ready")
                & (m.PdfItem.lease_until.does_not_exist() | (m.PdfItem.lease_until < now)),
            )
        except UpdateError as error:
            if _is_condition_failure(error):
                return None
            raise
        return _pdf_from_item(item)

    def finish(self, kind: str, subject: str, object_key: str, pages: int, size: int, now: datetime) -> None:
        m.PdfItem(*_pdf_key(kind, subject)).update(actions=[
            m.PdfItem.status.set("ready"), m.PdfItem.object_key.set(object_key), m.PdfItem.pages.set(pages),
            m.PdfItem.size.set(size), m.PdfItem.rendered_at.set(now), m.PdfItem.lease_until.remove(),
            m.PdfItem.error.remove(),
        ])

    def fail(self, kind: str, subject: str, error: str, final: bool) -> None:
        actions = [m.PdfItem.error.set(error[:500]), m.PdfItem.lease_until.remove()]
        if final:
            actions.append(m.PdfItem.status.set("failed"))
        m.PdfItem(*_pdf_key(kind, subject)).update(actions=actions, condition=m.PdfItem.status != "ready")
