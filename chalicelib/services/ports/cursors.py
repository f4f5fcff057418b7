"""Cursors as every paged list gives them out: the last sort key given, opaque to callers, and
refused when not one of ours. One format for the DynamoDB stores and their fakes."""

from __future__ import annotations

import base64

from chalicelib.domain.errors import FieldProblem, InvalidInput


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).rstrip(b"=").decode()


def bad_cursor() -> InvalidInput:
    return InvalidInput("bad cursor", [FieldProblem("cursor", "is not a cursor this list gave out")])


def decode_cursor(cursor: str | None, prefix: str = "") -> str | None:
    """The sort key a cursor stands for; a list whose keys all start with `prefix` refuses one
    that does not (another list's cursor would be asked of the store as a start key)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        value = ""
    if not value or len(value) > 200 or "#" not in value or not value.startswith(prefix) or value == prefix:
        raise bad_cursor()
    return value
