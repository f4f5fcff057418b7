"""The daily watch over the dams' duties: monitoring obligations opened, reminded and marked
overdue (services/obligations.py), each once however often it runs."""

from __future__ import annotations

from chalicelib import logs
from chalicelib.deps import container


def watch_dam_duties(_event: object) -> int:
    logs.configure()
    return container().dam_duties.watch()
