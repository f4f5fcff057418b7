"""Ops' watch over the machinery (issue 20, "Operations"): the queues and their dead-letter
queues, a redrive, and the scheduled functions' health. The send log and re-runs are
services/integrations.py's."""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Protocol

from chalicelib.domain.errors import NotFound, Unavailable
from chalicelib.domain.messages import msg
from chalicelib.domain.operations import (
    QUEUE_NAMES, QUEUE_PAIRS, REDRIVE_MAX_MESSAGES, QueueCounts, QueuePair, Redrive, ScheduleHealth, ScheduleRun,
)
from chalicelib.domain.people import OPS_ROLES, Principal, require_any

logger = logging.getLogger(__name__)


class QueueAdmin(Protocol):
    def counts(self, queue: str) -> QueueCounts: ...

    def move(self, dead_letter_queue: str, source: str, limit: int) -> int: ...


class ScheduleRunStore(Protocol):
    def record(self, name: str, run: ScheduleRun) -> None: ...

    def last_runs(self, names: Iterable[str]) -> dict[str, ScheduleRun]: ...


class OperationsService:
    def __init__(self, *, queues: QueueAdmin, schedule_runs: ScheduleRunStore,
                 schedules: Callable[[], list[tuple[str, str]]]) -> None:
        self.queues = queues
        self.schedule_runs = schedule_runs
        self._schedules = schedules  # () -> [(function name, schedule expression)]

    def queue_pairs(self, caller: Principal) -> list[QueuePair]:
        """Each queue and its dead-letter queue with their approximate counts: one
        GetQueueAttributes per queue, a fixed list."""
        require_any(caller, OPS_ROLES)
        return [QueuePair(name, source, dlq, self._counts(source), self._counts(dlq))
                for name, source, dlq in QUEUE_PAIRS]

    def _counts(self, queue: str) -> QueueCounts:
        try:
            return self.queues.counts(queue)
        except Exception:
            logger.warning("could not read a queue's counts", extra={"queue": queue}, exc_info=True)
            return QueueCounts(None, None)

    def redrive(self, caller: Principal, name: str) -> Redrive:
        """Move up to REDRIVE_MAX_MESSAGES of the named pair's dead letters back to its queue."""
        require_any(caller, OPS_ROLES)
        pair = next((p for p in QUEUE_PAIRS if p[0] == name), None)
        if pair is None:
            raise NotFound(msg("no queue named {name} has a dead-letter queue to redrive; there are {names}",
                               name=repr(name), names=", ".join(QUEUE_NAMES)))
        _name, source, dlq = pair
        try:
            moved = self.queues.move(dlq, source, REDRIVE_MAX_MESSAGES)
        except Exception as error:
            logger.warning("a redrive failed", extra={"queue": dlq}, exc_info=True)
            raise Unavailable(msg("the queue service did not answer; try again")) from error
        logger.info("dead letters moved back", extra={"queue": source, "moved": moved, "by": caller.user_id})
        return Redrive(name, moved, self._counts(dlq).visible)

    def schedules(self, caller: Principal) -> list[ScheduleHealth]:
        """Every scheduled function with its last run (one BatchGetItem)."""
        require_any(caller, OPS_ROLES)
        functions = self._schedules()
        runs = self.schedule_runs.last_runs(name for name, _expression in functions)
        return [ScheduleHealth(name, expression, runs.get(name)) for name, expression in functions]
