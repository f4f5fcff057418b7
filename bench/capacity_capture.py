"""The DynamoDB requests the real adapters would send, recorded instead of sent.

Every DynamoDB call the code makes — pynamodb's and Powertools' alike — goes through botocore's
`BaseClient._make_api_call`. Inside `recording()` that method is replaced: a DynamoDB request is
charged (to the second of the simulated hour it belongs to) and applied to a small shadow of the
table (keys, index attributes and sizes), never sent. Reads are charged what the shadow holds — a
GetItem the item's size, a Query its whole partition up to its Limit (sort conditions and filters
are not evaluated: a read is charged at least what it would read) — and answered empty: the
services take their answers from the fakes, and a real store's parsing of thousands of answers
would only slow the replay down. Nothing reaches AWS.

The shadow tells which index partitions a write touches: an update that moves an item's index key
deletes it from the old partition and puts it in the new one, both index writes. Capacity units are
charged the way DynamoDB charges them: writes by the KB (twice inside a transaction), reads by
4 KB (half when eventually consistent), an index write by the KB of its projection. Item sizes are
those of the attributes written (the shadow keeps the largest seen per item)."""

from __future__ import annotations

import contextlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator

import botocore.client

TABLE = "capacity-replay"


@dataclass(frozen=True)
class Index:
    name: str
    partition: str  # the attribute that names the index partition
    sort: str
    keys_only: bool


