"""Office counters: per office and month (or day), the applications in each status and service,
the budget used, the step figures. Keys: docs/DATA.md "counters".

A change does not update the counters of every office on its path in its own transaction: the
root's month would then take every change in the organisation, and DynamoDB cancels concurrent
transactions on one item. It puts one small item of counter moves instead, on one of
MOVE_LANES partitions (by a hash of its name); aggregate_counters reads those from the table's stream
and adds them up (`count_moves`), one update per counter item per transaction.

Exactly once under Lambda's at-least-once retries and a crash mid-batch: each transaction of
`count_moves` adds a chunk's moves to the counters AND deletes the chunk's moves items, each
delete conditioned on the item still existing. A chunk that committed before a crash fails
those conditions when the batch comes again and is left out; one that did not commit applied
nothing. A moves item still in the table is a move not yet counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Iterator

from pynamodb.expressions.operand import Path

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.counter_models import CounterMovesItem
from chalicelib.adapters.dynamodb.shards import shard_of
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, batch_get_raw, from_key_time, key_time, run_transaction,
)
from chalicelib.domain.application_state import CounterMove

MOVES_PREFIX = "MOVES#"
# Partitions the moves items are spread over: at 1,000 writes a second per partition, 32 lanes
# take 32,000 changes a second before any is hot (docs/DATA.md "Counters, counted from the stream").
MOVE_LANES = 32
# DynamoDB's limit of items per transaction: counter updates plus moves deletes.
TRANSACTION_ITEMS = 100
COUNTED_THROUGH = "counted_through"


def _merged_moves(moves: Iterable[CounterMove]) -> list[CounterMove]:
    """One entry per counter item: a spending report's month and the month it was filed are
    often the same."""
    merged: dict[tuple[str, str], dict[str, int]] = {}
    for move in moves:
        deltas = merged.setdefault((move.node_id, move.period), {})
        for name, delta in move.deltas.items():
            deltas[name] = deltas.get(name, 0) + delta
    return [CounterMove(node_id, period, deltas) for (node_id, period), deltas in merged.items()]


def move_counters(tx: Writes, moves: Iterable[CounterMove]) -> None:
    """The change's counter moves, as one item in its transaction (counted later, from the
    stream): one write whatever the depth of the office tree."""
    merged = [move for move in _merged_moves(moves) if any(move.deltas.values())]
    if not merged:
        return
    moved_at = key_time(tx.started)
    encoded = json.dumps([[move.node_id, move.period, {k: v for k, v in move.deltas.items() if v}] for move in merged],
                         separators=(",", ":"))
    # Named after the transaction (its token), not drawn anew: a retry carrying the same token
    # after a lost answer must send the same items, or DynamoDB refuses it as another request.
    name = tx.unique_name()
    lane = shard_of(name, MOVE_LANES)
    item = CounterMovesItem(f"{MOVES_PREFIX}{lane:02d}", f"{moved_at}#{name}", moved_at=moved_at, moves=encoded)
    tx.put("counter moves", item, condition=CounterMovesItem.pk.does_not_exist())


# ---- counting (aggregate_counters) ------------------------------------------------------------

@dataclass(frozen=True)
class PendingMoves:
    """One moves item as the stream handed it over."""

    pk: str
    sk: str
    moved_at: str
    moves: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...]

    @property
    def moved(self) -> datetime:
        return from_key_time(self.moved_at)

    @property
    def label(self) -> str:
        return f"moves {self.pk} {self.sk}"

    def counter_keys(self) -> set[tuple[str, str]]:
        return {(node_id, period) for node_id, period, _ in self.moves}


def pending_from_image(image: dict[str, Any]) -> PendingMoves | None:
    """A stream record's new image as pending moves, or None when it is another kind of item."""
    pk = image.get("pk", {}).get("S", "")
    if not pk.startswith(MOVES_PREFIX):
        return None
    decoded = json.loads(image["moves"]["S"])
    moves = tuple((str(node), str(period), tuple(sorted((str(k), int(v)) for k, v in deltas.items())))
                  for node, period, deltas in decoded)
    return PendingMoves(pk, image["sk"]["S"], image["moved_at"]["S"], moves)


