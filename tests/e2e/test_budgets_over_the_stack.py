"""Budgets, dashboards and PDFs over `make run`, HTTP only, with the demo's people: the
marketing-fee chain as the organisation runs it (budgets added, recommended and requested,
spending reports with photos scanned by the stack's own worker, approved by branch manager, MCOT
and region); dashboards at every level against totals the test computes; the PDFs opened with pypdf and
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


def decide(http, token, app, action, comment=None, step=1):
    answer = http.post(f"/applications/{app['id']}/decision", {"action": action, "step": step, "comment": comment},
                       token=token)
    assert answer.status == 200, answer.text
    return answer.json


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


# What the test gives each cluster (category → rupiah), and so what every level above must show.
SPLITS = {UTARA: {"OUTLET": 4_000_000, "SF": 1_000_000}, SELATAN: {"OUTLET": 2_000_000, "SF": 3_000_000}}
REQUESTED = (SELATAN, "SF", 1_000_000)  # a cluster's budget request, recommended and allocated


def test_the_marketing_fee_chain_as_the_organisation_runs_it_shows_the_same_money_at_every_level(http, stack, tmp_path):
    """The organisation's own table: the area adds the budget, the region recommends it by
    category and office, a cluster requests more (the region recommends, the area allocates),
    clusters report with photos, and the branch manager, MCOT and region approve; every level's
    dashboard, its daily series and CSV equal the totals the test computes."""
    period = past_month(http)
    spent_on = f"{period}-15"
    people = {who: login(http, who) for who in ("area.jabar", "region.jabotabek", "branch.depok", "mcot.jabotabek",
                                                "gm.sbp", "cluster.utara", "cluster.selatan")}
    current = http.get("/_local/clock").json["now"][:7]
    area = people["area.jabar"]
    http.settle_counters()  # the demo's own changes counted first
    before = http.get(f"/dashboard/{AREA}?period={current}", token=area).json["by_service"].get("marketing-fee-report", {})

    the_area_adds_and_the_region_recommends(http, period, people)
    a_cluster_requests_budget_the_region_recommends_and_the_area_allocates(http, period, people)
    a, b, c, d, e = five_reports_filed_and_decided(http, spent_on, people)
    http.settle_counters()  # counted from the table's stream by the stack's worker, a moment later
    every_dashboard_shows_the_totals_computed_by_the_test(http, period, spent_on, people)
    this_months_applications_count_the_five_filed(http, current, area, before)
    the_csv_export_has_the_branch_budget_row(http, period, people["branch.depok"])
    the_usage_report_lists_every_approved_report_with_its_photo(http, period, people["branch.depok"], (a, b, c, d),
                                                                tmp_path)


def the_area_adds_and_the_region_recommends(http, period, people):
    """The area sets the region's month; the region splits it by category and divides it
    between the clusters, each split; a split larger than the budget is refused, the excess named."""
    area, region = people["area.jabar"], people["region.jabotabek"]
    total = sum(sum(split.values()) for split in SPLITS.values())
    assert http.call("PUT", f"/budgets/{REGION}/{period}", {"amount": total}, token=area).status == 200
    by_category = {name: sum(split.get(name, 0) for split in SPLITS.values()) for name in ("OUTLET", "SF")}
    assert http.call("PUT", f"/budgets/{REGION}/{period}/recommendation", {"categories": by_category},
                     token=region).status == 200
    for cluster, split in SPLITS.items():
        answer = http.call("PUT", f"/budgets/{cluster}/{period}", {"amount": sum(split.values())}, token=region)
        assert answer.status == 200, answer.text
        too_much = http.call("PUT", f"/budgets/{cluster}/{period}/recommendation",
                             {"categories": {**split, "OUTLET": split["OUTLET"] + 2_000_000}}, token=region)
        assert too_much.status == 422 and "Rp 2.000.000 lebih" in too_much.json["detail"]
        assert http.call("PUT", f"/budgets/{cluster}/{period}/recommendation", {"categories": split},
                         token=region).status == 200
    # The branch manager neither sets nor splits.
    assert http.call("PUT", f"/budgets/{UTARA}/{period}", {"amount": 1}, token=people["branch.depok"]).status == 404


def a_cluster_requests_budget_the_region_recommends_and_the_area_allocates(http, period, people):
    cluster, category, amount = REQUESTED
    staff = people["cluster.selatan"]
    app = http.post("/applications", {"service_id": "marketing-fee-budget-request", "node_id": cluster, "data": {
        "for_month": f"{period}-10", "category": category, "amount": amount,
        "description": "Tambahan insentif sales force"}}, token=staff)
    assert app.status == 201, app.text
    request = http.post(f"/applications/{app.json['id']}/submit", token=staff).json
    decide(http, people["region.jabotabek"], request, "approve", "Direkomendasikan", step=1)
    assert decide(http, people["area.jabar"], request, "approve", "Dialokasikan", step=2)["status"] == "approved"


def given(cluster, category):
    """What the test gave a cluster in a category: the region's split and the request allocated."""
    granted = REQUESTED[2] if (cluster, category) == REQUESTED[:2] else 0
    return SPLITS[cluster].get(category, 0) + granted


