"""What the fakes share: cursors as the DynamoDB stores give them out (the last sort key given,
opaque to callers, refused when not one of ours) and the failure of a condition no port names."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, TypeVar

from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

T = TypeVar("T")


class ConditionFailed(Exception):
    """A conditional write failed that the port maps to no domain exception (the DynamoDB
    stores raise their TransactionCancelled or pynamodb's error then)."""


def key_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def page_after(rows: list[tuple[str, T]], cursor: str | None, limit: int,
               descending: bool) -> tuple[list[T], str | None]:
    """One page of (sort key, item) rows strictly after the cursor's key, and the next cursor
    while more remain."""
    after = decode_cursor(cursor)
    ordered = sorted(rows, key=lambda row: row[0], reverse=descending)
    if after is not None:
        ordered = [row for row in ordered if (row[0] < after if descending else row[0] > after)]
    page = ordered[:limit]
    more = len(ordered) > limit
    return [item for _key, item in page], encode_cursor(page[-1][0]) if more and page else None


def copy(value: Any) -> Any:
    """What a store hands back is not what it keeps: a caller changing it changes nothing stored."""
    from copy import deepcopy

    return deepcopy(value)
