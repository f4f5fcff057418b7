"""Applications that name a dam (catalog fields of type `asset`): the dam must be in the register
and managed on the line of the office the application is filed at; the approval of a dam permit
moves the dam's status (domain/assets.py PERMIT_MOVES) in the approval's own transaction, and
with it the dam's monitoring obligations (domain/obligations.py); an approved design that names
no dam enters the dam it proposes in the register."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from chalicelib.domain.assets import (
    PERMIT_MOVES, Dam, DamChange, proposal_problems, proposed_dam, status_after_permit,
)
from chalicelib.domain import obligations
from chalicelib.domain.application_state import CounterMove
from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.obligations import Obligation
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.domain.people import Principal
from chalicelib.services.ports.assets import AssetStore, ObligationStore

NOT_A_DAM_HERE = "is not a dam in the register managed on this office's line"
PROPOSES_A_DAM = "dam-design-approval"


def check_named_dams(assets: AssetStore | None, service: ServiceType, data: dict[str, Any],
                     node_path: tuple[str, ...], today: date | None = None,
                     owed: ObligationStore | None = None) -> None:
    """Each dam the form names exists and is managed at the filing office, an office above it
    (a permit desk serves the division that manages the dam) or one below it; a design that
    names none proposes a dam whose site must be real. InvalidInput naming the field otherwise:
    one GetItem per dam named (a form names one). A monitoring report's period must be one of
    the dam's schedule that has begun by `today`, or one the dam owes a report for (`owed`:
    an obligation opened before its schedule changed must stay possible to meet)."""
    problems = proposal_problems(data) if service.id == PROPOSES_A_DAM and not named_dam_id(service, data) else []
    for spec in service.fields:
        dam_id = data.get(spec.name) if spec.type == "asset" else None
        if not dam_id:
            continue
        dam = assets.get(dam_id) if assets is not None else None
        if dam is None or not (dam.node_id in node_path or node_path[-1] in dam.node_path):
            problems.append(FieldProblem(f"data.{spec.name}", NOT_A_DAM_HERE, "asset"))
        elif service.monitoring is not None and today is not None:
            problems += _period_problems(service, data, dam, today, owed)
    if problems:
        raise InvalidInput("some fields are not right", problems)


def _dam_field(service: ServiceType) -> str | None:
    return next((f.name for f in service.fields if f.type == "asset"), None)


def _period_problems(service: ServiceType, data: dict[str, Any], dam: Dam, today: date,
                     owed: ObligationStore | None) -> list[FieldProblem]:
    name = service.monitoring.period_field  # type: ignore[union-attr]
    period = data.get(name)
    problem = obligations.period_problem(period, dam.monitoring_every, today) if period else None
    # Only a period off the schedule costs the extra read: was it owed under the schedule before?
    if problem and owed is not None and obligations.every_of(period) and owed.get(dam.id, period) is not None:
        problem = None
    return [FieldProblem(f"data.{name}", problem)] if problem else []


def named_dam_id(service: ServiceType, data: dict[str, Any]) -> str | None:
    name = _dam_field(service)
    return data.get(name) if name is not None else None


def with_dam_link(change: Any, service: ServiceType, before: dict[str, Any] | None) -> Any:
    """The change carrying the move of the application's link beside the dam it names, when
    its form (`before`: None for a new application) named another dam or none."""
    was = (named_dam_id(service, before) if before is not None else None) or None
    now = named_dam_id(service, change.application.data) or None
    return replace(change, dam_link=(was, now)) if was != now else change


def permit_move(assets: AssetStore, service: ServiceType, app: Any, caller: Principal,
                now: datetime) -> tuple[Dam | None, Dam, DamChange] | None:
    """The dam an approved permit moves, as (before, after, history line), or None (not a dam
    permit; a version of it that names no dam). An approved design naming no dam proposes one:
    (None, the new dam, its first history line). Conflict when the dam is not in the status the
    permit starts from, or no longer in the register."""
    if service.id not in PERMIT_MOVES:
        return None
    dam_id = named_dam_id(service, app.data)
    if not dam_id:
        return _proposed(service, app, caller, now) if service.id == PROPOSES_A_DAM else None
    before = assets.get(dam_id)
    moves_to = status_after_permit(service.id, before.status if before else None)
    if before is None:
        raise Conflict("the dam this permit names is no longer in the register")
    after = replace(before, status=moves_to, updated_at=now, version=before.version + 1)
    change = DamChange(version=after.version, at=now, actor_id=caller.user_id, actor_name=caller.name, action="status",
                       changes={"status": [before.status, moves_to]} if moves_to != before.status else {},
                       application_id=app.id, comment=f"{service.name_en} {app.tracking_code}")
    return before, after, change


def _proposed(service: ServiceType, app: Any, caller: Principal, now: datetime) -> tuple[None, Dam, DamChange] | None:
    """The dam a design approval proposes. Managed by the office the permit desk serves (the
    desk's parent), as the register's dams are; its id follows from the application's, so a
    retried approval proposes the same dam; its provisional register code is the tracking code.
    None when the form predates the site fields (version 1 names no district)."""
    if "district_code" not in app.data:
        return None
    managing_path = app.node_path[:-1] or app.node_path
    dam = proposed_dam(app.data, "dam_" + app.id.split("_", 1)[1], managing_path,
                       f"USUL-{app.tracking_code}", now)
    change = DamChange(version=1, at=now, actor_id=caller.user_id, actor_name=caller.name, action="registered",
                       changes={"status": [None, dam.status]}, application_id=app.id,
                       comment=f"{service.name_en} {app.tracking_code}")
    return None, dam, change


def with_dam_moved(change: Any, service: ServiceType, move: tuple[Dam | None, Dam, DamChange] | None) -> Any:
    """The approval's change carrying the dam's move. A proposed dam's id is written into the
    application's dam field, so the application names, from its approval on, the dam it put in
    the register (the permits that follow name it too)."""
    if move is None:
        return change
    before, after, _ = move
    field_name = _dam_field(service)
    if before is None and field_name is not None:
        data = change.application.data | {field_name: after.id}
        change = replace(change, application=replace(change.application, data=data), dam_link=(None, after.id))
    return replace(change, asset_move=move)


def obligation_write(store: ObligationStore, terms: obligations.DutyTerms, tz: timezone, service: ServiceType,
                     app: Any, asset_move: tuple[Dam | None, Dam, DamChange] | None,
                     now: datetime) -> tuple[Obligation | None, Obligation, tuple[CounterMove, ...]] | None:
    """What an approval writes of a dam's monitoring obligations, in its own transaction, as
    (before or None for a new one, after, counter moves), or None. A dam an operation permit
    makes operating owes its first report (the period it began operating in); an approved
    monitoring report meets the obligation for its dam and period, if there is one and it is
    not met yet (a report for a period before the dam operated changes nothing; a second
    approved report for a met period leaves the first)."""
    if asset_move is not None:
        before_dam, after_dam, _ = asset_move
        # A proposed dam (no dam before) enters in design: first_of owes nothing for it.
        was_operating = before_dam is not None and before_dam.status == "operating"
        first = obligations.first_of(after_dam, now, terms, tz) if not was_operating else None
        if first is None or store.get(first.dam_id, first.period) is not None:
            return None
        return None, first, obligations.opened_moves(first, tz)
    if service.monitoring is None:
        return None
    dam_id, period = named_dam_id(service, app.data), app.data.get(service.monitoring.period_field)
    if not dam_id or not period or obligations.every_of(period) is None:
        return None
    found = store.get(dam_id, period)
    done = obligations.met(found, app.id, tz) if found is not None else None
    return (found, done.after, done.counters) if done is not None else None
