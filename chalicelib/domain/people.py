"""People: the accounts, the roles they hold at offices of the org tree, and the caller of a
request as the domain sees them (their own grants and those lent to them by delegations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.domain.delegations import Delegation

ROLES = (
    "submitter",
    "verifier",
    "approver",
    "viewer",
    "budget_allocator",
    "budget_recommender",
    "admin",
    "ops",
)

# The roles a catalog step may name as its deciders.
DECIDER_ROLES = ("verifier", "approver")


@dataclass(frozen=True)
class Grant:
    role: str
    node_id: str


@dataclass
class User:
    id: str
    email: str
    name: str
    language: str
    status: str  # "pending" until the e-mail address is verified, then "active"
    password_hash: str | None
    created_at: datetime
    session_epoch: int = 0  # raised on a password reset: every older session ends
    grants: tuple[Grant, ...] = ()
    version: int = 0
    # Delegations lending this user someone else's role (current and future ones).
    delegations: tuple[Delegation, ...] = ()
    # Sessions ended (logout, a reused refresh token) while access tokens of theirs may still
    # be alive: read with the profile on every request, so such a token stops at once.
    ended_sessions: frozenset[str] = frozenset()

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as the domain sees them: their own grants and the ones lent to
    them by delegations active now."""

    user_id: str
    email: str
    name: str
    language: str
    grants: tuple[Grant, ...] = ()
    delegated: tuple[Delegation, ...] = ()

    @property
    def is_staff(self) -> bool:
        return bool(self.grants)

    @cached_property
    def effective_grants(self) -> tuple[Grant, ...]:
        lent = tuple(Grant(d.role, d.node_id) for d in self.delegated)
        return tuple(dict.fromkeys(self.grants + lent))

    def reaches(self, node_path: tuple[str, ...] | list[str], roles: tuple[str, ...] | None = None) -> bool:
        """A role held at N reaches N and everything below it (node_path runs root → node)."""
        on_path = set(node_path)
        return any(g.node_id in on_path and (roles is None or g.role in roles) for g in self.effective_grants)

    def holds(self, role: str, node_id: str) -> bool:
        return Grant(role, node_id) in self.effective_grants

    def acting_for(self, role: str, node_id: str) -> Delegation | None:
        """The delegation a decision with this role at this node rests on; None when the
        caller holds the role themself (their own grant comes first)."""
        if Grant(role, node_id) in self.grants:
            return None
        return next((d for d in self.delegated if d.role == role and d.node_id == node_id), None)
