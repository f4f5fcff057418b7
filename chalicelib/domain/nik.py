"""NIK (Nomor Induk Kependudukan) structure rules, as SPEC.md states them.

16 digits `PPKKCC DDMMYY SSSS`: a district code that exists in the master data, a birth date
with 40 added to the day for women, and a serial from 0001. There is no check digit, so a NIK
that passes is only well formed; whether it belongs to someone is the civil registry's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.domain.digits import ascii_digits
from chalicelib.domain.regions import District, district_by_compact_code


@dataclass(frozen=True)
class NikCheck:
    valid: bool
    problems: list[str] = field(default_factory=list)
    # One code per problem, in the same order: nik_length, nik_region, nik_date, nik_serial.
    codes: list[str] = field(default_factory=list)
    district: District | None = None
    birth_date: date | None = None
    sex: str | None = None  # "M" or "F"


def compact_nik(raw: str) -> str:
    """The digits as written, without the spaces people group them with."""
    return "".join(raw.split())


def check_nik(raw: str, today: date) -> NikCheck:
    nik = compact_nik(raw) if isinstance(raw, str) else ""
    # ASCII digits only: str.isdigit() also takes "²" and "٣", which int() then refuses or misreads.
    if not ascii_digits(nik, 16):
        return NikCheck(valid=False, problems=["a NIK is exactly 16 digits"], codes=["nik_length"])

    problems: list[str] = []
    codes: list[str] = []
    district = district_by_compact_code(nik[0:6])
    if district is None:
        problems.append(f"region code {nik[0:2]}.{nik[2:4]}.{nik[4:6]} is not a district in the master data")
        codes.append("nik_region")

    day_part, month, year_2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day_part > 40 else "M"
    day = day_part - 40 if day_part > 40 else day_part
    birth_date = _birth_date(day, month, year_2, today)
    if birth_date is None:
        problems.append(f"birth date {nik[6:8]}{nik[8:10]}{nik[10:12]} is not a real date (women add 40 to the day)")
        codes.append("nik_date")

    if nik[12:16] == "0000":
        problems.append("serial number 0000 is never issued")
        codes.append("nik_serial")

    return NikCheck(
        valid=not problems,
        problems=problems,
        codes=codes,
        district=district,
        birth_date=birth_date,
        sex=sex if birth_date else None,
    )


def _birth_date(day: int, month: int, year_2: int, today: date) -> date | None:
    # The century is the latest one that does not put the birth in the future.
    for century in (2000, 1900):
        try:
            candidate = date(century + year_2, month, day)
        except ValueError:
            # 29 February exists in 2000 but not 1900: try the other century before giving up.
            continue
        if candidate <= today:
            return candidate
    return None


def is_nik_shaped(raw: str) -> bool:
    """16 ASCII digits once the spaces are gone: what a NIK lookup accepts (structure aside)."""
    return isinstance(raw, str) and ascii_digits(compact_nik(raw), 16)


def mask_nik(nik: str) -> str:
    """Keep the region and the last two digits: enough to tell two people apart on a screen."""
    if len(nik) != 16:
        return "*" * len(nik)
    return nik[:6] + "*" * 8 + nik[-2:]
