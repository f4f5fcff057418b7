"""Budgets, dashboards and PDFs over `make run`, HTTP only, with the demo's people: budgets set
and split, spending reports with photos scanned by the stack's own worker, approved through the
API; dashboards at every level against totals computed by hand; the PDFs opened with pypdf and
their first pages drawn with pdftoppm."""

import io
import shutil
import subprocess
from datetime import date

import pytest
import requests
from pypdf import PdfReader

from tests import files
from tests.support import DEMO_PASSWORD, eventually, post_file, require_system

pytestmark = pytest.mark.e2e

BRANCH, REGION, AREA = "branch-depok", "region-jabotabek-selatan", "area-jabo-jabar"
UTARA, SELATAN = "cluster-depok-utara", "cluster-depok-selatan"


def login(http, who):
    return http.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)


def past_month(http):
    """A month three back from the stack's clock: the demo seeds nothing there, so every total
    in it is the test's own."""
    today = date.fromisoformat(http.get("/_local/clock").json["now"][:10])
    year, month = today.year, today.month - 3
    if month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def report(http, token, cluster, category, amount, spent_on, photo):
    app = http.post("/applications", {"service_id": "marketing-fee-report", "node_id": cluster, "data": {
        "category": category, "activity": f"Aktivasi {category} {amount}", "spent_on": spent_on, "amount": amount,
        "payee": "Toko Sinar", "description": "Aktivasi outlet dengan brosur dan spanduk."}}, token=token).json
    offered = http.post(f"/applications/{app['id']}/documents", {
        "requirement": "evidence_photo", "filename": "bukti.png", "content_type": "image/png", "size": len(photo)},
        token=token).json
    assert post_file(offered["upload"], "bukti.png", "image/png", photo) in (200, 201, 204)

    def scanned():
        items = http.get(f"/applications/{app['id']}/documents", token=token).json["items"]
        return all(d["status"] == "clean" for d in items) and items

    eventually(scanned)  # the stack's scan function, fed by S3's event
    submitted = http.post(f"/applications/{app['id']}/submit", token=token)
    assert submitted.status == 200, submitted.text
    return submitted.json


def decide(http, token, app, action, comment=None):
    answer = http.post(f"/applications/{app['id']}/decision", {"action": action, "step": 1, "comment": comment},
                       token=token)
    assert answer.status == 200, answer.text


def download(url):
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    return answer.content


def first_page_png(pdf: bytes, tmp_path, name: str):
    require_system("poppler-utils", shutil.which("pdftoppm") is not None)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(source), str(tmp_path / name)], check=True)
    [png] = list(tmp_path.glob(f"{name}*.png"))
    assert png.stat().st_size > 2000  # a page with something on it
    return png


def test_budgets_split_and_used_through_approvals_show_on_every_dashboard(http, stack, tmp_path):
    period = past_month(http)
    spent_on = f"{period}-15"
    region, branch, area = login(http, "region.jabotabek"), login(http, "branch.depok"), login(http, "area.jabar")
    utara, selatan = login(http, "cluster.utara"), login(http, "cluster.selatan")
    current = http.get("/_local/clock").json["now"][:7]
    before = http.get(f"/dashboard/{AREA}?period={current}", token=area).json["by_service"].get("marketing-fee-report", {})

    the_region_sets_the_branch_budget_and_the_branch_splits_it(http, period, region, branch)
    a, b, c, d, e = five_reports_filed_and_decided(http, spent_on, utara, selatan, branch)
    every_dashboard_shows_the_totals_computed_by_hand(http, period, branch, region, area)
    this_months_applications_count_the_five_filed(http, current, area, before)
    the_csv_export_has_the_branch_budget_row(http, period, branch)
    the_usage_report_lists_every_approved_report_with_its_photo(http, period, branch, (a, b, c, d), tmp_path)


def the_region_sets_the_branch_budget_and_the_branch_splits_it(http, period, region, branch):
    """The region sets the branch's month budget; the branch splits it between categories, and a
    split larger than the budget is refused with the excess named."""
    assert http.call("PUT", f"/budgets/{BRANCH}/{period}", {"amount": 10_000_000}, token=region).status == 200
    split = http.call("PUT", f"/budgets/{BRANCH}/{period}/recommendation",
                      {"categories": {"OUTLET": 6_000_000, "SF": 4_000_000}}, token=branch)
    assert split.status == 200, split.text
    too_much = http.call("PUT", f"/budgets/{BRANCH}/{period}/recommendation",
                         {"categories": {"OUTLET": 8_000_000, "SF": 4_000_000}}, token=branch)
    assert too_much.status == 422 and "Rp 2.000.000 lebih" in too_much.json["detail"]


def five_reports_filed_and_decided(http, spent_on, utara, selatan, branch):
    """Five spending reports with photos from the two clusters; the branch approves a and c,
    rejects d, returns e and leaves b waiting. Answers the five, in that order."""
    photo = files.png(800, 600, (200, 120, 40))
    a = report(http, utara, UTARA, "OUTLET", 2_000_000, spent_on, photo)
    b = report(http, utara, UTARA, "OUTLET", 500_000, spent_on, photo)
    c = report(http, selatan, SELATAN, "SF", 1_000_000, spent_on, photo)
    d = report(http, selatan, SELATAN, "SF", 300_000, spent_on, photo)
    e = report(http, selatan, SELATAN, "OUTLET", 250_000, spent_on, photo)
    decide(http, branch, a, "approve")
    decide(http, branch, c, "approve")
    decide(http, branch, d, "reject", "Tidak sesuai ketentuan")
    decide(http, branch, e, "return", "Foto kurang jelas")
    assert b["status"] == "submitted"
    return a, b, c, d, e


