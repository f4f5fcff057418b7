"""The things satupintu keeps, as plain Python: no pydantic, no pynamodb, no Chalice."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import datetime
from typing import Any

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

# Application statuses (API.md); "open" ones are waiting for a decider.
DRAFT, SUBMITTED, IN_REVIEW, RETURNED = "draft", "submitted", "in_review", "returned"
APPROVED, REJECTED, WITHDRAWN = "approved", "rejected", "withdrawn"
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED, APPROVED, REJECTED, WITHDRAWN)
AWAITING_DECISION = (SUBMITTED, IN_REVIEW)
EDITABLE = (DRAFT, RETURNED)
FINAL = (APPROVED, REJECTED, WITHDRAWN)

# The deepest org tree the indexes serve: one index per level lists a subtree in one query
# (see docs/DATA.md). Root is depth 0.
MAX_TREE_DEPTH = 5


@dataclass(frozen=True)
class Grant:
    role: str
    node_id: str


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

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    name: str
    parent_id: str | None
    # Ids and kinds from the root down to this node, itself included: reach and "the nearest
    # kecamatan above" are answered from the node alone, without walking the tree.
    path: tuple[str, ...]
    path_kinds: tuple[str, ...]
    region_code: str | None = None

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    def nearest(self, kind: str) -> str | None:
        """Id of the closest node of `kind` on the way up from here, this node included."""
        for node_id, node_kind in zip(reversed(self.path), reversed(self.path_kinds), strict=True):
            if node_kind == kind:
                return node_id
        return None


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


@dataclass(frozen=True)
class Origin:
    """Where a change came from, for the history ("who, what, when, from where")."""

    source_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_id: str
    actor_name: str
    action: str
    from_status: str | None
    to_status: str
    step: int | None  # the step acted on
    comment: str | None = None
    to_step: int | None = None  # the step awaiting a decision afterwards, if any
    source_ip: str | None = None
    user_agent: str | None = None
    # A delegate's decision: whose role it was taken under.
    on_behalf_of_id: str | None = None
    on_behalf_of_name: str | None = None


@dataclass
class Application:
    id: str
    tracking_code: str
    service_id: str
    service_version: int
    node_id: str
    node_path: tuple[str, ...]
    applicant_id: str
    applicant_name: str
    status: str
    step: int | None
    steps_total: int
    data: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int = 1
    due_at: datetime | None = None
    # When the current step turns "due soon": a quarter of its SLA before it is due.
    warn_at: datetime | None = None
    # The filing office's name as it was when filed (shown in lists without a read per item).
    node_name: str | None = None
    submitted_at: datetime | None = None
    last_submitted_at: datetime | None = None  # the latest submission or resubmission
    # The node whose holders of the step's role decide each step (fixed at submission).
    step_nodes: tuple[str, ...] = ()
    # Who decides the current step: holders of `decider_role` at `decider_node_id`.
    decider_node_id: str | None = None
    decider_role: str | None = None
    # The current step's clock is stopped while the application waits on the applicant.
    suspended_at: datetime | None = None
    suspension_reason: str | None = None
    # Escalations of the current step already made (0: none yet), and when the next one is due.
    escalation_level: int = 0
    escalate_at: datetime | None = None
    # A spending report against its budget when last submitted (see budgets.check_report).
    budget_check: dict[str, Any] | None = None
    # The certificate issued on approval, if the service gives one.
    certificate_code: str | None = None
    # The form's NIKs, encrypted (domain/pii.py); `data` holds them masked.
    sealed: Any = None  # pii.Sealed | None
    # field → keyed HMAC of its NIK, what the application is found under.
    nik_lookups: dict[str, str] = field(default_factory=dict)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def evolve(self, **changes: Any) -> "Application":
        return replace(self, **changes)


@dataclass(frozen=True)
class CounterMove:
    """Add `delta` to the named counters of `node_id` for `period` (YYYY-MM)."""

    node_id: str
    period: str
    deltas: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """Someone must be told: one user, or everyone holding `to_role` at `to_node_id` (and their
    delegates), except `except_user_id`. Written to the outbox with the change that causes it."""

    kind: str
    params: dict[str, Any]
    application_id: str | None = None
    to_user_id: str | None = None
    to_role: str | None = None
    to_node_id: str | None = None
    except_user_id: str | None = None
    # When nobody holds `to_role` at the node: the first of these roles that someone holds there.
    fallback_roles: tuple[str, ...] = ()


# PDFs the render function makes: a receipt on submission, a certificate on approval.
RECEIPT, CERTIFICATE = "receipt", "certificate"


@dataclass(frozen=True)
class RenderRequest:
    """A PDF to make because of a change; written to the outbox with it."""

    kind: str  # RECEIPT | CERTIFICATE
    application_id: str


@dataclass(frozen=True)
class Certificate:
    """What an approved permit proves, verifiable by `code` without login. `number` is the
    `sequence`-th of its series (one series per service and year, without gaps)."""

    code: str
    application_id: str
    service_id: str
    number: str
    series: str
    sequence: int
    issued_at: datetime
    holder_name: str
    node_id: str
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    version: int = 1

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class ApplicationChange:
    """Everything one state change writes, together or not at all."""

    application: Application
    expected_version: int | None  # None: a new application
    history: HistoryEntry
    counters: tuple[CounterMove, ...] = ()
    notices: tuple[Notice, ...] = ()
    renders: tuple[RenderRequest, ...] = ()
    # A certificate issued (version 1) or changed (revoked) by this change.
    certificate: Certificate | None = None
    # Approved spending reports: listed for the month's usage report at every office above.
    posting: "Posting | None" = None
    # What the external registries and the subscribers are owed because of it, written into the
    # send log in the same transaction (domain/integrations.py).
    integration_records: tuple[Any, ...] = ()
    # NIK lookups (field, keyed HMAC) the application no longer has: their items go.
    dropped_lookups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Posting:
    """An approved spending report, as the monthly usage report of every office above lists it."""

    application_id: str
    node_path: tuple[str, ...]
    period: str
    category: str
    amount: int
    approved_at: datetime
