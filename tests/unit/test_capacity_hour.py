"""A simulated hour of 1,000,000 applications (≈ 278 a second) against DynamoDB's per-partition
limits, from the domain's own change-sets, no AWS needed (bench/capacity.py): no base-table
partition and no index partition may take more than 1,000 WCU or 3,000 RCU in any second.

The replay runs the real services on the fakes, each fake store mirrored onto its real DynamoDB
store whose requests are recorded, not sent. This test replays two seconds of the hour's steady
state (every lifecycle's steps folded into them: each second ≈ 278 creates, 556 uploads and scans,
278 submits, 833 decisions, their notices, e-mails and registry runs) with every fourth arrival
standing for four (139 lifecycles), so it runs in about 10 s of CPU; `python -m bench.capacity`
replays every arrival and rewrites docs/CAPACITY.md's tables."""

import pytest

from bench import capacity
from bench.capacity_capture import Index, Recorder, answer

LIMITS = f"{capacity.WCU_LIMIT} WCU/s or {capacity.RCU_LIMIT} RCU/s"


@pytest.fixture(scope="module")
def replayed():
    replay = capacity.run(seconds=2, every=4)
    rates = capacity.key_rates(replay.recorder)
    print(f"\nreplayed {replay.lifecycles} lifecycles standing for {replay.lifecycles * replay.every} "
          f"(two seconds of the hour) in {replay.elapsed:.1f} s; top 10 keys by share of their limit:")
    print(capacity.format_top(rates, 10))
    return replay, rates


def test_every_replayed_application_went_through_its_whole_lifecycle(replayed):
    replay, rates = replayed
    # Each lifecycle: filed, its uploads offered and scanned, submitted and approved in three steps.
    assert replay.approved == replay.lifecycles > 0
    ops = replay.operations
    assert ops["POST /applications/{id}/decision"] == 3 * replay.lifecycles
    assert ops["scan"] == 2 * replay.lifecycles
    assert ops["notify: fan-out"] >= 4 * replay.lifecycles  # a submission and each decision tell someone
    assert replay.mails >= 4 * replay.lifecycles  # by e-mail
    # The application partitions were written as DynamoDB would: each change in one transaction.
    app_writes = sum(r.writes for r in rates if r.kind == "table" and r.key.startswith("APP#"))
    assert app_writes >= 10 * replay.lifecycles * replay.every


def test_no_partition_key_takes_more_than_dynamodb_allows_in_any_second(replayed):
    _replay, rates = replayed
    over = [r for r in rates if r.over]
    assert not over, (f"{len(over)} partition keys over {LIMITS} in their busiest second:\n"
                      + capacity.format_top(over, len(over)))


# ---- the recorder's arithmetic ------------------------------------------------------------------

def recorder() -> Recorder:
    return Recorder(indexes=[Index("by_x", "x_key", "x_sort", keys_only=False),
                             Index("pending", "p_key", "p_sort", keys_only=True)])


def item(pk, sk, **attrs):
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{name: {"S": value} for name, value in attrs.items()}}


def usage(rec, kind, key):
    return rec.usage[(kind, key)][0]


def test_a_transaction_charges_each_write_twice_and_each_index_partition_it_enters():
    rec = recorder()
    answer(rec, "TransactWriteItems", {"TransactItems": [
        {"Put": {"Item": item("A#1", "A", x_key="ROOT", x_sort="t1", p_key="OUTBOX", p_sort="t1")}},
        {"Put": {"Item": item("A#2", "A", x_key="ROOT", x_sort="t2")}},
    ]})
    assert (usage(rec, "table", "A#1").writes, usage(rec, "table", "A#1").wcu) == (1, 2)
    assert (usage(rec, "by_x", "ROOT").writes, usage(rec, "by_x", "ROOT").wcu) == (2, 2)
    assert usage(rec, "pending", "OUTBOX").writes == 1


def test_an_update_that_moves_an_index_key_writes_the_old_and_the_new_partition():
    rec = recorder()
    answer(rec, "PutItem", {"Item": item("A#1", "A", x_key="DUE", x_sort="t1")})
    answer(rec, "UpdateItem", {"Key": item("A#1", "A"), "UpdateExpression": "SET #0 = :0 REMOVE #1",
                               "ExpressionAttributeNames": {"#0": "x_sort", "#1": "p_key"},
                               "ExpressionAttributeValues": {":0": {"S": "t2"}}})
    assert usage(rec, "by_x", "DUE").writes == 3  # the put, then a delete and a put (its sort key moved)
    answer(rec, "UpdateItem", {"Key": item("A#1", "A"), "UpdateExpression": "REMOVE #0",
                               "ExpressionAttributeNames": {"#0": "x_key"}})
    assert usage(rec, "by_x", "DUE").writes == 4  # left the index
    answer(rec, "DeleteItem", {"Key": item("A#1", "A")})
    assert usage(rec, "by_x", "DUE").writes == 4 and usage(rec, "table", "A#1").writes == 4


