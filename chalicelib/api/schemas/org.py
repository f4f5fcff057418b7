"""The org tree, staff and the catalogue of services."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.api.schemas.accounts import Role
from chalicelib.api.schemas.base import DAY_PATTERN, ID_LENGTH, MailAddress, Out, Request, documented


# ---- org tree and staff ---------------------------------------------------------------------

class ChildOut(Out):
    id: str
    kind: str
    name: str


class NodeOut(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None
    region_code: str | None = None
    path: list[str]
    children: list[ChildOut] = []
    # issue 20: admin — the breadcrumb: the offices above it that the caller reaches, root first
    ancestors: list[ChildOut] = []


class CreateNodeRequest(Request):
    parent_id: str = Field(max_length=ID_LENGTH)
    kind: str = Field(max_length=40, json_schema_extra=documented(pattern=r"^[a-z][a-z0-9_]{1,30}$"),
                      description="a lower-case word, e.g. kelurahan or cluster")
    name: str = Field(max_length=200, json_schema_extra=documented(pattern=r"\S"), description="1 to 120 characters")
    # Patterns the org service checks, with the other fields (a bad office names every bad field).
    region_code: str | None = Field(None, max_length=16, description="32, 32.76, 32.76.06 or 32.76.06.1002 (ASCII digits)",
                                    json_schema_extra=documented(pattern=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"))


class StaffRequest(Request):
    email: str = MailAddress
    name: str = Field(max_length=200, json_schema_extra=documented(min_length=1, pattern=r"\S"))
    # issue 20: admin — a new account is written in one transaction: its claim, profile, code, and
    # per role a grant and the office's staff roll entry (at most 100 writes)
    roles: list[Role] = Field(min_length=1, max_length=40)


# ---- working calendars (domain/office_hours.py) ----------------------------------------------

Clock = Annotated[str, Field(max_length=5, json_schema_extra=documented(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"))]
Period = Annotated[list[Clock], Field(min_length=2, max_length=2, description="[start, end], local time HH:MM")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class HolidayIn(Request):
    date: str = Field(max_length=10, json_schema_extra=documented(pattern=DAY_PATTERN))
    name: str = Field(max_length=120, json_schema_extra=documented(min_length=1, pattern=r"\S"))


class CalendarRequest(Request):
    zone: Literal["WIB", "WITA", "WIT"] = Field(description="the office's time zone (no daylight saving)")
    week: dict[Weekday, Annotated[list[Period], Field(max_length=4)]] = Field(
        description="working periods per weekday; a day not named is not worked")
    holidays: list[HolidayIn] = Field([], max_length=200, description="public holidays and collective leave")


class HolidayOut(Out):
    date: str
    name: str


class CalendarOut(Out):
    node_id: str
    source: Literal["own", "inherited", "none"] = Field(
        description="own: the office set it; inherited: from source_node_id above; none: wall-clock hours")
    source_node_id: str | None = None
    zone: str | None = None
    week: dict[str, list[list[str]]] = {}
    holidays: list[HolidayOut] = []
    updated_at: str | None = None
