"""The counters' aggregation, its pure parts: which stream records are moves to count, and how a
batch is cut into transactions of at most 100 items (adapters/dynamodb/counters.py)."""

import json

from chalicelib.adapters.dynamodb.counters import PendingMoves, chunks
from chalicelib.workers.counters import pending_moves


def moves_image(sk, moves):
    return {"pk": {"S": "MOVES#07"}, "sk": {"S": sk}, "moved_at": {"S": sk.split("#")[0]},
            "moves": {"S": json.dumps(moves)}}


def record(event_name, image):
    return {"eventName": event_name, "dynamodb": {"Keys": {"pk": image["pk"], "sk": image["sk"]}, "NewImage": image}}


def test_only_the_moves_items_put_are_counted_not_their_deletes_nor_other_items():
    put = moves_image("2026-12-05T03:00:00.000000Z#a", [["root", "2026-12", {"status:draft": 1}]])
    other = {"pk": {"S": "APP#app_1"}, "sk": {"S": "A"}}
    event = {"Records": [record("INSERT", put), record("INSERT", other), record("MODIFY", put),
                         {"eventName": "REMOVE", "dynamodb": {"Keys": {"pk": put["pk"], "sk": put["sk"]}}}]}
    [found] = pending_moves(event)
    assert (found.pk, found.sk, found.moved_at) == ("MOVES#07", "2026-12-05T03:00:00.000000Z#a", "2026-12-05T03:00:00.000000Z")
    assert found.moves == (("root", "2026-12", (("status:draft", 1),)),)


def pending(n, offices):
    return PendingMoves("MOVES#00", f"t{n:03d}", f"t{n:03d}",
                        tuple((office, "2026-12", (("status:draft", 1),)) for office in offices))


def test_a_batch_is_cut_so_that_each_transaction_holds_at_most_its_limit_of_items():
    # Each change touches the root and its own office: 60 changes over 30 offices.
    batch = [pending(n, ["root", f"office-{n % 30}"]) for n in range(60)]
    cut = list(chunks(batch, limit=20))
    assert [item for chunk in cut for item in chunk] == batch  # every move, once, in order
    for chunk in cut:
        counters = set().union(*(item.counter_keys() for item in chunk))
        assert len(chunk) + len(counters) <= 20
    # A busy office's batch is one transaction: its counters are shared by every change.
    busy = [pending(n, ["root", "office-1"]) for n in range(90)]
    assert [len(chunk) for chunk in chunks(busy)] == [90]


def test_a_move_that_touches_more_counters_than_fit_with_others_goes_alone():
    wide = pending(1, [f"office-{i}" for i in range(15)])
    cut = list(chunks([pending(0, ["root"]), wide, pending(2, ["root"])], limit=16))
    assert [[item.sk for item in chunk] for chunk in cut] == [["t000"], ["t001"], ["t002"]]


class RecordedTransaction:
    """What pynamodb's TransactWrite is handed (the items saved), without a table."""

    def __init__(self):
        self.saved = []

    def save(self, item, condition=None):
        self.saved.append((item.pk, item.sk, item.moved_at, item.moves))


def moves_written(token, started, *changes):
    from chalicelib.adapters.dynamodb.counters import move_counters
    from chalicelib.adapters.dynamodb.table import Writes

    transaction = RecordedTransaction()
    writes = Writes(transaction, token, started)
    for moves in changes:
        move_counters(writes, moves)
    return transaction.saved


def test_a_retry_carrying_the_same_token_writes_the_same_moves_item_and_another_transaction_another():
    from datetime import datetime, timezone

    from chalicelib.domain.application_state import CounterMove

    started = datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)
    change = [CounterMove("root", "2026-12", {"status:draft": 1}), CounterMove("root", "2026-12", {"status:draft": 1}),
              CounterMove("office", "2026-12", {"status:draft": 1, "status:submitted": 0})]
    obligation = [CounterMove("dam-agency", "2026-12", {"dam_obligations:open": 1})]
    first = moves_written("token-1", started, change, obligation)
    # A retry after a lost answer (DynamoDB recognises it by its token only if the items are the same).
    assert moves_written("token-1", started, change, obligation) == first
    assert len({sk for _, sk, _, _ in first}) == 2  # two calls in one transaction: two items
    pk, sk, moved_at, moves = first[0]
    assert pk.startswith("MOVES#") and 0 <= int(pk.removeprefix("MOVES#")) < 32
    assert sk.startswith(moved_at) and moved_at == "2026-12-05T03:00:00.000000Z"
    assert json.loads(moves) == [["root", "2026-12", {"status:draft": 2}], ["office", "2026-12", {"status:draft": 1}]]
    assert {sk for _, sk, _, _ in moves_written("token-2", started, change)}.isdisjoint({sk for _, sk, _, _ in first})
    assert moves_written("token-3", started, [CounterMove("root", "2026-12", {"status:draft": 0})]) == []  # nothing moves
