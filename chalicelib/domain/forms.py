"""An application's form data checked against its service type's fields.

Drafts may be incomplete, but whatever is there must already be right; submitting also asks
for every required field. Values come back normalized (a phone number in +62 form, an NPWP
without dots) so that what is stored is what the deciders and registries read.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, Mapping

from chalicelib.domain.catalog import FieldSpec, ServiceType
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.messages import NIK_PROBLEMS, Label, msg
from chalicelib.domain.nik import check_nik, compact_nik
from chalicelib.domain.npwp import check_npwp

DEFAULT_TEXT_LENGTH = 200
DEFAULT_LONG_TEXT_LENGTH = 5000
MAX_MONEY = 10**15  # a thousand trillion rupiah: above any real amount, below float trouble
MAX_NUMBER = 10**15  # any number field: within what a JSON reader holds exactly (2**53)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Bad(Exception):
    """A value breaks its field's rule: the English detail, the rule's code and its numbers."""

    def __init__(self, detail: str, code: str, **params: Any) -> None:
        super().__init__(detail)
        self.detail = detail  # the sentence as written (its template, for the reader's language)
        self.code = code
        self.params = params


def check_form(service: ServiceType, data: dict[str, Any], today: date, *, complete: bool,
               sealed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the normalized data, or raise InvalidInput naming every bad field.

    `sealed` holds the stored stand-ins of values sealed at rest (a NIK, masked): checked when
    they were written, they pass as they are while they come back unchanged."""
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for name, value in data.items():
        spec = service.field(name)
        if spec is None:
            problems.append(FieldProblem(f"data.{name}", "is not a field of this service", "unknown_field"))
            continue
        if value is None or value == "":
            continue
        if sealed and name in sealed and value == sealed[name]:
            clean[name] = value
            continue
        try:
            clean[name] = _check_value(spec, value, today)
        except _Bad as bad:
            problems.append(FieldProblem(f"data.{name}", bad.detail, bad.code, bad.params, label=_label(spec)))
    if complete:
        for spec in service.fields:
            if spec.required and spec.name not in clean and not any(p.field == f"data.{spec.name}" for p in problems):
                problems.append(FieldProblem(f"data.{spec.name}", msg("{label} is required", label=_label(spec)), "required"))
    if problems:
        raise InvalidInput("some fields are not right", problems)
    return clean


def _check_value(spec: FieldSpec, value: Any, today: date) -> Any:
    check = _CHECKS[spec.type]
    return check(spec, value, today)


def _text(spec: FieldSpec, value: Any, _today: date, default_length: int = DEFAULT_TEXT_LENGTH) -> str:
    if not isinstance(value, str):
        raise _Bad("must be text", "type", expected="text")
    text = value.strip()
    if _CONTROL.search(text):
        raise _Bad("must not contain control characters", "control_characters")
    if spec.type == "text" and "\n" in text:
        raise _Bad("must be a single line", "single_line")
    limit = spec.max_length or default_length
    if len(text) > limit:
        raise _Bad(msg("must be at most {limit} characters", limit=limit), "max_length", limit=limit)
    return text


def _long_text(spec: FieldSpec, value: Any, today: date) -> str:
    return _text(spec, value, today, DEFAULT_LONG_TEXT_LENGTH)


def _bounded(spec: FieldSpec, number: float) -> None:
    if spec.min is not None and number < spec.min:
        raise _Bad(msg("must be at least {min}", min=f"{spec.min:g}"), "min", min=spec.min)
    if spec.max is not None and number > spec.max:
        raise _Bad(msg("must be at most {max}", max=f"{spec.max:g}"), "max", max=spec.max)


def _number(spec: FieldSpec, value: Any, _today: date) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad("must be a number", "type", expected="number")
    # An int is checked by size before anything turns it into a float (a 400-digit one would
    # overflow there); beyond MAX_NUMBER no count or measure is real, and JSON readers lose digits.
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad("must be a number", "type", expected="number")
    if abs(value) > MAX_NUMBER:
        raise _Bad("is larger than any real value", "max", max=MAX_NUMBER)
    _bounded(spec, value)
    return value


