"""issue 20: admin — each office's staff roll (pk STAFF#{node}), and revoking a grant with the
delegations that rest on it. Keys: docs/DATA.md."""

from __future__ import annotations

from typing import Iterable

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.admin_models import StaffRollItem, roll_key
from chalicelib.adapters.dynamodb.table import TransactionCancelled, Writes, batch_get_raw, query_page, run_transaction
from chalicelib.adapters.dynamodb.users import _delegation_items, _user_pk
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import Grant
from chalicelib.domain.staff_roles import StaffEntry
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

# A transaction holds at most 100 writes: the grant, its roll entry, and two per delegation.
DELEGATIONS_PER_TRANSACTION = 45


class DynamoStaffStore:
    def page(self, node_id: str, cursor: str | None, limit: int) -> tuple[list[StaffEntry], str | None]:
        """One Query on the office's roll, by person then role."""
        after = decode_cursor(cursor)
        condition = StaffRollItem.sk > after if after else None
        items, last = query_page(StaffRollItem, hash_key=roll_key(node_id), range_key_condition=condition,
                                 limit=limit, consistent_read=True)
        entries = []
        for raw in items:
            item = StaffRollItem.from_raw_data(raw)
            entries.append(StaffEntry(user_id=item.user_id, role=item.role, node_id=item.node_id,
                                      granted_at=item.granted_at, granted_by=item.granted_by))
        return entries, encode_cursor(last["sk"]["S"]) if last else None

    def profiles(self, user_ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """(name, e-mail address, status) by user id: one BatchGetItem per 100 people."""
        found = batch_get_raw((_user_pk(user_id), "PROFILE") for user_id in user_ids)
        people = {}
        for raw in found.values():
            item = m.UserItem.from_raw_data(raw)
            people[item.user_id] = (item.name, item.email, item.status)
        return people

    def revoke(self, user_id: str, grant: Grant, delegations: list[Delegation]) -> bool:
        """The grant, its roll entry and the delegations resting on it go together: False (and
        nothing removed) when the grant was already gone. Past one transaction's size the
        delegations go first, a transaction each batch, the grant last: a stop half-way leaves
        the role held and fewer delegations of it, never a delegation without its grant."""
        cut = max(0, len(delegations) - DELEGATIONS_PER_TRANSACTION)
        first, last = delegations[:cut], delegations[cut:]
        for start in range(0, len(first), DELEGATIONS_PER_TRANSACTION):
            batch = first[start:start + DELEGATIONS_PER_TRANSACTION]
            run_transaction(lambda tx, batch=batch: _end_delegations(tx, batch))

        def build(tx: Writes) -> None:
            tx.delete("grant", m.GrantItem(_user_pk(user_id), f"GRANT#{grant.node_id}#{grant.role}"),
                      condition=m.GrantItem.pk.exists())
            tx.delete("staff", StaffRollItem(roll_key(grant.node_id), f"{user_id}#{grant.role}"))
            _end_delegations(tx, last)

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "grant" in cancelled.failed:
                return False
            raise
        return True


def _end_delegations(tx: Writes, delegations: list[Delegation]) -> None:
    for delegation in delegations:
        given, received = _delegation_items(delegation)
        tx.delete("delegation", given)
        tx.delete("delegation", received)
