"""Accounts: each user's partition holds the profile, its grants, live one-time codes,
delegations given and received, with the e-mail address claimed by its own item. Keys:
docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.admin_models import roll_item
from chalicelib.adapters.dynamodb.shards import PENDING_REGISTRATION_SHARDS, query_every_shard, sharded_key
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, is_condition_failure, is_transaction_conflict, key_time, query_all, query_page,
    run_transaction,
    whole_partition,
)
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import Grant, User
from chalicelib.services.ports import EmailTaken, StoredCode

# Registrations not yet verified, by when they were made, sharded by user (housekeeping
# removes stale ones).
PENDING_PARTITION = "PENDING"
# Sessions ended while their access tokens live on, kept in the user's partition (sessions.py).
ENDED_SESSION = "ENDED#"


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
        items, _ = query_page(
            hash_key=_user_pk(user_id),
            range_key_condition=m.Item.sk.between("DELEGATION-IN#", "PROFILE"),
            consistent_read=True,
        )
        profile, grants, codes, delegations, ended = None, [], {}, [], set()
        for raw in items:
            sort_key = raw["sk"]["S"]
            if sort_key.startswith(ENDED_SESSION):
                ended.add(sort_key[len(ENDED_SESSION):])
            elif sort_key == "PROFILE":
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
        user.ended_sessions = frozenset(ended)
        return user, codes

    def get(self, user_id: str) -> User | None:
        return self.load(user_id)[0]

    def get_many(self, user_ids: list[str]) -> dict[str, User]:
        found = batch_get_raw((_user_pk(user_id), "PROFILE") for user_id in user_ids)
        users = (_user_from_item(m.UserItem.from_raw_data(raw), ()) for raw in found.values())
        return {user.id: user for user in users}

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
                tx.put("staff", roll_item(user.id, grant, granted_by, user.created_at))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "claim" in cancelled.failed:
                raise EmailTaken(user.email) from None
            raise

    def put_code(self, user_id: str, code: StoredCode) -> None:
        _code_item(user_id, code).save()

    def reserve_code_attempt(self, user_id: str, purpose: str, code_hash: str, limit: int) -> int | None:
        """Take one try at this very code before it is compared: answers the tries taken, this
        one included, or None when the code is gone, replaced, or has no tries left. One
        conditional update per guess, so however many arrive at once, at most `limit` are
        ever compared (DynamoDB applies updates to one item one after another)."""
        item = m.OtpItem(_user_pk(user_id), f"OTP#{purpose}")
        try:
            item.update(actions=[m.OtpItem.attempts.add(1)],
                        condition=m.OtpItem.pk.exists() & (m.OtpItem.code_hash == code_hash)
                        & (m.OtpItem.attempts < limit))
        except UpdateError as failed:
            # A transaction spending the code at this moment (the right guess among many) makes
            # DynamoDB refuse the update: no try, as when the code is gone.
            if is_condition_failure(failed) or is_transaction_conflict(failed):
                return None
            raise
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
            if is_condition_failure(error):
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
                tx.put("staff", roll_item(user_id, grant, granted_by, at))

        run_transaction(build)

    def holders(self, role: str, node_id: str) -> list[tuple[str, Delegation | None]]:
        """Everyone holding `role` at `node_id`: (user id, None) for a grant, (delegate id,
        delegation) for each delegation lending it (the caller checks its dates)."""
        found: list[tuple[str, Delegation | None]] = []
        for raw in query_all(m.GrantItem, hash_key=f"{node_id}#{role}", index_name="holders"):
            user_id = raw["pk"]["S"].removeprefix("USER#")
            if raw["sk"]["S"].startswith("DELEGATION-IN#"):
                found.append((user_id, _delegation_from_item(m.DelegationItem.from_raw_data(raw))))
            else:
                found.append((user_id, None))
        return found

    def pending_since_before(self, cutoff: datetime, limit: int) -> list[str]:
        items = query_every_shard(m.UserItem, PENDING_PARTITION, PENDING_REGISTRATION_SHARDS, "pending", "pending_since",
                                  limit, range_key_condition=m.UserItem.pending_since < key_time(cutoff))
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
        mail_stopped=item.mail_stopped,
    )


def _user_to_item(user: User) -> m.UserItem:
    pending = user.status == "pending"
    return m.UserItem(
        _user_pk(user.id), "PROFILE",
        user_id=user.id, email=user.email, name=user.name, language=user.language, status=user.status,
        password_hash=user.password_hash, created_at=user.created_at, session_epoch=user.session_epoch,
        version=user.version, mail_stopped=user.mail_stopped,
        pending_key=sharded_key(PENDING_PARTITION, user.id, PENDING_REGISTRATION_SHARDS) if pending else None,
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
        for raw in whole_partition(_user_pk(user_id), "DELEGATION-"):
            delegation = _delegation_from_item(m.DelegationItem.from_raw_data(raw))
            found[delegation.id] = delegation
        return sorted(found.values(), key=lambda d: (d.starts_at, d.id))

    def delete(self, delegation: Delegation) -> None:
        given, received = _delegation_items(delegation)

        def build(tx: Writes) -> None:
            tx.delete("given", given)
            tx.delete("received", received)

        run_transaction(build)
