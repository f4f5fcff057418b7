"""What every body shares: strict requests, text queries, answers that carry every field.

Requests are strict (JSON types as they are, no coercion) and refuse unknown fields; the
OpenAPI document is generated from these same classes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from chalicelib.domain.application_state import STATUSES

Status = Literal["draft", "submitted", "in_review", "returned", "approved", "rejected", "withdrawn"]
assert set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]

Email = Field(min_length=3, max_length=254)
# An address mail will be sent to: checked as an address (credentials.email_address), not only looked up.
MailAddress = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})

# Identifiers of records (application, office, service ids): what any id the API gives out fits in.
ID_LENGTH = 64
# ASCII digits in every pattern: `\d` also matches "٢" and "²" (see chalicelib/domain/digits.py).
DAY_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def documented(**constraints: Any) -> dict[str, Any]:
    """JSON Schema keywords for a rule a service enforces beyond the body's types (a password's
    length, a name's), so that the document states it: json_schema_extra of a Field."""
    return {{"min_length": "minLength", "max_length": "maxLength"}.get(k, k): v for k, v in constraints.items()}


def _whole_number(value: Any) -> Any:
    # JSON has one kind of number: 2.0 is the integer 2 (and JSON Schema's "integer" says so);
    # anything else (2.5, a string, true) still fails the strict int check that follows.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A JSON integer: a whole number written with or without ".0"; still never a string or a bool.
Integer = Annotated[int, BeforeValidator(_whole_number)]


def integer(ge: int, le: int) -> Any:
    """Integer within bounds, for a list's items or a dict's values (the bounds go before the
    validator, or the document would show them under pydantic's names, not JSON Schema's)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_whole_number)]


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
    # Every query parameter is listed; any other answers 422 (the document says so on every route).
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=400)
