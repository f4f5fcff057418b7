"""issue 20: admin — who holds which role at an office, and the rules for granting and revoking
one. A role lent by a delegation rests on the delegator's own grant (domain/delegations.py), so
a grant revoked ends the delegations that lent it, in the same change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.delegations import Delegation
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.messages import msg
from chalicelib.domain.people import ADMIN_ROLES, ROLES, Grant, Principal, User


@dataclass(frozen=True)
class StaffEntry:
    """One role held at an office, as the office's staff roll lists it."""

    user_id: str
    role: str
    node_id: str
    granted_at: datetime
    granted_by: str


@dataclass(frozen=True)
class StaffMember:
    """A roll entry with the person's name, address and whether they have set a password yet."""

    entry: StaffEntry
    name: str
    email: str
    status: str


def check_grant(user: User | None, grant: Grant) -> User:
    """A known role, to an existing account that does not hold it there yet."""
    if grant.role not in ROLES:
        raise InvalidInput("the role is not right",
                           [FieldProblem("role", msg("must be one of {options}", options=", ".join(ROLES)))])
    if user is None:
        raise NotFound("no such account")
    if grant in user.grants:
        raise Conflict("this person already holds that role at this office")
    return user


def check_revocation(caller: Principal, user: User | None, grant: Grant) -> User:
    """A role the person holds there; never an admin's own admin role (nobody would be left to
    give it back, and an admin cannot lock themself out by a slip)."""
    if user is None or grant not in user.grants:
        raise NotFound("this person does not hold that role at this office")
    if user.id == caller.user_id and grant.role in ADMIN_ROLES:
        raise Conflict("you cannot revoke your own admin role; ask another admin")
    return user


def resting_on(delegations: list[Delegation], user_id: str, grant: Grant) -> list[Delegation]:
    """The delegations the person gave out of this very grant (whatever their dates)."""
    return [d for d in delegations
            if d.delegator_id == user_id and d.role == grant.role and d.node_id == grant.node_id]
