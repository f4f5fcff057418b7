"""DynamoDB queries on the emulator that read one partition, as DynamoDB's do.

moto answers every Query by taking the whole table (`Table.all_items`), base table and index
alike, keeping the items whose partition key matches, then sorting, paging and filtering them:
a Query costs 14 ms at 320 items and over 100 ms at 9,400, so the local stack slowed down as its
data grew whatever the code's own call counts said.

Here each table keeps, per index, its partition value → the items under it, built on the first
Query of that index and kept right by every write: `Table.put_item` and `Table.delete_item`
(which PutItem, DeleteItem, BatchWriteItem, PartiQL, imports and our transactions all end in)
and the backend's UpdateItem (which changes an item in place, index keys included). A table
restored from a backup brings new items, and the map is built again. The base table and local
indexes need no map of their own: moto keeps the table's items by partition key already.

A Query then hands moto's own `Table.query` only its partition's items, in the order
`all_items` gives them; moto's key condition, sort order, ExclusiveStartKey, Limit, filter and
projection apply unchanged. Its own partition-key check still runs on them, so the map may hold
too much (never too little) without changing an answer.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any, Callable

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_INSTALLED = "_satupintu_partitions"
# The Query being answered on this thread: (table, its partition's items). The emulator answers
# one request at a time, but moto may be used without it (threads, tests): scoped per thread.
_query = threading.local()


class IndexPartitions:
    """One index's partition value → {primary key → item}, and each item's partition value."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute
        self.partitions: dict[Any, dict[tuple, Any]] = {}
        self.placed: dict[tuple, Any] = {}

    def place(self, key: tuple, item: Any) -> None:
        """`item` (None: deleted) as it is now, under `key`; moved out of its old partition."""
        old = self.placed.pop(key, None)
        if old is not None:
            members = self.partitions[old]
            members.pop(key, None)
            if not members:
                del self.partitions[old]
        value = plain(item.attrs.get(self.attribute)) if item is not None else None
        if value is not None:
            self.partitions.setdefault(value, {})[key] = item
            self.placed[key] = value


class TablePartitions:
    """The maps of one table's global indexes, and the items dict they were built from."""

    def __init__(self, table: Table) -> None:
        self.items_source = table.items
        self.by_index: dict[str, IndexPartitions] = {}

    def for_index(self, table: Table, name: str, attribute: str) -> IndexPartitions:
        found = self.by_index.get(name)
        if found is None or found.attribute != attribute:
            found = IndexPartitions(attribute)
            for item in _every_item(table):
                found.place(_primary_key(item), item)
            self.by_index[name] = found
        return found

    def touch(self, table: Table, hash_value: Any, range_value: Any) -> None:
        if not self.by_index:
            return
        item = _current(table, hash_value, range_value)
        key = (plain(hash_value), plain(range_value))
        for partitions in self.by_index.values():
            partitions.place(key, item)


def _every_item(table: Table) -> list[Any]:
    if table.range_key_attr:
        return [item for members in table.items.values() for item in members.values()]
    return list(table.items.values())


def plain(value: Any) -> tuple | None:
    """A key attribute's value as a dict key equal where DynamoType's are (type, and a number's
    value as a Decimal), without DynamoType's hash, which converts the value again at every
    call. None for what cannot be a key (a map, a list, a set: no key condition matches it)."""
    if value is None:
        return None
    if value.type == "N":
        return ("N", Decimal(value.value))
    if value.type in ("S", "B"):
        return (value.type, value.value)
    return None


def _primary_key(item: Any) -> tuple:
    return (plain(item.hash_key), plain(item.range_key))


def _current(table: Table, hash_value: Any, range_value: Any) -> Any:
    found = table.items.get(hash_value)  # .get: table.items is a defaultdict
    if table.range_key_attr:
        return found.get(range_value) if found else None
    return found


def _partitions_of(table: Table) -> TablePartitions:
    state = table.__dict__.get(_INSTALLED)
    if state is None or state.items_source is not table.items:
        state = TablePartitions(table)
        table.__dict__[_INSTALLED] = state
    return state


