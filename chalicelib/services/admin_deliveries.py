"""issue 20: admin — a subscription's deliveries for its admins: what was sent, when, and what the
receiver answered (the send log's record of each)."""

from __future__ import annotations

from typing import Callable

from chalicelib.domain.integrations import SendEntry
from chalicelib.domain.people import Principal
from chalicelib.services.ports.outside import SubscriptionDeliveries
from chalicelib.services.subscriptions import SubscriptionService


class DeliveryLog:
    def __init__(self, *, subscriptions: Callable[[], SubscriptionService], deliveries: SubscriptionDeliveries) -> None:
        self._subscriptions = subscriptions
        self.deliveries = deliveries

    def page(self, caller: Principal, subscription_id: str, cursor: str | None,
             limit: int) -> tuple[list[SendEntry], str | None]:
        """Only for admins reaching the subscription's office (404 to anyone else)."""
        self._subscriptions().get(caller, subscription_id)
        return self.deliveries.page(subscription_id, cursor, limit)
