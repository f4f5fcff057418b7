"""Sending what the external registries are owed, and the send log ops read (SPEC.md,
"External registries"; the records themselves: domain/registries.py).

A run drains one target's due records, one at a time:

1. claim the record (a lease, and the attempt counted before the post: a sender that dies
   mid-post leaves the attempt in the log, and the record is due again once the lease ends);
2. post it; read the answer by the registry's protocol;
3. settle it: `sent` only on the registry's own word that it saved it; `failed` when the record
   itself was refused (not retried); otherwise it stays `pending`, retried now with a capped,
   jittered backoff, and after a few tries in this run, at a later run.

Resending after a crash is safe by the registries' own rules: the finance registry keeps one
value per day and account (a total posted twice is still one total), and the civil registry
answers a repeated idempotency key with its first answer. A record is never sent by two senders
at once (the lease).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import partial
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from chalicelib.domain import registries as reg
from chalicelib.domain import subscriptions as subs
from chalicelib.domain.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Principal
from chalicelib.domain.nik import NikCheck, check_nik, compact_nik, mask_nik
from chalicelib.domain.npwp import NpwpCheck, check_npwp
from chalicelib.services.ports import (
    BiosClient, CivilRegistryClient, Clock, JobQueue, SendStore, SubscriptionStore, TokenRefused, Vault, WebhookClient,
)

logger = logging.getLogger(__name__)

# More retryable failures in a row than this, and the registry is taken to be down: the run
# stops and leaves the rest for the next one instead of knocking on a closed door.
DOWN_AFTER = 3


@dataclass(frozen=True)
class SendPolicy:
    tries_per_run: int = 4  # tries of one record within a run (a token renewal's resend is part of its try)
    retry_base_seconds: float = 1.0  # the wait before a retry within the run, doubled each time…
    retry_cap_seconds: float = 8.0  # …up to this
    later_base_seconds: float = 60.0  # after a run's tries, the next run's wait, doubled per attempt…
    later_cap_seconds: float = 6 * 3600.0  # …up to this
    lease_seconds: float = 120.0  # a claimed record is nobody else's for this long
    batch: int = 200  # records read per run (a run that fills it is followed by another)


@dataclass
class RunSummary:
    target: str
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    stopped: str | None = None  # why the run ended early
    keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RemoteNikCheck:
    checked: bool
    match: bool | None = None
    reason: str | None = None


# A delivery still not accepted after this many attempts fails for good (ops can run it again).
MAX_DELIVERY_ATTEMPTS = 15
# A paused subscription's deliveries are looked at again this often (resuming sends at once).
PAUSED_RECHECK_SECONDS = 3600


class _Receivers:
    """The subscriptions a run delivers to, read once each (with their opened secrets)."""

    def __init__(self, store: Any, vault: Callable[[], Any] | None) -> None:
        self.store = store
        self.vault = vault
        self._found: dict[str, Any] = {}
        self._secrets: dict[str, str] = {}

    def secret(self, subscription_id: str) -> str:
        if subscription_id not in self._secrets:
            _subscription, sealed = self._found[subscription_id]
            self._secrets[subscription_id] = self.vault().open(sealed)["secret"]
        return self._secrets[subscription_id]

    def get(self, subscription_id: str):
        if subscription_id not in self._found:
            self._found[subscription_id] = self.store.get(subscription_id)
        return self._found[subscription_id]

    def forget(self, subscription_id: str) -> None:
        self._found.pop(subscription_id, None)
        self._secrets.pop(subscription_id, None)


def _subscription_of(pk: str) -> str:
    # SEND#subscriptions#{event}#{delivery key}
    return subs.subscription_of(pk.split("#", 3)[3])


def _require_ops(caller: Principal) -> None:
    if not any(g.role == "ops" for g in caller.grants):
        raise Forbidden("only ops read the send log and re-run integrations")


def _target(target: str) -> str:
    if target not in reg.TARGETS:
        raise NotFound(f"no integration named {target!r}; there are {', '.join(reg.TARGETS)}")
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


class IntegrationService:
    def __init__(self, *, sends: SendStore, bios: Callable[[], BiosClient | None],
                 civil: Callable[[], CivilRegistryClient | None], jobs: JobQueue, clock: Clock,
                 tz: timezone, policy: SendPolicy = SendPolicy(), sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, vault: Callable[[], Vault] | None = None,
                 webhooks: Callable[[], WebhookClient] | None = None, subscriptions: SubscriptionStore | None = None,
                 notify_owner: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.sends = sends
        self._bios = bios  # () -> BiosClient | None (None: not configured)
        self._civil = civil  # () -> CivilRegistryClient | None
        self._vault = vault  # () -> the PII vault, to open the NIKs a civil event carries
        self._webhooks = webhooks  # () -> WebhookClient
        self.subscriptions = subscriptions
        self.notify_owner = notify_owner  # (user id, params): a subscription of theirs was paused
        self.jobs = jobs
        self.clock = clock
        self.tz = tz
        self.policy = policy
        self.sleep = sleep
        self.monotonic = monotonic

    # ---- ops -------------------------------------------------------------------------------

    def log(self, caller: Principal, target: str | None, state: str | None, day: str | None, cursor: str | None,
            limit: int) -> tuple[list[reg.SendEntry], str | None]:
        _require_ops(caller)
        targets = [_target(target)] if target else list(reg.TARGETS)
        states = [state] if state else list(reg.STATES)
        return self.sends.page(targets, states, day, cursor, limit)

    def request_run(self, caller: Principal, target: str, day: str | None) -> tuple[str | None, int]:
        """Make the day's unsaved records (pending or failed) due now and start a run; without a
        day, the finance registry's is yesterday's (H-1) and the civil registry's every
        pending event. Answers the day and how many records were made due."""
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
        elif target == reg.BIOS:
            day = (today - timedelta(days=1)).isoformat()
        count = self.sends.requeue(target, day, now)
        self.jobs.send({"type": "run", "target": target})
        logger.info("integration run requested", extra={"target": target, "day": day, "records": count,
                                                        "by": caller.user_id})
        return day, count

    def nudge(self, targets: set[str]) -> None:
        """Start a run for records a change made due now (best effort: the retry schedule sends
        them anyway)."""
        for target in sorted(targets):
            try:
                self.jobs.send({"type": "run", "target": target})
            except Exception:
                logger.warning("could not start an integration run; the schedule will", extra={"target": target},
                               exc_info=True)

    # ---- sending ---------------------------------------------------------------------------

    def send_due(self, target: str, seconds: float = 240.0) -> RunSummary:
        """Send the target's due records for up to `seconds` (keep it under the function's
        time limit: a record is claimed only while there is time to post it and record it)."""
        summary = RunSummary(target)
        client = {reg.BIOS: self._bios, reg.CIVIL_REGISTRY: self._civil}.get(target, self._webhooks)()
        if client is None:
            summary.stopped = f"{target} is not configured"
            logger.error("integration not configured; records wait", extra={"target": target})
            return summary
        ends = self.monotonic() + seconds
        down = 0
        receivers = _Receivers(self.subscriptions, self._vault) if target == reg.SUBSCRIPTIONS else None
        if receivers is not None:
            # A subscriber is tried once a run: the run goes on to the next one, and the backoff
            # between runs does the waiting.
            post, tries_per_run = partial(self._post_delivery, receivers), 1
        else:
            post = self._post_bios if target == reg.BIOS else self._post_civil
            tries_per_run = self.policy.tries_per_run
        for pk in self.sends.due(target, self.clock.now(), self.policy.batch):
            if self.monotonic() + client.timeout + 5 > ends:
                summary.stopped = "out of time; the next run goes on"
                break
            if receivers is not None and not self._receiver_ready(receivers, pk):
                continue
            entry = self.sends.claim(pk, self.clock.now(), timedelta(seconds=self.policy.lease_seconds))
            if entry is None:
                continue  # another sender has it, or it is no longer due
            try:
                outcome, http_status, posts = self._deliver(post, tries_per_run, client, entry, ends)
            except _StopRun as stop:
                self.sends.release(entry, self.clock.now(), str(stop))
                summary.stopped = str(stop)
                logger.error("integration run stopped", extra={"target": target, "reason": str(stop)})
                break
            now = self.clock.now()
            retry_at = None
            attempts = entry.attempts + posts - 1
            if outcome.verdict == reg.RETRY and receivers is not None and attempts >= MAX_DELIVERY_ATTEMPTS:
                outcome = reg.Outcome(reg.REJECTED_RECORD, outcome.code,
                                      f"given up after {attempts} attempts; last: {outcome.message}")
            if outcome.verdict == reg.RETRY:
                retry_at = now + timedelta(seconds=reg.backoff(attempts, self.policy.later_base_seconds,
                                                               self.policy.later_cap_seconds))
            self.sends.settle(entry, outcome, http_status, now, retry_at)
            self._count(summary, entry, outcome)
            if receivers is not None:
                self._after_delivery(receivers, entry, outcome, now)
                continue  # one receiver failing says nothing of the others
            down = down + 1 if outcome.verdict == reg.RETRY else 0
            if down >= DOWN_AFTER:
                summary.stopped = f"{target} looks down ({down} records in a row not saved); the next run goes on"
                break
        logger.info("integration run", extra={"target": target, "sent": summary.sent, "failed": summary.failed,
                                              "retrying": summary.retrying, "stopped": summary.stopped})
        return summary

    def _count(self, summary: RunSummary, entry: reg.SendEntry, outcome: reg.Outcome) -> None:
        summary.keys.append(entry.key)
        if outcome.verdict == reg.SAVED:
            summary.sent += 1
        elif outcome.verdict == reg.REJECTED_RECORD:
            summary.failed += 1
            logger.warning("registry refused a record", extra={
                "target": entry.target, "dataset": entry.dataset, "key": entry.key, "code": outcome.code,
                "registry_message": outcome.message})
        else:
            summary.retrying += 1

    def _deliver(self, post: Callable[..., tuple[reg.Outcome, int | None, int]], tries_per_run: int, client: Any,
                 entry: reg.SendEntry, ends: float) -> tuple[reg.Outcome, int | None, int]:
        """Post the record, retrying within the run while the answer says to. Answers the last
        outcome, its HTTP status and the posts made; every post after the claim's first is
        counted as one more attempt."""
        posts = tries = 0
        while True:
            tries += 1
            outcome, http_status, made = post(client, entry, first=posts == 0)
            posts += made
            if outcome.verdict != reg.RETRY or tries >= tries_per_run:
                return outcome, http_status, posts
            wait = reg.backoff(tries, self.policy.retry_base_seconds, self.policy.retry_cap_seconds)
            if self.monotonic() + wait + client.timeout + 5 > ends:
                return outcome, http_status, posts
            self.sleep(wait)

    def _counted(self, entry: reg.SendEntry, first: bool) -> None:
        if not first:
            self.sends.add_attempt(entry, self.clock.now())

    def _post_bios(self, client: Any, entry: reg.SendEntry, first: bool) -> tuple[reg.Outcome, int | None, int]:

        if entry.dataset == reg.EXPENDITURES and not entry.fields.get("kd_akun"):
            category = entry.key.split("#", 1)[-1]
            return reg.Outcome(reg.REJECTED_RECORD, None,
                               f"no account code (kd_akun) is configured for category {category}"), None, 1
        self._counted(entry, first)
        try:
            token = client.token()
            reply = client.post(entry.dataset, entry.body, token)
            outcome = reg.read_bios_reply(reply)
            if outcome.verdict != reg.TOKEN_EXPIRED:
                return outcome, reply.http_status, 1
            # Expired: one new token and one resend; a second expiry is the registry's trouble.
            token = client.token(renew=True)
            self._counted(entry, False)
            reply = client.post(entry.dataset, entry.body, token)
            outcome = reg.read_bios_reply(reply)
            if outcome.verdict == reg.TOKEN_EXPIRED:
                outcome = reg.Outcome(reg.RETRY, outcome.code, "token expired again right after renewal")
            return outcome, reply.http_status, 2
        except TokenRefused as refused:
            if not refused.retryable:
                raise _StopRun(f"the finance registry refused our satker/key ({refused}); fix BIOS_SATKER/BIOS_KEY") from None
            return reg.Outcome(reg.RETRY, None, str(refused)), refused.http_status, 1

    def _post_civil(self, client: Any, entry: reg.SendEntry, first: bool) -> tuple[reg.Outcome, int | None, int]:
        body = entry.body
        if entry.sealed is not None:
            # Opened for the post only: the NIKs are in this request's memory and its body.
            body = reg.with_opened(body, entry.sealed_paths, self._vault().open(entry.sealed))
        self._counted(entry, first)
        reply = client.send_event(entry.key, body)
        return reg.read_civil_reply(reply), reply.http_status, 1

    # ---- subscriptions ---------------------------------------------------------------------

    def _receiver_ready(self, receivers: "_Receivers", pk: str) -> bool:
        """A deleted subscription's deliveries close unsent; a paused one's wait (no attempt)."""
        found = receivers.get(_subscription_of(pk))
        now = self.clock.now()
        if found is None:
            self.sends.close(pk, now, "not sent: the subscription was deleted")
            return False
        if found[0].state == subs.PAUSED:
            self.sends.defer(pk, now, now + timedelta(seconds=PAUSED_RECHECK_SECONDS),
                             "waiting: the subscription is paused; resume it to send")
            return False
        return True

    def _post_delivery(self, receivers: "_Receivers", client: Any, entry: reg.SendEntry,
                       first: bool) -> tuple[reg.Outcome, int | None, int]:
        subscription_id = subs.subscription_of(entry.key)
        found = receivers.get(subscription_id)
        if found is None:
            return reg.Outcome(reg.REJECTED_RECORD, None, "not sent: the subscription was deleted"), None, 1
        subscription, secret = found[0], receivers.secret(subscription_id)
        self._counted(entry, first)
        body = subs.body_bytes(entry.fields)
        timestamp = int(self.clock.now().timestamp())
        reply = client.post(subscription.url, body, {
            "Satupintu-Signature": subs.signature(secret, timestamp, body),
            "Satupintu-Event": entry.dataset,
            "Satupintu-Delivery": entry.fields.get("id", entry.key),
        })
        return subs.read_reply(reply), reply.http_status, 1

    def _after_delivery(self, receivers: "_Receivers", entry: reg.SendEntry, outcome: reg.Outcome, now: datetime) -> None:
        subscription_id = subs.subscription_of(entry.key)
        if outcome.verdict == reg.SAVED:
            self.subscriptions.delivered(subscription_id, now)
            return
        updated = self.subscriptions.not_delivered(subscription_id)
        if updated is None or updated.state != subs.ACTIVE or updated.failures_in_a_row < subs.PAUSE_AFTER_FAILURES:
            return
        reason = f"{updated.failures_in_a_row} deliveries in a row not accepted; last: {outcome.message}"
        if self.subscriptions.pause(subscription_id, now, reason):
            receivers.forget(subscription_id)
            logger.warning("subscription paused", extra={"subscription_id": subscription_id,
                                                         "failures": updated.failures_in_a_row})
            if self.notify_owner is not None:
                self.notify_owner(updated.owner_id, {
                    "subscription_id": subscription_id, "url": updated.url,
                    "failures": str(updated.failures_in_a_row), "reason": outcome.message[:300]})

    # ---- NIK and NPWP checks -------------------------------------------------------------------

    def check_npwp(self, caller: Principal, npwp: str) -> NpwpCheck:
        if not caller.is_staff:
            raise Forbidden("NPWP checks are for staff")
        return check_npwp(npwp)

    def check_nik(self, caller: Principal, nik: str, name: str | None,
                  birth_date: str | None) -> tuple[NikCheck, RemoteNikCheck]:
        """The structure always; the registry's match when asked (name and birth date given),
        configured, and answering: otherwise the answer says the remote check was not made."""
        if not caller.is_staff:
            raise Forbidden("NIK checks are for staff")
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


class _StopRun(Exception):
    pass


def day_of(moment: datetime, tz: timezone) -> str:
    return moment.astimezone(tz).date().isoformat()
