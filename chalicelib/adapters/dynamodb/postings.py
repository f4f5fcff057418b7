"""Spending postings: an approved spending report, filed at its office and every office above in
the approval's transaction, so that each office's monthly usage report is one Query. Keys:
docs/DATA.md."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, key_time
from chalicelib.domain.budgets import Posting


def posting_item(node_id: str, posting: Posting) -> m.PostingItem:
    p = posting
    return m.PostingItem(f"POSTED#{node_id}#{p.period}", f"{key_time(p.approved_at)}#{p.application_id}",
                         application_id=p.application_id, category=p.category, amount=p.amount,
                         approved_at=p.approved_at)


def put_posting(tx: Writes, posting: Posting) -> None:
    for node_id in posting.node_path:
        tx.put("posting", posting_item(node_id, posting))


def read_postings(node_id: str, period: str) -> list[tuple[str, str, int, datetime]]:
    """(application, category, amount, approved at) of every spending report approved in
    the subtree for the month, oldest approval first."""
    return [(item.application_id, item.category, int(item.amount), item.approved_at)
            for item in m.PostingItem.query(f"POSTED#{node_id}#{period}")]
