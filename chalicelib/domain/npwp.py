"""NPWP (Nomor Pokok Wajib Pajak) structure, by python-stdnum's rules: the 15-digit form with
its check digit (`01.312.166.0-091.000`), or the 16-digit form used since 2024 (a person's NIK,
or 0 and the old 15 digits for others). Like a NIK check, a pass says only that it is well
formed; whether it is registered is the tax office's answer."""

from __future__ import annotations

from dataclasses import dataclass, field

_PROBLEMS = {
    "InvalidLength": ("npwp_length", "an NPWP has 15 digits (or 16 in the new form)"),
    "InvalidFormat": ("npwp_format", "an NPWP is digits, with dots and a dash where its printed form has them"),
    "InvalidChecksum": ("npwp_checksum", "the check digit does not match: a digit is wrong or two are swapped"),
}


@dataclass(frozen=True)
class NpwpCheck:
    valid: bool
    problems: list[str] = field(default_factory=list)
    compact: str | None = None
    formatted: str | None = None
    code: str | None = None  # npwp_length, npwp_format or npwp_checksum


def check_npwp(raw: str) -> NpwpCheck:
    from stdnum.exceptions import ValidationError
    from stdnum.id import npwp

    if not isinstance(raw, str) or not raw.isascii():
        # stdnum would read fullwidth "０１…" as the ASCII digits; like a NIK, an NPWP is typed in
        # ASCII digits (the web app's check refuses the same).
        code, problem = _PROBLEMS["InvalidFormat"]
        return NpwpCheck(False, [problem], code=code)
    try:
        compact = npwp.validate(raw)
    except ValidationError as error:
        code, problem = _PROBLEMS.get(type(error).__name__, ("npwp", "is not a valid NPWP"))
        return NpwpCheck(False, [problem], code=code)
    return NpwpCheck(True, [], compact, npwp.format(compact) if len(compact) == 15 else compact)
