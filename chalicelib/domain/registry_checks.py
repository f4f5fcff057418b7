"""The civil registry's answer on a filed event's NIKs (SPEC.md, "Civil-registry events": the
people's NIKs are checked against the national registry when filed). The check runs off the
request path (domain/integrations.py, NIK_CHECK); its verdict is recorded on the application,
in its history, and shown to the deciders. No match does not stop the filing: it is flagged.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.application_state import AWAITING_DECISION, Application, ApplicationChange, HistoryEntry
from chalicelib.domain.integrations import NIK_MATCH, NIK_NO_MATCH, NIK_UNAVAILABLE

VERDICTS = (NIK_MATCH, NIK_NO_MATCH, NIK_UNAVAILABLE)
_SAYS = {NIK_MATCH: "matches the civil registry", NIK_NO_MATCH: "does NOT match the civil registry (flagged)",
         NIK_UNAVAILABLE: "could not be checked: the civil registry is unavailable; checked again later"}


def record_nik_check(app: Application, field: str, result: str, now: datetime) -> ApplicationChange | None:
    """The verdict on one NIK field; None when the application already says so (a registry
    that stays unavailable is written once, not at every retry) or no longer has the field."""
    if result not in VERDICTS:
        raise ValueError(f"unknown NIK check verdict {result!r}")
    if field not in app.data or app.nik_checks.get(field, {}).get("result") == result:
        return None
    checks = {**app.nik_checks, field: {"result": result, "checked_at": now.isoformat()}}
    updated = app.evolve(nik_checks=checks, version=app.version + 1)
    entry = HistoryEntry(at=now, actor_id="system", actor_name="satupintu", action="nik_check",
                         from_status=app.status, to_status=app.status, step=app.step,
                         comment=f"{field} {_SAYS[result]}",
                         to_step=app.step if app.status in AWAITING_DECISION else None)
    return ApplicationChange(updated, app.version, entry)


def flagged(app: Application) -> list[str]:
    """The NIK fields the registry did not match: what the deciders must look at."""
    return sorted(name for name, check in app.nik_checks.items() if check.get("result") == NIK_NO_MATCH)
