"""What every store does with the one table: transactions whose cancellations name the write that
failed, single-page queries, batch reads, cursors, and the merged paging of lists.

Every multi-item write is one TransactWriteItems with conditions; every list is a Query on a key
or index named in docs/DATA.md, never a Scan.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb import models as m
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.services.ports.cursors import encode_cursor


KEY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def key_time(moment: datetime) -> str:
    """A UTC timestamp that sorts as text (index sort keys and cursors)."""
    return moment.astimezone(timezone.utc).strftime(KEY_TIME)


def from_key_time(text: str) -> datetime:
    return datetime.strptime(text, KEY_TIME).replace(tzinfo=timezone.utc)


def is_condition_failure(error: Exception) -> bool:
    """True when a single-item write was refused by its condition (not by the service)."""
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def is_transaction_conflict(error: Exception) -> bool:
    """True when a single-item write met an item a transaction was writing at that moment."""
    return getattr(error, "cause_response_code", None) == "TransactionConflictException"


# ---- transactions ----------------------------------------------------------------------------

class TransactionCancelled(Exception):
    def __init__(self, failed: set[str], reasons: list[str | None]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.failed = failed  # labels of the writes whose condition failed
        self.reasons = reasons


class Writes:
    """The writes of one transaction, each with a label, so that a cancellation can say which
    condition failed (DynamoDB answers one reason per item, in the order pynamodb sends them:
    condition checks, deletes, puts, updates)."""

    def __init__(self, transaction: TransactWrite, token: str = "", started: datetime | None = None) -> None:
        self._tx = transaction
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}
        # The transaction's client request token and when its first attempt began: the same in
        # every attempt that carries the token, so a write named after them (a counter-moves
        # item's key) is the same write again, and a retry after a lost answer is recognised.
        self.token = token or uuid.uuid4().hex
        self.started = started or datetime.now(timezone.utc)
        self._named = 0

    def unique_name(self) -> str:
        """A name for a new item, unique in this transaction and the same in its retries."""
        self._named += 1
        return f"{self.token}-{self._named}"

    def put(self, label: str, item: Any, condition: Any = None) -> None:
        self._tx.save(item, condition=condition)
        self._labels["put"].append(label)

    def delete(self, label: str, item: Any, condition: Any = None) -> None:
        self._tx.delete(item, condition=condition)
        self._labels["delete"].append(label)

    def update(self, label: str, item: Any, actions: list[Any], condition: Any = None) -> None:
        self._tx.update(item, actions=actions, condition=condition)
        self._labels["update"].append(label)

    def check(self, label: str, model: Any, hash_key: str, range_key: str, condition: Any) -> None:
        self._tx.condition_check(model, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def labels_in_sent_order(self) -> list[str]:
        return self._labels["check"] + self._labels["delete"] + self._labels["put"] + self._labels["update"]


def run_transaction(build: Callable[[Writes], None], attempts: int = 4) -> None:
    """Commit the writes `build` adds, retrying only DynamoDB's TransactionConflict (another
    transaction touched one of the items, typically a shared counter); a failed condition is
    final and raises TransactionCancelled naming the writes whose condition failed.

    Every attempt carries the same client request token, so a retry after a lost answer (a
    time-out) cannot apply the writes twice: DynamoDB treats it as the same transaction."""
    token, started = uuid.uuid4().hex, datetime.now(timezone.utc)
    for attempt in range(attempts):
        writes: Writes | None = None
        try:
            with TransactWrite(connection=m.connection(), client_request_token=token) as transaction:
                writes = Writes(transaction, token, started)
                build(writes)
            return
        except TransactWriteError as error:
            reasons = [r.code if r else None for r in (error.cancellation_reasons or [])]
            if not reasons:
                # Not cancelled but unanswered (time-out, throttling past botocore's retries):
                # the same token makes one more try safe; then the caller may try again.
                if attempt + 1 < attempts:
                    time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
                    continue
                raise Unavailable("the database did not answer; try again") from error
            if "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons and attempt + 1 < attempts:
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                # A conflict was a refusal: the next try is a new transaction.
                token, started = uuid.uuid4().hex, datetime.now(timezone.utc)
                continue
            labels = writes.labels_in_sent_order() if writes else []
            failed = {label for label, reason in zip(labels, reasons) if reason == "ConditionalCheckFailed"}
            if not failed and "TransactionConflict" in reasons:
                # Still colliding after the retries: no condition of ours failed, so nothing a
                # caller could act on but trying again (a 409, never a 500).
                raise Conflict("the record is being changed at this moment; try again") from error
            raise TransactionCancelled(failed, reasons) from error


def committed_unless(build: Callable[[Writes], None], label: str) -> bool:
    """Commit; False when the write labelled `label` found its condition failed (it was done
    before), any other cancellation raising as usual."""
    try:
        run_transaction(build)
    except TransactionCancelled as cancelled:
        if label in cancelled.failed:
            return False
        raise
    return True


# ---- reads -----------------------------------------------------------------------------------

def query_page(model: type = m.Item, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One Query call (one page): pynamodb's iterators would quietly fetch as many pages as a
    filter needs, and a request must make a bounded number of calls. `model` is the one whose
    indexes the query may use."""
    answer = model._get_connection().query(**kwargs)
    return answer.get("Items", []), answer.get("LastEvaluatedKey")


