"""Every @app.schedule function records its own run (ops' schedules page, GET /ops/schedules):
when it started and ended, whether it went well, and the error when it did not. The record is
written by the function as deployed, so the local stack's scheduler and `/_local/schedules/{name}`
record the same way EventBridge's runs do.

Imported by app.py at cold start: standard library only; the store loads when a run ends."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable

logger = logging.getLogger(__name__)


def recorded(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap a scheduled function (named as its schedule is) so that each run is recorded. The
    function's own outcome is untouched: its error is raised again, as Lambda reports it, and a
    record that cannot be written is only logged."""

    @functools.wraps(function)
    def run(event: Any) -> Any:
        from chalicelib.deps import container

        clock = container().clock
        started = clock.now()
        try:
            result = function(event)
        except Exception as error:
            _record(function.__name__, started, clock.now(), error)
            raise
        _record(function.__name__, started, clock.now(), None)
        return result

    return run


def _record(name: str, started: Any, finished: Any, error: BaseException | None) -> None:
    from chalicelib.deps import container
    from chalicelib.domain.operations import FAILED, OK, ScheduleRun, error_text

    run = ScheduleRun(started_at=started, finished_at=finished, outcome=FAILED if error else OK,
                      error=error_text(error) if error else None)
    try:
        container().schedule_run_store.record(name, run)
    except Exception:
        logger.warning("could not record a scheduled run", extra={"function": name}, exc_info=True)
