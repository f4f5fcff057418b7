"""The gates of routes that only some callers may use: each is asked (ctx, **path params) after
the caller is known and before the query and body are read (chalicelib/api/http.py), and raises
NotFound for a caller without the right. So a caller who may not use a route learns nothing from
it, not even which bodies it would take: a malformed body gets the same 404 as a well-formed one.

Each gate asks only what is known without the body: the roles the caller holds anywhere, or
their reach over the application or office the path names. The use case asks again, with all
it is given (the gate is the first check, not the only one).
"""

from __future__ import annotations

from chalicelib.domain.delegations import DELEGABLE_ROLES
from chalicelib.domain.people import (
    ADMIN_ROLES, APPLICATION_ROLES, DAM_DOCUMENT_ROLES, DAM_INSPECTOR_ROLES, DAM_OPERATOR_ROLES, DAM_REGISTRAR_ROLES, DAM_STAFF_ROLES, DECIDER_ROLES, FINANCE_ROLES, HR_ROLES,
    LIBRARIAN_ROLES, OPS_ROLES, application_roles, require_any,
)


def admin(ctx, **_path) -> None:
    """Admins only (offices, staff, subscriptions)."""
    require_any(ctx.user(), ADMIN_ROLES)


def ops(ctx, **_path) -> None:
    """Ops only (the send log, re-runs, failed deliveries)."""
    require_any(ctx.user(), OPS_ROLES)


def librarian(ctx, **_path) -> None:
    """Librarians only (the regulations library's entries and PDFs)."""
    require_any(ctx.user(), LIBRARIAN_ROLES)


def casework(ctx, **_path) -> None:
    """Those who work on applications somewhere (staff tools: NIK look-up and checks)."""
    require_any(ctx.user(), APPLICATION_ROLES)


def deciders(ctx, **_path) -> None:
    """Those who may decide some step somewhere, themselves or by a delegation."""
    require_any(ctx.user(), DECIDER_ROLES)


def delegators(ctx, **_path) -> None:
    """Those holding a role that can be lent."""
    require_any(ctx.user(), DELEGABLE_ROLES)


def reports(ctx, **_path) -> None:
    """Those who may download a program's reports somewhere (the office is in the body): the
    usage report carries the evidence photos, so a viewer's figures are not enough."""
    require_any(ctx.user(), application_roles("marketing-fee"))


def application(ctx, id: str, **_path) -> None:
    """The application the path names, as its reader: its applicant or staff working on it
    (kept on the request for the use case, which then does not read it again)."""
    ctx.application = ctx.deps.applications.get(ctx.user(), id)


def finance_of(ctx, node_id: str, **_path) -> None:
    """The office the path names, as finance staff at or above it (its balances)."""
    ctx.deps.registry_inputs.office(ctx.user(), node_id, FINANCE_ROLES)


def hr_of(ctx, node_id: str, **_path) -> None:
    """The office the path names, as HR at or above it (its staff counts)."""
    ctx.deps.registry_inputs.office(ctx.user(), node_id, HR_ROLES)


def figures_of(ctx, node_id: str, **_path) -> None:
    """The office the path names, as one who sees its figures."""
    ctx.deps.budgets.office(ctx.user(), node_id)


def allocator_of(ctx, node_id: str, **_path) -> None:
    """The office the path names, as a budget_allocator (or budget_recommender) above it."""
    ctx.deps.budgets.office_to_allocate(ctx.user(), node_id)


def recommender_of(ctx, node_id: str, **_path) -> None:
    """The office the path names, as a budget_recommender reaching it."""
    ctx.deps.budgets.office_to_split(ctx.user(), node_id)


def dam_registrars(ctx, **_path) -> None:
    """Those who enter and edit dams somewhere (the dam's office decides the rest)."""
    require_any(ctx.user(), DAM_REGISTRAR_ROLES)


def dam_staff(ctx, **_path) -> None:
    """Those who read dams' staff-only data somewhere (the dam's office decides the rest)."""
    require_any(ctx.user(), DAM_STAFF_ROLES)


def dam_operators(ctx, **_path) -> None:
    """Those who enter a dam's daily readings somewhere."""
    require_any(ctx.user(), DAM_OPERATOR_ROLES)


def dam_inspectors(ctx, **_path) -> None:
    """Those who record dams' inspections somewhere."""
    require_any(ctx.user(), DAM_INSPECTOR_ROLES)


def dam_uploaders(ctx, **_path) -> None:
    """Those who add a dam's technical documents somewhere (its registrars, operators, inspectors)."""
    require_any(ctx.user(), DAM_DOCUMENT_ROLES)
