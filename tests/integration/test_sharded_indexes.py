"""Sharded index partitions (adapters/dynamodb/shards.py): the writers spread items over the
shards of each key, and the readers find every item, in order, reading each shard once per call
(pages of the root's list across shards without repeats or gaps)."""

from __future__ import annotations

import time
from datetime import timedelta

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb import shards
from chalicelib.adapters.dynamodb.table import query_page
from chalicelib.domain import applications as rules
from chalicelib.domain.notifications import FAILED, Notification
from tests.integration.test_store_contracts import LONG_AGO, NOW, applicant, filed, uid
from tests.unit.test_application_rules import DESK, ORIGIN, ROOT, SERVICE, WIB


def raw_item(pk: str, sk: str) -> dict:
    return m.Item._get_connection().get_item(pk, sk, consistent_read=True)["Item"]


def submitted_long_ago(deps, count: int):
    """Applications submitted at times long past (so an escalation and a hand-on are due), each
    a minute apart: their outbox keys and the applications."""
    apps, keys = [], []
    for n in range(count):
        created = filed(LONG_AGO + timedelta(minutes=n))
        deps.application_store.save(created)
        change = rules.submit(created.application, SERVICE, DESK, applicant, [], LONG_AGO + timedelta(minutes=n), WIB,
                              ORIGIN)
        keys += deps.application_store.save(change)
        apps.append(change.application)
    return apps, keys


def test_outbox_entries_spread_over_the_shards_and_the_relay_finds_each_earliest_first(deps):
    _apps, keys = submitted_long_ago(deps, 12)
    notify = [k for k in keys if k.topic == "notify"]
    partitions = {raw_item(k.pk, k.sk)["pending_key"]["S"] for k in notify}
    assert len(partitions) >= 4 and all(p.startswith("OUTBOX#") for p in partitions)
    found = deps.outbox_store.stragglers(LONG_AGO + timedelta(days=1), 1000)
    assert set(found) == set(notify)
    earliest = deps.outbox_store.stragglers(LONG_AGO + timedelta(days=1), 3)
    first_three = sorted(notify, key=lambda k: raw_item(k.pk, k.sk)["pending_since"]["S"])[:3]
    assert earliest == first_three  # the limit is over every shard, merged by time


def test_a_failed_entry_keeps_its_shard_in_the_failed_partition(deps):
    _apps, keys = submitted_long_ago(deps, 1)
    entry = next(k for k in keys if k.topic == "notify")
    before = raw_item(entry.pk, entry.sk)["pending_key"]["S"]
    deps.outbox_store.count_relay(entry, 0)
    after = raw_item(entry.pk, entry.sk)["pending_key"]["S"]
    assert after == before.replace("OUTBOX#", "OUTBOX-FAILED#")
    assert entry not in deps.outbox_store.stragglers(LONG_AGO + timedelta(days=1), 1000)


def test_escalation_clocks_spread_over_the_shards_and_every_due_one_is_found(deps):
    apps, _keys = submitted_long_ago(deps, 12)
    partitions = {raw_item(f"APP#{a.id}", "A")["due_key"]["S"] for a in apps}
    assert len(partitions) >= 4
    due = deps.application_store.due_for_escalation(NOW, 1000)
    assert {a.id for a in apps} <= set(due)
    assert deps.application_store.due_for_escalation(LONG_AGO, 1000) == []  # none due yet then


def test_the_roots_list_pages_newest_first_across_its_shards_without_repeats_or_gaps(deps):
    made = []
    for n in range(23):
        change = filed(NOW + timedelta(minutes=n))
        deps.application_store.save(change)
        made.append(change.application.id)
    partitions = {raw_item(f"APP#{app_id}", "A")["anc0"]["S"] for app_id in made}
    assert len(partitions) >= 6 and all(p.startswith(f"{ROOT.id}#") for p in partitions)
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = deps.application_store.page_in_subtrees([ROOT], cursor, 5)
        seen += [a.id for a in page]
        pages += 1
        if cursor is None:
            break
    mine = [app_id for app_id in seen if app_id in set(made)]
    assert mine == list(reversed(made)) and len(seen) == len(set(seen))
    assert pages <= len(seen) // 5 + 2
    # The root's subtree filtered: the same walk, fewer items (filters cost reads, not calls).
    drafts, _ = deps.application_store.page_in_subtrees([ROOT], None, 100, status="draft")
    assert set(made) <= {a.id for a in drafts}


