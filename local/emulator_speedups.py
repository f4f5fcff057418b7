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

3. DynamoDB's answers. moto writes every answer by walking botocore's model of the operation's
output member by member, each attribute value tried against all ten of its possible types: most
of a ten-item Query's time. Item data is already in DynamoDB's JSON wire format (moto keeps
items as the AttributeValue maps it was sent), so the data-plane operations' answers are written
with json.dumps. Whatever that could write otherwise goes the long way as before: a value that
is not plain JSON (binary, a timestamp, an object), and any null (the model would leave the
member out).

4. Update expressions. moto parses an UpdateExpression into a tree twice for every UpdateItem
(and again for each update in a transaction), and every use of the tree is a read or works on a
deep copy of it (the validator's). Our stores send a few dozen distinct expressions (the
values travel apart, as `:placeholders`), so each is parsed once (a bounded cache); an
expression that does not parse is parsed, and refused, every time.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable

from moto import backends
from moto.dynamodb.models.table import Table
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto.dynamodb.responses import DynamoResult

# Distinct update expressions whose trees are kept (ours are a few dozen).
PARSED_UPDATE_EXPRESSIONS = 1024
# Operations whose answers are items, keys and counts (not table descriptions with timestamps).
DATA_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                             "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})
# Off: every answer is written by moto's serializer (the comparison test's reference).
json_answers = True


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


def _answering_as_json(serialize: Callable[..., Any]) -> Callable[..., Any]:
    def execute_result(self: DynamoResult, context: Any) -> Any:
        if json_answers and context.operation_model.name in DATA_OPERATIONS:
            try:
                body = json.dumps(self.result)
            except (TypeError, ValueError):
                body = None
            if body is not None and "null" not in body:
                status = context.operation_model.http.get("responseCode", 200)
                version = context.service_model.metadata.get("jsonVersion", "1.0")
                return status, {"Content-Type": f"application/x-amz-json-{version}"}, body
        return serialize(self, context)

    execute_result._as_json = True  # type: ignore[attr-defined]
    return execute_result


def _parsing_each_expression_once(make: Callable[[str], Any]) -> Any:
    parsed = functools.lru_cache(maxsize=PARSED_UPDATE_EXPRESSIONS)(make)

    def make_once(cls: type, expression_str: str) -> Any:
        return parsed(expression_str)

    make_once._parsed_once = parsed  # type: ignore[attr-defined]
    return classmethod(make_once)


def install() -> None:
    Table.all_items = _all_items_sorted_by_key  # type: ignore[method-assign]
    backends.list_of_moto_modules = _moto_modules  # type: ignore[assignment]
    if not hasattr(UpdateExpressionParser.make, "_parsed_once"):
        UpdateExpressionParser.make = _parsing_each_expression_once(UpdateExpressionParser.make)  # type: ignore[method-assign]
    if not getattr(DynamoResult.execute_result, "_as_json", False):
        DynamoResult.execute_result = _answering_as_json(DynamoResult.execute_result)  # type: ignore[method-assign]
