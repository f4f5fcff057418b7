"""Routes of the local stage only: the mailbox, the demo data, schedules and the clock."""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.schemas.accounts import Role
from chalicelib.api.schemas.base import Integer, Out, Query, Request


# ---- local stage -----------------------------------------------------------------------------

class MailQuery(Query):
    to: str | None = Field(None, max_length=254)


class MailOut(Out):
    to: list[str]
    subject: str
    text: str
    at: str


class MailList(Out):
    items: list[MailOut]


class DemoAccount(Out):
    email: str
    name: str
    roles: list[Role]


class DemoNode(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None


class DemoSubscription(Out):
    id: str
    url: str
    secret: str = Field(description="local stage only: to check the deliveries' signatures with")


class DemoOut(Out):
    password: str
    accounts: list[DemoAccount]
    nodes: list[DemoNode]
    subscription: DemoSubscription | None = None


class ScheduleOut(Out):
    name: str
    schedule: str


class ScheduleList(Out):
    items: list[ScheduleOut]


class ScheduleRunOut(Out):
    name: str
    ran_at: str


class ClockRequest(Request):
    advance_seconds: Integer = Field(ge=0, le=10 * 365 * 24 * 3600)


class ClockOut(Out):
    now: str
    offset_seconds: float
