"""A dam's monitoring obligations (domain/obligations.py): the daily watch that opens each
period's, reminds and marks overdue, the list staff read, and the terms the catalog sets."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

from chalicelib.domain import obligations as rules
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.errors import NotFound
from chalicelib.domain.obligations import DutyTerms, Obligation
from chalicelib.domain.people import DAM_STAFF_ROLES, Principal
from chalicelib.services.ports import Clock
from chalicelib.services.ports.assets import AssetStore, ObligationStore, PeriodTaken, StaleObligation

logger = logging.getLogger(__name__)

# Obligations taken a round: a day's are a few per dam at most; the watch goes round until none
# is due (each step moves an obligation's time on), so a backlog is worked off in one run.
WATCH_BATCH = 50
WATCH_ROUNDS = 40


def duty_terms(catalog: Catalog) -> DutyTerms:
    """The terms the catalog's monitoring report sets (`monitoring`), or the defaults."""
    for service in catalog.current():
        if service.monitoring is not None:
            return DutyTerms(due_days=service.monitoring.due_days_after_period,
                             remind_days=service.monitoring.remind_days_before_due)
    return DutyTerms()


class DamDutyService:
    def __init__(self, *, assets: AssetStore, obligations: ObligationStore, terms: Callable[[], DutyTerms],
                 clock: Clock, tz: timezone, outbox=None) -> None:
        self.assets = assets
        self.obligations = obligations
        self.terms = terms
        self.clock = clock
        self.tz = tz
        self.outbox = outbox

    def of_dam(self, caller: Principal, dam_id: str) -> list[Obligation]:
        """A dam's obligations, oldest period first, for its staff (404 outside their reach)."""
        dam = self.assets.get(dam_id)
        if dam is None or not caller.reaches(dam.node_path, roles=DAM_STAFF_ROLES):
            raise NotFound("no such dam")
        return self.obligations.of_dam(dam_id)

    def watch(self, now: datetime | None = None) -> int:
        """Take every obligation step due by now, each once: a second run (or a retry after a
        failure half-way) finds only what is still due. Answers the steps taken."""
        now = now or self.clock.now()
        taken = 0
        for _ in range(WATCH_ROUNDS):
            due = self.obligations.due(now, WATCH_BATCH)
            moved = sum(self._take(ob, now) for ob in due)
            taken += moved
            # A step may open the next period's obligation, itself already due when the watch
            # runs late (a backlog after an outage, the demo's past): look again until a round
            # moves nothing, so one run catches up (bounded by WATCH_ROUNDS).
            if not moved:
                break
        logger.info("dam duties watched", extra={"steps": taken})
        return taken

    def _take(self, ob: Obligation, now: datetime) -> int:
        """One obligation's due steps, one transaction each; a step someone else took meanwhile
        (a report approved, a second watch) is left to what they wrote."""
        taken = 0
        while (transition := rules.advance(ob, now, self.tz)) is not None:
            opened, counters = None, ()
            if transition.step == rules.OPEN_NEXT:
                opened = self._next_of(ob)
                counters = rules.opened_moves(opened, self.tz) if opened else ()
            try:
                try:
                    keys = self.obligations.save(ob, transition, now, opened, counters)
                except PeriodTaken:
                    # The next period's obligation exists already (the dam was registered or
                    # made operating again meanwhile): this one's step is done all the same.
                    keys = self.obligations.save(ob, transition, now)
            except StaleObligation:
                return taken
            if self.outbox is not None and keys:
                self.outbox.publish(keys)
            taken += 1
            ob = transition.after
        return taken

    def _next_of(self, ob: Obligation) -> Obligation | None:
        """The next period's obligation, while the dam operates (as its record now says: its
        schedule and name may have changed)."""
        dam = self.assets.get(ob.dam_id)
        if dam is None or dam.status != "operating":
            return None
        period = rules.following(ob.period, dam.monitoring_every)
        return rules.new_obligation(dam.id, dam.name, dam.node_path, period, self.terms(), self.tz)

    def open_period(self, dam_id: str, period: str) -> Obligation:
        """An obligation for a period before the register knew the dam (the demo's past): the
        watch then takes its steps as for any other."""
        dam = self.assets.get(dam_id)
        if dam is None:
            raise NotFound("no such dam")
        ob = rules.new_obligation(dam.id, dam.name, dam.node_path, period, self.terms(), self.tz)
        self.obligations.open(ob, rules.opened_moves(ob, self.tz))
        return ob
