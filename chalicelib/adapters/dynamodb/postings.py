"""Spending postings: an approved spending report, filed at its office and every office above in
the approval's transaction, so that each office's monthly usage report is a few Queries. Keys:
docs/DATA.md.

Every report is filed at the root too, so an office's month is spread over `LANES` partitions
by a hash of the report (the same report always in the same lane: filing it again replaces
it): the root's month takes no more than its share of the organisation's reports in any one
partition. Reads query every lane, and the month's partition without a lane, where reports filed
before the lanes were kept: `LANES + 1` Queries, whatever the number of reports."""

from __future__ import annotations

import base64
from datetime import datetime

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.shards import shard_of
from chalicelib.adapters.dynamodb.table import Partition, Writes, key_time, merged_page, query_all
from chalicelib.domain.budgets import FiledReport, Posting

LANES = 4


def _lane(application_id: str) -> int:
    return shard_of(application_id, LANES)


def posted_key(node_id: str, period: str, application_id: str) -> str:
    return f"POSTED#{node_id}#{period}#{_lane(application_id)}"


def filed_key(node_id: str, period: str, application_id: str) -> str:
    return f"FILED#{node_id}#{period}#{_lane(application_id)}"


def _month_partitions(prefix: str) -> list[str]:
    """Every lane of an office's month, and the month's key from before the lanes."""
    return [prefix] + [f"{prefix}#{lane}" for lane in range(LANES)]


def _whole_month(model: type, prefix: str) -> list[dict]:
    found = [raw for pk in _month_partitions(prefix) for raw in query_all(model, hash_key=pk, consistent_read=True)]
    return sorted(found, key=lambda raw: raw["sk"]["S"])


def posting_item(node_id: str, posting: Posting) -> m.PostingItem:
    p = posting
    return m.PostingItem(posted_key(node_id, p.period, p.application_id), f"{key_time(p.approved_at)}#{p.application_id}",
                         application_id=p.application_id, category=p.category, amount=p.amount,
                         approved_at=p.approved_at)


def put_posting(tx: Writes, posting: Posting) -> None:
    """The posting, and the filed report's entry again with its approval time (the recap's
    approval date, read with the page), at the office and every office above."""
    for node_id in posting.node_path:
        tx.put("posting", posting_item(node_id, posting))
        tx.put("filed report", m.FiledReportItem(filed_key(node_id, posting.period, posting.application_id),
                                                 posting.application_id, application_id=posting.application_id,
                                                 approved_at=posting.approved_at))


def read_postings(node_id: str, period: str) -> list[tuple[str, str, int, datetime]]:
    """(application, category, amount, approved at) of every spending report approved in
    the subtree for the month, oldest approval first."""
    items = [m.PostingItem.from_raw_data(raw) for raw in _whole_month(m.PostingItem, f"POSTED#{node_id}#{period}")]
    return [(item.application_id, item.category, int(item.amount), item.approved_at) for item in items]


def put_filed_report(tx: Writes, filed: FiledReport) -> None:
    """The same key each time it is submitted again: put, never duplicated."""
    for node_id in filed.node_path:
        tx.put("filed report", m.FiledReportItem(filed_key(node_id, filed.period, filed.application_id),
                                                 filed.application_id, application_id=filed.application_id))


def read_filed_reports(node_id: str, period: str) -> list[str]:
    """The ids of every spending report submitted in the subtree for the month (the month
    named when last submitted: the reader checks it against the report as it stands)."""
    return list(dict.fromkeys(raw["sk"]["S"] for raw in _whole_month(m.FiledReportItem, f"FILED#{node_id}#{period}")))


def filed_reports_page(node_id: str, period: str, after: str | None,
                       limit: int) -> tuple[list[tuple[str, datetime | None]], str | None]:
    """One Query per partition of the month (merged): up to `limit` (application, approved at
    or None) of the month's filed reports after the application `after`, in application-id
    order, and the last id read when more may follow."""
    partitions = [Partition(None, pk) for pk in _month_partitions(f"FILED#{node_id}#{period}")]
    items, cursor = merged_page(m.FiledReportItem, partitions, "sk", descending=False, after=after, limit=limit,
                                consistent_read=True)
    rows: dict[str, datetime | None] = {}
    for item in (m.FiledReportItem.from_raw_data(raw) for raw in items):
        # A report filed before the lanes and approved after them is in both: the approval counts.
        rows[item.application_id] = rows.get(item.application_id) or item.approved_at
    return list(rows.items()), _sort_key(cursor)


def _sort_key(cursor: str | None) -> str | None:
    """The application id a merged page's cursor stands for (it was made here, not given by a
    client: the service makes the client's own cursor of it)."""
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode() if cursor else None
