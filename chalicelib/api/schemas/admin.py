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


class SubscriptionDeliveryOut(Out):
    event_id: str
    event: str
    application_id: str | None
    tracking_code: str | None
    state: Literal["pending", "sent", "failed"] = Field(
        description="pending: waiting or being retried (a paused subscription's wait here); sent: the receiver took it; "
                    "failed: the receiver refused it for good")
    attempts: int
    created_at: str
    next_attempt_at: str | None
    last_attempt_at: str | None
    last_http_status: int | None
    last_message: str | None = Field(description="what the receiver answered, or why it could not be reached")
    sent_at: str | None


class SubscriptionDeliveryList(Out):
    items: list[SubscriptionDeliveryOut]
    next_cursor: str | None
