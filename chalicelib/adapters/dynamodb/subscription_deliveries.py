"""issue 20: admin — one subscription's deliveries, newest first: its SUBDELIVERY# list (written
with each send-log record, send_log.add_to_send_log) and the records it names. Keys: docs/DATA.md."""

from __future__ import annotations

from chalicelib.adapters.dynamodb.admin_models import SubscriptionDeliveryItem, deliveries_key
from chalicelib.adapters.dynamodb.send_log import entry_from_raw
from chalicelib.adapters.dynamodb.table import batch_get_raw, query_page
from chalicelib.domain.integrations import SendEntry
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor


class DynamoSubscriptionDeliveries:
    def page(self, subscription_id: str, cursor: str | None, limit: int) -> tuple[list[SendEntry], str | None]:
        """One Query of the list, one BatchGetItem of the page's records."""
        after = decode_cursor(cursor)
        condition = SubscriptionDeliveryItem.sk < after if after else None
        items, last = query_page(SubscriptionDeliveryItem, hash_key=deliveries_key(subscription_id),
                                 range_key_condition=condition, scan_index_forward=False, limit=limit)
        keys = [raw["send_pk"]["S"] for raw in items]
        found = batch_get_raw((pk, "S") for pk in keys)
        entries = [entry_from_raw(found[(pk, "S")]) for pk in keys if (pk, "S") in found]
        return entries, encode_cursor(last["sk"]["S"]) if last else None
