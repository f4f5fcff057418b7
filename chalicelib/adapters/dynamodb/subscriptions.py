"""Event subscriptions: one partition (SUBS) holding them all, since every change that makes an
event reads them and an organisation has a handful, not thousands. Keys: docs/DATA.md.

Every change reads them, so the whole list is kept per container (the store is built once per
container, deps.py) for `CACHED_FOR`: a busy container reads the partition once a minute, not
once a change. An admin's change made through this store forgets the list at once; other
containers see it within `CACHED_FOR`. The webhook sender reads its receivers from the same list
(`listed`, with their sealed secrets), and what its own writes answer (a delivery's failure, a
streak ended) is put into the list at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.constants import ALL_NEW
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import is_condition_failure, query_all, query_page
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor
from chalicelib.domain.pii import Sealed
from chalicelib.domain.subscriptions import ACTIVE, PAUSED, Subscription
from chalicelib.services.ports import Clock

PARTITION = "SUBS"
CACHED_FOR = timedelta(seconds=60)


def _sk(subscription_id: str) -> str:
    return f"SUB#{subscription_id}"


def _from_item(item: m.SubscriptionItem) -> Subscription:
    return Subscription(
        id=item.subscription_id, node_id=item.node_id, node_path=tuple(item.node_path), url=item.url,
        events=tuple(item.events), owner_id=item.owner_id, created_at=item.created_at, state=item.state,
        description=item.description, failures_in_a_row=int(item.failures_in_a_row or 0), paused_at=item.paused_at,
        paused_reason=item.paused_reason, last_delivered_at=item.last_delivered_at,
    )


def _with_secret(raw: dict[str, Any]) -> tuple[str, tuple[Subscription, Sealed]]:
    item = m.SubscriptionItem.from_raw_data(raw)
    secret = Sealed.from_json(item.secret)
    assert secret is not None
    return item.subscription_id, (_from_item(item), secret)


class DynamoSubscriptionStore:
    def __init__(self, clock: Clock, cached_for: timedelta = CACHED_FOR) -> None:
        self.clock = clock  # the system's clock: the local stack's moved clock ages the list too
        self.cached_for = cached_for
        # (read at, each subscription by id with its sealed secret, in the partition's order)
        self._cached: tuple[datetime, dict[str, tuple[Subscription, Sealed]]] | None = None

    def forget(self) -> None:
        """The next `all()` reads the partition again."""
        self._cached = None

    def add(self, subscription: Subscription, secret: Sealed) -> None:
        self.forget()
        s = subscription
        item = m.SubscriptionItem(
            PARTITION, _sk(s.id), subscription_id=s.id, node_id=s.node_id, node_path=list(s.node_path), url=s.url,
            events=list(s.events), owner_id=s.owner_id, created_at=s.created_at, state=s.state,
            description=s.description, failures_in_a_row=0, secret=secret.as_json(),
        )
        try:
            item.save(condition=m.SubscriptionItem.pk.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                raise ValueError(f"subscription {s.id} exists") from None
            raise

    def get(self, subscription_id: str) -> tuple[Subscription, Sealed] | None:
        try:
            item = m.SubscriptionItem.get(PARTITION, _sk(subscription_id), consistent_read=True)
        except DoesNotExist:
            return None
        secret = Sealed.from_json(item.secret)
        assert secret is not None
        return _from_item(item), secret

    def _listed(self) -> dict[str, tuple[Subscription, Sealed]]:
        """Every subscription: one Query a page of them, at most once per `cached_for` in this
        container (the list as read then)."""
        now = self.clock.now()
        if self._cached is None or not self._cached[0] <= now < self._cached[0] + self.cached_for:
            self._cached = (now, dict(_with_secret(raw) for raw in query_all(m.SubscriptionItem, hash_key=PARTITION)))
        return self._cached[1]

    def all(self) -> list[Subscription]:
        """Every subscription, for matching a change's event (the container's list)."""
        return [subscription for subscription, _secret in self._listed().values()]

    def listed(self, subscription_id: str) -> tuple[Subscription, Sealed] | None:
        """The subscription as the container's list has it (up to `cached_for` old, with what this
        container's own writes answered since); None if the list does not hold it."""
        return self._listed().get(subscription_id)

    def _remember(self, raw: dict[str, Any]) -> Subscription:
        """What a write answered, put into the container's list (if it holds one)."""
        subscription_id, found = _with_secret(raw)
        if self._cached is not None:
            self._cached[1][subscription_id] = found
        return found[0]

    def page(self, cursor: str | None, limit: int) -> tuple[list[Subscription], str | None]:
        after = decode_cursor(cursor)
        condition = m.SubscriptionItem.sk > after if after else m.SubscriptionItem.sk.startswith("SUB#")
        items, last = query_page(m.SubscriptionItem, hash_key=PARTITION, range_key_condition=condition, limit=limit)
        subs = [_from_item(m.SubscriptionItem.from_raw_data(raw)) for raw in items]
        return subs, encode_cursor(last["sk"]["S"]) if last else None

    def delete(self, subscription_id: str) -> bool:
        self.forget()
        try:
            m.SubscriptionItem(PARTITION, _sk(subscription_id)).delete(condition=m.SubscriptionItem.pk.exists())
        except Exception as error:  # noqa: BLE001 - pynamodb's DeleteError; only a missing item is expected
            if is_condition_failure(error):
                return False
            raise
        return True

    def _update(self, subscription_id: str, actions: list[Any], condition: Any = None) -> Subscription | None:
        try:
            answer = m.SubscriptionItem._get_connection().update_item(
                PARTITION, _sk(subscription_id), actions=actions,
                condition=m.SubscriptionItem.pk.exists() & condition if condition is not None else m.SubscriptionItem.pk.exists(),
                return_values=ALL_NEW)
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return self._remember(answer["Attributes"])

    def delivered(self, subscription_id: str, at: datetime) -> None:
        """Failures in a row back to 0 and the time of the last delivery, unless a later delivery
        was written already (by a sender running beside this one): then that one set the streak
        back, and the container's list is told so, lest every delivery try again."""
        item = m.SubscriptionItem
        written = self._update(subscription_id, [item.failures_in_a_row.set(0), item.last_delivered_at.set(at)],
                               item.last_delivered_at.does_not_exist() | (item.last_delivered_at <= at))
        listed = self._cached[1].get(subscription_id) if self._cached is not None else None
        if written is None and listed is not None:
            self._cached[1][subscription_id] = (listed[0].evolve(failures_in_a_row=0, last_delivered_at=at), listed[1])

    def not_delivered(self, subscription_id: str, at: datetime) -> Subscription | None:
        """One more delivery in a row not accepted; answers the subscription as it now is. A
        failure older than the last delivery written is not in that row: None."""
        item = m.SubscriptionItem
        return self._update(subscription_id, [item.failures_in_a_row.add(1)],
                            item.last_delivered_at.does_not_exist() | (item.last_delivered_at <= at))

    def pause(self, subscription_id: str, at: datetime, reason: str) -> bool:
        """Active → paused; False when it was not active (someone else paused it first)."""
        self.forget()
        item = m.SubscriptionItem
        return self._update(subscription_id, [item.state.set(PAUSED), item.paused_at.set(at),
                                              item.paused_reason.set(reason[:500])], item.state == ACTIVE) is not None

    def resume(self, subscription_id: str) -> Subscription | None:
        self.forget()
        item = m.SubscriptionItem
        return self._update(subscription_id, [item.state.set(ACTIVE), item.failures_in_a_row.set(0),
                                              item.paused_at.remove(), item.paused_reason.remove()])
