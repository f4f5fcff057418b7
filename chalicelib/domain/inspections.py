"""A dam's inspections: routine, periodic or special (after an earthquake or a flood, its cause
named), the day, who inspected, findings with their severity, photos (the dam's own documents of
kind `inspection_photo`), recommendations each with a due date and a follow-up status, and the
next inspection's due date. The dam's latest inspection (by its day) sets when the next is due.

What is due and not done — a recommendation past its due date, the next inspection past its day —
is a duty: told to the dam's staff once, the day after it fell due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.messages import msg

KINDS = ("routine", "periodic", "special")
SEVERITIES = ("low", "medium", "high", "critical")
FOLLOW_UP = ("open", "in_progress", "done")
# An inspection is written in one transaction with a duty per recommendation (DynamoDB's 100
# items): so at most this many recommendations, and findings and photos kept in proportion.
MAX_RECOMMENDATIONS = 40
MAX_FINDINGS = 100
MAX_PHOTOS = 50
NEXT = "next"  # the duty slot of the dam's next inspection
# Who is told of an overdue duty: the dam's own staff, at its managing office and above.
OVERDUE_ROLES = ("dam_registrar", "dam_operator", "dam_inspector")


@dataclass(frozen=True)
class Recommendation:
    text: str
    due_date: str
    status: str = "open"
    # Each follow-up: {"at", "actor_id", "actor_name", "from", "to"}, oldest first.
    changes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Inspection:
    id: str
    asset_id: str
    kind: str
    cause: str | None
    date: str
    inspectors: tuple[str, ...]
    findings: tuple[dict[str, str], ...]
    photos: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    next_due: str | None
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    version: int = 1


@dataclass(frozen=True)
class Duty:
    """Something due at a dam: a recommendation (`slot` its index) or the next inspection (NEXT)."""

    asset_id: str
    inspection_id: str
    slot: int | str
    due_date: str
    text: str = ""
    inspected_on: str | None = None  # the next inspection's: the day of the inspection that set it
    told_at: datetime | None = None
    done: bool = False  # a follow-up just marked its recommendation done


def _day(value: Any, name: str, problems: list[FieldProblem]) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        problems.append(FieldProblem(name, "must be a date, YYYY-MM-DD"))
        return None


def new_inspection(fields: dict[str, Any], inspection_id: str, asset_id: str, actor_id: str, actor_name: str,
                   now: datetime, today: date) -> Inspection:
    """An inspection as recorded: every problem named at once (InvalidInput)."""
    problems: list[FieldProblem] = []
    day = _day(fields.get("date"), "date", problems)
    if day is not None and day > today:
        problems.append(FieldProblem("date", "must not be in the future"))
    cause = (fields.get("cause") or "").strip() or None
    if fields.get("kind") == "special" and cause is None:
        problems.append(FieldProblem("cause", "a special inspection names its cause (an earthquake, a flood)"))
    inspectors = tuple(dict.fromkeys(" ".join(n.split()) for n in fields.get("inspectors") or ()))
    if not inspectors or any(not n for n in inspectors):
        problems.append(FieldProblem("inspectors", "name at least one inspector, none blank"))
    next_due = fields.get("next_due")
    if next_due is not None and (found := _day(next_due, "next_due", problems)) and day and found <= day:
        problems.append(FieldProblem("next_due", "must be after the inspection's date"))
    recommendations = []
    for n, rec in enumerate(fields.get("recommendations") or ()):
        due = _day(rec.get("due_date"), f"recommendations[{n}].due_date", problems)
        if due is not None and day is not None and due < day:
            problems.append(FieldProblem(f"recommendations[{n}].due_date", "must be on or after the inspection's date"))
        recommendations.append(Recommendation(text=" ".join(str(rec.get("text", "")).split()), due_date=rec.get("due_date")))
    if problems:
        raise InvalidInput("the inspection is not right", problems)
    return Inspection(
        id=inspection_id, asset_id=asset_id, kind=fields["kind"], cause=cause, date=fields["date"],
        inspectors=inspectors, findings=tuple({"text": " ".join(f["text"].split()), "severity": f["severity"]}
                                              for f in fields.get("findings") or ()),
        photos=tuple(dict.fromkeys(fields.get("photos") or ())), recommendations=tuple(recommendations),
        next_due=next_due, recorded_by=actor_id, recorded_by_name=actor_name, recorded_at=now,
    )


def follow_up(inspection: Inspection, updates: list[tuple[int, str]], actor_id: str, actor_name: str,
              now: datetime) -> tuple[Inspection, list[int]]:
    """The inspection with recommendations' statuses moved (each move recorded: who, when, from,
    to), and the indexes that changed. An index that is not one, or named twice: InvalidInput."""
    problems = []
    seen: set[int] = set()
    for position, (index, _status) in enumerate(updates):
        if not 0 <= index < len(inspection.recommendations):
            problems.append(FieldProblem(f"recommendations[{position}].index", msg(
                "is not a recommendation of this inspection (0 to {last})", last=len(inspection.recommendations) - 1)))
        elif index in seen:
            problems.append(FieldProblem(f"recommendations[{position}].index", "names a recommendation twice"))
        seen.add(index)
    if problems:
        raise InvalidInput("the follow-up is not right", problems)
    recommendations, changed = list(inspection.recommendations), []
    for index, status in updates:
        rec = recommendations[index]
        if rec.status == status:
            continue
        move = {"at": now.isoformat(), "actor_id": actor_id, "actor_name": actor_name, "from": rec.status, "to": status}
        recommendations[index] = replace(rec, status=status, changes=rec.changes + (move,))
        changed.append(index)
    if not changed:
        return inspection, []
    return replace(inspection, recommendations=tuple(recommendations), version=inspection.version + 1), changed


def duties_of(inspection: Inspection) -> list[Duty]:
    """A duty for each recommendation not done (told once it is past its due date)."""
    return [Duty(inspection.asset_id, inspection.id, n, rec.due_date, rec.text)
            for n, rec in enumerate(inspection.recommendations) if rec.status != "done"]


def next_duty(inspection: Inspection, current: Duty | None) -> Duty | None:
    """The dam's next inspection as this one sets it, when it is the dam's latest (by its day;
    of one day, the one recorded last): due on its `next_due`, or none due (due_date "") when it
    names none. None when an inspection of a later day set it already: this one leaves it be."""
    if current is not None and (current.inspected_on or "") > inspection.date:
        return None
    return Duty(inspection.asset_id, inspection.id, NEXT, inspection.next_due or "", inspected_on=inspection.date)


def is_overdue(due_date: str, today: date) -> bool:
    return due_date < today.isoformat()
