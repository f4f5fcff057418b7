"""issue 20: admin — the staff roll of each office and each subscription's list of deliveries
(docs/DATA.md): in the one table, beside the models of models.py, bound with them
(models.every_model)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.adapters.dynamodb.models import Item
from chalicelib.adapters.dynamodb.table import key_time
from chalicelib.domain.people import Grant


class StaffRollItem(Item):
    """pk STAFF#{node}, sk {user}#{role}: a role held at the office, written and removed in the
    transaction that writes or removes the grant (USER#{user} GRANT#{node}#{role}), so "who holds
    what here" is one Query a page."""

    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    node_id = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()


def roll_key(node_id: str) -> str:
    return f"STAFF#{node_id}"


def roll_item(user_id: str, grant: Grant, granted_by: str, at: datetime) -> StaffRollItem:
    return StaffRollItem(roll_key(grant.node_id), f"{user_id}#{grant.role}", user_id=user_id, role=grant.role,
                         node_id=grant.node_id, granted_by=granted_by, granted_at=at)


class SubscriptionDeliveryItem(Item):
    """pk SUBDELIVERY#{subscription}, sk {UTC time}#{send-log pk}: a delivery owed to the
    subscription, put with its send-log record in the change's transaction (the record holds its
    state, attempts and the receiver's answers), so one subscription's deliveries are one Query a
    page, newest first, whatever the size of the log."""

    send_pk = UnicodeAttribute()


def deliveries_key(subscription_id: str) -> str:
    return f"SUBDELIVERY#{subscription_id}"


def delivery_item(subscription_id: str, send_pk: str, at: datetime) -> SubscriptionDeliveryItem:
    return SubscriptionDeliveryItem(deliveries_key(subscription_id), f"{key_time(at)}#{send_pk}", send_pk=send_pk)


MODELS = (StaffRollItem, SubscriptionDeliveryItem)
