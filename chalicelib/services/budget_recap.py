"""The recap of an office's month as data: every spending report filed for the month at the
office and below, page by page (the usage report's PDF prints the same lines). A page is one
Query of the month's filed reports, one batch read of those reports and one of their offices:
the same calls whatever the number of reports."""

from __future__ import annotations

import logging

from chalicelib.domain import budgets as budget_rules
from chalicelib.domain.budget_recap import RecapEntry, recap_entry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.people import Principal, application_roles
from chalicelib.services.ports import ApplicationStore, OrgStore
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

logger = logging.getLogger(__name__)


class BudgetRecapService:
    def __init__(self, *, applications: ApplicationStore, org: OrgStore) -> None:
        self.applications = applications
        self.org = org

    def page(self, caller: Principal, node_id: str, period: str, cursor: str | None,
             limit: int) -> tuple[list[RecapEntry], str | None]:
        node = self.org.get(node_id)
        # The recap names each report's point, activity and payee's work: for the roles that
        # read the program's reports there (as the usage report), not viewers of figures.
        if node is None or not caller.reaches(node.path, roles=application_roles("marketing-fee")):
            raise NotFound("no such office")
        budget_rules.check_period(period)
        rows, last = self.applications.filed_reports_page(node.id, period, _after(cursor, period), limit)
        found = self.applications.get_many([app_id for app_id, _approved in rows])
        offices = self.org.get_many({app.node_id for app in found.values()})
        entries = []
        for app_id, approved_at in rows:
            app = found.get(app_id)
            if app is None:
                continue
            office = offices[app.node_id].name if app.node_id in offices else app.node_id
            # A report approved before its filed entry carried the time: the approval was its
            # last change, so its update time is the approval's.
            entry = recap_entry(app, period, office, approved_at or app.updated_at)
            if entry is not None:
                entries.append(entry)
        return entries, (encode_cursor(f"{period}#{last}") if last else None)


def _after(cursor: str | None, period: str) -> str | None:
    """The application id a cursor of this month's recap stands for."""
    value = decode_cursor(cursor, prefix=f"{period}#")
    return value[len(period) + 1:] if value is not None else None