def _money(spec: FieldSpec, value: Any, _today: date) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad("must be a whole number of rupiah", "whole_rupiah")
    if value < 0:
        raise _Bad("must not be negative", "min", min=0)
    if value > MAX_MONEY:
        raise _Bad("is larger than any real amount", "max", max=MAX_MONEY)
    _bounded(spec, value)
    return value


def _date(spec: FieldSpec, value: Any, today: date) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise _Bad("must be a date as YYYY-MM-DD", "date_format")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise _Bad("is not a real date", "real_date") from None
    if spec.not_future and parsed > today:
        raise _Bad("must not be in the future", "not_future")
    return parsed.isoformat()


def _nik(_spec: FieldSpec, value: Any, today: date) -> str:
    if not isinstance(value, str):
        raise _Bad("must be a 16-digit NIK as text", "nik_length")
    result = check_nik(value, today)
    if not result.valid:
        problems = Label("; ".join(NIK_PROBLEMS.get(code, code) for code in result.codes), "; ".join(result.problems))
        raise _Bad(msg("is not a valid NIK: {problems}", problems=problems), result.codes[0] if result.codes else "nik")
    return compact_nik(value)


def _npwp(_spec: FieldSpec, value: Any, _today: date) -> str:
    if not isinstance(value, str):
        raise _Bad("must be an NPWP as text", "npwp")
    result = check_npwp(value)
    if not result.valid:
        raise _Bad("is not a valid NPWP (15 or 16 digits, e.g. 01.312.166.0-091.000)", result.code or "npwp")
    return result.compact


def _email(_spec: FieldSpec, value: Any, _today: date) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value.strip()):
        raise _Bad("must be an e-mail address", "email")
    local, domain = value.strip().rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _phone(_spec: FieldSpec, value: Any, _today: date) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[+0-9\s().-]+", value):
        raise _Bad("must be a phone number, e.g. 0812-3456-7890 or +62 21 1234567", "phone")
    digits = re.sub(r"[^0-9]", "", value)
    if value.strip().startswith("+"):
        if not digits.startswith("62"):
            raise _Bad("must be an Indonesian number (+62)", "phone_country")
        national = digits[2:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise _Bad("must start with 0 or +62", "phone_prefix")
    if not 8 <= len(national) <= 12 or national.startswith("0"):
        raise _Bad("has the wrong number of digits", "phone_length")
    return "+62" + national


def _choice(spec: FieldSpec, value: Any, _today: date) -> str:
    if not isinstance(value, str) or value not in (spec.options or []):
        raise _Bad(msg("must be one of: {options}", options=", ".join(spec.options or [])), "choice",
                   options=list(spec.options or []))
    return value


def _boolean(_spec: FieldSpec, value: Any, _today: date) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false", "type", expected="boolean")
    return value


_DAM_ID = re.compile(r"dam_[0-9a-hjkmnp-tv-z]{26}")


def _asset(_spec: FieldSpec, value: Any, _today: date) -> str:
    """A dam's id as the register gives it; that the dam exists, and lies on the filing office's
    line, the application service checks (services/asset_permits.py)."""
    if not isinstance(value, str) or not _DAM_ID.fullmatch(value):
        raise _Bad("must be a dam's id from the register (dam_…)", "asset")
    return value


_CHECKS = {
    "text": _text,
    "long_text": _long_text,
    "number": _number,
    "money": _money,
    "date": _date,
    "nik": _nik,
    "npwp": _npwp,
    "email": _email,
    "phone": _phone,
    "choice": _choice,
    "boolean": _boolean,
    "asset": _asset,
}


def _label(spec: FieldSpec) -> Label:
    return Label(spec.label, spec.label_en)