def table_indexes() -> list[Index]:
    """The table's global secondary indexes as the models declare them (every model's schema),
    so a new or renamed index is measured without a list kept here."""
    from chalicelib.adapters.dynamodb import models as m

    found: dict[str, Index] = {}
    for model in m.every_model():
        for index in model._get_schema()["global_secondary_indexes"]:
            hash_key = next(k["AttributeName"] for k in index["key_schema"] if k["KeyType"] == "HASH")
            range_key = next((k["AttributeName"] for k in index["key_schema"] if k["KeyType"] == "RANGE"), "")
            keys_only = index.get("projection", {}).get("ProjectionType") == "KEYS_ONLY"
            found[index["index_name"]] = Index(index["index_name"], hash_key, range_key, keys_only)
    return sorted(found.values(), key=lambda i: i.name)


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for one attribute value (close enough: strings and numbers by their
    text, containers by their members plus a few bytes each)."""
    kind, inner = next(iter(value.items()))
    if kind in ("S", "N", "B"):
        return len(str(inner).encode())
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v).encode()) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    return 1


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


@dataclass
class Usage:
    """What one key took in one second: requests and capacity units."""

    writes: int = 0
    wcu: float = 0.0
    reads: int = 0
    rcu: float = 0.0


@dataclass
class Recorder:
    """Per (kind, key) per second: kind is `table` (pk), or an index's name (its partition)."""

    indexes: list[Index]
    second: int = 0
    counting: bool = True
    weight: int = 1  # each replayed arrival stands for this many (a sampled replay)
    operation: str = "setup"  # the API route or worker step running now
    calls_by_operation: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    topics: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # outbox entries put, by topic
    stream: list | None = None  # (second, old image, new image) of each write, when the stream is replayed
    usage: dict[tuple[str, str], dict[int, Usage]] = field(default_factory=lambda: defaultdict(dict))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # operation → requests
    items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # the shadow
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    by_pk: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_index: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))

    # ---- charging ----------------------------------------------------------------------------

    def _use(self, kind: str, key: str) -> Usage:
        per_second = self.usage[(kind, key)]
        found = per_second.get(self.second)
        if found is None:
            found = per_second[self.second] = Usage()
        return found

    def charge_write(self, kind: str, key: str, size: int, transactional: bool) -> None:
        if not self.counting:
            return
        usage = self._use(kind, key)
        usage.writes += self.weight
        usage.wcu += max(1, math.ceil(size / 1024)) * (2 if transactional else 1) * self.weight

    def charge_read(self, kind: str, key: str, size: int, consistent: bool, items: int = 1) -> None:
        if not self.counting:
            return
        usage = self._use(kind, key)
        usage.reads += self.weight
        units = max(1, math.ceil(size / 4096)) if items else 1
        usage.rcu += (units if consistent else units / 2) * self.weight

    # ---- the shadow ----------------------------------------------------------------------------

    def _store(self, key: tuple[str, str], new: dict[str, Any] | None, transactional: bool) -> None:
        """Replace an item (None: delete it), charging the table and each index it leaves or enters."""
        old = self.items.get(key)
        if self.stream is not None and self.counting:
            self.stream.append((self.second, old, new))
        size = max(self.sizes.get(key, 0), item_size(new or {}))
        self.charge_write("table", key[0], size, transactional)
        for index in self.indexes:
            self._index_writes(index, key, old, new, size)
        if new is None:
            self.items.pop(key, None)
            self.by_pk[key[0]].discard(key[1])
            return
        self.items[key] = new
        self.sizes[key] = size
        self.by_pk[key[0]].add(key[1])

    def _index_writes(self, index: Index, key: tuple[str, str], old: dict[str, Any] | None,
                      new: dict[str, Any] | None, size: int) -> None:
        """DynamoDB's index upkeep: an item whose index key (partition or sort) changes is deleted
        from the index and put again (two writes, in the old and the new partition); one whose
        key stays is rewritten in place when the index holds its other attributes (one write)."""
        before, after = _text(old, index.partition), _text(new, index.partition)
        index_size = 100 if index.keys_only else size
        if before is not None and after is not None and before == after:
            self.by_index[(index.name, after)].add(key)
            if _text(old, index.sort) != _text(new, index.sort):
                self.charge_write(index.name, before, index_size, False)
                self.charge_write(index.name, after, index_size, False)
            elif not index.keys_only:
                self.charge_write(index.name, after, index_size, False)
            return
        if before is not None:
            self.by_index[(index.name, before)].discard(key)
            self.charge_write(index.name, before, index_size, False)
        if after is not None:
            self.by_index[(index.name, after)].add(key)
            self.charge_write(index.name, after, index_size, False)

    def put(self, item: dict[str, Any], transactional: bool) -> None:
        if self.counting and "topic" in item:
            self.topics[_text(item, "topic") or "?"] += self.weight
        self._store(_key(item), dict(item), transactional)

    def delete(self, key_attrs: dict[str, Any], transactional: bool) -> None:
        self._store(_key(key_attrs), None, transactional)

    def update(self, request: dict[str, Any], transactional: bool) -> dict[str, Any]:
        key = _key(request["Key"])
        item = dict(self.items.get(key) or request["Key"])
        names = request.get("ExpressionAttributeNames", {})
        values = request.get("ExpressionAttributeValues", {})
        expression = request.get("UpdateExpression", "")
        item.update(_assigned(expression, names, values, item))
        for name in _removed(expression, names):
            item.pop(name, None)
        grown = sum(attribute_size(v) for v in values.values())
        self.sizes[key] = max(self.sizes.get(key, 0), item_size(item), item_size(request["Key"]) + grown)
        self._store(key, item, transactional)
        return item

    def get(self, key_attrs: dict[str, Any], consistent: bool) -> None:
        key = _key(key_attrs)
        self.charge_read("table", key[0], self.sizes.get(key, 100), consistent)

    def query(self, request: dict[str, Any]) -> None:
        index_name = request.get("IndexName")
        partition = _partition_value(request)
        projected = None  # a keys-only index returns its keys (about 100 bytes), not the items
        if index_name:
            keys = sorted(self.by_index.get((index_name, partition), ()))
            kind = index_name
            projected = 100 if any(i.name == index_name and i.keys_only for i in self.indexes) else None
        else:
            keys = [(partition, sk) for sk in sorted(self.by_pk.get(partition, ()))]
            kind = "table"
        limit = request.get("Limit")
        if limit:
            keys = keys[:limit]
        size = sum(projected or self.sizes.get(k, 100) for k in keys)
        self.charge_read(kind, partition, size, bool(request.get("ConsistentRead")), len(keys))


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _text(item: dict[str, Any] | None, name: str) -> str | None:
    if not item or name not in item:
        return None
    value = item[name]
    return value.get("S") if isinstance(value, dict) else None


_ASSIGN = re.compile(r"(#\w+)\s*=\s*(if_not_exists\s*\(\s*#\w+\s*,\s*)?(:\w+)")


