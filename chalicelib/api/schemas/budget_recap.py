"""The recap of a month's spending reports (issue 20: budgets)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas.base import Out, PageQuery


class RecapQuery(PageQuery):
    pass


class RecapEntryOut(Out):
    application_id: str
    tracking_code: str
    node_id: str = Field(description="the office that filed it")
    office: str = Field(description="the office's name")
    point: str = Field(description="where the money was spent: the form's location at the office, else the office")
    activity: str
    description: str
    category: str
    status: Literal["draft", "submitted", "in_review", "returned", "approved", "rejected", "withdrawn"]
    amount: int = Field(description="whole rupiah")
    spent_on: str = Field(description="YYYY-MM-DD")
    approved_at: str | None = Field(description="when it was finally approved; null until then")


class RecapList(Out):
    items: list[RecapEntryOut]
    next_cursor: str | None
