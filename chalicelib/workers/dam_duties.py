"""The daily watch over the dams' duties: monitoring obligations opened, reminded and marked
overdue (services/obligations.py), and inspections' recommendations and next inspections fallen
due told to the dam's staff (services/inspections.py), each once however often it runs."""

from __future__ import annotations

from chalicelib import logs
from chalicelib.deps import container


def watch_dam_duties(_event: object) -> int:
    """Both watches run even when one fails (each keeps what it did, and takes up the rest on the
    next run); the first failure is raised after, so the run is retried and alarmed."""
    logs.configure()
    deps = container()
    now = deps.clock.now()
    taken, failures = 0, []
    for watch in (deps.dam_duties.watch, deps.inspections.notify_overdue):
        try:
            taken += watch(now)
        except Exception as error:  # noqa: BLE001 - the other watch must run all the same
            failures.append(error)
    if failures:
        raise failures[0]
    return taken
