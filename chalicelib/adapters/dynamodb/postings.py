"""Spending postings: an approved spending report, filed at its office and every office above in
the approval's transaction, so that each office's monthly usage report is one Query. Keys:
docs/DATA.md."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, key_time
from chalicelib.domain.budgets import FiledReport, Posting


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


def put_filed_report(tx: Writes, filed: FiledReport) -> None:
    """The same key each time it is submitted again: put, never duplicated."""
    for node_id in filed.node_path:
        tx.put("filed report", m.FiledReportItem(f"FILED#{node_id}#{filed.period}", filed.application_id,
                                                 application_id=filed.application_id))


def read_filed_reports(node_id: str, period: str) -> list[str]:
    """The ids of every spending report submitted in the subtree for the month (the month
    named when last submitted: the reader checks it against the report as it stands)."""
    return [item.application_id for item in m.FiledReportItem.query(f"FILED#{node_id}#{period}")]
