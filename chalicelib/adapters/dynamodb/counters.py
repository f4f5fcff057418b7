"""Office counters: per office and month, the applications in each status and service and the
budget used, moved at every office above in the transaction of the change that moves them.
Keys: docs/DATA.md."""

from __future__ import annotations

from typing import Any, Iterable

from pynamodb.expressions.operand import Path

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, batch_get_raw
from chalicelib.domain.application_state import CounterMove


def _merged_moves(moves: Iterable[CounterMove]) -> list[CounterMove]:
    """One update per counter item: a transaction may not touch an item twice (a spending
    report's month and the month it was filed are often the same)."""
    merged: dict[tuple[str, str], dict[str, int]] = {}
    for move in moves:
        deltas = merged.setdefault((move.node_id, move.period), {})
        for name, delta in move.deltas.items():
            deltas[name] = deltas.get(name, 0) + delta
    return [CounterMove(node_id, period, deltas) for (node_id, period), deltas in merged.items()]


def move_counters(tx: Writes, moves: Iterable[CounterMove]) -> None:
    for move in _merged_moves(moves):
        tx.update(
            "counters", m.CounterItem(f"COUNT#{move.node_id}", move.period),
            actions=[Path([name]).add(delta) for name, delta in sorted(move.deltas.items())],
        )


def _counter_values(raw: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in raw.items() if "N" in value}


def read_counters(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """The counters of each (office, month) asked for; one call per 100."""
    found = batch_get_raw([(f"COUNT#{node_id}", period) for node_id, period in keys])
    return {(pk.removeprefix("COUNT#"), sk): _counter_values(raw) for (pk, sk), raw in found.items()}
