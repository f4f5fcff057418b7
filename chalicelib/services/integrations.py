"""Integrations as ops see them, and the NIK and NPWP checks (SPEC.md, "External registries";
the records themselves: domain/integrations.py).

An integration run sends one target's due records: the finance and civil registries' by the
registry sender (services/registry_sender.py), subscribers' webhooks by the subscription
deliverer (services/subscription_deliverer.py); both claim and settle each record the same way
(services/integration_runs.py). Ops read the send log and ask for a run here.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from chalicelib.domain import integrations as reg
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.messages import msg
from chalicelib.domain.people import APPLICATION_ROLES, OPS_ROLES, Principal, require_any
from chalicelib.domain.nik import NikCheck, check_nik, compact_nik, mask_nik
from chalicelib.domain.npwp import NpwpCheck, check_npwp
from chalicelib.services.integration_runs import RunSummary
from chalicelib.services.ports import CivilRegistryClient, Clock, DayFactStore, JobQueue, SendStore

if TYPE_CHECKING:
    from chalicelib.services.registry_sender import RegistrySender
    from chalicelib.services.subscription_deliverer import SubscriptionDeliverer

logger = logging.getLogger(__name__)

# The nightly push works out each of the days before today that it has not worked out yet, this
# far back (a push that failed for a few nights catches up).
PUSH_CATCHES_UP_DAYS = 7
# Ops may have a day's totals worked out again while its facts are all kept (day_facts.py keeps
# them 400 days): older days are only sent again as they stand.
RETOTAL_WITHIN = timedelta(days=366)


@dataclass(frozen=True)
class RemoteNikCheck:
    checked: bool
    match: bool | None = None
    reason: str | None = None


def _require_ops(caller: Principal) -> None:
    """The send log and re-runs are ops' (SPEC.md); to anyone else they are not there."""
    require_any(caller, OPS_ROLES)


def _target(target: str) -> str:
    if target not in reg.TARGETS:
        raise NotFound(msg("no integration named {target}; there are {targets}", target=repr(target),
                           targets=", ".join(reg.TARGETS)))
    return target


def redacted(value: Any) -> Any:
    """A record as ops see it: every NIK in it masked (ops do not decide on the application)."""
    if isinstance(value, dict):
        return {k: redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v) for v in value]
    if isinstance(value, str) and len(value) == 16 and value.isdigit():
        return mask_nik(value)
    return value


def record_id(entry: reg.SendEntry) -> str:
    """A record's id in URLs: its target, dataset and key (keys hold "#" and ":"), base64url."""
    raw = "\n".join((entry.target, entry.dataset, entry.key)).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def parse_record_id(value: str) -> tuple[str, str, str]:
    try:
        parts = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8").split("\n")
    except (ValueError, UnicodeDecodeError):
        parts = []
    if len(parts) != 3 or parts[0] not in reg.TARGETS:
        raise NotFound(msg("no record of the send log has this id"))
    return parts[0], parts[1], parts[2]


