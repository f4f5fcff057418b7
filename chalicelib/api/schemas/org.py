"""The org tree, staff and the catalogue of services."""

from __future__ import annotations

from pydantic import Field

from chalicelib.domain.catalog import ServiceType
from chalicelib.api.schemas.accounts import Role
from chalicelib.api.schemas.base import Email, Out, Request


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


class CreateNodeRequest(Request):
    parent_id: str = Field(max_length=64)
    kind: str = Field(max_length=40)
    name: str = Field(max_length=200)
    region_code: str | None = Field(None, max_length=16)


class StaffRequest(Request):
    email: str = Email
    name: str = Field(max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=50)


# ---- catalog ---------------------------------------------------------------------------------

class ServiceList(Out):
    items: list[ServiceType]


class OfficeOut(Out):
    id: str
    kind: str
    name: str
    parent_id: str | None
    region_code: str | None = None
    path: list[str] = Field(description="the office's ancestors from the root, ending with itself")


class OfficeList(Out):
    items: list[OfficeOut]
