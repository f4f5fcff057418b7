"""An application's life: draft → submitted → in_review (step k of n) → approved | rejected,
with returns to the applicant, resubmission to the step that returned it, and withdrawal.

Every function here takes the current state (application_state.py) and answers the change to
write (the new state, its history entry and the dashboard counters it moves); nothing here reads
or writes storage.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from chalicelib.domain import certificates
from chalicelib.domain.application_state import (
    APPROVED,
    AWAITING_DECISION,
    CERTIFICATE,
    DRAFT,
    EDITABLE,
    FINAL,
    IN_REVIEW,
    RECEIPT,
    REJECTED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationChange,
    CounterMove,
    HistoryEntry,
    Origin,
    RenderRequest,
)
from chalicelib.domain.budgets import BudgetCheck, budget_moves, posting_on_approval
from chalicelib.domain.catalog import Catalog, ServiceType
from chalicelib.domain.certificates import NextCertificate
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.forms import check_form
from chalicelib.domain.messages import FIELD_NAMES, Label, either, msg
from chalicelib.domain.messages import role as role_label
from chalicelib.domain.messages import status as status_label
from chalicelib.domain.notifications import Notice
from chalicelib.domain.office_hours import OfficeCalendar, add_time, elapsed
from chalicelib.domain.org import Node
from chalicelib.domain.people import CASEWORK_DECIDER_ROLES, Principal, application_roles
from chalicelib.domain.pii import is_masked

MAX_COMMENT_LENGTH = 2000
# A step is "due soon" in its last quarter: long enough ahead to act, short enough to matter.
DUE_SOON_FRACTION = 0.25
DECISIONS = ("approve", "reject", "return")
# Each office on an application's path → the working calendar it keeps (None: wall clock).
Calendars = Mapping[str, "OfficeCalendar | None"]
# The actor of what the system does by itself (escalations), in the history.
SYSTEM_ACTOR = ("system", "satupintu")


def period_of(moment: datetime, tz: timezone) -> str:
    return moment.astimezone(tz).strftime("%Y-%m")


def counter_name_status(status: str) -> str:
    return f"status:{status}"


def counter_name_service(service_id: str, status: str) -> str:
    return f"service:{service_id}:{status}"


def counter_moves(app: Application, service: ServiceType, from_status: str | None, to_status: str,
                  tz: timezone) -> tuple[CounterMove, ...]:
    """Counters by status and by service at every node from the root to the filing node, in the
    period the application was created, and a spending report's budget figures in the month it
    was spent: a dashboard reads them instead of counting."""
    if from_status == to_status:
        return ()
    deltas: dict[str, int] = {}
    if from_status is not None:
        deltas[counter_name_status(from_status)] = -1
        deltas[counter_name_service(app.service_id, from_status)] = -1
    deltas[counter_name_status(to_status)] = 1
    deltas[counter_name_service(app.service_id, to_status)] = 1
    period = period_of(app.created_at, tz)
    moves = tuple(CounterMove(node_id=node_id, period=period, deltas=dict(deltas)) for node_id in app.node_path)
    return moves + budget_moves(app, service, from_status, to_status)


def plan_deciders(service: ServiceType, node: Node) -> tuple[str, ...]:
    """For each step, the node whose role holders decide it: the nearest node of the step's kind
    on the way up from where the application is filed."""
    planned, problems = [], []
    for number, step in enumerate(service.steps, start=1):
        decider_node = node.nearest(step.at_kind)
        if decider_node is None:
            problems.append(
                FieldProblem("node_id", msg("step {number} ({step}) needs an office of kind {kind} above this office",
                                             number=number, step=Label(step.label, step.label_en), kind=step.at_kind))
            )
        planned.append(decider_node or "")
    if problems:
        raise InvalidInput(msg("{service} cannot be filed at {office}", service=Label(service.name, service.name_en),
                               office=node.name), problems)
    return tuple(planned)


def check_filing_place(service: ServiceType, node: Node, caller: Principal) -> None:
    if node.kind not in service.node_kinds:
        raise InvalidInput(
            msg("{service} is filed at an office of kind {kinds}, not {kind}", service=Label(service.name, service.name_en),
                kinds=either(service.node_kinds), kind=node.kind),
            [FieldProblem("node_id", msg("must be an office of kind {kinds}", kinds=either(service.node_kinds)))],
        )
    if service.filed_by == "staff" and not caller.reaches(node.path, roles=("submitter",)):
        raise Forbidden(msg("{service} is filed by staff holding the submitter role at the office",
                            service=Label(service.name, service.name_en)))


def reads_as_staff(caller: Principal, app: Application, service: ServiceType | None) -> bool:
    """Staff who work on applications at or above its node (for a program's own roles, only on
    that program's): they read it, its documents and its history. Viewers and ops do not: they
    see figures and logs, never people's files (SPEC.md, "What a role may read")."""
    return caller.reaches(app.node_path, roles=application_roles(service.program if service else None))


def can_read(caller: Principal, app: Application, service: ServiceType | None) -> bool:
    return app.applicant_id == caller.user_id or reads_as_staff(caller, app, service)


def require_readable(caller: Principal, app: Application | None, catalog: Catalog) -> Application:
    """Outside the caller's reach an application does not exist for them: 404, never 403."""
    if app is None or not can_read(caller, app, catalog.service_of(app)):
        raise NotFound("no such application")
    return app


def require_owner(caller: Principal, app: Application) -> None:
    if app.applicant_id != caller.user_id:
        raise Forbidden("only the applicant who filed it may do this")


def is_decider(caller: Principal, app: Application) -> bool:
    return (
        app.status in AWAITING_DECISION
        and app.decider_role is not None
        and app.decider_node_id is not None
        and caller.holds(app.decider_role, app.decider_node_id)
        and app.applicant_id != caller.user_id
        # Taken over or reassigned: the step is that one person's.
        and (app.assignee_id is None or app.assignee_id == caller.user_id)
    )


def decides_on(caller: Principal, app: Application, service: ServiceType) -> bool:
    """Who may see the application's personal data unmasked (SPEC.md, "NIK"): those who
    decide one of its steps (the holders of the step's role at its office, their delegates,
    and whoever an escalation handed the current step to), never the applicant."""
    if app.applicant_id == caller.user_id:
        return False
    if is_decider(caller, app):
        return True
    return any(caller.holds(step.role, node_id) for step, node_id in zip(service.steps, app.step_nodes))


def _entry(actor: Principal, action: str, before: str | None, app: Application, now: datetime,
           origin: Origin, comment: str | None = None, step: int | None = None,
           on_behalf_of: tuple[str, str] | None = None) -> HistoryEntry:
    return HistoryEntry(
        at=now,
        actor_id=actor.user_id,
        actor_name=actor.name,
        action=action,
        from_status=before,
        to_status=app.status,
        step=step if step is not None else app.step,
        comment=comment,
        to_step=app.step if app.status in AWAITING_DECISION else None,
        source_ip=origin.source_ip,
        user_agent=origin.user_agent,
        on_behalf_of_id=on_behalf_of[0] if on_behalf_of else None,
        on_behalf_of_name=on_behalf_of[1] if on_behalf_of else None,
    )


def _on_behalf_of(caller: Principal, app: Application) -> tuple[str, str] | None:
    """Whose role a decider acts under, when it is lent to them by a delegation."""
    if app.decider_role is None or app.decider_node_id is None:
        return None
    lent = caller.acting_for(app.decider_role, app.decider_node_id)
    return (lent.delegator_id, lent.delegator_name) if lent else None


def notice_params(app: Application, service: ServiceType, **extra: Any) -> dict[str, Any]:
    """What every notification about an application can say: which one, and where it stands."""
    params: dict[str, Any] = {
        "tracking_code": app.tracking_code,
        "service_name": service.name,
        "service_name_en": service.name_en,
        "applicant_name": app.applicant_name,
        "step": app.step,
        "steps_total": app.steps_total,
        "notes": "",
    }
    if app.step is not None and app.status in AWAITING_DECISION:
        step = service.step_at(app.step)
        params.update(step_label=step.label, step_label_en=step.label_en)
    params.update(extra)
    return params


def _to_applicant(kind: str, app: Application, service: ServiceType, **extra: Any) -> Notice:
    return Notice(kind, notice_params(app, service, **extra), application_id=app.id, to_user_id=app.applicant_id)


def _survey_invitation(app: Application, service: ServiceType) -> tuple[Notice, ...]:
    """A public service's applicant is asked how it went once it is decided (services/surveys.py);
    staff filing for their own office are not the public the index measures."""
    return (_to_applicant("survey_invitation", app, service),) if service.filed_by == "public" else ()


def _to_deciders(kind: str, app: Application, service: ServiceType, role: str | None = None,
                 node_id: str | None = None, fallback_roles: tuple[str, ...] = (), **extra: Any) -> Notice:
    """Everyone deciding the application's current step (or holding `role` at `node_id`), never
    the applicant themself."""
    return Notice(kind, notice_params(app, service, **extra), application_id=app.id,
                  to_role=role or app.decider_role, to_node_id=node_id or app.decider_node_id,
                  except_user_id=app.applicant_id, fallback_roles=fallback_roles)


def new_application(*, app_id: str, tracking_code: str, service: ServiceType, node: Node, caller: Principal,
                    data: dict[str, Any], now: datetime, tz: timezone, origin: Origin) -> ApplicationChange:
    check_filing_place(service, node, caller)
    plan_deciders(service, node)  # refuse now rather than at submission
    clean = check_form(service, data, now.astimezone(tz).date(), complete=False)
    app = Application(
        id=app_id,
        tracking_code=tracking_code,
        service_id=service.id,
        service_version=service.version,
        node_id=node.id,
        node_path=node.path,
        applicant_id=caller.user_id,
        applicant_name=caller.name,
        node_name=node.name,
        status=DRAFT,
        step=None,
        steps_total=len(service.steps),
        data=clean,
        created_at=now,
        updated_at=now,
        version=1,
    )
    return ApplicationChange(
        application=app,
        expected_version=None,
        history=_entry(caller, "create", None, app, now, origin),
        counters=counter_moves(app, service, None, DRAFT, tz),
    )


def sealed_stand_ins(app: Application) -> dict[str, Any]:
    """The masked values standing in for the application's sealed NIKs."""
    names = app.sealed.values if app.sealed is not None else {}
    return {name: app.data[name] for name in names if name in app.data}


def sla_state(app: Application, now: datetime) -> str | None:
    """Where the current step stands against its SLA: suspended, overdue, due_soon or on_time;
    None when no decision is awaited."""
    if app.status not in AWAITING_DECISION or app.due_at is None:
        return None
    if app.is_suspended:
        return "suspended"
    if app.due_at <= now:
        return "overdue"
    if app.warn_at is not None and app.warn_at <= now:
        return "due_soon"
    return "on_time"


def masked_fields(app: Application) -> list[str]:
    """The fields shown masked: sealed NIKs not opened for this caller."""
    return sorted(name for name, value in sealed_stand_ins(app).items() if is_masked(value))


def merge_patch(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """JSON merge patch on a flat form: a null removes the field."""
    merged = dict(current)
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def patch_data(app: Application, service: ServiceType, caller: Principal, patch: dict[str, Any],
               now: datetime, tz: timezone, origin: Origin) -> ApplicationChange:
    require_owner(caller, app)
    if app.status not in EDITABLE:
        raise Conflict(msg("an application that is {status} cannot be changed", status=status_label(app.status)))
    clean = check_form(service, merge_patch(app.data, patch), now.astimezone(tz).date(), complete=False,
                       sealed=sealed_stand_ins(app))
    updated = app.evolve(data=clean, updated_at=now, version=app.version + 1)
    return ApplicationChange(updated, app.version, _entry(caller, "update", app.status, updated, now, origin))


def _enter_step(app: Application, service: ServiceType, number: int, now: datetime,
                calendars: Calendars | None = None, **changes: Any) -> Application:
    """A step starts: its deciders, its due time from the SLA (in the deciding office's
    working hours where it keeps them), and a clean escalation slate."""
    step = service.step_at(number)
    decider_node_id = app.step_nodes[number - 1] if app.step_nodes else None
    calendar = (calendars or {}).get(decider_node_id or "")
    sla = timedelta(hours=step.sla_hours)
    due = add_time(calendar, now, sla)
    return app.evolve(
        step=number,
        decider_node_id=decider_node_id,
        decider_role=step.role,
        due_at=due,
        warn_at=add_time(calendar, now, sla * (1 - DUE_SOON_FRACTION)),
        suspended_at=None,
        suspension_reason=None,
        escalation_level=0,
        escalate_at=due,
        assignee_id=None,
        assignee_name=None,
        **changes,
    )


def submit(app: Application, service: ServiceType, node: Node, caller: Principal, missing_documents: list[str],
           now: datetime, tz: timezone, origin: Origin, budget_check: BudgetCheck | None = None,
           calendars: Calendars | None = None) -> ApplicationChange:
    """First submission starts at step 1; a resubmission after a return goes back to the step
    that returned it. The first one gets a receipt (tanda terima). A spending report over what
    is left of its budget is filed all the same, flagged for the approver (`budget_check`)."""
    require_owner(caller, app)
    if app.status not in EDITABLE:
        raise Conflict(msg("an application that is {status} cannot be submitted", status=status_label(app.status)))
    problems: list[FieldProblem] = []
    try:
        check_form(service, app.data, now.astimezone(tz).date(), complete=True, sealed=sealed_stand_ins(app))
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    problems.extend(FieldProblem(f"documents.{name}", detail, code) for name, code, detail in missing_documents)
    if problems:
        raise InvalidInput("the application is not complete", problems)
    resubmission = app.status == RETURNED
    number = app.step if resubmission and app.step else 1
    planned = app.evolve(step_nodes=plan_deciders(service, node))
    status = IN_REVIEW if number > 1 else SUBMITTED
    updated = _enter_step(
        planned, service, number, now, calendars,
        status=status, updated_at=now, version=app.version + 1,
        submitted_at=app.submitted_at or now, last_submitted_at=now,
        budget_check=budget_check.as_dict() if budget_check else None,
    )
    action = "resubmit" if resubmission else "submit"
    notes = ("", "")
    if budget_check and budget_check.over:
        notes = (f"Perhatian: melebihi sisa anggaran ({budget_check.reason}).\n\n",
                 f"Note: over the budget left ({budget_check.reason}).\n\n")
    notices = (
        _to_applicant("submitted", updated, service),
        _to_deciders("assigned", updated, service, notes=notes[0], notes_en=notes[1]),
    )
    comment = f"over budget: {budget_check.reason}" if budget_check and budget_check.over else None
    return ApplicationChange(
        updated, app.version, _entry(caller, action, app.status, updated, now, origin, comment=comment),
        counter_moves(app, service, app.status, status, tz), notices,
        renders=() if resubmission else (RenderRequest(RECEIPT, app.id),),
    )


def withdraw(app: Application, service: ServiceType, caller: Principal, now: datetime, tz: timezone, origin: Origin,
             reason: str | None = None) -> ApplicationChange:
    require_owner(caller, app)
    if app.status in FINAL:
        raise Conflict(msg("an application that is {status} cannot be withdrawn", status=status_label(app.status)))
    updated = _leave_review(app).evolve(status=WITHDRAWN, updated_at=now, version=app.version + 1)
    # Whoever was working on it can stop.
    notices = (_to_deciders("withdrawn", app, service, reason=reason or ""),) if app.status in AWAITING_DECISION else ()
    return ApplicationChange(
        updated, app.version, _entry(caller, "withdraw", app.status, updated, now, origin, comment=reason),
        counter_moves(app, service, app.status, WITHDRAWN, tz), notices,
    )


def _leave_review(app: Application) -> Application:
    """Nobody is asked to decide any more: off every inbox, no due time, nothing to escalate."""
    return app.evolve(decider_node_id=None, decider_role=None, due_at=None, warn_at=None, suspended_at=None,
                      suspension_reason=None, escalation_level=0, escalate_at=None, assignee_id=None, assignee_name=None)


def _clean_comment(comment: str | None, field: str = "comment") -> str | None:
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput(msg("the {field} is too long", field=FIELD_NAMES.get(field, Label(field, field))), [
            FieldProblem(field, msg("must be at most {limit} characters", limit=MAX_COMMENT_LENGTH), "max_length",
                         {"limit": MAX_COMMENT_LENGTH})])
    return comment


def require_decider(caller: Principal, app: Application, step: int | None = None) -> None:
    """The caller decides the current step (`step`, when given, must still be it)."""
    if app.applicant_id == caller.user_id:
        raise Forbidden("nobody decides on their own application")
    if app.status not in AWAITING_DECISION or (step is not None and step != app.step):
        current = msg("step {step}", step=app.step) if app.status in AWAITING_DECISION else status_label(app.status)
        asked = msg("step {step}", step=step) if step is not None else msg("the application")
        raise Conflict(msg("{asked} is no longer awaiting a decision: the application is now {current}",
                           asked=asked, current=current))
    if not is_decider(caller, app):
        raise Forbidden(msg("step {step} is decided by the {role} of another office", step=app.step,
                             role=role_label(app.decider_role)))


def decide(app: Application, service: ServiceType, caller: Principal, action: str, step: int,
           comment: str | None, now: datetime, tz: timezone, origin: Origin,
           next_certificate: NextCertificate | None = None, calendars: Calendars | None = None) -> ApplicationChange:
    """`next_certificate` is needed for the final approval of a service that issues one."""
    if action not in DECISIONS:
        raise InvalidInput("unknown decision", [FieldProblem("action", "must be approve, reject or return")])
    comment = _clean_comment(comment)
    if action in ("reject", "return") and not comment:
        raise InvalidInput(
            "say why", [FieldProblem("comment", "is required when rejecting or returning, so the applicant knows why",
                                       "required")]
        )
    require_decider(caller, app, step)
    behalf = _on_behalf_of(caller, app)

    base = dict(updated_at=now, version=app.version + 1)
    if action == "approve" and step < app.steps_total:
        updated = _enter_step(app, service, step + 1, now, calendars, status=IN_REVIEW, **base)
        notices: tuple[Notice, ...] = (_to_deciders("assigned", updated, service),)
    elif action == "approve":
        updated = _leave_review(app).evolve(status=APPROVED, **base)
        notices = (_to_applicant("approved", updated, service, comment=comment or ""),
                   *_survey_invitation(updated, service))
        certificate = None
        if service.on_approval.certificate:
            if next_certificate is None:
                raise ValueError("the final approval of a certifying service needs the next certificate")
            certificate = certificates.issue(updated, service, next_certificate, now, tz)
            updated = updated.evolve(certificate_code=certificate.code)
        posting = posting_on_approval(app, service, now)
        return ApplicationChange(
            updated, app.version,
            _entry(caller, action, app.status, updated, now, origin, comment=comment, step=step, on_behalf_of=behalf),
            counter_moves(app, service, app.status, updated.status, tz), notices,
            renders=(RenderRequest(CERTIFICATE, app.id),) if certificate else (),
            certificate=certificate, posting=posting,
        )
    elif action == "reject":
        updated = _leave_review(app).evolve(status=REJECTED, **base)
        notices = (_to_applicant("rejected", updated, service, comment=comment or ""),
                   *_survey_invitation(updated, service))
    else:
        # The step stays: a resubmission comes back to it.
        updated = _leave_review(app).evolve(status=RETURNED, **base)
        notices = (_to_applicant("returned", updated, service, comment=comment or ""),)
    return ApplicationChange(
        updated, app.version,
        _entry(caller, action, app.status, updated, now, origin, comment=comment, step=step, on_behalf_of=behalf),
        counter_moves(app, service, app.status, updated.status, tz), notices,
    )


# ---- suspension: waiting on the applicant stops the step's clock -----------------------------

def suspend(app: Application, service: ServiceType, caller: Principal, reason: str | None, now: datetime,
            origin: Origin) -> ApplicationChange:
    reason = _clean_comment(reason, "reason")
    if not reason:
        raise InvalidInput("say why", [FieldProblem("reason", "is required: the applicant is told what is awaited", "required")])
    require_decider(caller, app)
    if app.is_suspended:
        raise Conflict("the application is already suspended")
    # escalate_at stays: the due-time index leaves suspended applications out, and resume
    # moves it on by the time suspended.
    updated = app.evolve(suspended_at=now, suspension_reason=reason, updated_at=now, version=app.version + 1)
    return ApplicationChange(
        updated, app.version,
        _entry(caller, "suspend", app.status, updated, now, origin, comment=reason, on_behalf_of=_on_behalf_of(caller, app)),
        notices=(_to_applicant("suspended", updated, service, reason=reason),),
    )


def resume(app: Application, service: ServiceType, caller: Principal, now: datetime, origin: Origin,
           calendar: OfficeCalendar | None = None) -> ApplicationChange:
    """The due time (and every escalation after it) moves by the time spent suspended: the
    working time, where the deciding office keeps a `calendar`."""
    require_decider(caller, app)
    if not app.is_suspended or app.suspended_at is None:
        raise Conflict("the application is not suspended")
    paused = elapsed(calendar, app.suspended_at, now)
    updated = app.evolve(
        suspended_at=None, suspension_reason=None, updated_at=now, version=app.version + 1,
        due_at=add_time(calendar, app.due_at, paused) if app.due_at else None,
        warn_at=add_time(calendar, app.warn_at, paused) if app.warn_at else None,
        escalate_at=add_time(calendar, app.escalate_at, paused) if app.escalate_at else None,
    )
    hours = paused.total_seconds() / 3600
    return ApplicationChange(
        updated, app.version,
        _entry(caller, "resume", app.status, updated, now, origin,
               comment=f"due time moved by {hours:.1f} h suspended", on_behalf_of=_on_behalf_of(caller, app)),
        notices=(_to_applicant("resumed", updated, service),),
    )


# ---- escalation: overdue steps climb the tree, one level at a time --------------------------

def escalation_interval(service: ServiceType, app: Application) -> timedelta:
    return timedelta(hours=service.step_at(app.step).sla_hours) if app.step else timedelta(days=1)


def next_escalation_at(app: Application, service: ServiceType, level: int,
                       calendar: OfficeCalendar | None = None) -> datetime | None:
    """Level 0 is due when the step is (its deciders are told it is overdue); level n ≥ 1 one SLA
    period later each (the same role n levels up the tree is told), in the deciding office's
    working time where it keeps a `calendar`."""
    if app.due_at is None:
        return None
    return add_time(calendar, app.due_at, escalation_interval(service, app) * level)


def escalate(app: Application, service: ServiceType, decider_node: Node, target: Node | None,
             now: datetime, tz: timezone = timezone.utc, calendar: OfficeCalendar | None = None) -> ApplicationChange | None:
    """The escalation due now, if any. Exactly one per step and level: the change is written on
    the version that was read and moves `escalation_level` on. `target` is the node `level`
    steps above the deciders' (see escalation_target); the last level is the root's."""
    if (app.status not in AWAITING_DECISION or app.is_suspended or app.escalate_at is None
            or app.escalate_at > now or app.decider_role is None):
        return None
    level = app.escalation_level
    if level == 0:
        notices: tuple[Notice, ...] = (_to_deciders("overdue", app, service, due_at=_local_time(app.due_at, tz)),)
        action, comment = "overdue", f"step {app.step} overdue since {_local_time(app.due_at, tz)}"
    elif target is not None:
        # The same role up there; where nobody holds it (a kecamatan has approvers, not
        # verifiers), whoever decides there, so an escalation always reaches someone.
        others = tuple(r for r in reversed(CASEWORK_DECIDER_ROLES) if r != app.decider_role)
        notices = (_to_deciders("escalated", app, service, role=app.decider_role, node_id=target.id,
                                fallback_roles=others, due_at=_local_time(app.due_at, tz), level=level,
                                office=target.name, decider_office=decider_node.name),)
        action, comment = "escalate", f"escalated to {app.decider_role} at {target.name} (level {level})"
    else:
        notices, action, comment = (), "escalate", "no office above to escalate to"
    following = next_escalation_at(app, service, level + 1, calendar) if decider_node.depth >= level + 1 else None
    updated = app.evolve(escalation_level=level + 1, escalate_at=following, version=app.version + 1)
    return ApplicationChange(updated, app.version, _system_entry(app, updated, now, action, comment), notices=notices)


def escalation_target(decider_node: Node, level: int) -> str | None:
    """The node `level` steps above the deciders' node (None past the root)."""
    if level <= 0:
        return decider_node.id
    index = len(decider_node.path) - 1 - level
    return decider_node.path[index] if index >= 0 else None


def _system_entry(before: Application, app: Application, now: datetime, action: str, comment: str) -> HistoryEntry:
    return HistoryEntry(at=now, actor_id=SYSTEM_ACTOR[0], actor_name=SYSTEM_ACTOR[1], action=action,
                        from_status=before.status, to_status=app.status, step=before.step, comment=comment,
                        to_step=app.step)


def _local_time(moment: datetime | None, tz: timezone) -> str:
    """A time as people at the office read it: 23-11-2026 10:00 (UTC+07:00)."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f"{local:%d-%m-%Y %H:%M} ({local.tzname()})"


def today_in(tz: timezone, now: datetime) -> date:
    return now.astimezone(tz).date()
