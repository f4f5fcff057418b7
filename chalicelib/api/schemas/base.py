"""What every body shares: strict requests, text queries, answers that carry every field.

Requests are strict (JSON types as they are, no coercion) and refuse unknown fields; the
OpenAPI document is generated from these same classes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.application_state import STATUSES

Status = Literal["draft", "submitted", "in_review", "returned", "approved", "rejected", "withdrawn"]
assert set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]

Email = Field(min_length=3, max_length=254)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    # Query strings are text: numbers are read from it, unknown parameters refused.
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    # An answer always carries every field, defaulted or not: the document says so, and the web
    # app's generated types can rely on it.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)



# ---- health ---------------------------------------------------------------------------------

class HealthOut(Out):
    status: Literal["ok"]
    version: str


class PageQuery(Query):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)