def _clauses(expression: str) -> dict[str, str]:
    """The SET / REMOVE / ADD / DELETE clauses of an update expression, by keyword."""
    parts = re.split(r"\b(SET|REMOVE|ADD|DELETE)\b", expression)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _assigned(expression: str, names: dict[str, str], values: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Attributes a SET gives a plain value (if_not_exists keeps what is there); arithmetic and
    list appends are left out: no index key is ever computed."""
    assigned = {}
    # ADD: the attribute's size is what counts here (a counter item grows by one per name).
    for name_ref, value_ref in re.findall(r"(#\w+)\s+(:\w+)", _clauses(expression).get("ADD", "")):
        name = names.get(name_ref, name_ref)
        if name not in item and value_ref in values:
            assigned[name] = values[value_ref]
    for name_ref, keep_existing, value_ref in _ASSIGN.findall(_clauses(expression).get("SET", "")):
        name = names.get(name_ref, name_ref)
        if keep_existing and name in item:
            continue
        if value_ref in values:
            assigned[name] = values[value_ref]
    return assigned


def _removed(expression: str, names: dict[str, str]) -> list[str]:
    return [names.get(ref, ref) for ref in re.findall(r"#\w+", _clauses(expression).get("REMOVE", ""))]


def _partition_value(request: dict[str, Any]) -> str:
    """The value of the partition key a Query names: the first `#n = :v` of its key condition."""
    names = request.get("ExpressionAttributeNames", {})
    values = request.get("ExpressionAttributeValues", {})
    del names  # the partition's equality comes first in every key condition pynamodb writes
    match = re.search(r"#\w+\s*=\s*(:\w+)", request.get("KeyConditionExpression", ""))
    return values.get(match.group(1), {}).get("S", "?") if match else "?"


def answer(recorder: Recorder, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """Apply one request to the shadow, charging it, and answer as DynamoDB would (roughly)."""
    if recorder.counting:
        recorder.calls[operation] += recorder.weight
        recorder.calls_by_operation[(recorder.operation, operation)] += recorder.weight
    if operation == "PutItem":
        recorder.put(request["Item"], False)
    elif operation == "UpdateItem":
        # pynamodb reads the item back from the answer; the shadow's is as good as any.
        return {"Attributes": recorder.update(request, False)}
    elif operation == "DeleteItem":
        recorder.delete(request["Key"], False)
    elif operation == "TransactWriteItems":
        for entry in request["TransactItems"]:
            _transact_one(recorder, entry)
    elif operation == "BatchWriteItem":
        for requests in request["RequestItems"].values():
            for entry in requests:
                if "PutRequest" in entry:
                    recorder.put(entry["PutRequest"]["Item"], False)
                else:
                    recorder.delete(entry["DeleteRequest"]["Key"], False)
    elif operation == "GetItem":
        recorder.get(request["Key"], bool(request.get("ConsistentRead")))
    elif operation == "BatchGetItem":
        for wanted in request["RequestItems"].values():
            for key in wanted["Keys"]:
                recorder.get(key, bool(wanted.get("ConsistentRead")))
        return {"Responses": {table: [] for table in request["RequestItems"]}, "UnprocessedKeys": {}}
    elif operation == "Query":
        recorder.query(request)
        return {"Items": [], "Count": 0, "ScannedCount": 0}
    elif operation == "TransactGetItems":
        for entry in request["TransactItems"]:
            recorder.get(entry["Get"]["Key"], True)
    return {}


def _transact_one(recorder: Recorder, entry: dict[str, Any]) -> None:
    if "Put" in entry:
        recorder.put(entry["Put"]["Item"], True)
    elif "Update" in entry:
        recorder.update(entry["Update"], True)
    elif "Delete" in entry:
        recorder.delete(entry["Delete"]["Key"], True)
    elif "ConditionCheck" in entry:
        key = _key(entry["ConditionCheck"]["Key"])
        recorder.charge_read("table", key[0], recorder.sizes.get(key, 100), True)


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Answer every DynamoDB request from `recorder`; any other AWS call is an error (the replay
    gives every other port a fake)."""
    real = botocore.client.BaseClient._make_api_call

    def fake(client: Any, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        service = client.meta.service_model.service_name
        if service != "dynamodb":
            raise RuntimeError(f"the capacity replay made a {service} call ({operation}); give that port a fake")
        return answer(recorder, operation, request)

    botocore.client.BaseClient._make_api_call = fake
    try:
        yield recorder
    finally:
        botocore.client.BaseClient._make_api_call = real
