"""Sessions: one item per refresh-token family, moved on a generation by each refresh.
Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import TransactionCancelled, Writes, is_condition_failure, run_transaction
from chalicelib.adapters.dynamodb.users import ENDED_SESSION
from chalicelib.services.ports import Session


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
            if is_condition_failure(error):
                return False
            raise
        return True

    def revoke(self, family: str, user_id: str, tokens_expire_by: datetime) -> None:
        """End the family; and, in the same transaction, note it in the user's partition, which
        every request reads with the profile, so its live access tokens stop at once."""

        def build(tx: Writes) -> None:
            tx.update("session", m.SessionItem(f"SESSION#{family}", "S"), actions=[m.SessionItem.revoked.set(True)],
                      condition=(m.SessionItem.pk.exists()) & (m.SessionItem.user_id == user_id))
            tx.put("ended", m.EndedSessionItem(f"USER#{user_id}", f"{ENDED_SESSION}{family}",
                                               expires_ttl=tokens_expire_by + timedelta(minutes=5)))

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "session" not in cancelled.failed:
                raise  # not its condition: the session may still be live, so say so
            # no such session (or another user's): nothing to end
