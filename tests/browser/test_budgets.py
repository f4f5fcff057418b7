"""Budgets in the browser, over the local stack's demo data: the area's allocator sets next
month's budget of the region, the region's recommender splits it (first too much, refused at the
field, then a split that fits), and the region asks for this month's usage report, watches it
render, and downloads the PDF, whose figures and recap are those the page shows."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, demo, fact, login, page_width

WIB = timezone(timedelta(hours=7))
AREA, REGION = "area-jabo-jabar", "region-jabotabek-selatan"
DEMO_REPORTS = {  # local/seed.py: _marketing_month
    "Branding outlet Margonda": ("Rp 7.500.000", "Disetujui"),
    "Open table Pasar Cisalak": ("Rp 12.000.000", "Disetujui"),
    "Insentif sales force minggu 3": ("Rp 4.250.000", None),  # awaiting the branch manager
}


def months() -> tuple[str, str]:
    today = datetime.now(WIB).date()
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return f"{today:%Y-%m}", f"{following:%Y-%m}"


def test_the_area_allocates_the_region_splits_and_a_usage_report_is_downloaded(open_page, http):
    this_month, next_month = months()
    the_area_sets_next_months_budget_of_the_region(open_page, next_month)
    the_region_splits_it_and_too_much_is_refused_at_the_field(open_page, next_month)
    the_region_downloads_this_months_usage_report(open_page, http, this_month)
    the_budget_page_fits_a_phone(open_page, this_month)
    a_cluster_sees_its_request_and_may_file_another(open_page, this_month)


def the_area_sets_next_months_budget_of_the_region(open_page, next_month: str) -> None:
    page = open_page()
    login(page, demo("area.jabar"))
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Anggaran").click()
    expect(page).to_have_url(re.compile(rf"/budgets/{AREA}/\d{{4}}-\d{{2}}$"))
    expect(page.get_by_role("heading", level=1, name="Anggaran Area Jabotabek Jabar")).to_be_visible()
    # The area has no budget of its own: it shows what the region below it holds.
    expect(fact(page, "Anggaran")).to_have_text("Rp 150.000.000")
    expect(page.get_by_role("table", name=re.compile("Anggaran tiap kantor di bawah"))).to_contain_text("Region Jabotabek Selatan")
    check_accessibility(page)

    picker = page.get_by_role("form", name="Pilih kantor dan bulan")
    picker.get_by_label("Bulan", exact=True).fill(next_month)
    picker.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(rf"/budgets/{AREA}/{next_month}$"))
    expect(fact(page, "Anggaran")).to_have_text("Belum ditetapkan")
    page.get_by_role("table", name=re.compile("Anggaran tiap kantor di bawah")).get_by_role(
        "link", name="Region Jabotabek Selatan").click()
    expect(page).to_have_url(re.compile(rf"/budgets/{REGION}/{next_month}$"))
    expect(page.get_by_role("link", name="Naik ke Area Jabotabek Jabar")).to_be_visible()
    form = page.get_by_role("form", name="Tetapkan anggaran bulan ini")
    form.get_by_label("Anggaran", exact=True).fill("90.000.000")
    form.get_by_role("button", name="Simpan anggaran").click()
    expect(form.get_by_role("status")).to_have_text("Anggaran Region Jabotabek Selatan disimpan: Rp 90.000.000.")
    expect(fact(page, "Anggaran")).to_have_text("Rp 90.000.000")
    expect(fact(page, "Sisa")).to_have_text("Rp 90.000.000")
    check_accessibility(page)


def the_region_splits_it_and_too_much_is_refused_at_the_field(open_page, next_month: str) -> None:
    page = open_page()
    login(page, demo("region.jabotabek"))
    page.goto(f"{page.web}/budgets/{REGION}/{next_month}")
    form = page.get_by_role("form", name="Bagi ke kategori")
    expect(form.get_by_role("group", name="Jumlah semua kategori tidak boleh melebihi anggaran Rp 90.000.000.")).to_be_visible()
    form.get_by_label("ACQUISITION", exact=True).fill("50.000.000")
    form.get_by_label("OUTLET", exact=True).fill("50.000.000")
    expect(form.get_by_text("Jumlah pembagian: Rp 100.000.000 dari Rp 90.000.000")).to_be_visible()
    page.expect_console_errors(re.compile(r"status of 422"))
    form.get_by_role("button", name="Simpan pembagian").click()
    problem = form.locator(".field-error").filter(has_text="Jumlah kategori melebihi anggaran sebesar Rp 10.000.000.")
    expect(problem).to_be_visible()
    # At the fields it concerns: every category box is marked and described by it.
    outlet = form.get_by_label("OUTLET", exact=True)
    expect(outlet).to_have_attribute("aria-invalid", "true")
    expect(outlet).to_have_accessible_description(re.compile("Jumlah kategori melebihi anggaran sebesar Rp 10.000.000."))
    check_accessibility(page)

    outlet.fill("40.000.000")
    form.get_by_role("button", name="Simpan pembagian").click()
    expect(form.get_by_role("status")).to_have_text("Pembagian per kategori disimpan.")
    expect(problem).to_have_count(0)
    categories = page.get_by_role("table", name=re.compile("Anggaran per kategori"))
    expect(categories.get_by_role("row", name=re.compile("^OUTLET"))).to_contain_text("Rp 40.000.000")
    expect(categories.get_by_role("row", name=re.compile("^ACQUISITION"))).to_contain_text("Rp 50.000.000")
    expect(fact(page, "Rekomendasi")).to_have_text("Rp 90.000.000")
    check_accessibility(page)


def the_region_downloads_this_months_usage_report(open_page, http, this_month: str) -> None:
    http.settle_counters()  # the demo's changes, counted from the table's stream
    page = open_page()
    login(page, demo("region.jabotabek"))
    page.goto(f"{page.web}/budgets/{REGION}/{this_month}")
    expect(fact(page, "Anggaran")).to_have_text("Rp 150.000.000")
    expect(fact(page, "Terpakai")).to_have_text("Rp 19.500.000")  # the two approved reports
    recap = page.get_by_role("table", name=re.compile("Semua laporan pengeluaran bulan"))
    for activity, (amount, status) in DEMO_REPORTS.items():
        row = recap.get_by_role("row").filter(has_text=activity)
        expect(row).to_contain_text(amount)
        if status:
            expect(row).to_contain_text(status)
            expect(row).to_contain_text("WIB")  # its approval time
    requests_table = page.get_by_role("table", name=re.compile("Permintaan anggaran cluster"))
    expect(requests_table).to_contain_text("Rp 5.000.000")  # the demo's request, awaiting the region
    check_accessibility(page)

    page.get_by_role("button", name="Buat laporan PDF").click()
    said = page.locator(".budgets-report-status")
    expect(said).to_have_attribute("role", "status")
    expect(said).to_have_text("Laporan siap diunduh.", timeout=60_000)
    link = page.get_by_role("link", name=re.compile(r"Unduh laporan \(PDF, \d+ halaman\)"))
    check_accessibility(page)
    with page.expect_download() as downloading:
        link.click()
    saved = Path(downloading.value.path())
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-"), data[:20]
    assert requests.get(link.get_attribute("href"), timeout=30).content == data
    text = pdf_text(data)
    assert "Rp 150.000.000" in text and "Rekap laporan" in text
    for activity, (amount, _status) in DEMO_REPORTS.items():  # every report in the recap, approved or not
        assert amount in text and activity.split()[0] in text, activity
    assert "Branding outlet Margonda" in text and "Open table Pasar Cisalak" in text  # the approved ones' sections


def the_budget_page_fits_a_phone(open_page, this_month: str) -> None:
    """On a 360 px phone the page does not scroll sideways: wide tables scroll in their own box."""
    phone = open_page(width=360, height=800)
    login(phone, demo("region.jabotabek"))
    phone.goto(f"{phone.web}/budgets/{REGION}/{this_month}")
    expect(phone.get_by_role("table", name=re.compile("Semua laporan pengeluaran bulan"))).to_be_visible()
    assert page_width(phone) <= 360
    check_accessibility(phone)


def a_cluster_sees_its_request_and_may_file_another(open_page, this_month: str) -> None:
    """The cluster's staff see their budget request's status on the cluster's budget page, and
    its link opens the request's form at the cluster."""
    page = open_page()
    login(page, demo("cluster.selatan"))
    page.goto(f"{page.web}/budgets/cluster-depok-selatan/{this_month}")
    expect(page.get_by_role("heading", level=1, name="Anggaran Cluster Depok Selatan")).to_be_visible()
    request = page.get_by_role("table", name=re.compile("Permintaan anggaran cluster")).get_by_role("row").filter(
        has_text="Rp 5.000.000")
    expect(request).to_contain_text("OUTLET")
    expect(request).to_contain_text("Diajukan")  # awaiting the region's recommendation
    check_accessibility(page)
    page.get_by_role("link", name="Ajukan permintaan anggaran untuk Cluster Depok Selatan").click()
    expect(page).to_have_url(re.compile(r"/apply/marketing-fee-budget-request\?office=cluster-depok-selatan$"))
    expect(page.get_by_role("radio", name="Cluster Depok Selatan")).to_be_checked()


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        return subprocess.run(["pdftotext", "-layout", pdf.name, "-"], check=True, capture_output=True,
                              text=True, timeout=60).stdout
