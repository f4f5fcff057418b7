"""Sharded index keys: a partition key every change would write (the outbox's pending partition,
the escalation clock, the root's ancestor index, …) is spread over a fixed number of partitions,
`{key}#{shard}`, the shard a stable hash of the item's id (rewriting an item keeps its shard).
Readers query every shard: a fixed number of calls whatever the data, merged by the index's sort
key.

Sizing (issue 21's load): 1,000,000 applications an hour ≈ 280 a second, each with about
8 changes and 5 notices. DynamoDB takes about 1,000 writes a second per partition (a GSI's
included); a GSI write whose sort key moves is a delete and a put (two), and an item counts one
write per KB. Each count below keeps its busiest shard under about 300 writes a second, so a
burst of three times the hourly mean still fits. Keys: docs/DATA.md "Indexes".
"""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.adapters.dynamodb.table import query_page
from chalicelib.domain.integrations import CIVIL_REGISTRY, SUBSCRIPTIONS

# Outbox notices: 280 × 5 = 1,400 entries a second, each put and deleted in the index (2,800
# writes): 16 shards ≈ 175 a second each.
NOTIFY_OUTBOX_SHARDS = 16
# PDFs to render: a receipt and a certificate per application, 560 entries (1,120 writes): 8 ≈ 140.
RENDER_OUTBOX_SHARDS = 8
# Deleted documents' files: a fraction of the uploads (≤ 2 per application), 4 ≈ 140 at worst.
REMOVE_FILES_OUTBOX_SHARDS = 4
# Deliveries failed for good: a mail outage fails every notice, 1,400 a second: 16 ≈ 90.
FAILED_NOTIFICATION_SHARDS = 16
# A registry's due records: a record per change at most (2,240 a second, each moving its next
# attempt: a delete and a put), 16 ≈ 280 per target.
SEND_DUE_SHARDS = 16
# Unverified registrations: at most one per application (a first-time applicant), put and
# removed at verification: 560 writes, 4 ≈ 140.
PENDING_REGISTRATION_SHARDS = 4
# Escalation clocks: every change of a running step moves its application's due time (a delete
# and a put), 280 × 8 × 2 ≈ 4,500 writes: 16 ≈ 280.
ESCALATION_SHARDS = 16
# Dams' monitoring steps and duties: the national register holds a few thousand dams, each with
# a handful of steps a month; two shards keep the daily watch's reads to two calls a round
# while still leaving no single key (the rate is far below a partition's either way).
DAM_DUTY_SHARDS = 2
# The root office's ancestor index holds every application: 280 × 8 changes ≈ 2,240 writes a
# second, and an application item (projection: all) is about 2 KB, so ≈ 4,500 write units: 16
# shards ≈ 280 each. A root's list page reads every shard (16 Queries, the same at any size);
# more shards would buy headroom with every root list's latency.
ROOT_ANCESTOR_SHARDS = 16
# Powertools' idempotency records of e-mail deliveries: one put and one update per notice,
# 2,800 writes a second in one partition of the base table: 16 ≈ 175.
NOTIFICATION_IDEMPOTENCY_SHARDS = 16
# The send log's `sends` index, one partition per target and state (`SENDS#{target}#{state}`):
# a record enters `pending` when a change owes it, is rewritten there by its claim (the index
# projects every attribute, so any update rewrites its copy) and leaves at its settlement for
# `sent` (or `failed`); a record is 1–2 KB. Webhook deliveries: 280 × 4 events × 2 matching
# subscriptions (the national one and the province's) ≈ 2,240 a second, so `pending` takes
# ≈ 6,700 writes, ≈ 12,200 units (the capacity replay): 32 shards ≈ 210 writes, 380 units each
# (more units than the 300 the others keep: 64 would double what the ops' log page reads),
# `sent` ≈ 140.
# Civil-registry records (events and NIK checks, ≈ 660 a second in the replay): ≈ 3,500 units in
# `pending`: 16 ≈ 220.
# The finance registry's records are each account's and service's day (set at the nightly push,
# one sender at a time) and the day's balances entered by hand: a few hundred a second at most:
# 4. Every shard is one more Query of the ops' log page (GET /integrations/sends reads each
# target's shards for each state asked: 3 × 52 at most), which is why counts are per target.
SEND_LIST_SHARDS = {SUBSCRIPTIONS: 32, CIVIL_REGISTRY: 16}
SEND_LIST_OTHER_SHARDS = 4
# One subscription's list of deliveries (SUBDELIVERY#{subscription}): the national subscription
# matches every event in the country, 280 × 4 ≈ 1,120 puts a second, each transactional (two
# units): 8 ≈ 280 each; its deliveries page reads 8 Queries.
SUBSCRIPTION_DELIVERY_SHARDS = 8
# Queued registrations and reset requests: at most one per application, put and updated: 4 ≈ 140.
ACCOUNT_REQUEST_IDEMPOTENCY_SHARDS = 4


def shard_of(item_id: str, shards: int) -> int:
    """The item's shard: a stable hash (not Python's `hash`, which changes per process)."""
    digest = hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def sharded_key(key: str, item_id: str, shards: int) -> str:
    return f"{key}#{shard_of(item_id, shards)}"


def send_list_shards(target: str) -> int:
    return SEND_LIST_SHARDS.get(target, SEND_LIST_OTHER_SHARDS)


def every_shard(key: str, shards: int) -> list[str]:
    return [f"{key}#{shard}" for shard in range(shards)]


def query_every_shard(model: Any, key: str, shards: int, index_name: str, sort_attribute: str, limit: int,
                      range_key_condition: Any = None, descending: bool = False) -> list[dict[str, Any]]:
    """The first `limit` items by the index's sort key over every shard of `key`: one Query per
    shard (`limit` each), merged. What lies beyond the limit is read by the next call, as with
    one partition (the readers take what they read out of the index, or stop at the time)."""
    found: list[dict[str, Any]] = []
    for partition in every_shard(key, shards):
        items, _ = query_page(model, hash_key=partition, index_name=index_name, limit=limit,
                              range_key_condition=range_key_condition, scan_index_forward=not descending)
        found.extend(items)
    found.sort(key=lambda raw: raw[sort_attribute]["S"], reverse=descending)
    return found[:limit]