def _touch(table: Table, hash_value: Any, range_value: Any) -> None:
    state = table.__dict__.get(_INSTALLED)
    if state is not None:
        if state.items_source is not table.items:
            del table.__dict__[_INSTALLED]  # rebuilt on the next Query
        else:
            state.touch(table, hash_value, range_value)


def _sort_key(item: Any) -> tuple:
    # The order all_items gives (local/emulator_speedups.py): by partition key, then sort key.
    if item.range_key is None:
        return (item.hash_key.cast_value,)
    return (item.hash_key.cast_value, item.range_key.cast_value)


def candidates(table: Table, hash_key: Any, index_name: str | None,
               hash_key_conditions: list[tuple[str, Any]] | None) -> list[Any] | None:
    """The items of the queried partition, sorted as all_items sorts them; None when this Query
    is not one this layer narrows (moto then reads the whole table, as before)."""
    if index_name is None:
        partition_value = hash_key
        attribute = table.hash_key_attr
    else:
        index = next((i for i in table.all_indexes() if i.name == index_name), None)
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
        if not hashes:
            return None  # moto answers with its own error
        attribute = hashes[0]
        partition_value = next((value for name, value in hash_key_conditions or [] if name == attribute), None)
    if partition_value is None:
        return None
    if attribute == table.hash_key_attr:
        found = table.items.get(partition_value)
        if found is None:
            members: list[Any] = []
        else:
            members = list(found.values()) if table.range_key_attr else [found]
    else:
        members = list(_partitions_of(table).for_index(table, index_name, attribute)
                       .partitions.get(plain(partition_value), {}).values())
    return sorted(members, key=_sort_key)


def _patched_query(original: Callable) -> Callable:
    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        found = candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions")) if enabled else None
        if found is None:
            return original(self, hash_key, *args, **kwargs)
        _query.scope = (self, found)
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            _query.scope = None

    return query


def _patched_all_items(original: Callable) -> Callable:
    def all_items(self: Table) -> list[Any]:
        scope = getattr(_query, "scope", None)
        if scope is not None and scope[0] is self:
            return list(scope[1])
        return original(self)

    return all_items


def _patched_put(original: Callable) -> Callable:
    def put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        item = original(self, item_attrs, *args, **kwargs)
        _touch(self, item.hash_key, item.range_key)
        return item

    return put_item


def _patched_delete(original: Callable) -> Callable:
    def delete_item(self: Table, hash_key: Any, range_key: Any) -> Any:
        try:
            return original(self, hash_key, range_key)
        finally:
            _touch(self, hash_key, range_key)

    return delete_item


def _patched_update(original: Callable) -> Callable:
    def update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, table_name, key, *args, **kwargs)
        finally:
            # In place, and possibly half-done when it raised: the item as it now is.
            table = self.tables.get(table_name)
            if table is not None and table.__dict__.get(_INSTALLED) is not None:
                _touch_by_key(table, key)

    return update_item


def _touch_by_key(table: Table, key: dict[str, Any]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    if table.hash_key_attr not in key:
        return
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
    _touch(table, DynamoType(key[table.hash_key_attr]), range_value)


# Off: every Query reads the whole table as moto does (the comparison test's reference).
enabled = True


_PATCHES: list[tuple[type, str, Callable[[Callable], Callable]]] = [
    (Table, "query", _patched_query), (Table, "all_items", _patched_all_items), (Table, "put_item", _patched_put),
    (Table, "delete_item", _patched_delete), (DynamoDBBackend, "update_item", _patched_update),
]


def install() -> None:
    """Wraps each method once, however often it is called: a second emulator in one process
    must not wrap the wrappers, and local/emulator_speedups.py may have set all_items again."""
    for owner, name, patch in _PATCHES:
        current = getattr(owner, name)
        if not getattr(current, "_partitioned", False):
            wrapped = patch(current)
            wrapped._partitioned = True  # type: ignore[attr-defined]
            setattr(owner, name, wrapped)
