"""Powertools' idempotency records in the app's table, spread over sharded partitions: one
static partition would take every e-mail delivery (shards.py says how many). Imported only by
the composition root when a worker first needs it (Powertools is a heavy import)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from chalicelib.adapters.dynamodb.shards import sharded_key


class ShardedIdempotencyStore(DynamoDBPersistenceLayer):
    """Records under `{partition}#{shard}` (the shard a stable hash of the idempotency key, so
    a redelivery finds the record its first delivery wrote), the key hash as sort key."""

    def __init__(self, *, partition: str, shards: int, **options) -> None:
        super().__init__(key_attr="pk", sort_key_attr="sk", static_pk_value=partition, **options)
        self.shards = shards

    def _get_key(self, idempotency_key: str) -> dict:
        pk = sharded_key(self.static_pk_value, idempotency_key, self.shards)
        return {self.key_attr: {"S": pk}, self.sort_key_attr: {"S": idempotency_key}}

    def _item_to_data_record(self, item: dict):
        # Powertools names a stored record by its partition key; here that is a shard, shared
        # by many records, so the record is named by its own key (the sort key) instead.
        record = super()._item_to_data_record(item)
        record.idempotency_key = record.sort_key or record.idempotency_key
        return record
