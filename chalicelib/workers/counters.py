"""aggregate_counters: the table's stream, in batches of up to 1,000 records, turned into counter
updates. Each change put its counter moves as one item (adapters/dynamodb/counters.py); here the
batch's new moves items are summed per office and period and added in a few transactions, each
deleting the moves it counted. A failure raises: Lambda hands the same batch again (a stream
shard does not move on past a batch that failed), and what was counted before is left out."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

logger = logging.getLogger(__name__)


def pending_moves(event: dict[str, Any]) -> list[Any]:
    """The moves items the batch's records put (INSERT), in stream order; other records are the
    table's other writes, and the deletes of moves already counted."""
    from chalicelib.adapters.dynamodb.counters import pending_from_image

    found = []
    for record in event.get("Records", []):
        if record.get("eventName") != "INSERT":
            continue
        pending = pending_from_image(record.get("dynamodb", {}).get("NewImage", {}))
        if pending is not None:
            found.append(pending)
    return found


def aggregate(event: dict[str, Any]) -> None:
    from chalicelib import logs
    from chalicelib.deps import container

    logs.configure()
    pending = pending_moves(event)
    if not pending:
        return
    counted = container().counter_tally.count(pending)
    # How far the counters trail the changes: the oldest move of the batch, counted just now.
    oldest = min(item.moved for item in pending)
    logger.info("counter moves counted", extra={
        "records": len(event.get("Records", [])), "moves": len(pending), "counted_now": counted,
        "oldest_move_seconds": round((datetime.now(timezone.utc) - oldest).total_seconds(), 3)})