def five_reports_filed_and_decided(http, spent_on, people):
    """Five spending reports with photos from the two clusters; a and c approved by the branch
    manager, MCOT and the region; d rejected, e returned (by the branch manager), b waiting.
    Answers the five, in that order."""
    utara, selatan = people["cluster.utara"], people["cluster.selatan"]
    chain = (people["branch.depok"], people["mcot.jabotabek"], people["region.jabotabek"])
    photo = files.png(800, 600, (200, 120, 40))
    a = report(http, utara, UTARA, "OUTLET", 2_000_000, spent_on, photo)
    b = report(http, utara, UTARA, "OUTLET", 500_000, spent_on, photo)
    c = report(http, selatan, SELATAN, "SF", 1_000_000, spent_on, photo)
    d = report(http, selatan, SELATAN, "SF", 300_000, spent_on, photo)
    e = report(http, selatan, SELATAN, "OUTLET", 250_000, spent_on, photo)
    for app in (a, c):
        for step, token in enumerate(chain, start=1):
            decided = decide(http, token, app, "approve", step=step)
        assert decided["status"] == "approved"
    decide(http, chain[0], d, "reject", "Tidak sesuai ketentuan")
    decide(http, chain[0], e, "return", "Foto kurang jelas")
    assert b["status"] == "submitted"
    return a, b, c, d, e


# By hand: used OUTLET 2.0M (a, Utara) and SF 1.0M (c, Selatan); pending OUTLET 0.5M (b, Utara).
SPENT = {UTARA: {"OUTLET": (2_000_000, 500_000)}, SELATAN: {"SF": (1_000_000, 0)}}


def every_dashboard_shows_the_totals_computed_by_the_test(http, period, spent_on, people):
    """Clusters, branch, region and area: budget, recommendation, used, pending and remaining,
    in all and per category, each a sum the test makes of what it gave and spent; the day spent
    in the daily series; the branch's children and the region's 12 months."""
    below = {UTARA: [UTARA], SELATAN: [SELATAN], BRANCH: [UTARA, SELATAN], REGION: [UTARA, SELATAN],
             AREA: [UTARA, SELATAN]}
    for node, clusters in below.items():
        board = http.get(f"/dashboard/{node}?period={period}", token=people["gm.sbp"])
        assert board.status == 200, board.text
        figures = board.json["budget"]
        for name in ("OUTLET", "SF"):
            budgeted = sum(given(c, name) for c in clusters)
            used = sum(SPENT[c].get(name, (0, 0))[0] for c in clusters)
            pending = sum(SPENT[c].get(name, (0, 0))[1] for c in clusters)
            seen = figures["categories"][name]
            assert (seen["recommended"], seen["used"], seen["pending"], seen["remaining"]) == (
                budgeted, used, pending, budgeted - used - pending), (node, name)
        amount = sum(given(c, name) for c in clusters for name in ("OUTLET", "SF"))
        used = sum(u for c in clusters for u, _ in SPENT[c].values())
        pending = sum(p for c in clusters for _, p in SPENT[c].values())
        assert (figures["amount"], figures["recommendation"], figures["used"], figures["pending"], figures["remaining"]) == (
            amount, amount, used, pending, amount - used - pending), node
        assert figures["percent_used"] == round(100 * used / amount, 1), node
        [day] = [d for d in board.json["daily"] if d["date"] == spent_on]
        assert (day["used"], day["pending"]) == (used, pending), node
        assert sum(d["used"] + d["pending"] for d in board.json["daily"]) == used + pending, node
    branch_board = http.get(f"/dashboard/{BRANCH}?period={period}", token=people["branch.depok"]).json
    assert {c["node_id"] for c in branch_board["children"]} == {UTARA, SELATAN}
    region_board = http.get(f"/dashboard/{REGION}?period={period}", token=people["region.jabotabek"]).json
    [depok] = [c for c in region_board["children"] if c["node_id"] == BRANCH]
    assert (depok["budget"]["amount"], depok["budget"]["used"], depok["budget"]["pending"]) == (11_000_000, 3_000_000, 500_000)
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
    """The month's usage report: the recap of every report, then every approved report (a, c)
    with its photo, none of the others (b, d); its first page drawn."""
    a, b, c, d = reports
    asked = http.post("/reports", {"kind": "budget-usage", "node_id": BRANCH, "period": period}, token=branch)
    assert asked.status == 202, asked.text
    ready = eventually(lambda: (r := http.get(f"/reports/{asked.json['report_id']}", token=branch).json)["status"] == "ready" and r)
    pdf = download(ready["download_url"])
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Laporan Penggunaan Marketing Fee" in text and "Branch Depok" in text
    # Every report is in the recap; the approved ones also have a section with their captioned photo.
    assert "Rekap laporan" in text and text.count("Foto bukti 1 dari 1") == 2
    assert text.count(a["tracking_code"]) == text.count(c["tracking_code"]) == 3
    assert text.count(b["tracking_code"]) == text.count(d["tracking_code"]) == 1
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