def every_dashboard_shows_the_totals_computed_by_hand(http, period, branch, region, area):
    """Clusters, branch, region and area show the month's used and pending amounts per category
    as computed by hand; the branch and region boards their percentages, children and series."""
    # By hand: used OUTLET 2.0M (a) and SF 1.0M (c); pending OUTLET 0.5M (b); d and e neither.
    expected = {
        UTARA: {"OUTLET": (2_000_000, 500_000), "SF": (0, 0)},
        SELATAN: {"OUTLET": (0, 0), "SF": (1_000_000, 0)},
    }
    expected[BRANCH] = expected[REGION] = expected[AREA] = {"OUTLET": (2_000_000, 500_000), "SF": (1_000_000, 0)}
    for node, token in ((UTARA, branch), (SELATAN, branch), (BRANCH, branch), (REGION, region), (AREA, area)):
        board = http.get(f"/dashboard/{node}?period={period}", token=token)
        assert board.status == 200, board.text
        categories = board.json["budget"]["categories"]
        for name, (used, pending) in expected[node].items():
            assert (categories[name]["used"], categories[name]["pending"]) == (used, pending), (node, name)
    branch_board = http.get(f"/dashboard/{BRANCH}?period={period}", token=branch).json
    assert branch_board["budget"]["amount"] == 10_000_000 and branch_board["budget"]["percent_used"] == 30.0
    assert branch_board["budget"]["categories"]["OUTLET"]["percent_used"] == 33.3
    assert {c["node_id"] for c in branch_board["children"]} == {UTARA, SELATAN}
    region_board = http.get(f"/dashboard/{REGION}?period={period}", token=region).json
    [depok] = [c for c in region_board["children"] if c["node_id"] == BRANCH]
    assert (depok["budget"]["amount"], depok["budget"]["used"], depok["budget"]["pending"]) == (10_000_000, 3_000_000, 500_000)
    assert region_board["series"][-1]["period"] == period and len(region_board["series"]) == 12


def this_months_applications_count_the_five_filed(http, current, area, before):
    """Applications are counted in the month they were filed: five more this month."""
    after = http.get(f"/dashboard/{AREA}?period={current}", token=area).json["by_service"]["marketing-fee-report"]
    assert sum(after.values()) - sum(before.values()) == 5
    assert after.get("approved", 0) - before.get("approved", 0) == 2


def the_csv_export_has_the_branch_budget_row(http, period, branch):
    """The branch's CSV export holds the month's OUTLET row with its budget, use and percentage."""
    csv_answer = http.get(f"/dashboard/{BRANCH}/export.csv?period={period}", token=branch)
    assert csv_answer.status == 200 and csv_answer.content_type.startswith("text/csv")
    assert f"{period},{BRANCH},branch,Branch Depok,office,OUTLET,,6000000,2000000,500000,3500000,33.3" in csv_answer.text


def the_usage_report_lists_every_approved_report_with_its_photo(http, period, branch, reports, tmp_path):
    """The month's usage report: every approved report (a, c) with its photo, none of the others
    (b, d); its first page drawn."""
    a, b, c, d = reports
    asked = http.post("/reports", {"kind": "budget-usage", "node_id": BRANCH, "period": period}, token=branch)
    assert asked.status == 202, asked.text
    ready = eventually(lambda: (r := http.get(f"/reports/{asked.json['report_id']}", token=branch).json)["status"] == "ready" and r)
    pdf = download(ready["download_url"])
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Laporan Penggunaan Marketing Fee" in text and "Branch Depok" in text
    assert a["tracking_code"] in text and c["tracking_code"] in text
    assert b["tracking_code"] not in text and d["tracking_code"] not in text
    assert sum(len(page.images) for page in reader.pages) == 2  # one per approved report's photo
    first_page_png(pdf, tmp_path, "usage-report")


def test_a_permit_ends_in_a_certificate_verified_from_its_qr_code(http, stack, tmp_path):
    _email, applicant = http.register_verified(name="Siti Rahmawati")
    desk = "dpmptsp-front-office"
    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": desk,
                                      "data": {"title": "Izin papan nama", "amount": 750_000}}, token=applicant).json
    app = http.post(f"/applications/{app['id']}/submit", token=applicant).json
    receipt = eventually(lambda: (r := http.get(f"/applications/{app['id']}/receipt", token=applicant).json)["pdf_status"] == "ready" and r)
    receipt_pdf = download(receipt["download_url"])
    assert app["tracking_code"] in PdfReader(io.BytesIO(receipt_pdf)).pages[0].extract_text()
    first_page_png(receipt_pdf, tmp_path, "receipt")

    for step, who in ((1, "fo.dpmptsp"), (2, "teknis.dpmptsp"), (3, "kepala.dpmptsp")):
        answer = http.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": step},
                           token=login(http, who))
        assert answer.status == 200, answer.text
    cert = eventually(lambda: (r := http.get(f"/applications/{app['id']}/certificate", token=applicant).json)["pdf_status"] == "ready" and r)
    pdf = download(cert["download_url"])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    assert cert["number"] in text and "Siti Rahmawati" in text and cert["code"] in text
    assert len(page.images) == 1  # the QR code
    first_page_png(pdf, tmp_path, "certificate")
    # The QR code opens the web app's verification page; the API answers it without login, the name masked.
    assert cert["verify_url"] == f"http://127.0.0.1:{stack.ports['WEB_PORT']}/verify/{cert['code']}"
    public = requests.get(f"{stack.url}/verify/{cert['code']}", headers={"Accept": "application/json"}, timeout=10).json()
    assert public["valid"] is True and public["holder"] == "S*** R********"