def chunks(pending: list[PendingMoves], limit: int | None = None) -> Iterator[list[PendingMoves]]:
    """The moves in order, cut so that a chunk's counter items and moves items fit one
    transaction."""
    limit = limit or TRANSACTION_ITEMS
    chunk: list[PendingMoves] = []
    touched: set[tuple[str, str]] = set()
    for item in pending:
        keys = item.counter_keys()
        if chunk and len(chunk) + 1 + len(touched | keys) > limit:
            yield chunk
            chunk, touched = [], set()
        chunk.append(item)
        touched |= keys
    if chunk:
        yield chunk


def _sums(chunk: list[PendingMoves]) -> dict[tuple[str, str], tuple[dict[str, int], str]]:
    """Per counter item: the chunk's deltas summed, and the newest move's time among them."""
    sums: dict[tuple[str, str], tuple[dict[str, int], str]] = {}
    for item in chunk:
        for node_id, period, deltas in item.moves:
            summed, newest = sums.get((node_id, period), ({}, ""))
            for name, delta in deltas:
                summed[name] = summed.get(name, 0) + delta
            sums[(node_id, period)] = (summed, max(newest, item.moved_at))
    return sums


def _count_chunk(tx: Writes, chunk: list[PendingMoves]) -> None:
    # counted_through is set, not raised to a maximum (an update cannot compare): batches of
    # different shards may set it a little back. The dashboard answers the newest it reads.
    for (node_id, period), (deltas, newest) in sorted(_sums(chunk).items()):
        actions = [Path([name]).add(delta) for name, delta in sorted(deltas.items()) if delta]
        tx.update("counters", m.CounterItem(f"COUNT#{node_id}", period),
                  actions=[*actions, Path([COUNTED_THROUGH]).set(newest)])
    for item in chunk:
        tx.delete(item.label, CounterMovesItem(item.pk, item.sk), condition=CounterMovesItem.pk.exists())


def count_chunk(chunk: list[PendingMoves]) -> int:
    """Add one chunk's moves to the counters; answers how many moves items it counted (those
    counted before, by an earlier try of the batch, are left out)."""
    remaining = list(chunk)
    while remaining:
        try:
            run_transaction(lambda tx, these=remaining: _count_chunk(tx, these))
            return len(remaining)
        except TransactionCancelled as cancelled:
            counted_before = {item.label for item in remaining} & cancelled.failed
            if not counted_before:
                raise
            remaining = [item for item in remaining if item.label not in counted_before]
    return 0


def count_moves(pending: list[PendingMoves]) -> int:
    """Add the moves to the counters, one transaction per chunk; answers how many moves items
    were counted now."""
    return sum(count_chunk(chunk) for chunk in chunks(pending))


# ---- reading ---------------------------------------------------------------------------------

def _counter_values(raw: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in raw.items() if "N" in value}


def read_counters(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """The counters of each (office, month) asked for; one call per 100."""
    return {key: values for key, (values, _) in read_counters_counted(keys).items()}


def read_counters_counted(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[dict[str, int], str | None]]:
    """The counters of each (office, period) asked for, each with the time of the newest move
    counted into it; one call per 100."""
    found = batch_get_raw([(f"COUNT#{node_id}", period) for node_id, period in keys])
    return {(pk.removeprefix("COUNT#"), sk): (_counter_values(raw), raw.get(COUNTED_THROUGH, {}).get("S"))
            for (pk, sk), raw in found.items()}


class DynamoCounterTally:
    """What aggregate_counters counts with (the composition root binds the table first)."""

    def count(self, pending: list[PendingMoves]) -> int:
        return count_moves(pending)
