"""Scheduled account housekeeping."""

from __future__ import annotations

from chalicelib import logs
from chalicelib.deps import container


def purge_unverified(_event: object) -> int:
    logs.configure()
    deps = container()
    return deps.accounts.purge_unverified(deps.settings.unverified_account_days)
