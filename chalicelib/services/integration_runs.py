"""What every integration run shares, whichever target it sends to (the finance or civil
registry: services/registry_sender.py; subscribers: services/subscription_deliverer.py).

A run drains one target's due records, one at a time, each in three steps:

1. claim the record (a lease, and the attempt counted before the post: a sender that dies
   mid-post leaves the attempt in the log, and the record is due again once the lease ends);
2. post it (the sender's own business: how to post, how to read the answer, how often to try);
3. settle it: `sent` on the target's own word that it saved it; `failed` when the record itself
   was refused (not retried); otherwise it stays `pending`, due again after a capped, jittered
   backoff that grows with its attempts.

A record is never sent by two senders at once (the lease); resending one after a crash is safe
by each target's own rules (see the senders).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator, Sequence

from chalicelib.domain import integrations as reg
from chalicelib.services.ports import Clock, SendStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunPolicy:
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


class StopRun(Exception):
    """The whole run must stop (not just this record): the claimed record is released."""


# Leave this long after a post's time-out to write its answer down.
RECORDING_SECONDS = 5


class Run:
    """One run over a target's due records, for up to `seconds` (keep it under the function's
    time limit: a record is claimed only while there is time to post it and record it)."""

    def __init__(self, target: str, *, sends: SendStore, clock: Clock, policy: RunPolicy, monotonic: Callable[[], float],
                 seconds: float, post_timeout: float,
                 on_failed: Callable[[reg.SendEntry], None] | None = None) -> None:
        self.summary = RunSummary(target)
        self.on_failed = on_failed  # told of each record that ends `failed` (ops are notified)
        self.sends = sends
        self.clock = clock
        self.policy = policy
        self.monotonic = monotonic
        self.post_timeout = post_timeout
        self.ends = monotonic() + seconds

    @classmethod
    def not_configured(cls, target: str) -> RunSummary:
        logger.error("integration not configured; records wait", extra={"target": target})
        return RunSummary(target, stopped=f"{target} is not configured")

    @property
    def target(self) -> str:
        return self.summary.target

    def due(self) -> Iterator[str]:
        """The keys of the target's due records, while there is time to post one more."""
        for pk in self.sends.due(self.target, self.clock.now(), self.policy.batch):
            if not self.has_time_for(0):
                self.summary.stopped = "out of time; the next run goes on"
                return
            yield pk

    def to_send(self, records: Sequence[tuple[str, str]] | None) -> Iterator[str]:
        """The keys this run sends: the named records (dataset, key) when given, else the
        target's due ones."""
        return self.these(records) if records else self.due()

    def these(self, records: Sequence[tuple[str, str]]) -> Iterator[str]:
        """The keys of the given records (dataset, key), while there is time to post one more:
        what a change has just made due, sent without reading the target's due index. A record
        another run has taken, or no longer due, is passed over by the claim."""
        for dataset, key in records:
            if not self.has_time_for(0):
                self.summary.stopped = "out of time; the retry schedule sends the rest"
                return
            yield self.sends.key_of(self.target, dataset, key)

    def has_time_for(self, wait: float) -> bool:
        """Is there time to wait this long, then post and record the answer?"""
        return self.monotonic() + wait + self.post_timeout + RECORDING_SECONDS <= self.ends

    def claim(self, pk: str) -> reg.SendEntry | None:
        """The record, leased to this run with its attempt counted; None when another sender has
        it or it is no longer due."""
        return self.sends.claim(pk, self.clock.now(), timedelta(seconds=self.policy.lease_seconds))

    def settle(self, entry: reg.SendEntry, outcome: reg.Outcome, http_status: int | None, attempts: int) -> datetime:
        """Write the answer down: sent, failed, or pending again after a backoff that grows with
        the record's attempts. Answers when it was settled."""
        now = self.clock.now()
        retry_at = None
        if outcome.verdict == reg.RETRY:
            retry_at = now + timedelta(seconds=reg.backoff(attempts, self.policy.later_base_seconds,
                                                           self.policy.later_cap_seconds))
        settled = self.sends.settle(entry, outcome, http_status, now, retry_at)
        self._count(entry, outcome)
        if settled.state == reg.FAILED and self.on_failed is not None:
            # Told at once, not left for someone to find in the log. A failure to tell is logged
            # and does not undo the settled answer: the record is in the log as `failed` either way.
            try:
                self.on_failed(settled)
            except Exception:
                logger.error("could not tell ops of a failed record", exc_info=True,
                             extra={"target": entry.target, "dataset": entry.dataset, "key": entry.key})
        return now

    def release(self, entry: reg.SendEntry, stop: StopRun) -> None:
        """Give the claimed record back unsent, and end the run."""
        self.sends.release(entry, self.clock.now(), str(stop))
        self.summary.stopped = str(stop)
        logger.error("integration run stopped", extra={"target": self.target, "reason": str(stop)})

    def finish(self) -> RunSummary:
        summary = self.summary
        logger.info("integration run", extra={"target": summary.target, "sent": summary.sent, "failed": summary.failed,
                                              "retrying": summary.retrying, "stopped": summary.stopped})
        return summary

    def _count(self, entry: reg.SendEntry, outcome: reg.Outcome) -> None:
        summary = self.summary
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


def attempts_after(entry: reg.SendEntry, posts: int) -> int:
    """The record's attempts once this run's posts are counted (the claim counted the first)."""
    return entry.attempts + posts - 1
