"""People: the accounts, the roles they hold at offices of the org tree, and the caller of a
request as the domain sees them (their own grants and those lent to them by delegations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.domain.errors import NotFound

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
    "finance",
    "hr",
    "mcot",
    "gm_sbp",
    "librarian",
    "dam_registrar",
    "dam_operator",
    "dam_inspector",
)

# The roles a catalog step may name as its deciders. The marketing-fee ones decide only that
# program's steps (a region's recommendation, an area's allocation, MCOT's check of evidence):
# a service's steps name the generic roles or its own program's (catalog.ServiceType).
CASEWORK_DECIDER_ROLES = ("verifier", "approver")
DECIDER_ROLES = CASEWORK_DECIDER_ROLES + ("budget_recommender", "budget_allocator", "mcot")

# What each role may read (SPEC.md, "Users and roles"), named once; every check of a caller's
# reach names the set it needs (`Principal.reaches` has no "any role").
#
# Applications, their documents and history: the roles that work on applications at or above
# their node. Deciders are among them, so a step's deciders (and their delegates) read what
# they decide.
CASEWORK_ROLES = ("submitter", "verifier", "approver", "admin")
# Roles that work on one program's applications only (the marketing-fee access table, SPEC.md:
# Area = budget_allocator, Region = budget_recommender and approver, Branch manager = approver,
# MCOT = mcot, SBP Cluster = submitter; GM SBP = gm_sbp views the clusters' figures, like a
# viewer, and opens no report or its evidence).
PROGRAM_ROLES: dict[str, tuple[str, ...]] = {
    "marketing-fee": ("budget_allocator", "budget_recommender", "mcot"),
}
# Whoever reads some application somewhere: the first sieve of lists and look-ups.
APPLICATION_ROLES = tuple(dict.fromkeys(CASEWORK_ROLES + tuple(r for rs in PROGRAM_ROLES.values() for r in rs)))
# Figures (dashboards, budgets, the usage report): everyone working in the organisation but
# ops, whose part is the integrations. None of them opens a person's file by it.
FIGURES_ROLES = ("submitter", "verifier", "approver", "viewer", "budget_allocator", "budget_recommender", "admin",
                 "mcot", "gm_sbp")
# The org tree itself (offices and their children): every staff role.
STAFF_ROLES = ROLES
ADMIN_ROLES = ("admin",)
# Integration logs, delivery records and re-runs; never people's files.
OPS_ROLES = ("ops",)
# What the finance registry is told that satupintu cannot count itself: the unit's daily account
# balances (finance staff) and its staff counts (HR). Neither reads applications.
FINANCE_ROLES = ("finance",)
HR_ROLES = ("hr",)
# The regulations library: who adds and amends its entries and uploads their PDFs (anyone reads it).
LIBRARIAN_ROLES = ("librarian",)

# The dam register (domain/assets.py): registrars enter and edit dams and their technical
# documents, operators their daily readings, inspectors their inspections. Those and the roles
# working on the dam permits (and viewers, admins) read a dam's staff-only fields within reach.
DAM_REGISTRAR_ROLES = ("dam_registrar",)
DAM_OPERATOR_ROLES = ("dam_operator",)
DAM_INSPECTOR_ROLES = ("dam_inspector",)
# Who adds a dam's technical documents (drawings, studies, inspection photos): its own staff.
DAM_DOCUMENT_ROLES = ("dam_registrar", "dam_operator", "dam_inspector")
DAM_STAFF_ROLES = ("dam_registrar", "dam_operator", "dam_inspector", "verifier", "approver", "viewer", "admin")


def application_roles(program: str | None) -> tuple[str, ...]:
    """The roles that read an application of this program (None: its service is unknown)."""
    return CASEWORK_ROLES + PROGRAM_ROLES.get(program or "", ())


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
    # Set when mail to the address bounced for good or its owner marked it as spam ("bounced",
    # "complained"): only the mail a person asks for themselves (codes) is still sent to it.
    mail_stopped: str | None = None
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
    # The session (refresh-token family) the request's access token belongs to.
    session_family: str | None = None

    @property
    def is_staff(self) -> bool:
        return bool(self.grants)

    @cached_property
    def effective_grants(self) -> tuple[Grant, ...]:
        lent = tuple(Grant(d.role, d.node_id) for d in self.delegated)
        return tuple(dict.fromkeys(self.grants + lent))

    def reaches(self, node_path: tuple[str, ...] | list[str], *, roles: tuple[str, ...]) -> bool:
        """One of `roles` held at N reaches N and everything below it (node_path runs root →
        node). The roles are always named: what a role may do decides what it reaches."""
        on_path = set(node_path)
        return any(g.node_id in on_path and g.role in roles for g in self.effective_grants)

    def holds_any(self, roles: tuple[str, ...]) -> bool:
        """Whether one of `roles` is held (or lent) anywhere: the first question of a route
        that only those roles may use, asked before anything of the request is read."""
        return any(g.role in roles for g in self.effective_grants)

    def holds(self, role: str, node_id: str) -> bool:
        return Grant(role, node_id) in self.effective_grants

    def acting_for(self, role: str, node_id: str) -> Delegation | None:
        """The delegation a decision with this role at this node rests on; None when the
        caller holds the role themself (their own grant comes first)."""
        if Grant(role, node_id) in self.grants:
            return None
        return next((d for d in self.delegated if d.role == role and d.node_id == node_id), None)


# What a caller without the role a route needs is told: the route's things are out of their
# reach, the same 404 as for something that does not exist (never a 403 that says it does).
OUT_OF_REACH = "nothing here within your reach"


def require_any(caller: Principal, roles: tuple[str, ...], detail: str = OUT_OF_REACH) -> None:
    """A route for some roles only: anyone holding none of them anywhere gets 404."""
    if not caller.holds_any(roles):
        raise NotFound(detail)
