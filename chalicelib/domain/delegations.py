"""Delegation: a staff member lends a role they hold at a node to a colleague for a while (leave,
travel), so that work does not wait for their return. The delegate acts on the delegator's
behalf and the history says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.messages import msg, role as role_label
from chalicelib.domain.people import Principal, User

# The roles of everyday casework. Administering people and offices, operating integrations and
# allocating money are never lent: they change what others may do or spend.
DELEGABLE_ROLES = ("submitter", "verifier", "approver", "viewer")
MAX_DELEGATION = timedelta(days=92)
MAX_START_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class Delegation:
    """`delegator` lends their `role` at `node_id` to `delegate` from `starts_at` until `ends_at`
    (out of office): the delegate decides as the delegator would, on their behalf."""

    id: str
    role: str
    node_id: str
    delegator_id: str
    delegator_name: str
    delegate_id: str
    delegate_name: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime

    def active_at(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def plan_delegation(*, delegation_id: str, caller: Principal, role: str, node_id: str, delegate: User | None,
                    starts_at: datetime, ends_at: datetime, now: datetime) -> Delegation:
    """Only a role the caller holds themself at that node (never one lent to them), to an active
    colleague who is not the caller, for a period that has not ended and lasts at most 92 days."""
    if role not in DELEGABLE_ROLES:
        raise InvalidInput("this role cannot be delegated",
                           [FieldProblem("role", msg("must be one of {options}", options=", ".join(DELEGABLE_ROLES)))])
    if not any(g.role == role and g.node_id == node_id for g in caller.grants):
        raise Forbidden(msg("you do not hold {role} at this office yourself, so you cannot lend it", role=role_label(role)))
    problems = []
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        problems.append(FieldProblem("starts_at" if starts_at.tzinfo is None else "ends_at",
                                     "must carry a time zone offset"))
    elif ends_at <= starts_at:
        problems.append(FieldProblem("ends_at", "must be after starts_at", "ends_before_start"))
    elif ends_at <= now:
        problems.append(FieldProblem("ends_at", "is in the past", "in_the_past"))
    elif starts_at - now > MAX_START_AHEAD:
        # Planned leave is known months ahead, not years; and a start in year 9999 would
        # overflow the record's keep-until date.
        problems.append(FieldProblem("starts_at", "a delegation starts within a year from now", "starts_too_late",
                                     {"days": MAX_START_AHEAD.days}))
    elif ends_at - max(starts_at, now) > MAX_DELEGATION:
        problems.append(FieldProblem("ends_at", "a delegation lasts at most 92 days; make a new one after",
                                     "delegation_too_long", {"days": 92}))
    if problems:
        raise InvalidInput("the period is not right", problems)
    if delegate is None or not delegate.is_active:
        raise InvalidInput("no such colleague", [FieldProblem("delegate_email", "is not an active account", "no_such_colleague")])
    if delegate.id == caller.user_id:
        raise InvalidInput("not to yourself", [FieldProblem("delegate_email", "must be someone else", "not_yourself")])
    if not delegate.grants:
        raise InvalidInput("not a colleague", [FieldProblem("delegate_email", "must be a staff member", "not_staff")])
    return Delegation(
        id=delegation_id, role=role, node_id=node_id, delegator_id=caller.user_id, delegator_name=caller.name,
        delegate_id=delegate.id, delegate_name=delegate.name, starts_at=max(starts_at, now),
        ends_at=ends_at, created_at=now,
    )


def require_party(caller: Principal, delegation: Delegation | None) -> Delegation:
    """Only the two people it concerns see or end a delegation."""
    if delegation is None or caller.user_id not in (delegation.delegator_id, delegation.delegate_id):
        raise NotFound("no such delegation")
    return delegation
