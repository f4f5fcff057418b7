"""Personal data at rest: which values are sealed, and what is shown in their place.

A NIK is PII (SPEC.md, "NIK"). Each record that holds NIKs gets its own data key; the values
are encrypted under it and the key itself under the PII master key, with an encryption context
that names the record, so a ciphertext copied onto another record does not open. The record
keeps the masked NIK in its place (what nearly everyone is shown, and what papers print), the
ciphertexts, and a keyed HMAC of each NIK for lookups.

The domain only carries sealed values and decides who may see them opened; encrypting and
opening them is the vault's (services/ports.py, adapters/vault.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from chalicelib.domain.nik import mask_nik


@dataclass(frozen=True)
class Sealed:
    """Values encrypted under one record's data key."""

    record: str  # the record the data key belongs to, e.g. "application/app_…": its encryption context
    data_key: str  # the data key, encrypted under the PII master key (base64)
    values: Mapping[str, str] = field(default_factory=dict)  # name → ciphertext (base64)

    def only(self, names: set[str] | frozenset[str]) -> "Sealed":
        return Sealed(self.record, self.data_key, {n: c for n, c in self.values.items() if n in names})

    def as_json(self) -> dict[str, Any]:
        return {"record": self.record, "data_key": self.data_key, "values": dict(self.values)}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> "Sealed | None":
        if not raw:
            return None
        return cls(str(raw["record"]), str(raw["data_key"]), dict(raw.get("values") or {}))


def application_record(app_id: str) -> str:
    return f"application/{app_id}"


def masked(value: str) -> str:
    """What stands in a sealed NIK's place."""
    return mask_nik(value)


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and "*" in value


def nik_fields(field_types: Mapping[str, str]) -> frozenset[str]:
    return frozenset(name for name, kind in field_types.items() if kind == "nik")


def sealed_fields(field_types: Mapping[str, str], personal: frozenset[str] | set[str] = frozenset()) -> frozenset[str]:
    """The fields kept sealed: every NIK, and the fields the catalog marks personal (a KK)."""
    return nik_fields(field_types) | frozenset(personal)


def kept_sealed(stored: Mapping[str, Any], incoming: Mapping[str, Any], sealed_names: set[str] | frozenset[str]) -> set[str]:
    """The sealed fields a new version of a form leaves as they were: a client that read the
    masked NIK and sends it back unchanged has not changed the NIK."""
    return {name for name in sealed_names if name in incoming and incoming[name] == stored.get(name)}