def test_reads_are_charged_by_four_kilobytes_and_half_when_eventually_consistent():
    rec = recorder()
    answer(rec, "PutItem", {"Item": item("BIG", "A", blob="x" * 9000)})
    answer(rec, "GetItem", {"Key": item("BIG", "A"), "ConsistentRead": True})
    answer(rec, "Query", {"KeyConditionExpression": "#0 = :0", "ExpressionAttributeNames": {"#0": "pk"},
                          "ExpressionAttributeValues": {":0": {"S": "BIG"}}})
    big = usage(rec, "table", "BIG")
    assert (big.reads, big.rcu) == (2, 3 + 1.5)
    assert usage(rec, "table", "BIG").wcu == 9  # 9 KB written


def test_a_sampled_replay_weighs_each_charge_by_the_arrivals_it_stands_for():
    rec = recorder()
    rec.weight = 3
    answer(rec, "PutItem", {"Item": item("A#1", "A", x_key="ROOT", x_sort="t")})
    assert (usage(rec, "table", "A#1").writes, usage(rec, "by_x", "ROOT").wcu) == (3, 3)


def test_the_recorded_writes_reach_a_stream_function_as_chalice_hands_them_in_batches(monkeypatch):
    from types import SimpleNamespace

    from chalice import Chalice

    from bench import capacity_stream

    app = Chalice("stream-replay")
    seen = []

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:ap-southeast-3:0:table/t/stream/1", batch_size=2)
    def aggregate(event):
        seen.append([(record.event_name, record.keys["pk"]["S"], (record.new_image or {}).get("n")) for record in event])

    monkeypatch.setattr(capacity_stream, "chalice_app", lambda: app)
    rec = recorder()
    rec.stream = []
    answer(rec, "PutItem", {"Item": item("M#1", "a", n="1")})
    answer(rec, "PutItem", {"Item": item("M#1", "a", n="2")})
    rec.second = 1
    answer(rec, "DeleteItem", {"Key": item("M#1", "a")})
    replay = SimpleNamespace(recorder=rec, cpu=capacity.Counter(), operations=capacity.Counter())
    assert capacity_stream.replay_stream(replay, 0.0) == {"aggregate": 3}
    assert seen == [[("INSERT", "M#1", {"S": "1"}), ("MODIFY", "M#1", {"S": "2"})], [("REMOVE", "M#1", None)]]
    assert replay.operations["stream: aggregate"] == 2  # one batch in each second


# ---- the key patterns' table --------------------------------------------------------------------

def test_keys_group_into_patterns_by_their_ids_and_shards_each_named_by_its_hottest_key():
    rate = capacity.KeyRate
    rates = [rate("sends", "SENDS#subscriptions#pending#18", 273, 497.0, 0, 0.0),
             rate("sends", "SENDS#subscriptions#pending#5", 258, 476.0, 0, 0.0),
             rate("sends", "SENDS#subscriptions#sent#5", 90, 180.0, 0, 0.0),
             rate("by_anc0", "root#2", 192, 434.0, 0, 0.0),
             rate("by_anc0", "root#10", 150, 300.0, 0, 0.0),
             rate("table", "COUNT#kota-0101", 10, 40.0, 0, 0.0),
             rate("table", "COUNT#kota-0202", 12, 30.0, 2, 2000.0),
             rate("table", "MOVES#07", 100, 300.0, 0, 0.0),
             rate("table", "MOVES#31", 90, 280.0, 0, 0.0),
             rate("table", "SUBDELIVERY#sub-000#3", 40, 80.0, 0, 0.0),
             rate("table", "TRACK#ENW5-2026-11X3", 1, 1.0, 1, 1.0),
             rate("table", "TRACK#2F6E-286X-3874", 1, 1.0, 1, 1.0)]
    patterns = {(p.kind, p.shape): p for p in capacity.key_patterns(rates)}
    assert set(patterns) == {("sends", "SENDS#subscriptions#pending#{shard}"), ("sends", "SENDS#subscriptions#sent#{shard}"),
                             ("by_anc0", "root#{shard}"), ("table", "COUNT#{kota}"), ("table", "MOVES#{shard}"),
                             ("table", "SUBDELIVERY#{sub}#{shard}"), ("table", "TRACK#{code}")}
    pending = patterns[("sends", "SENDS#subscriptions#pending#{shard}")]
    assert (pending.keys, pending.hottest.key) == (2, "SENDS#subscriptions#pending#18")
    # The hottest is the nearest its limit, reads or writes: 2,000 RCU/s is 67 %, 40 WCU/s 4 %.
    assert patterns[("table", "COUNT#{kota}")].hottest.key == "COUNT#kota-0202"
    assert patterns[("table", "TRACK#{code}")].keys == 2
    # Hottest pattern first.
    assert capacity.key_patterns(rates)[0].shape == "COUNT#{kota}"
