"""Accounts, sessions, delegations and notifications."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from chalicelib.api.schemas.base import ID_LENGTH, Email, MailAddress, Out, Query, Request, documented
from chalicelib.domain.credentials import PASSWORD_MAX, PASSWORD_MIN
from chalicelib.domain.delegations import DELEGABLE_ROLES
from chalicelib.domain.people import ROLES

RoleName = Literal[ROLES]  # type: ignore[valid-type]
DelegableRole = Literal[DELEGABLE_ROLES]  # type: ignore[valid-type]
# What a new password must be (checked by the account service, with its own words).
NEW_PASSWORD = documented(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
# A person's name: 1 to 120 characters once spaces are folded (credentials.person_name).
PERSON_NAME = documented(min_length=1, pattern=r"\S")


# ---- accounts -------------------------------------------------------------------------------

class RegisterRequest(Request):
    email: str = MailAddress
    password: str = Field(max_length=1024, description="8 to 128 characters", json_schema_extra=NEW_PASSWORD)
    name: str = Field(max_length=200, json_schema_extra=PERSON_NAME)
    language: Literal["id", "en"] | None = None


class VerifyRequest(Request):
    email: str = Email
    code: str = Field(max_length=64)


class LoginRequest(Request):
    email: str = Email
    password: str = Field(max_length=1024)


class RefreshRequest(Request):
    refresh_token: str = Field(max_length=256)


class ForgotPasswordRequest(Request):
    email: str = Email


class ResetPasswordRequest(Request):
    email: str = Email
    code: str = Field(max_length=64, description="the 6-digit code, or the code from an invitation")
    new_password: str = Field(max_length=1024, description="8 to 128 characters", json_schema_extra=NEW_PASSWORD)


class ProfileRequest(Request):
    name: str | None = Field(None, max_length=200, json_schema_extra=PERSON_NAME)
    language: Literal["id", "en"] | None = Field(None, description="e-mails, notifications and problem details")


class AcceptedOut(Out):
    status: Literal["accepted"] = "accepted"
    detail: str


class TokenPairOut(Out):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class Role(Request):
    role: RoleName
    node_id: str = Field(max_length=ID_LENGTH)


class DelegatedRoleOut(Out):
    role: str
    node_id: str
    on_behalf_of: str = Field(description="the name of the colleague who lent it")
    until: str


class UserOut(Out):
    id: str
    email: str
    name: str
    language: str
    roles: list[Role]
    delegated_roles: list[DelegatedRoleOut] = Field(
        default_factory=list, description="roles lent to me now by colleagues' delegations (GET /me only)")


class UserEnvelope(Out):
    user: UserOut


# ---- delegations -----------------------------------------------------------------------------

class DelegationRequest(Request):
    role: DelegableRole
    node_id: str = Field(max_length=ID_LENGTH)
    delegate_email: str = Email
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class PersonOut(Out):
    id: str
    name: str


class DelegationOut(Out):
    id: str
    role: str
    node_id: str
    delegator: PersonOut
    delegate: PersonOut
    starts_at: str
    ends_at: str
    active: bool
    direction: Literal["given", "received"]


class DelegationList(Out):
    items: list[DelegationOut]


# ---- notifications ---------------------------------------------------------------------------

class NotificationsQuery(Query):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)


class DeliveryOut(Out):
    channel: Literal["email"] = "email"
    # bounced / complained: accepted by SES, then refused by the receiving server or marked as spam;
    # in_app_only: never e-mailed (a file that passed its scan is told in the app alone).
    status: Literal["queued", "retrying", "sent", "failed", "bounced", "complained", "in_app_only"]
    attempts: int
    last_error: str | None
    sent_at: str | None


class NotificationOut(Out):
    id: str
    kind: str
    title: str
    summary: str
    application_id: str | None
    tracking_code: str | None
    link: str | None
    created_at: str
    read_at: str | None
    delivery: DeliveryOut


class NotificationList(Out):
    items: list[NotificationOut]
    unread_count: int
    next_cursor: str | None


class FailedNotificationOut(Out):
    id: str
    user_id: str
    kind: str
    application_id: str | None
    created_at: str
    delivery: DeliveryOut


class FailedNotificationList(Out):
    items: list[FailedNotificationOut]
