"""The catalog's list: a module of its own, so that `GET /services` (the route a cold container
answers most) builds its models and not the org tree's dozen."""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.schemas.base import Out
from chalicelib.domain.catalog import ServiceType


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
