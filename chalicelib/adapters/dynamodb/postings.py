"""Spending postings: an approved spending report, filed at its office and every office above in
the approval's transaction, so that each office's monthly usage report is one Query. Keys:
docs/DATA.md."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, key_time, query_page
from chalicelib.domain.budgets import FiledReport, Posting


def posting_item(node_id: str, posting: Posting) -> m.PostingItem:
    p = posting
    return m.PostingItem(f"POSTED#{node_id}#{p.period}", f"{key_time(p.approved_at)}#{p.application_id}",
                         application_id=p.application_id, category=p.category, amount=p.amount,
                         approved_at=p.approved_at)


def put_posting(tx: Writes, posting: Posting) -> None:
    """The posting, and the filed report's entry again with its approval time (the recap's
    approval date, read with the page), at the office and every office above."""
    for node_id in posting.node_path:
        tx.put("posting", posting_item(node_id, posting))
        tx.put("filed report", m.FiledReportItem(f"FILED#{node_id}#{posting.period}", posting.application_id,
                                                 application_id=posting.application_id,
                                                 approved_at=posting.approved_at))


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


def filed_reports_page(node_id: str, period: str, after: str | None,
                       limit: int) -> tuple[list[tuple[str, datetime | None]], str | None]:
    """One Query: up to `limit` (application, approved at or None) of the month's filed reports
    after the application `after`, in application-id order, and the last id read when more may
    follow."""
    pk = f"FILED#{node_id}#{period}"
    query: dict = {"hash_key": pk, "limit": limit, "consistent_read": True}
    if after:
        query["exclusive_start_key"] = {"pk": {"S": pk}, "sk": {"S": after}}
    items, last = query_page(m.FiledReportItem, **query)
    found = [m.FiledReportItem.from_raw_data(raw) for raw in items]
    return [(item.application_id, item.approved_at) for item in found], (last["sk"]["S"] if last else None)
