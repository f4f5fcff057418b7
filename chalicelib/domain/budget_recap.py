"""The recap of a month's spending reports: every report filed for the month at an office and
below, whatever became of it (its point, description, status, amount and approval date). The
usage report's PDF prints it and `GET /budgets/{node}/{period}/reports` gives it page by page;
both read each line from here, so they say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.application_state import APPROVED, Application


@dataclass(frozen=True)
class RecapEntry:
    application_id: str
    tracking_code: str
    node_id: str
    office: str
    point: str  # where the money was spent: the form's location at the office, else the office
    activity: str
    description: str
    category: str
    status: str
    amount: int
    spent_on: str  # YYYY-MM-DD
    approved_at: datetime | None  # None until approved

    @property
    def summary(self) -> str:
        """The activity and its description in one line, as the PDF's recap prints it."""
        return self.activity + (f": {self.description}" if self.description else "")


def point_of(data: dict[str, Any], office: str) -> str:
    """Where the money was spent: the form's location at the office, else the office."""
    location = str(data.get("location") or "").strip()
    return f"{location} ({office})" if location else office


def recap_entry(app: Application, period: str, office: str, approved_at: datetime | None) -> RecapEntry | None:
    """The report's recap line for `period`, or None when it no longer belongs there (its spending
    day was moved to another month after it was filed) or carries no amount. `approved_at` is
    kept only for an approved report."""
    data = app.data
    spent_on = str(data.get("spent_on") or "")
    amount = data.get("amount")
    if spent_on[:7] != period or not isinstance(amount, int) or isinstance(amount, bool):
        return None
    return RecapEntry(
        application_id=app.id, tracking_code=app.tracking_code, node_id=app.node_id, office=office,
        point=point_of(data, office), activity=str(data.get("activity") or ""),
        description=str(data.get("description") or ""), category=str(data.get("category") or ""),
        status=app.status, amount=amount, spent_on=spent_on[:10],
        approved_at=approved_at if app.status == APPROVED else None,
    )
