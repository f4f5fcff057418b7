"""moto, made to answer in about the time AWS would, where its way costs the emulator a full core.

1. Queries. moto answers every query on an index by sorting the whole table first (`Table.all_items`), and
sorts with a comparison that converts both keys again at every step (a number key becomes a
Decimal twice per comparison): with a few thousand items every query on the due-time index or
the outbox costs a large share of a second, and the emulator sits at a full core. (A Query now
reads only its partition, local/dynamodb_partitions.py; a Scan still sorts the table.) Here each
item's key is converted once and the sort compares the converted keys, which is the same order
(DynamoType orders by exactly these values; one key attribute has one type across a table).

2. Routing. For every request moto lists its own package directory (a `stat` per service, some
two hundred) to learn whether the host names a service; the list never changes while it runs.
"""

from __future__ import annotations

import functools

from moto import backends
from moto.dynamodb.models.table import Table


def _all_items_sorted_by_key(self: Table) -> list:
    items = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    return sorted(items, key=lambda item: (item.hash_key.cast_value,) if not item.range_key
                  else (item.hash_key.cast_value, item.range_key.cast_value))


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_list_of_moto_modules())


_list_of_moto_modules = backends.list_of_moto_modules


def install() -> None:
    Table.all_items = _all_items_sorted_by_key  # type: ignore[method-assign]
    backends.list_of_moto_modules = _moto_modules  # type: ignore[assignment]
