"""issue 20: admin — an office's staff roll and revoking roles (granting takes accounts.Role)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas.base import Out


class StaffRoleOut(Out):
    user_id: str
    name: str
    email: str
    status: Literal["pending", "active"] = Field(description="pending: invited, no password set yet")
    role: str
    node_id: str
    granted_at: str
    granted_by: str = Field(description="the id of the admin who granted it (seed: the demo data)")


class StaffList(Out):
    node_id: str
    items: list[StaffRoleOut] = Field(description="one per role held at the office, by person then role")
    next_cursor: str | None


class EndedDelegationOut(Out):
    id: str
    delegate_id: str
    delegate_name: str
    starts_at: str
    ends_at: str


class RevokedOut(Out):
    user_id: str
    role: str
    node_id: str
    ended_delegations: list[EndedDelegationOut] = Field(description="the delegations lent out of the role, ended with it")
