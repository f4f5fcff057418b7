"""What the printed papers say — receipts, certificates, monthly usage reports — as plain data,
with the Indonesian ways of writing dates and money. The PDF adapter (chalicelib/pdf) lays them
out; nothing here knows of fpdf2."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")


def tanggal(day: date | datetime) -> str:
    """22 November 2026"""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def waktu(moment: datetime) -> str:
    """22 November 2026 14.05 WIB (the org's offset, named as Indonesians name theirs)."""
    zones = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT"}
    offset = moment.utcoffset()
    zone = zones.get(int(offset.total_seconds()), moment.strftime("UTC%z")) if offset is not None else "UTC"
    return f"{tanggal(moment)} {moment:%H.%M} {zone}"


def bulan(period: str) -> str:
    """2026-11 → November 2026"""
    return f"{MONTHS_ID[int(period[5:7]) - 1]} {period[:4]}"


def rupiah(amount: int | None) -> str:
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def persen(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Signatory:
    """A decider of the permit, as the certificate lists them."""

    name: str
    role: str
    step: str
    at: str
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class CertificatePaper:
    org_name: str
    title: str  # the permit, e.g. "Izin Operasi Bendungan"
    number: str
    holder: str
    facts: list[Fact]
    issued_on: str
    issued_at_office: str
    signatories: list[Signatory]
    verify_code: str
    verify_url: str
    tracking_code: str


@dataclass(frozen=True)
class ReceiptPaper:
    org_name: str
    service: str
    tracking_code: str
    track_url: str
    applicant: str
    office: str
    submitted_at: str
    facts: list[Fact]
    documents: list[Fact]  # requirement label → file name and size
    next_step: str


@dataclass(frozen=True)
class CategoryLine:
    name: str
    recommended: int
    used: int
    pending: int
    percent_used: float | None


@dataclass(frozen=True)
class SpendingSection:
    """One approved spending report and where its evidence photos are kept."""

    title: str
    category: str
    amount: int
    spent_on: str
    approved_on: str
    office: str
    tracking_code: str
    description: str
    payee: str
    photos: list[str] = field(default_factory=list)  # object keys of clean images


@dataclass(frozen=True)
class RecapLine:
    """One spending report of the month in the recap, whatever became of it."""

    point: str
    description: str
    status: str
    amount: int
    approved_on: str  # "—" until approved
    tracking_code: str


@dataclass(frozen=True)
class UsageReportPaper:
    org_name: str
    office: str
    period_label: str
    budget: int | None
    categories: list[CategoryLine]
    sections: list[SpendingSection]
    generated_at: str
    recap: list[RecapLine] = field(default_factory=list)