class IntegrationService:
    def __init__(self, *, sends: SendStore, facts: DayFactStore, civil: Callable[[], CivilRegistryClient | None], jobs: JobQueue,
                 clock: Clock, tz: timezone, registry_sender: Callable[[], RegistrySender],
                 subscription_deliverer: Callable[[], SubscriptionDeliverer]) -> None:
        self.sends = sends
        self.facts = facts
        self._civil = civil  # () -> CivilRegistryClient | None (None: not configured)
        self._registry_sender = registry_sender  # () -> RegistrySender
        self._subscription_deliverer = subscription_deliverer  # () -> SubscriptionDeliverer
        self.jobs = jobs
        self.clock = clock
        self.tz = tz

    # ---- ops -------------------------------------------------------------------------------

    def log(self, caller: Principal, target: str | None, state: str | None, day: str | None, cursor: str | None,
            limit: int) -> tuple[list[reg.SendEntry], str | None]:
        _require_ops(caller)
        targets = [_target(target)] if target else list(reg.TARGETS)
        states = [state] if state else list(reg.STATES)
        return self.sends.page(targets, states, day, cursor, limit)

    def record(self, caller: Principal, record_id: str, answers: int = 20) -> tuple[reg.SendEntry, list[reg.SendAnswer]]:
        """One record of the send log (by its id, `record_id(entry)`) and its latest answers."""
        _require_ops(caller)
        target, dataset, key = parse_record_id(record_id)
        entry, kept = self.sends.with_answers(target, dataset, key, answers)
        if entry is None:
            raise NotFound(msg("no record of the send log has this id"))
        return entry, kept

    def request_run(self, caller: Principal, target: str, day: str | None) -> tuple[str | None, int]:
        """Start a run that makes the day's unsaved records (pending or failed) due now; without
        a day, the finance registry's is yesterday's (H-1) and the civil registry's every
        pending event. Answers the day and how many records are unsaved now (a finance day's
        totals are worked out again by the run). The records are made due by the run, not here:
        the request makes the same calls however many there are."""
        _require_ops(caller)
        _target(target)
        now = self.clock.now()
        today = now.astimezone(self.tz).date()
        if day is not None:
            try:
                asked = date.fromisoformat(day)
            except ValueError:
                raise InvalidInput("not a day", [FieldProblem("date", "is not a real date")]) from None
            if asked > today:
                raise InvalidInput("that day has not come", [FieldProblem("date", "must not be in the future")])
        elif target == reg.FINANCE_REGISTRY:
            day = (today - timedelta(days=1)).isoformat()
        count = self.sends.count_unsaved(target, day)
        self.jobs.send({"type": "run", "target": target, "day": day, "requeue": True})
        logger.info("integration run requested", extra={"target": target, "day": day, "records": count,
                                                        "by": caller.user_id})
        return day, count

    def nudge(self, targets: set[str]) -> None:
        """Start a run of each target's due records (best effort: the retry schedule sends them
        anyway)."""
        for target in sorted(targets):
            self._start({"type": "run", "target": target})

    def nudge_records(self, records: Iterable[reg.IntegrationRecord]) -> None:
        """Start a run for the records a change made due now, naming them: the run claims each
        by its key instead of reading every shard of the target's due index (a change's records
        are few; past RECORDS_PER_JOB the job is a plain run of the target). Best effort: the
        retry schedule sends them anyway."""
        named: dict[str, dict[tuple[str, str], None]] = {}  # an ordered set per target
        for record in records:
            named.setdefault(record.target, {})[(record.dataset, record.key)] = None
        for target, pairs in sorted(named.items()):
            self._start({"type": "run", "target": target, "records": [list(pair) for pair in pairs]}
                        if len(pairs) <= reg.RECORDS_PER_JOB else {"type": "run", "target": target})

    def _start(self, job: dict[str, Any]) -> None:
        try:
            self.jobs.send(job)
        except Exception:
            logger.warning("could not start an integration run; the schedule will", extra={"target": job["target"]},
                           exc_info=True)

    # ---- sending ---------------------------------------------------------------------------

    def run_requested(self, target: str, day: str | None, seconds: float = 240.0) -> RunSummary:
        """Ops' run: a finance day's totals worked out again (while its facts are kept), the
        day's unsaved records (or every pending one) due now, then sent."""
        now = self.clock.now()
        if target == reg.FINANCE_REGISTRY and day is not None and \
                date.fromisoformat(day) >= now.astimezone(self.tz).date() - RETOTAL_WITHIN:
            self.total_day(day)
        self.sends.requeue(target, day, now)
        return self.send_due(target, seconds)

    def push_finance_registry(self, seconds: float = 240.0) -> RunSummary:
        """The nightly push: the totals of each finished day not yet worked out, then whatever
        is due."""
        today = self.clock.now().astimezone(self.tz).date()
        days = [(today - timedelta(days=n)).isoformat() for n in range(PUSH_CATCHES_UP_DAYS, 0, -1)]
        done = self.facts.totalled(days)
        for day in days:
            if day not in done:
                self.total_day(day)
                # Only a day that is over is marked: its facts will not change any more.
                self.facts.mark_totalled(day, self.clock.now())
        return self.send_due(reg.FINANCE_REGISTRY, seconds)

    def total_day(self, day: str) -> int:
        """The day's totals (TOTALLED_AT_PUSH) from its facts, set on their records and due now.
        Answers how many records changed."""
        now = self.clock.now()
        changed = self.sends.set_totals(reg.day_totals(self.facts.facts(day), now), now)
        logger.info("day totals worked out", extra={"day": day, "records_changed": changed})
        return changed

    def send_due(self, target: str, seconds: float = 240.0,
                 records: Sequence[tuple[str, str]] | None = None) -> RunSummary:
        """Send the target's due records for up to `seconds` (keep it under the function's
        time limit: a record is claimed only while there is time to post it and record it).
        Given `records` ((dataset, key): what a change has just made due), only those, each
        claimed by its key: no read of the target's due index, whose shards a run reads one
        Query each."""
        sender = self._subscription_deliverer() if target == reg.SUBSCRIPTIONS else self._registry_sender()
        return sender.send_due(target, seconds, records)

    # ---- NIK and NPWP checks -------------------------------------------------------------------

    def check_npwp(self, caller: Principal, npwp: str) -> NpwpCheck:
        require_any(caller, APPLICATION_ROLES)
        return check_npwp(npwp)

    def check_nik(self, caller: Principal, nik: str, name: str | None,
                  birth_date: str | None) -> tuple[NikCheck, RemoteNikCheck]:
        """The structure always; the registry's match when asked (name and birth date given),
        configured, and answering: otherwise the answer says the remote check was not made."""
        require_any(caller, APPLICATION_ROLES)
        today = self.clock.now().astimezone(self.tz).date()
        structure = check_nik(nik, today)
        if not (name and birth_date):
            return structure, RemoteNikCheck(False, reason="not asked: give name and birth_date to ask the registry")
        if not structure.valid:
            return structure, RemoteNikCheck(False, reason="not asked: the NIK is not well formed")
        client = self._civil()
        if client is None:
            return structure, RemoteNikCheck(False, reason="no civil registry is configured")
        match = client.verify_nik(compact_nik(nik), name, birth_date)
        if match is None:
            return structure, RemoteNikCheck(False, reason="the civil registry is unavailable; try again later")
        return structure, RemoteNikCheck(True, match=match)


def day_of(moment: datetime, tz: timezone) -> str:
    return moment.astimezone(tz).date().isoformat()
