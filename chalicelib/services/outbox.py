"""The outbox: what a committed change must still send, handed to the queue of its topic.

A change writes its outbox entries in its own transaction (see the application store); after
the commit the service hands them on (`publish`). If that hand-on is lost (the process died,
SQS did not answer), the relay — a schedule — finds the entries still waiting and hands them on
again. The queue functions delete an entry once done with it, so an entry is acted on at least
once and, being idempotent downstream, in effect once.

Topics: `notify` (fan-out to recipients, see services/notifications.py), `render` (a receipt
or certificate PDF, see services/documents_rendering.py) and `remove_files` (a deleted document's
files, removed in place rather than queued: see services/documents.py's OwedFileRemoval).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from chalicelib.services.ports import Clock, JobQueue, OutboxKey, OutboxStore

logger = logging.getLogger(__name__)

# An entry still waiting this long after its change was not handed on: the relay hands it on.
RELAY_AFTER = timedelta(minutes=2)
RELAY_GIVE_UP_AFTER = 10
TOPICS = ("notify", "render", "remove_files")


def job_of(key: Any) -> dict[str, Any]:
    job = {"type": "fanout" if key.topic == "notify" else "outbox", "pk": key.pk, "sk": key.sk}
    if key.topic == "render" and key.carries:
        job.update(payload=key.payload, at=key.at.isoformat())  # what to render: not read back
    return job


# What one fan-out job carries at most (its message stays far below SQS's 256 KB).
NOTICES_PER_JOB = 25


def jobs_of(keys: list[Any], topic: str, deliveries: list[list[str]] | None = None) -> list[dict[str, Any]]:
    """The jobs handing entries of `topic` on. A change's notices (entries of one partition)
    travel as one fan-out job, which tells their recipients with a few calls for all of them,
    carrying what they say when the change knows it (the relay knows only their keys), and the
    change's webhook deliveries due now (`deliveries`, [dataset, key] each: on its first job)."""
    if topic != "notify":
        return [job_of(key) for key in keys]
    by_partition: dict[str, list[Any]] = {}
    for key in keys:
        by_partition.setdefault(key.pk, []).append(key)
    jobs = []
    for pk, entries in by_partition.items():
        for start in range(0, len(entries), NOTICES_PER_JOB):
            chunk = entries[start:start + NOTICES_PER_JOB]
            job: dict[str, Any] = {"type": "fanout", "pk": pk, "sk": chunk[0].sk, "sks": [key.sk for key in chunk]}
            if all(key.carries and key.at == chunk[0].at for key in chunk):
                job.update(notices=[key.payload for key in chunk], at=chunk[0].at.isoformat())
            jobs.append(job)
    if jobs and deliveries:
        jobs[0]["deliveries"] = deliveries
    return jobs


class Outbox:
    def __init__(self, *, outbox: OutboxStore, queues: dict[str, JobQueue], clock: Clock) -> None:
        self.outbox = outbox
        self.queues = queues  # topic → its queue
        self.clock = clock

    def publish(self, keys: list[OutboxKey], deliveries: list[list[str]] | None = None) -> bool:
        """Hand the entries of a committed change on. The change stands either way: an entry
        not handed on now is handed on by the relay. The change's webhook deliveries due now
        ride on its fan-out job, if it has one: answers whether they were handed on so."""
        carried = False
        for topic in TOPICS:
            jobs = jobs_of([key for key in keys if key.topic == topic], topic, deliveries)
            if not jobs:
                continue
            try:
                self.queues[topic].send_many(jobs)
            except Exception:
                logger.warning("outbox hand-on failed; the relay will retry", extra={"topic": topic, "entries": len(jobs)},
                               exc_info=True)
                continue
            carried = carried or bool(deliveries and topic == "notify")
        return carried

    def relay_stragglers(self, limit: int = 200) -> int:
        """Hand on entries whose hand-on was lost; answers how many."""
        total = 0
        for topic in TOPICS:
            keys = self.outbox.stragglers(self.clock.now() - RELAY_AFTER, limit, topic)
            relayed = []
            for key in keys:
                relays = self.outbox.count_relay(key, RELAY_GIVE_UP_AFTER)
                if 0 < relays <= RELAY_GIVE_UP_AFTER:
                    relayed.append(key)
                elif relays > RELAY_GIVE_UP_AFTER:
                    logger.error("outbox entry given up after repeated hand-ons",
                                 extra={"topic": topic, "pk": key.pk, "sk": key.sk})
            if relayed:
                self.queues[topic].send_many(jobs_of(relayed, topic))
            logger.info("outbox relayed", extra={"topic": topic, "relayed": len(relayed), "found": len(keys)})
            total += len(relayed)
        return total
