"""Delivering event subscriptions' webhooks (domain/subscriptions.py; the claim-and-settle steps
every run shares: services/integration_runs.py).

A subscriber is tried once a run: the run goes on to the next delivery, and the backoff between
runs does the waiting; one receiver failing says nothing of the others. A delivery not accepted
after MAX_DELIVERY_ATTEMPTS fails for good. A subscription whose deliveries fail
PAUSE_AFTER_FAILURES times in a row is paused and its owner told; a paused subscription's
deliveries wait (no attempt counted) and a deleted one's close unsent.

Receivers are read from the container's list of subscriptions (the store keeps it a minute), not
one GetItem a delivery, and a delivery accepted writes its subscription only when that changes
what it shows (`Subscription.delivery_changes_it`): the subscriptions' one partition is not
written with every delivery (issue 21). A receiver the list does not hold, or holds paused, is
read from its item, as the list may be older than its creation or its resumption; one paused or
deleted through another container (the API's) may still be posted to while the list is older.

Receivers keep the `id` of the deliveries they handled (what docs/DEPLOY.md tells them), so a
resend after a crash is harmless.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

from chalicelib.domain import integrations as reg
from chalicelib.domain import subscriptions as subs
from chalicelib.services.integration_runs import Run, RunSummary, RunPolicy, attempts_after
from chalicelib.services.ports import Clock, SendStore, SubscriptionStore, Vault, WebhookClient

logger = logging.getLogger(__name__)

# A delivery still not accepted after this many attempts fails for good (ops can run it again).
MAX_DELIVERY_ATTEMPTS = 15
# A paused subscription's deliveries are looked at again this often (resuming sends at once).
PAUSED_RECHECK_SECONDS = 3600
# How long a container keeps a signing secret it opened (a KMS Decrypt each, 4 of a lifecycle's
# calls when opened for every delivery). Kept by its ciphertext: a new secret is opened anew.
OPENED_SECRET_SECONDS = 300


class _Receivers:
    """The subscriptions a run delivers to, as the container's list has them (each read from its
    item at most once a run when the list does not say it is active), with their opened secrets."""

    def __init__(self, store: SubscriptionStore, open_secret: Callable[[Any], str]) -> None:
        self.store = store
        self.open_secret = open_secret  # sealed → the signing secret
        self._read: dict[str, Any] = {}  # read from the item this run
        self._secrets: dict[str, str] = {}

    def secret(self, subscription_id: str) -> str:
        if subscription_id not in self._secrets:
            _subscription, sealed = self.get(subscription_id)
            self._secrets[subscription_id] = self.open_secret(sealed)
        return self._secrets[subscription_id]

    def get(self, subscription_id: str):
        if subscription_id in self._read:
            return self._read[subscription_id]
        found = self.store.listed(subscription_id)
        if found is not None and found[0].state == subs.ACTIVE:
            return found
        self._read[subscription_id] = self.store.get(subscription_id)
        return self._read[subscription_id]

    def written(self, subscription_id: str) -> None:
        """The subscription was written: what the write answered is in the container's list."""
        self._read.pop(subscription_id, None)

    def forget(self, subscription_id: str) -> None:
        self._read.pop(subscription_id, None)
        self._secrets.pop(subscription_id, None)


def _subscription_of(pk: str) -> str:
    # SEND#subscriptions#{event}#{delivery key}
    return subs.subscription_of(pk.split("#", 3)[3])


