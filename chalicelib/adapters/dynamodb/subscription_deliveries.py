"""issue 20: admin — one subscription's deliveries, newest first: its SUBDELIVERY# list (written
with each send-log record, send_log.add_to_send_log) and the records it names. Keys: docs/DATA.md."""

from __future__ import annotations

from chalicelib.adapters.dynamodb.admin_models import SubscriptionDeliveryItem, delivery_partitions
from chalicelib.adapters.dynamodb.send_log import entry_from_raw
from chalicelib.adapters.dynamodb.table import Partition, batch_get_raw, merged_page
from chalicelib.domain.integrations import SendEntry
from chalicelib.services.ports.cursors import decode_cursor


class DynamoSubscriptionDeliveries:
    def page(self, subscription_id: str, cursor: str | None, limit: int) -> tuple[list[SendEntry], str | None]:
        """One Query per shard of the list, merged newest first (the sort key, a time and the
        record, is unique across the shards: the cursor is one sort key, as with one partition);
        one BatchGetItem of the page's records."""
        partitions = [Partition(None, key) for key in delivery_partitions(subscription_id)]
        items, next_cursor = merged_page(SubscriptionDeliveryItem, partitions, "sk", descending=True,
                                         after=decode_cursor(cursor), limit=limit)
        keys = [raw["send_pk"]["S"] for raw in items]
        found = batch_get_raw((pk, "S") for pk in keys)
        entries = [entry_from_raw(found[(pk, "S")]) for pk in keys if (pk, "S") in found]
        return entries, next_cursor
