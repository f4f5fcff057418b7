"""Indonesia's region codes (province, regency/city, district), from the master data bundled in
`chalicelib/data/wilayah/` (Kepmendagri 300.2.2-2138/2025, CC BY 4.0; see its README).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from chalicelib.domain.digits import ascii_digits

_DATA = Path(__file__).resolve().parent.parent / "data" / "wilayah"


@dataclass(frozen=True)
class District:
    code: str  # "32.76.06"
    name: str
    regency_code: str  # "32.76"
    regency_name: str
    province_code: str  # "32"
    province_name: str


@functools.cache
def _districts() -> dict[str, District]:
    provinces = {
        f"{row['kode_provinsi']:02d}": row["nama_provinsi"]
        for row in json.loads((_DATA / "provinsi.json").read_text(encoding="utf-8"))
    }
    # kode_kabupaten is a JSON number there (32.76, and 11.10 reads as 11.1): two decimals
    # restore it, and the district strings below confirm each one.
    regencies = {
        f"{row['kode_kabupaten']:.2f}": row["nama_kabupaten"]
        for row in json.loads((_DATA / "kabupaten.json").read_text(encoding="utf-8"))
    }
    districts = {}
    for row in json.loads((_DATA / "kecamatan.json").read_text(encoding="utf-8")):
        code = row["kode_kecamatan"]
        province_code, regency_part, _ = code.split(".")
        regency_code = f"{province_code}.{regency_part}"
        districts[code] = District(
            code=code,
            name=row["nama_kecamatan"],
            regency_code=regency_code,
            regency_name=regencies.get(regency_code, ""),
            province_code=province_code,
            province_name=provinces.get(province_code, ""),
        )
    return districts


def district_by_compact_code(six_digits: str) -> District | None:
    """`327606` → Beji, Kota Depok, Jawa Barat."""
    if not ascii_digits(six_digits, 6):
        return None
    return _districts().get(f"{six_digits[0:2]}.{six_digits[2:4]}.{six_digits[4:6]}")


def regency_exists(code: str) -> bool:
    return any(d.regency_code == code for d in _districts().values())


def province_exists(code: str) -> bool:
    return any(d.province_code == code for d in _districts().values())


def district_exists(code: str) -> bool:
    return code in _districts()


# issue 20: admin — the level of the master data an office of a government kind stands for: a
# kota or kabupaten is a regency (32.76), a kecamatan a district (32.76.06), a kelurahan or desa
# a village (32.76.06.1002). The bundled data stops at districts, so a village's code is checked
# as far as its district.
REGION_LEVEL_OF_KIND = {"provinsi": 1, "kota": 2, "kabupaten": 2, "kecamatan": 3, "kelurahan": 4, "desa": 4}


def office_region_problem(kind: str, code: str | None, parent_code: str | None) -> tuple[str, str, dict] | None:
    """What is wrong with an office's region code, as (English sentence, rule code, params), or
    None. A government office names its own level's code; any code names a real province,
    regency or district, and lies inside the parent office's code when the parent has one."""
    level = REGION_LEVEL_OF_KIND.get(kind)
    if code is None:
        return ("is required for a {kind}", "region_required", {"kind": kind}) if level else None
    parts = code.split(".")
    if level is not None and len(parts) != level:
        example = "32.76.06.1002"[: (2, 5, 8, 13)[level - 1]]
        return ("a {kind} has a code like {example}", "region_level", {"kind": kind, "example": example})
    known = (province_exists, regency_exists, district_exists, district_exists)[len(parts) - 1]
    if not known(".".join(parts[:3])):
        return ("is not a region in the master data", "region_unknown", {})
    if parent_code is not None and code != parent_code and not code.startswith(parent_code + "."):
        return ("must lie inside the parent office's region {parent}", "region_outside_parent", {"parent": parent_code})
    return None
