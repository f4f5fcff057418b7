"""The counter moves waiting to be counted (docs/DATA.md "counters"). In the one table, bound
with the models of models.py (models.every_model)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.adapters.dynamodb.models import Item


class CounterMovesItem(Item):
    """pk MOVES#{lane}, sk {UTC time}#{transaction token}-{n}: the counter moves of one change, put in its
    transaction instead of updating every office's counters there; the table's stream hands it
    to aggregate_counters, which adds it to the counters and deletes it in one transaction."""

    moved_at = UnicodeAttribute()  # UTC, sortable (table.key_time)
    moves = UnicodeAttribute()  # JSON: [[node, period, {name: delta}], ...]


MODELS = (CounterMovesItem,)
