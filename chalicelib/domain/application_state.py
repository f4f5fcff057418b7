"""The application aggregate's state, as plain Python: its statuses, the application itself, its
history entries, and the change-set one state change writes (ApplicationChange). The rules that
move it live in applications.py; this module imports none of them, so the HTTP layer and the
catalogue can name a status without loading them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.domain.budgets import BudgetWrite, FiledReport, Posting
    from chalicelib.domain.certificates import Certificate
    from chalicelib.domain.notifications import Notice

# Application statuses (API.md); "open" ones are waiting for a decider.
DRAFT, SUBMITTED, IN_REVIEW, RETURNED = "draft", "submitted", "in_review", "returned"
APPROVED, REJECTED, WITHDRAWN = "approved", "rejected", "withdrawn"
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED, APPROVED, REJECTED, WITHDRAWN)
AWAITING_DECISION = (SUBMITTED, IN_REVIEW)
EDITABLE = (DRAFT, RETURNED)
FINAL = (APPROVED, REJECTED, WITHDRAWN)

# PDFs the render function makes: a receipt on submission, a certificate on approval.
RECEIPT, CERTIFICATE = "receipt", "certificate"


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
    # The one person the current step is now with, when an escalation's level took it over or
    # handed it to someone named (domain/takeover.py); None: every holder of the role decides.
    assignee_id: str | None = None
    assignee_name: str | None = None
    # field → the civil registry's verdict on its NIK {result, checked_at} (domain/registry_checks.py)
    nik_checks: dict[str, dict[str, str]] = field(default_factory=dict)
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
    """Add `delta` to the named counters of `node_id` for `period` (YYYY-MM). A status change
    moves the application counts (applications.counter_moves) and a spending report's budget
    figures (budgets.budget_moves)."""

    node_id: str
    period: str
    deltas: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderRequest:
    """A PDF to make because of a change; written to the outbox with it."""

    kind: str  # RECEIPT | CERTIFICATE
    application_id: str


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
    posting: Posting | None = None
    # What the external registries and the subscribers are owed because of it, written into the
    # send log in the same transaction (domain/integrations.py).
    integration_records: tuple[Any, ...] = ()
    # NIK lookups (field, keyed HMAC) the application no longer has: their items go.
    dropped_lookups: tuple[tuple[str, str], ...] = ()
    # An approved budget request: the budgets it adds to (domain/budgets.grant_request).
    budget_write: BudgetWrite | None = None
    # An approved dam permit: the dam it moves, as (before, after, its history line)
    # (services/asset_permits.py), written on the version read.
    asset_move: Any = None
    # A dam's monitoring obligation the approval opens (a dam made operating) or meets (its
    # monitoring report), as (before or None, after) (services/asset_permits.py); its counter
    # moves are among `counters`.
    obligation_write: Any = None
    # A spending report submitted: listed in its month's usage-report recap at every office above.
    filed_report: FiledReport | None = None
    # The dam the form names, when this change makes it name another (or one for the first time),
    # as (dam before or None, dam after or None): its link beside the dam moves with it, so the
    # dam's page lists the applications naming it (services/asset_permits.py dam_link).
    dam_link: tuple[str | None, str | None] | None = None
