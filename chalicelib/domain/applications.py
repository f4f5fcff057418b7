"""An application's life: draft → submitted → in_review (step k of n) → approved | rejected,
with returns to the applicant, resubmission to the step that returned it, and withdrawal.

Every function here takes the current state and answers the change to write (the new state,
its history entry and the dashboard counters it moves); nothing here reads or writes storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.forms import check_form
from chalicelib.domain.model import (
    APPROVED,
    AWAITING_DECISION,
    DRAFT,
    EDITABLE,
    FINAL,
    IN_REVIEW,
    REJECTED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationChange,
    CounterMove,
    HistoryEntry,
    Node,
    Principal,
)

MAX_COMMENT_LENGTH = 2000
DECISIONS = ("approve", "reject", "return")


@dataclass(frozen=True)
class Origin:
    """Where a change came from, for the history ("who, what, when, from where")."""

    source_ip: str | None = None
    user_agent: str | None = None


def period_of(moment: datetime, tz: timezone) -> str:
    return moment.astimezone(tz).strftime("%Y-%m")


def counter_name_status(status: str) -> str:
    return f"status:{status}"


def counter_name_service(service_id: str, status: str) -> str:
    return f"service:{service_id}:{status}"


def counter_moves(app: Application, from_status: str | None, to_status: str, tz: timezone) -> tuple[CounterMove, ...]:
    """Counters by status and by service at every node from the root to the filing node, in the
    period the application was created: a dashboard reads them instead of counting."""
    if from_status == to_status:
        return ()
    deltas: dict[str, int] = {}
    if from_status is not None:
        deltas[counter_name_status(from_status)] = -1
        deltas[counter_name_service(app.service_id, from_status)] = -1
    deltas[counter_name_status(to_status)] = 1
    deltas[counter_name_service(app.service_id, to_status)] = 1
    period = period_of(app.created_at, tz)
    return tuple(CounterMove(node_id=node_id, period=period, deltas=dict(deltas)) for node_id in app.node_path)


def plan_deciders(service: ServiceType, node: Node) -> tuple[str, ...]:
    """For each step, the node whose role holders decide it: the nearest node of the step's kind
    on the way up from where the application is filed."""
    planned, problems = [], []
    for number, step in enumerate(service.steps, start=1):
        decider_node = node.nearest(step.at_kind)
        if decider_node is None:
            problems.append(
                FieldProblem("node_id", f"step {number} ({step.label_en}) needs a {step.at_kind} above this office")
            )
        planned.append(decider_node or "")
    if problems:
        raise InvalidInput(f"{service.name_en} cannot be filed at {node.name}", problems)
    return tuple(planned)


def check_filing_place(service: ServiceType, node: Node, caller: Principal) -> None:
    if node.kind not in service.node_kinds:
        raise InvalidInput(
            f"{service.name_en} is filed at a {' or '.join(service.node_kinds)}, not at a {node.kind}",
            [FieldProblem("node_id", f"must be an office of kind {' or '.join(service.node_kinds)}")],
        )
    if service.filed_by == "staff" and not caller.reaches(node.path, roles=("submitter",)):
        raise Forbidden(f"{service.name_en} is filed by staff holding the submitter role at the office")


def can_read(caller: Principal, app: Application) -> bool:
    return app.applicant_id == caller.user_id or caller.reaches(app.node_path)


def require_readable(caller: Principal, app: Application | None) -> Application:
    """Outside the caller's reach an application does not exist for them: 404, never 403."""
    if app is None or not can_read(caller, app):
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
    )


def _entry(actor: Principal, action: str, before: str | None, app: Application, now: datetime,
           origin: Origin, comment: str | None = None, step: int | None = None) -> HistoryEntry:
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
    )


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
        counters=counter_moves(app, None, DRAFT, tz),
    )


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
        raise Conflict(f"an application that is {app.status} cannot be changed")
    clean = check_form(service, merge_patch(app.data, patch), now.astimezone(tz).date(), complete=False)
    updated = app.evolve(data=clean, updated_at=now, version=app.version + 1)
    return ApplicationChange(updated, app.version, _entry(caller, "update", app.status, updated, now, origin))


