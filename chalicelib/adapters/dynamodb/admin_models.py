"""issue 20: admin — the staff roll of each office and each subscription's list of deliveries
(docs/DATA.md): in the one table, beside the models of models.py, bound with them
(models.every_model)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.adapters.dynamodb.models import Item
from chalicelib.adapters.dynamodb.shards import SUBSCRIPTION_DELIVERY_SHARDS, every_shard, sharded_key
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
    """pk SUBDELIVERY#{subscription}#{shard}, sk {UTC time}#{send-log pk}: a delivery owed to the
    subscription, put with its send-log record in the change's transaction (the record holds its
    state, attempts and the receiver's answers), so one subscription's deliveries are one Query
    per shard a page, newest first, whatever the size of the log. Sharded by the record: the
    national subscription takes a delivery of every change in the country (shards.py)."""

    send_pk = UnicodeAttribute()


def deliveries_key(subscription_id: str) -> str:
    """The list's key before sharding (what a release before issue 21 wrote: infra/backfill_shards.py)."""
    return f"SUBDELIVERY#{subscription_id}"


def delivery_partition(subscription_id: str, send_pk: str) -> str:
    return sharded_key(deliveries_key(subscription_id), send_pk, SUBSCRIPTION_DELIVERY_SHARDS)


def delivery_partitions(subscription_id: str) -> list[str]:
    return every_shard(deliveries_key(subscription_id), SUBSCRIPTION_DELIVERY_SHARDS)


def delivery_item(subscription_id: str, send_pk: str, at: datetime) -> SubscriptionDeliveryItem:
    return SubscriptionDeliveryItem(delivery_partition(subscription_id, send_pk), f"{key_time(at)}#{send_pk}",
                                    send_pk=send_pk)


MODELS = (StaffRollItem, SubscriptionDeliveryItem)
