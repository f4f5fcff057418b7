"""What the finance registry is owed that no application says: the unit's daily account
balances, entered by finance staff, and its staff counts by category, entered by HR (SPEC.md,
"External registries"; the records: domain/integrations.py).

Each entry is the send-log record itself, keyed by its natural key (the day and the account, or
the day): entering it again replaces the values and makes it pending again, so the registry gets
the last values once, as it keeps one value per day and account.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from datetime import timezone
from typing import Any, Mapping

from chalicelib.domain import integrations as reg
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.org import Node
from chalicelib.domain.messages import msg
from chalicelib.domain.people import FINANCE_ROLES, HR_ROLES, OUT_OF_REACH, Principal, require_any
from chalicelib.services.ports import Clock, OrgStore, SendStore


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class RegistryInputService:
    def __init__(self, *, sends: SendStore, org: OrgStore, clock: Clock, tz: timezone) -> None:
        self.sends = sends
        self.org = org
        self.clock = clock
        self.tz = tz

    def office(self, caller: Principal, node_id: str, roles: tuple[str, ...]) -> Node:
        """The office the path names, if one of `roles` is held at or above it; else 404."""
        require_any(caller, roles)
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=roles):
            raise NotFound(OUT_OF_REACH)
        return node

    def set_balance(self, caller: Principal, node_id: str, kind: str, day: str,
                    values: Mapping[str, Any]) -> reg.SendEntry:
        """A day's balance of one account of the unit (finance staff)."""
        node = self.office(caller, node_id, FINANCE_ROLES)
        if kind not in reg.BALANCES:
            raise NotFound(msg("no account kind {kind}; there are {kinds}", kind=repr(kind), kinds=", ".join(reg.BALANCES)))
        _dataset, identity, amounts = reg.BALANCES[kind]
        problems = [FieldProblem(name, "is required") for name in (*identity, *amounts)
                    if values.get(name) in (None, "") and name != "unit"]
        problems += [FieldProblem(name, "is not for this account kind") for name in values
                     if name not in (*identity, *amounts)]
        if problems:
            raise InvalidInput(msg("not a {kind} balance", kind=kind), problems)
        self._past_day(day)
        fields = {name: values[name] for name in (*identity, *amounts) if values.get(name) not in (None, "")}
        return self._owe(reg.balance_record(kind, day, node.path, fields, self._due(day)))

    def set_staff(self, caller: Principal, node_id: str, day: str, counts: Mapping[str, int]) -> reg.SendEntry:
        """The unit's staff counts by category on a day (HR)."""
        node = self.office(caller, node_id, HR_ROLES)
        self._past_day(day)
        return self._owe(reg.staff_record(day, node.path, counts, self._due(day)))

    def _owe(self, record: reg.IntegrationRecord) -> reg.SendEntry:
        self.sends.owe([record], self.clock.now())
        entry = self.sends.get(record.target, record.dataset, record.key)
        assert entry is not None
        return entry

    def _past_day(self, day: str) -> date:
        # YYYY-MM-DD only: the day is the record's key, and one day must have one spelling
        # (fromisoformat alone also takes 20261121).
        try:
            if not _DAY.fullmatch(day):
                raise ValueError(day)
            asked = date.fromisoformat(day)
        except ValueError:
            raise InvalidInput("not a day", [FieldProblem("date", "is not a real date (YYYY-MM-DD)")]) from None
        if asked > self.clock.now().astimezone(self.tz).date():
            raise InvalidInput("that day has not come", [FieldProblem("date", "must not be in the future")])
        return asked

    def _due(self, day: str) -> datetime:
        """The daily push after the day is over (H-1); at once for a day already pushed."""
        return reg.next_finance_push(datetime.combine(date.fromisoformat(day), time(12), self.tz), self.tz)