def _enter_step(app: Application, service: ServiceType, number: int, now: datetime, **changes: Any) -> Application:
    step = service.step_at(number)
    return app.evolve(
        step=number,
        decider_node_id=app.step_nodes[number - 1] if app.step_nodes else None,
        decider_role=step.role,
        due_at=now + timedelta(hours=step.sla_hours),
        **changes,
    )


def submit(app: Application, service: ServiceType, node: Node, caller: Principal, missing_documents: list[str],
           now: datetime, tz: timezone, origin: Origin) -> ApplicationChange:
    """First submission starts at step 1; a resubmission after a return goes back to the step
    that returned it."""
    require_owner(caller, app)
    if app.status not in EDITABLE:
        raise Conflict(f"an application that is {app.status} cannot be submitted")
    problems: list[FieldProblem] = []
    try:
        check_form(service, app.data, now.astimezone(tz).date(), complete=True)
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    problems.extend(FieldProblem(f"documents.{name}", detail) for name, detail in missing_documents)
    if problems:
        raise InvalidInput("the application is not complete", problems)
    resubmission = app.status == RETURNED
    number = app.step if resubmission and app.step else 1
    planned = app.evolve(step_nodes=plan_deciders(service, node))
    status = IN_REVIEW if number > 1 else SUBMITTED
    updated = _enter_step(
        planned, service, number, now,
        status=status, updated_at=now, version=app.version + 1,
        submitted_at=app.submitted_at or now, last_submitted_at=now,
    )
    action = "resubmit" if resubmission else "submit"
    return ApplicationChange(
        updated, app.version, _entry(caller, action, app.status, updated, now, origin),
        counter_moves(app, app.status, status, tz),
    )


def withdraw(app: Application, caller: Principal, now: datetime, tz: timezone, origin: Origin,
             reason: str | None = None) -> ApplicationChange:
    require_owner(caller, app)
    if app.status in FINAL:
        raise Conflict(f"an application that is {app.status} cannot be withdrawn")
    updated = _leave_review(app).evolve(status=WITHDRAWN, updated_at=now, version=app.version + 1)
    return ApplicationChange(
        updated, app.version, _entry(caller, "withdraw", app.status, updated, now, origin, comment=reason),
        counter_moves(app, app.status, WITHDRAWN, tz),
    )


def _leave_review(app: Application) -> Application:
    """Nobody is asked to decide any more: off every inbox, no due time."""
    return app.evolve(decider_node_id=None, decider_role=None, due_at=None)


def decide(app: Application, service: ServiceType, caller: Principal, action: str, step: int,
           comment: str | None, now: datetime, tz: timezone, origin: Origin) -> ApplicationChange:
    if action not in DECISIONS:
        raise InvalidInput("unknown decision", [FieldProblem("action", "must be approve, reject or return")])
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput("comment too long", [FieldProblem("comment", f"must be at most {MAX_COMMENT_LENGTH} characters")])
    if action in ("reject", "return") and not comment:
        raise InvalidInput(
            "say why", [FieldProblem("comment", "is required when rejecting or returning, so the applicant knows why")]
        )
    if app.applicant_id == caller.user_id:
        raise Forbidden("nobody decides on their own application")
    if app.status not in AWAITING_DECISION or step != app.step:
        current = f"step {app.step}" if app.status in AWAITING_DECISION else app.status
        raise Conflict(f"step {step} is no longer current: the application is now {current}")
    if not is_decider(caller, app):
        raise Forbidden(f"step {app.step} is decided by a {app.decider_role} at another office")

    base = dict(updated_at=now, version=app.version + 1)
    if action == "approve" and step < app.steps_total:
        updated = _enter_step(app, service, step + 1, now, status=IN_REVIEW, **base)
    elif action == "approve":
        updated = _leave_review(app).evolve(status=APPROVED, **base)
    elif action == "reject":
        updated = _leave_review(app).evolve(status=REJECTED, **base)
    else:
        # The step stays: a resubmission comes back to it.
        updated = _leave_review(app).evolve(status=RETURNED, **base)
    return ApplicationChange(
        updated, app.version, _entry(caller, action, app.status, updated, now, origin, comment=comment, step=step),
        counter_moves(app, app.status, updated.status, tz),
    )


def today_in(tz: timezone, now: datetime) -> date:
    return now.astimezone(tz).date()