def query_all(model: type = m.Item, **query: Any) -> Iterator[dict[str, Any]]:
    """Every item a query finds, page after page, for reads that must see them all (a 1 MB
    page ends a Query early)."""
    start = None
    while True:
        items, start = query_page(model, exclusive_start_key=start, **query)
        yield from items
        if start is None:
            return


def whole_partition(pk: str, prefix: str | None = None) -> Iterator[dict[str, Any]]:
    """Every item of one partition (a consistent read), or those whose sort key starts with
    `prefix`: an application's history or an office's children may outgrow one page."""
    condition = m.Item.sk.startswith(prefix) if prefix else None
    return query_all(hash_key=pk, range_key_condition=condition, consistent_read=True)


def batch_get_raw(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by (pk, sk), up to 100 a call; keys not found are left out. Unprocessed keys
    (throttling) are asked again with a short backoff."""
    wanted = list(dict.fromkeys(keys))
    client, table = m.connection().client, m.Item.Meta.table_name
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(wanted), 100):
        request = {table: {"Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted[start:start + 100]],
                           "ConsistentRead": True}}
        for attempt in range(6):
            answer = client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(table, []):
                found[(raw["pk"]["S"], raw["sk"]["S"])] = raw
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(min(0.05 * 2 ** attempt, 1) * random.random())
        else:
            raise Unavailable("the table is busy; try again")
    return found


# ---- merged pages (cursors: services/ports/cursors.py) ----------------------------------------------------------------

@dataclass(frozen=True)
class Partition:
    """One index partition to read: the index (None: the table) and the value of its partition key."""

    index: str | None
    key: str


@dataclass(frozen=True)
class SortRange:
    """Inclusive bounds on the sort key that every partition of a list is read within."""

    low: str
    high: str


def _resume_condition(sort_key: Any, after: str | None, descending: bool, within: SortRange | None) -> Any:
    """The key condition of a partition's next page: strictly after the cursor, within the range.
    DynamoDB cannot join a strict comparison with a second bound, so inside a range the cursor's
    own item is read again (BETWEEN is inclusive) and dropped by the caller."""
    if within is None:
        if after is None:
            return None
        return sort_key < after if descending else sort_key > after
    if after is None:
        return sort_key.between(within.low, within.high)
    return sort_key.between(within.low, after) if descending else sort_key.between(after, within.high)


def merged_page(
    model: Any,
    partitions: list[Partition],
    sort_attribute: str,
    *,
    descending: bool,
    after: str | None,
    limit: int,
    filter_condition: Any = None,
    within: SortRange | None = None,
    consistent_read: bool = False,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page from several index partitions of `model` that share one sort order, merged: one
    Query per partition, whatever the size of the table.

    The cursor is a sort key; each partition resumes strictly after it, so no per-partition
    state is needed. A partition that has more stopped at some sort key; the stopping point
    nearest the cursor is the boundary, and items beyond it are held back for the next page,
    since that partition may hold items that come before them. The next cursor is the last item given out when
    more items were found than fit the page, else the boundary (not the last item given out: a
    filter may have dropped what lies between them, and an all-filtered page must still move
    on), else none. So with a filter a page may hold fewer than `limit` items, even none, while
    a next cursor remains; nothing is skipped and nothing given twice.
    """
    sort_key = getattr(model, sort_attribute)
    condition = _resume_condition(sort_key, after, descending, within)
    # Inside a range the cursor's own item comes back too: one more read keeps the page full.
    reads = limit + 1 if within is not None and after is not None else limit
    found: list[dict[str, Any]] = []
    boundary: str | None = None
    for part in partitions:
        items, last = query_page(model, hash_key=part.key, index_name=part.index, range_key_condition=condition,
                                 filter_condition=filter_condition, limit=reads, scan_index_forward=not descending,
                                 consistent_read=consistent_read)
        found.extend(raw for raw in items if raw[sort_attribute]["S"] != after)
        if last is not None:
            stop = last[sort_attribute]["S"]
            if boundary is None or (stop > boundary if descending else stop < boundary):
                boundary = stop
    return _cut_page(found, sort_attribute, descending, boundary, limit)


def _cut_page(found: list[dict[str, Any]], sort_attribute: str, descending: bool, boundary: str | None,
              limit: int) -> tuple[list[dict[str, Any]], str | None]:
    def value(raw: dict[str, Any]) -> str:
        return raw[sort_attribute]["S"]

    found.sort(key=value, reverse=descending)
    if boundary is not None:
        found = [raw for raw in found if (value(raw) >= boundary if descending else value(raw) <= boundary)]
    page = found[:limit]
    if len(found) > limit:
        return page, encode_cursor(value(page[-1]))
    if boundary is not None:
        return page, encode_cursor(boundary)
    return page, None
