"""What ops watch besides the send log: the queues with their dead-letter queues, and the
scheduled functions' last runs. Pure data and rules; the adapters read SQS and the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib import queues as q

# (name shown, the queue its function reads, the dead-letter queue its messages end in): a fixed
# list, so the queues page makes the same calls whatever is in them. The scan queue's own
# dead-letter queue has a function (it marks the upload "could not be scanned"), so a redrive of
# the scan pipeline moves the messages that function gave up on back to it.
QUEUE_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("notifications", q.NOTIFICATION_QUEUE, q.NOTIFICATION_DEAD_LETTER_QUEUE),
    ("accounts", q.ACCOUNT_QUEUE, q.ACCOUNT_DEAD_LETTER_QUEUE),
    ("render", q.RENDER_QUEUE, q.RENDER_DEAD_LETTER_QUEUE),
    ("integrations", q.INTEGRATION_QUEUE, q.INTEGRATION_DEAD_LETTER_QUEUE),
    ("mail-events", q.MAIL_EVENT_QUEUE, q.MAIL_EVENT_DEAD_LETTER_QUEUE),
    ("scan-failed", q.SCAN_DEAD_LETTER_QUEUE, q.SCAN_UNHANDLED_QUEUE),
)
QUEUE_NAMES = tuple(name for name, _source, _dlq in QUEUE_PAIRS)

# One redrive moves at most this many messages (ten receives of ten): a request makes a bounded
# number of calls; ops press again for more, and the answer says how many are left.
REDRIVE_MAX_MESSAGES = 100

OK, FAILED = "ok", "failed"


@dataclass(frozen=True)
class QueueCounts:
    """Approximate counts as SQS gives them: visible (waiting) and in flight (being handled)."""

    visible: int | None
    in_flight: int | None


@dataclass(frozen=True)
class QueuePair:
    name: str
    queue: str
    dead_letter_queue: str
    counts: QueueCounts
    dead_letters: QueueCounts


@dataclass(frozen=True)
class Redrive:
    name: str
    moved: int
    left: int | None  # approximately, in the dead-letter queue after the move


@dataclass(frozen=True)
class ScheduleRun:
    """A scheduled function's last run, as recorded by the run itself."""

    started_at: datetime
    finished_at: datetime
    outcome: str  # OK | FAILED
    error: str | None = None
    last_ok_at: datetime | None = None
    runs: int = 0
    failures: int = 0


@dataclass(frozen=True)
class ScheduleHealth:
    name: str
    schedule: str
    last_run: ScheduleRun | None


def error_text(error: BaseException, limit: int = 500) -> str:
    """What a failed run says of its error: the type and the message, cut."""
    return f"{type(error).__name__}: {error}"[:limit]
