"""DynamoDB transactions on the emulator, closer to DynamoDB than moto's own.

moto's TransactWriteItems deep-copies the whole table once per item of every transaction, to
roll back on failure: with a few thousand items a transaction takes seconds, time-outs follow,
and a retried transaction then fails its own conditions. DynamoDB would not: it applies a
transaction in place, and a retry carrying the same ClientRequestToken within ten minutes is
answered as the first one was, without applying anything again.

Here, every condition is checked first (nothing is written if one fails, exactly as before);
then the writes are applied, with only the touched items saved for a rollback. Tokens are
remembered for ten minutes. The emulator serializes requests, so no other write interleaves.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from typing import Any

from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.comparisons import get_filter_expression

TOKEN_SECONDS = 600


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _failed_condition(op: dict[str, Any], current: Any) -> tuple[Any, Any, Any] | None:
    """The cancellation reason of an item whose condition does not hold on `current`, or None."""
    condition = op.get("ConditionExpression")
    if condition is None:
        return None
    check = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
    if check.expr(current):
        return None
    old = current.to_json()["Attributes"] if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
    return ("ConditionalCheckFailed", str(ConditionalCheckFailed().message), old)


def _plan(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict, dict, Any]]:
    """Every item checked before anything is written: the writes to make, each with the item as
    it was (for a rollback); or TransactionCanceledException with a reason per item."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    planned = []
    reasons: list[tuple[Any, Any, Any]] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        key = _key_of(backend, op_type, op)
        unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = backend.get_item(op["TableName"], key)
        failed = _failed_condition(op, current)
        reasons.append(failed or (None, None, None))
        if failed is None:
            planned.append((op_type, op, key, copy.deepcopy(current)))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    return planned


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    applied = []
    try:
        for op_type, op, key, before in _plan(self, transact_items):
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"])
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key)
            elif op_type == "Update":
                self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                 expression_attribute_names=names, expression_attribute_values=values)
            else:
                continue
            applied.append((op["TableName"], key, before))
    except Exception:
        for table_name, key, before in reversed(applied):
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before.to_json()["Attributes"])
        raise


class RequestTokens:
    """ClientRequestToken → the request it came with, for ten minutes."""

    def __init__(self) -> None:
        # In the order remembered, so expired tokens are always at the front: forgetting them
        # costs what expired, not a pass over ten minutes of tokens on every transaction.
        self._seen: dict[str, tuple[str, float]] = {}

    @staticmethod
    def _digest(body: dict[str, Any]) -> str:
        items = json.dumps(body.get("TransactItems", []), sort_keys=True)
        return hashlib.sha256(items.encode()).hexdigest()

    def already_done(self, body: dict[str, Any]) -> bool | None:
        """True: this token already committed this very request. None: not seen (or expired).
        False: seen with other items (DynamoDB answers IdempotentParameterMismatch)."""
        token = body.get("ClientRequestToken")
        if not token:
            return None
        self._forget_expired()
        found = self._seen.get(token)
        if found is None:
            return None
        return found[0] == self._digest(body)

    def remember(self, body: dict[str, Any]) -> None:
        token = body.get("ClientRequestToken")
        if token:
            self._seen.pop(token, None)  # re-remembered: moves to the back, where its new time belongs
            self._seen[token] = (self._digest(body), time.monotonic())

    def _forget_expired(self) -> None:
        now = time.monotonic()
        while self._seen:
            oldest = next(iter(self._seen))
            if now - self._seen[oldest][1] < TOKEN_SECONDS:
                return
            del self._seen[oldest]


def install() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
