"""Sharded index keys (adapters/dynamodb/shards.py): an item's shard is a stable function of its
id, ids spread evenly, and every count keeps the busiest shard well under a partition's limit at
the capacity model's rate."""

import hashlib

import pytest

from chalicelib.adapters.dynamodb import shards


def test_an_items_shard_is_the_same_in_every_process_and_on_every_rewrite():
    # Not Python's salted hash: the value is fixed by the id alone, as a rewrite in another
    # container must find the same partition.
    expected = int.from_bytes(hashlib.blake2b(b"app_01", digest_size=8).digest(), "big") % 16
    assert shards.shard_of("app_01", 16) == expected
    assert shards.sharded_key("OUTBOX", "app_01", 16) == f"OUTBOX#{expected}"


def test_ids_spread_over_every_shard_evenly():
    counts = [0] * 16
    for n in range(16_000):
        counts[shards.shard_of(f"app_{n:06d}", 16)] += 1
    assert min(counts) > 850 and max(counts) < 1150  # 1,000 each, give or take 15 %


def test_every_shard_names_each_partition_once():
    assert shards.every_shard("DUE", 3) == ["DUE#0", "DUE#1", "DUE#2"]


@pytest.mark.parametrize("count, writes_per_second", [
    (shards.NOTIFY_OUTBOX_SHARDS, 280 * 5 * 2),
    (shards.RENDER_OUTBOX_SHARDS, 280 * 2 * 2),
    (shards.FAILED_NOTIFICATION_SHARDS, 280 * 5),
    (shards.SEND_DUE_SHARDS, 280 * 8 * 2),
    (shards.ESCALATION_SHARDS, 280 * 8 * 2),
    (shards.ROOT_ANCESTOR_SHARDS, 280 * 8 * 2),  # 2 KB items: two write units each
    (shards.NOTIFICATION_IDEMPOTENCY_SHARDS, 280 * 5 * 2),
    # The send log's pending partition: a put, a claim and a settlement per webhook delivery
    # (280 × 4 events × 2 subscriptions) and per civil-registry record (≈ 660 a second in the
    # capacity replay: events and NIK checks).
    (shards.send_list_shards("subscriptions"), 280 * 4 * 2 * 3),
    (shards.send_list_shards("civil-registry"), 660 * 3),
    (shards.SUBSCRIPTION_DELIVERY_SHARDS, 280 * 4 * 2),  # the national list, transactional puts
])
def test_each_count_keeps_its_busiest_shard_under_a_third_of_a_partitions_writes(count, writes_per_second):
    assert writes_per_second / count <= 1_000 / 3


def test_every_send_log_target_has_a_shard_count_and_an_unknown_one_the_default():
    from chalicelib.domain import integrations as reg

    assert {target: shards.send_list_shards(target) for target in reg.TARGETS} == {
        reg.FINANCE_REGISTRY: shards.SEND_LIST_OTHER_SHARDS, reg.CIVIL_REGISTRY: 16, reg.SUBSCRIPTIONS: 32}