class SubscriptionDeliverer:
    def __init__(self, *, sends: SendStore, webhooks: Callable[[], WebhookClient], subscriptions: SubscriptionStore,
                 vault: Callable[[], Vault], notify_owner: Callable[[str, dict[str, Any]], None], clock: Clock,
                 policy: RunPolicy,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.sends = sends
        self._webhooks = webhooks  # () -> WebhookClient
        self.subscriptions = subscriptions
        self._vault = vault  # () -> the PII vault, to open each subscription's signing secret
        self.notify_owner = notify_owner  # (user id, params): a subscription of theirs was paused
        self.clock = clock
        self.policy = policy
        self.monotonic = monotonic
        # (record, encrypted data key, ciphertext) → (opened at, secret): this container's
        self._opened: dict[tuple[str, str, str], tuple[float, str]] = {}

    def _open_secret(self, sealed: Any) -> str:
        key = (sealed.record, sealed.data_key, sealed.values.get("secret", ""))
        now = self.monotonic()
        kept = self._opened.get(key)
        if kept is None or now - kept[0] >= OPENED_SECRET_SECONDS:
            self._opened = {k: v for k, v in self._opened.items() if now - v[0] < OPENED_SECRET_SECONDS}
            kept = self._opened[key] = (now, self._vault().open(sealed)["secret"])
        return kept[1]

    def send_due(self, target: str, seconds: float, records: Sequence[tuple[str, str]] | None = None) -> RunSummary:
        """Deliver the due webhooks for up to `seconds` (only `records`, (dataset, key), when
        given)."""
        client = self._webhooks()
        if client is None:
            return Run.not_configured(target)
        run = Run(target, sends=self.sends, clock=self.clock, policy=self.policy, monotonic=self.monotonic,
                  seconds=seconds, post_timeout=client.timeout)
        receivers = _Receivers(self.subscriptions, self._open_secret)
        for pk in run.to_send(records):
            if not self._receiver_ready(receivers, pk):
                continue
            entry = run.claim(pk)
            if entry is None:
                continue  # another sender has it, or it is no longer due
            outcome, http_status = self._post(receivers, client, entry)
            attempts = attempts_after(entry, 1)
            if outcome.verdict == reg.RETRY and attempts >= MAX_DELIVERY_ATTEMPTS:
                outcome = reg.Outcome(reg.REJECTED_RECORD, outcome.code,
                                      f"given up after {attempts} attempts; last: {outcome.message}")
            settled_at = run.settle(entry, outcome, http_status, attempts)
            self._after_delivery(receivers, entry, outcome, settled_at)
        return run.finish()

    def _receiver_ready(self, receivers: _Receivers, pk: str) -> bool:
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

    def _post(self, receivers: _Receivers, client: Any, entry: reg.SendEntry) -> tuple[reg.Outcome, int | None]:
        """One signed post (its attempt was counted by the claim)."""
        subscription_id = subs.subscription_of(entry.key)
        found = receivers.get(subscription_id)
        if found is None:
            return reg.Outcome(reg.REJECTED_RECORD, None, "not sent: the subscription was deleted"), None
        subscription, secret = found[0], receivers.secret(subscription_id)
        body = subs.body_bytes(entry.fields)
        timestamp = int(self.clock.now().timestamp())
        reply = client.post(subscription.url, body, {
            "Satupintu-Signature": subs.signature(secret, timestamp, body),
            "Satupintu-Event": entry.dataset,
            "Satupintu-Delivery": entry.fields.get("id", entry.key),
        })
        return subs.read_reply(reply), reply.http_status

    def _after_delivery(self, receivers: _Receivers, entry: reg.SendEntry, outcome: reg.Outcome, now: datetime) -> None:
        subscription_id = subs.subscription_of(entry.key)
        if outcome.verdict == reg.SAVED:
            found = receivers.get(subscription_id)
            if found is not None and found[0].delivery_changes_it(now):
                self.subscriptions.delivered(subscription_id, now)
                receivers.written(subscription_id)
            return
        updated = self.subscriptions.not_delivered(subscription_id, now)
        receivers.written(subscription_id)
        if updated is None or updated.state != subs.ACTIVE or updated.failures_in_a_row < subs.PAUSE_AFTER_FAILURES:
            return
        reason = f"{updated.failures_in_a_row} deliveries in a row not accepted; last: {outcome.message}"
        if self.subscriptions.pause(subscription_id, now, reason):
            receivers.forget(subscription_id)
            logger.warning("subscription paused", extra={"subscription_id": subscription_id,
                                                         "failures": updated.failures_in_a_row})
            self.notify_owner(updated.owner_id, {
                "subscription_id": subscription_id, "url": updated.url,
                "failures": str(updated.failures_in_a_row), "reason": outcome.message[:300]})
