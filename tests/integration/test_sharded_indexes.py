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


def owe_deliveries(deps, subscription_id: str, count: int, day: str = "2001-04-04") -> list[str]:
    """Webhook deliveries owed to one subscription, each a minute apart: their send-log pks."""
    from chalicelib.adapters.dynamodb.send_log import send_pk
    from chalicelib.domain import integrations as reg

    records = [reg.IntegrationRecord(reg.SUBSCRIPTIONS, "application.submitted", day, f"{subscription_id}#evt_{n:03d}",
                                     LONG_AGO, fields={"id": f"evt_{n:03d}"}) for n in range(count)]
    for n, record in enumerate(records):
        deps.send_log_store.owe([record], NOW + timedelta(minutes=n))
    return [send_pk(r.target, r.dataset, r.key) for r in records]


def test_the_send_log_spreads_each_target_and_state_over_its_shards_and_pages_them_without_repeats(deps):
    from chalicelib.domain import integrations as reg

    subscription_id = uid("sub")
    pks = owe_deliveries(deps, subscription_id, 23, day="2001-04-05")
    partitions = {raw_item(pk, "S")["send_list"]["S"] for pk in pks}
    assert len(partitions) >= 8 and all(p.startswith("SENDS#subscriptions#pending#") for p in partitions)
    seen, cursor = [], None
    while True:
        page, cursor = deps.send_log_store.page([reg.SUBSCRIPTIONS], [reg.PENDING], "2001-04-05", cursor, 5)
        seen += [entry.key for entry in page]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"{subscription_id}#evt_{n:03d}" for n in range(23)) and len(seen) == len(set(seen))
    assert deps.send_log_store.count_unsaved(reg.SUBSCRIPTIONS, "2001-04-05") == 23
    # Settled, a record moves to the same shard of the state it ends in.
    pending = raw_item(pks[0], "S")["send_list"]["S"]
    entry = deps.send_log_store.claim(pks[0], NOW + timedelta(days=1), timedelta(minutes=5))
    deps.send_log_store.settle(entry, reg.Outcome(reg.SAVED, None, "ok"), 204, NOW + timedelta(days=1), None)
    assert raw_item(pks[0], "S")["send_list"]["S"] == pending.replace("#pending#", "#sent#")
    assert deps.send_log_store.count_unsaved(reg.SUBSCRIPTIONS, "2001-04-05") == 22


def test_a_send_log_page_reads_each_shard_of_each_target_and_state_once(deps, monkeypatch):
    from chalicelib.adapters.dynamodb import table
    from chalicelib.domain import integrations as reg

    calls = []
    real = table.query_page
    monkeypatch.setattr(table, "query_page", lambda *a, **k: calls.append(k["hash_key"]) or real(*a, **k))
    deps.send_log_store.page([reg.SUBSCRIPTIONS, reg.CIVIL_REGISTRY], [reg.PENDING, reg.SENT], None, None, 5)
    expected = [key for target in (reg.SUBSCRIPTIONS, reg.CIVIL_REGISTRY) for state in (reg.PENDING, reg.SENT)
                for key in shards.every_shard(f"SENDS#{target}#{state}", shards.send_list_shards(target))]
    assert sorted(calls) == sorted(expected)


def test_a_subscriptions_deliveries_spread_over_its_shards_and_page_newest_first(deps):
    subscription_id = uid("sub")
    pks = owe_deliveries(deps, subscription_id, 17)
    stored = [query_page(hash_key=p)[0] for p in shards.every_shard(f"SUBDELIVERY#{subscription_id}",
                                                                     shards.SUBSCRIPTION_DELIVERY_SHARDS)]
    assert sum(1 for items in stored if items) >= 4 and sum(len(items) for items in stored) == 17
    seen, cursor = [], None
    while True:
        page, cursor = deps.subscription_deliveries.deliveries.page(subscription_id, cursor, 4)
        seen += [entry.key for entry in page]
        if cursor is None:
            break
    assert seen == [f"{subscription_id}#evt_{n:03d}" for n in reversed(range(17))]  # newest first, each once
    assert {raw["send_pk"]["S"] for items in stored for raw in items} == set(pks)


def test_the_backfill_shards_the_send_log_and_the_delivery_lists_and_a_second_run_changes_nothing(deps):
    from chalicelib.adapters import aws
    from chalicelib.domain import integrations as reg
    from infra.backfill_shards import backfill

    client, table = aws.client(deps.settings, "dynamodb"), deps.settings.table_name
    subscription_id = uid("sub")
    pks = owe_deliveries(deps, subscription_id, 3, day="2001-04-06")
    # As a release before sharding wrote them: the bare send-log partition and delivery list.
    for pk in pks:
        client.update_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": "S"}},
                           UpdateExpression="SET send_list = :bare",
                           ExpressionAttributeValues={":bare": {"S": "SENDS#subscriptions#pending"}})
    for items in (query_page(hash_key=p)[0] for p in shards.every_shard(f"SUBDELIVERY#{subscription_id}",
                                                                      shards.SUBSCRIPTION_DELIVERY_SHARDS)):
        for raw in items:
            client.put_item(TableName=table, Item={**raw, "pk": {"S": f"SUBDELIVERY#{subscription_id}"}})
            client.delete_item(TableName=table, Key={"pk": raw["pk"], "sk": raw["sk"]})
    assert deps.send_log_store.page([reg.SUBSCRIPTIONS], [reg.PENDING], "2001-04-06", None, 10)[0] == []
    assert deps.subscription_deliveries.deliveries.page(subscription_id, None, 10)[0] == []

    first = backfill(client, table, page_size=7)
    assert first.keys_rewritten.get("send_list") == 3 and first.deliveries_moved == 3
    listed, _ = deps.send_log_store.page([reg.SUBSCRIPTIONS], [reg.PENDING], "2001-04-06", None, 10)
    assert sorted(e.key for e in listed) == sorted(f"{subscription_id}#evt_{n:03d}" for n in range(3))
    delivered, _ = deps.subscription_deliveries.deliveries.page(subscription_id, None, 10)
    assert [e.key for e in delivered] == [f"{subscription_id}#evt_{n:03d}" for n in reversed(range(3))]

    again = backfill(client, table)
    assert again.keys_rewritten == {} and again.idempotency_moved == 0 and again.deliveries_moved == 0
