"""The outbox: what a change must send (notices to deliver, PDFs to render), written in the
change's own transaction beside the application and read back by the relay and the workers.
Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib import correlation
from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.shards import (
    NOTIFY_OUTBOX_SHARDS, REMOVE_FILES_OUTBOX_SHARDS, RENDER_OUTBOX_SHARDS, query_every_shard, sharded_key,
)
from chalicelib.adapters.dynamodb.table import Writes, batch_get_raw, is_condition_failure, key_time, run_transaction
from chalicelib.domain.notifications import Notice, notice_from_payload, notice_payload
from chalicelib.services.ports import OutboxKey

OUTBOX_PARTITION = "OUTBOX"
# Each topic's waiting entries are a sharded partition of the pending index (the relay reads
# every shard): the topic's key and its number of shards (shards.py says why each).
OUTBOX_TOPICS = {"notify": OUTBOX_PARTITION, "render": f"{OUTBOX_PARTITION}-render",
                 "remove_files": f"{OUTBOX_PARTITION}-remove-files"}
OUTBOX_SHARDS = {"notify": NOTIFY_OUTBOX_SHARDS, "render": RENDER_OUTBOX_SHARDS,
                 "remove_files": REMOVE_FILES_OUTBOX_SHARDS}


def outbox_pending_key(key: OutboxKey, failed: bool = False) -> str:
    """The entry's partition of the pending index: its topic's, sharded by the entry's key (a
    failed entry keeps its shard in the topic's failed partition)."""
    topic_key = OUTBOX_TOPICS[key.topic] + ("-FAILED" if failed else "")
    return sharded_key(topic_key, f"{key.pk}#{key.sk}", OUTBOX_SHARDS[key.topic])


def put_outbox(tx: Writes, pk: str, history_key: str, entries: Iterable[tuple[str, dict[str, Any]]],
               at: datetime) -> list[OutboxKey]:
    """What a change must send (topic, payload), into the outbox of the change's own transaction."""
    keys = []
    for number, (topic, payload) in enumerate(entries):
        key = OutboxKey(pk, f"OUT#{history_key.removeprefix('H#')}#{number}", topic, payload=payload, at=at)
        tx.put("outbox", m.OutboxItem(key.pk, key.sk, topic=topic, payload=payload, created_at=at, relays=0,
                                      pending_key=outbox_pending_key(key),
                                      pending_since=f"{key_time(at)}#{key.pk}#{key.sk}",
                                      correlation_id=correlation.current()),
               condition=m.OutboxItem.pk.does_not_exist())
        keys.append(key)
    return keys


def put_notices(tx: Writes, pk: str, history_key: str, notices: Iterable[Notice], at: datetime) -> list[OutboxKey]:
    return put_outbox(tx, pk, history_key, [("notify", notice_payload(n)) for n in notices], at)


class DynamoOutboxStore:
    def get(self, key: OutboxKey) -> tuple[Notice, datetime] | None:
        found = self.get_payload(key)
        return (notice_from_payload(found[0]), found[1]) if found else None

    def get_payload(self, key: OutboxKey) -> tuple[dict[str, Any], datetime] | None:
        try:
            item = m.OutboxItem.get(key.pk, key.sk, consistent_read=True)
        except DoesNotExist:
            return None
        return item.payload, item.created_at

    def get_many(self, keys: list[OutboxKey]) -> dict[OutboxKey, tuple[Notice, datetime]]:
        found = batch_get_raw((key.pk, key.sk) for key in keys)
        entries = {}
        for key in keys:
            raw = found.get((key.pk, key.sk))
            if raw is not None:
                item = m.OutboxItem.from_raw_data(raw)
                entries[key] = (notice_from_payload(item.payload), item.created_at)
        return entries

    def done(self, key: OutboxKey) -> None:
        m.OutboxItem(key.pk, key.sk).delete()

    def done_many(self, keys: list[OutboxKey]) -> None:
        """One call for a change's entries (a transaction of deletes: the same right as one)."""
        if len(keys) == 1:
            self.done(keys[0])
            return
        for start in range(0, len(keys), 100):
            chunk = keys[start:start + 100]

            def build(tx: Writes, chunk: list[OutboxKey] = chunk) -> None:
                for key in chunk:
                    tx.delete("outbox", m.OutboxItem(key.pk, key.sk))

            run_transaction(build)

    def stragglers(self, older_than: datetime, limit: int, topic: str = "notify") -> list[OutboxKey]:
        """Entries of `topic` still waiting since before `older_than` (their hand-on was lost)."""
        items = query_every_shard(m.UserItem, OUTBOX_TOPICS[topic], OUTBOX_SHARDS[topic], "pending", "pending_since",
                                  limit, range_key_condition=m.UserItem.pending_since < key_time(older_than))
        return [OutboxKey(raw["pk"]["S"], raw["sk"]["S"], topic) for raw in items]

    def count_relay(self, key: OutboxKey, give_up_after: int) -> int:
        """One more hand-on of an entry; past `give_up_after` it leaves the relay's partition
        for the failed one, for ops. Answers the count (0 if the entry is gone)."""
        item = m.OutboxItem(key.pk, key.sk)
        try:
            item.update(actions=[m.OutboxItem.relays.add(1)], condition=m.OutboxItem.pk.exists())
        except UpdateError as error:
            if is_condition_failure(error):
                return 0
            raise
        relays = int(item.relays)
        if relays > give_up_after:
            item.update(actions=[m.OutboxItem.pending_key.set(outbox_pending_key(key, failed=True))])
        return relays
