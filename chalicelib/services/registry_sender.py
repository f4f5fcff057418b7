"""Sending what the external registries are owed (SPEC.md, "External registries"; the records:
domain/integrations.py; the claim-and-settle steps every run shares: services/integration_runs.py).

A record is posted and, while the answer says to retry, posted again within the run with a
capped, jittered backoff; after a few tries it waits for a later run. A registry that fails a
few records in a row is taken to be down: the run stops and leaves the rest for the next one.

Resending after a crash is safe by the registries' own rules: the finance registry keeps one
value per day and account (a total posted twice is still one total), and the civil registry
answers a repeated idempotency key with its first answer.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Sequence

from chalicelib.domain import integrations as reg
from chalicelib.domain.nik import check_nik
from chalicelib.services.integration_runs import Run, RunSummary, RunPolicy, StopRun, attempts_after
from chalicelib.services.ports import (
    CivilRegistryClient, Clock, FinanceRegistryClient, Metrics, SendStore, TokenRefused, Vault,
)

logger = logging.getLogger(__name__)

# More retryable failures in a row than this, and the registry is taken to be down: the run
# stops and leaves the rest for the next one instead of knocking on a closed door.
DOWN_AFTER = 3

Posted = tuple[reg.Outcome, int | None, int]  # the outcome, its HTTP status, the posts made


class RegistrySender:
    def __init__(self, *, sends: SendStore, finance_registry: Callable[[], FinanceRegistryClient | None],
                 civil_registry: Callable[[], CivilRegistryClient | None], vault: Callable[[], Vault], clock: Clock, policy: RunPolicy,
                 metrics: Metrics, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 on_failed: Callable[[reg.SendEntry], None] | None = None,
                 nik_checked: Callable[[str, str, str], None] | None = None) -> None:
        self.sends = sends
        self.on_failed = on_failed  # a record the registry refused: ops are told
        # (application id, field, match | no_match | unavailable) → recorded on the application
        self._nik_checked = nik_checked
        self.metrics = metrics
        self._clients = {reg.FINANCE_REGISTRY: finance_registry, reg.CIVIL_REGISTRY: civil_registry}  # () -> client | None
        self._vault = vault  # () -> the PII vault, to open the NIKs a civil event carries
        self.clock = clock
        self.policy = policy
        self.sleep = sleep
        self.monotonic = monotonic

    def send_due(self, target: str, seconds: float, records: Sequence[tuple[str, str]] | None = None) -> RunSummary:
        """Send the registry's due records for up to `seconds` (only `records`, (dataset, key),
        when given)."""
        client = self._clients[target]()
        if client is None:
            return Run.not_configured(target)
        post = self._post_finance_registry if target == reg.FINANCE_REGISTRY else self._post_civil
        run = Run(target, sends=self.sends, clock=self.clock, policy=self.policy, monotonic=self.monotonic,
                  seconds=seconds, post_timeout=client.timeout, on_failed=self.on_failed)
        down = 0
        for pk in run.to_send(records):
            entry = run.claim(pk)
            if entry is None:
                continue  # another sender has it, or it is no longer due
            try:
                outcome, http_status, posts = self._post_with_retries(run, post, client, entry)
            except StopRun as stop:
                run.release(entry, stop)
                break
            if entry.dataset == reg.NIK_CHECK:
                outcome = self._tell_application(entry, outcome)
            run.settle(entry, outcome, http_status, attempts_after(entry, posts))
            if outcome.verdict != reg.SAVED:
                self.metrics.count("RegistrySendsFailed", target=target, verdict=outcome.verdict)
            down = down + 1 if outcome.verdict == reg.RETRY else 0
            if down >= DOWN_AFTER:
                run.summary.stopped = f"{target} looks down ({down} records in a row not saved); the next run goes on"
                break
        return run.finish()

    def _post_with_retries(self, run: Run, post: Callable[..., Posted], client: Any, entry: reg.SendEntry) -> Posted:
        """Post the record, retrying within the run while the answer says to. Answers the last
        outcome, its HTTP status and the posts made; every post after the claim's first is
        counted as one more attempt."""
        posts = tries = 0
        while True:
            tries += 1
            outcome, http_status, made = post(client, entry, first=posts == 0)
            posts += made
            self._keep_answer(entry, outcome, http_status)
            if outcome.verdict != reg.RETRY or tries >= self.policy.tries_per_run:
                return outcome, http_status, posts
            wait = reg.backoff(tries, self.policy.retry_base_seconds, self.policy.retry_cap_seconds)
            if not run.has_time_for(wait):
                return outcome, http_status, posts
            self.sleep(wait)

    def _keep_answer(self, entry: reg.SendEntry, outcome: reg.Outcome, http_status: int | None) -> None:
        """The post and the registry's answer, kept for ops (best effort: the settle that
        follows is what counts, and a lost line of the story must not lose the record)."""
        try:
            self.sends.keep_answer(entry, reg.SendAnswer(self.clock.now(), outcome.verdict, http_status, outcome.code,
                                                         outcome.message, outcome.answer))
        except Exception:
            logger.warning("could not keep a registry's answer", extra={"target": entry.target}, exc_info=True)

    def _count_attempt(self, entry: reg.SendEntry, first: bool) -> None:
        if not first:
            self.sends.add_attempt(entry, self.clock.now())

    def _post_finance_registry(self, client: Any, entry: reg.SendEntry, first: bool) -> Posted:
        if entry.dataset == reg.EXPENDITURES and not entry.fields.get("kd_akun"):
            category = entry.key.split("#", 1)[-1]
            return reg.Outcome(reg.REJECTED_RECORD, None,
                               f"no account code (kd_akun) is configured for category {category}"), None, 1
        self._count_attempt(entry, first)
        try:
            token = client.token()
            reply = client.post(entry.dataset, entry.body, token)
            outcome = reg.with_answer(reg.read_finance_registry_reply(reply), reply)
            if outcome.verdict != reg.TOKEN_EXPIRED:
                return outcome, reply.http_status, 1
            # Expired: one new token and one resend; a second expiry is the registry's trouble.
            token = client.token(renew=True)
            self._count_attempt(entry, False)
            reply = client.post(entry.dataset, entry.body, token)
            outcome = reg.with_answer(reg.read_finance_registry_reply(reply), reply)
            if outcome.verdict == reg.TOKEN_EXPIRED:
                outcome = reg.Outcome(reg.RETRY, outcome.code, "token expired again right after renewal",
                                      answer=outcome.answer)
            return outcome, reply.http_status, 2
        except TokenRefused as refused:
            if not refused.retryable:
                raise StopRun(f"the finance registry refused our satker/key ({refused}); fix BIOS_SATKER/BIOS_KEY") from None
            return reg.Outcome(reg.RETRY, None, str(refused)), refused.http_status, 1

    def _post_civil(self, client: Any, entry: reg.SendEntry, first: bool) -> Posted:
        body = entry.body
        if entry.sealed is not None:
            # Opened for the post only: the NIKs are in this request's memory and its body.
            body = reg.with_opened(body, entry.sealed_paths, self._vault().open(entry.sealed))
        self._count_attempt(entry, first)
        if entry.dataset == reg.NIK_CHECK:
            return self._check_nik(client, body)
        reply = client.send_event(entry.key, body)
        return reg.with_answer(reg.read_civil_reply(reply), reply), reply.http_status, 1

    def _check_nik(self, client: Any, body: dict[str, Any]) -> Posted:
        """The registry is asked with the birth date the NIK itself encodes: the form has the
        person's name beside the NIK but not their birth date."""
        nik = str(body.get("nik") or "")
        structure = check_nik(nik, self.clock.now().date())
        born = structure.birth_date.isoformat() if structure.birth_date else ""
        match = client.verify_nik(nik, str(body.get("name") or ""), born)
        return reg.read_nik_check(match), 200 if match is not None else None, 1

    def _tell_application(self, entry: reg.SendEntry, outcome: reg.Outcome) -> reg.Outcome:
        """The verdict (or that the registry is unavailable) recorded on the application before
        the record is settled: a verdict that could not be recorded leaves the record to retry."""
        if self._nik_checked is None or outcome.verdict not in (reg.SAVED, reg.RETRY):
            return outcome
        result = outcome.message if outcome.verdict == reg.SAVED else reg.NIK_UNAVAILABLE
        try:
            self._nik_checked(str(entry.fields.get("application_id")), str(entry.fields.get("field")), result)
        except Exception:
            logger.exception("could not record a NIK check on its application", extra={"key": entry.key})
            return reg.Outcome(reg.RETRY, outcome.code, "the verdict could not be recorded on the application yet")
        return outcome
