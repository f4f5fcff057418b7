"""Escalation that can act (SPEC.md, "An application's life"): once an overdue step has been
escalated to an office above its deciders, a decider there may take the step over, or hand it
to a named person at the step's own office. Either way the step is then that one person's
(`Application.assignee_id`), its clock starts again with the step's SLA in the new deciding
office's working hours, and escalation begins afresh from there.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.domain.application_state import AWAITING_DECISION, Application, ApplicationChange, Origin
from chalicelib.domain.applications import (
    Calendars, DUE_SOON_FRACTION, _entry, _local_time, _on_behalf_of, _to_deciders, notice_params, is_decider,
)
from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput
from chalicelib.domain.messages import msg, role as role_label, status as status_label
from chalicelib.domain.notifications import Notice
from chalicelib.domain.office_hours import add_time
from chalicelib.domain.people import DECIDER_ROLES, Grant, Principal


def step_office(app: Application) -> str | None:
    """The office whose role holders decide the current step as planned at submission."""
    if app.step is None or len(app.step_nodes) < app.step:
        return None
    return app.step_nodes[app.step - 1]


def reached_offices(app: Application) -> list[str]:
    """The offices above the step's own that an escalation of it has reached, nearest first
    (escalation level n ≥ 1 told the office n levels up; `escalation_level` counts those made)."""
    office = step_office(app)
    if office is None or office not in app.node_path or app.status not in AWAITING_DECISION:
        return []
    index = app.node_path.index(office)
    return [app.node_path[index - k] for k in range(1, app.escalation_level) if index - k >= 0]


def claim_role(caller: Principal, app: Application) -> tuple[str, str] | None:
    """(office, role) under which the caller may take the step over: the step's role at an
    office the escalation reached, or, where they hold another deciding role there (a
    kecamatan has approvers, not verifiers), that one — whom the escalation told."""
    if app.decider_role is None:
        return None
    preference = (app.decider_role,) + tuple(r for r in reversed(DECIDER_ROLES) if r != app.decider_role)
    for office in reached_offices(app):
        for role in preference:
            if caller.holds(role, office):
                return office, role
    return None


def _restart(app: Application, service: ServiceType, office: str, role: str, assignee: tuple[str, str],
             now: datetime, calendars: Calendars | None) -> Application:
    sla = timedelta(hours=service.step_at(app.step or 1).sla_hours)
    calendar = (calendars or {}).get(office)
    due = add_time(calendar, now, sla)
    return app.evolve(
        decider_node_id=office, decider_role=role, assignee_id=assignee[0], assignee_name=assignee[1],
        due_at=due, warn_at=add_time(calendar, now, sla * (1 - DUE_SOON_FRACTION)), escalation_level=0,
        escalate_at=due, updated_at=now, version=app.version + 1,
    )


def _require_open(app: Application, caller: Principal) -> None:
    if app.applicant_id == caller.user_id:
        raise Forbidden("nobody decides on their own application")
    if app.status not in AWAITING_DECISION or app.step is None:
        raise Conflict(msg("the application is {status}, not awaiting a decision", status=status_label(app.status)))
    if app.is_suspended:
        raise Conflict("the application is suspended: resume it first")


def claim(app: Application, service: ServiceType, caller: Principal, now: datetime, tz: timezone, origin: Origin,
          calendars: Calendars | None = None, office_names: dict[str, str] | None = None) -> ApplicationChange:
    """The caller takes the escalated step over: it is theirs to decide, at their office."""
    _require_open(app, caller)
    if app.assignee_id == caller.user_id:
        raise Conflict("the step is already yours")
    if app.assignee_id is not None:
        raise Conflict(msg("the step has already been taken over by {name}", name=app.assignee_name))
    found = claim_role(caller, app)
    if found is None:
        raise Forbidden("the step has not been escalated to an office where you decide")
    office, role = found
    names = office_names or {}
    updated = _restart(app, service, office, role, (caller.user_id, caller.name), now, calendars)
    original = step_office(app) or ""
    comment = f"taken over as {role} at {names.get(office, office)} from {names.get(original, original)}"
    notices = (_to_deciders("claimed", app, service, role=service.step_at(app.step or 1).role, node_id=original,
                            actor_name=caller.name, office=names.get(office, office),
                            decider_office=names.get(original, original)),)
    return ApplicationChange(updated, app.version, _entry(caller, "claim", app.status, updated, now, origin,
                                                          comment=comment), notices=notices)


def may_reassign(caller: Principal, app: Application) -> bool:
    """A decider of the current step, the office's own holders of the step's role, or whoever
    may take it over."""
    office = step_office(app)
    role = None if app.step is None else app.decider_role
    own = office is not None and role is not None and caller.holds(role, office) and app.assignee_id is None
    return is_decider(caller, app) or own or claim_role(caller, app) is not None


def require_reassigner(caller: Principal, app: Application) -> None:
    _require_open(app, caller)
    if not may_reassign(caller, app):
        raise Forbidden(msg("step {step} is decided by the {role} of another office", step=app.step,
                            role=role_label(app.decider_role or "")))


def reassign(app: Application, service: ServiceType, caller: Principal, person: tuple[str, str, tuple[Grant, ...]] | None,
             now: datetime, tz: timezone, origin: Origin, calendars: Calendars | None = None,
             office_names: dict[str, str] | None = None) -> ApplicationChange:
    """Hand the step to a named person (`person`: id, name, own grants) holding the step's role
    at its own office; None when no account has the address given."""
    require_reassigner(caller, app)
    office = step_office(app) or ""
    role = service.step_at(app.step or 1).role
    names = office_names or {}
    if person is None or Grant(role, office) not in person[2] or person[0] == app.applicant_id:
        raise InvalidInput("cannot hand the step to that person", [FieldProblem(
            "user_email", msg("must be the address of someone holding the {role} role at {office}", role=role_label(role),
                office=names.get(office, office)),
            "not_a_decider")])
    if person[0] == app.assignee_id:
        raise Conflict(msg("the step is already with {name}", name=person[1]))
    updated = _restart(app, service, office, role, (person[0], person[1]), now, calendars)
    params = notice_params(updated, service, actor_name=caller.name, actor_office=names.get(app.decider_node_id or "", ""),
                           due_at=_local_time(updated.due_at, tz))
    notice = Notice("reassigned", params, application_id=app.id, to_user_id=person[0])
    entry = _entry(caller, "reassign", app.status, updated, now, origin,
                   comment=f"assigned to {person[1]} ({role} at {names.get(office, office)})",
                   on_behalf_of=_on_behalf_of(caller, app))
    return ApplicationChange(updated, app.version, entry, notices=(notice,))