def test_a_roots_page_reads_each_shard_once_whatever_it_holds(deps, monkeypatch):
    from chalicelib.adapters.dynamodb import table

    calls = []
    real = table.query_page
    monkeypatch.setattr(table, "query_page", lambda *a, **k: calls.append(k["hash_key"]) or real(*a, **k))
    deps.application_store.page_in_subtrees([ROOT], None, 5)
    assert sorted(calls) == sorted(shards.every_shard(ROOT.id, shards.ROOT_ANCESTOR_SHARDS))


def test_failed_deliveries_spread_over_the_shards_and_ops_see_the_newest_first(deps):
    user = uid("usr")
    notes = [Notification(f"ntf_{n:02d}{uid('x')}", user, "submitted", {}, NOW) for n in range(10)]
    for n, note in enumerate(notes):
        deps.notification_store.add(note)
        deps.notification_store.record_delivery(note, FAILED, 5, NOW + timedelta(seconds=n), "bounced")
    partitions = {raw_item(f"NOTE#{user}", f"N#{note.id}")["pending_key"]["S"] for note in notes}
    assert len(partitions) >= 4
    newest = deps.notification_store.failed(4)
    assert [n.id for n in newest] == [n.id for n in reversed(notes)][:4]


def test_idempotency_records_live_in_sharded_partitions_and_are_found_again(deps):
    from aws_lambda_powertools.utilities.idempotency.persistence.base import DataRecord

    store = deps.notification_idempotency_store
    for n in range(8):
        store._put_record(DataRecord(idempotency_key=f"key-{n}", status="COMPLETED",
                                     expiry_timestamp=int(time.time()) + 3600))
        found = store._get_record(f"key-{n}")
        assert (found.status, found.idempotency_key) == ("COMPLETED", f"key-{n}")
    partitions = {shards.sharded_key("IDEMPOTENCY#notification", f"key-{n}", shards.NOTIFICATION_IDEMPOTENCY_SHARDS)
                  for n in range(8)}
    assert len(partitions) >= 3
    stored = [query_page(hash_key=p)[0] for p in partitions]
    assert sum(len(items) for items in stored) == 8


def test_the_backfill_moves_items_written_before_sharding_and_a_second_run_changes_nothing(deps):
    from chalicelib.adapters import aws
    from infra.backfill_shards import backfill

    client, table = aws.client(deps.settings, "dynamodb"), deps.settings.table_name
    apps, keys = submitted_long_ago(deps, 3)
    entry = next(k for k in keys if k.topic == "notify")
    # As a release before sharding wrote them: bare keys.
    for app in apps:
        client.update_item(TableName=table, Key={"pk": {"S": f"APP#{app.id}"}, "sk": {"S": "A"}},
                           UpdateExpression="SET anc0 = :root, due_key = :due",
                           ExpressionAttributeValues={":root": {"S": ROOT.id}, ":due": {"S": "DUE"}})
    client.update_item(TableName=table, Key={"pk": {"S": entry.pk}, "sk": {"S": entry.sk}},
                       UpdateExpression="SET pending_key = :bare", ExpressionAttributeValues={":bare": {"S": "OUTBOX"}})
    client.put_item(TableName=table, Item={"pk": {"S": "IDEMPOTENCY#notification"}, "sk": {"S": "old-key"},
                                           "status": {"S": "COMPLETED"},
                                           "expires_ttl": {"N": str(int(time.time()) + 3600)}})
    assert not {a.id for a in apps} & set(deps.application_store.due_for_escalation(NOW, 1000))
    assert entry not in deps.outbox_store.stragglers(LONG_AGO + timedelta(days=1), 1000)

    first = backfill(client, table, page_size=7)  # small pages: the paging is exercised too
    assert first.keys_rewritten == {"anc0": 3, "due_key": 3, "pending_key": 1} and first.idempotency_moved == 1
    assert {a.id for a in apps} <= set(deps.application_store.due_for_escalation(NOW, 1000))
    assert entry in deps.outbox_store.stragglers(LONG_AGO + timedelta(days=1), 1000)
    listed, _ = deps.application_store.page_in_subtrees([ROOT], None, 100)
    assert {a.id for a in apps} <= {a.id for a in listed}
    assert deps.notification_idempotency_store._get_record("old-key").status == "COMPLETED"

    again = backfill(client, table)
    assert again.keys_rewritten == {} and again.idempotency_moved == 0
