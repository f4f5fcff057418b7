"""Dashboards in the browser, over the local stack: the branch manager's figures equal the demo's
data as the test computes it from the API's own records (the applications and the budget, not
the dashboard route); the area's manager drills down from the area to a cluster and back up by
the breadcrumb; a table's CSV holds exactly the rows on screen. axe-core and the console are
checked on every page."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, demo, login

WIB = timezone(timedelta(hours=7))
BRANCH = "branch-depok"
# The Indonesian labels of the statuses (web/src/i18n/messages/common.ts).
STATUS_ID = {"draft": "Draf", "submitted": "Diajukan", "in_review": "Diproses",
             "returned": "Dikembalikan untuk perbaikan", "approved": "Disetujui", "rejected": "Ditolak",
             "withdrawn": "Dibatalkan"}


def rupiah(amount: int | None) -> str:
    return "—" if amount is None else "Rp " + f"{amount:,}".replace(",", ".")


def shown(page, table_id: str) -> tuple[list[str], list[list[str]]]:
    """A dashboard table as the screen shows it: its column headers and each row's cell texts."""
    return page.evaluate("""(id) => {
        const table = document.querySelector(`#${id} table`);
        const text = (cells) => [...cells].map((c) => c.innerText.trim());
        return [text(table.querySelectorAll('thead th')),
                [...table.querySelectorAll('tbody tr')].map((r) => text(r.querySelectorAll('th, td')))];
    }""", table_id)


def column(table: tuple[list[str], list[list[str]]], header: str) -> dict[str, str]:
    """Each row's first cell → its cell under `header`."""
    headers, rows = table
    index = headers.index(header)
    return {row[0]: row[index] for row in rows}


def all_applications(http, token: str, node_id: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = f"/applications?node_id={node_id}" + (f"&cursor={cursor}" if cursor else "")
        answer = http.get(query, token=token)
        assert answer.status == 200, answer.text
        items += answer.json["items"]
        cursor = answer.json.get("next_cursor")
        if not cursor:
            return items


def opened(page, url_part: str) -> None:
    page.wait_for_url(re.compile(url_part))
    expect(page.locator("[data-dash-ready]")).to_be_visible()


def test_a_branch_managers_dashboard_equals_the_demos_records_and_its_csv_the_screen(open_page, http):
    period = datetime.now(WIB).strftime("%Y-%m")
    token = http.login(demo("branch.depok"))
    filed = [a for a in all_applications(http, token, BRANCH)
             if datetime.fromisoformat(a["created_at"]).astimezone(WIB).strftime("%Y-%m") == period]
    assert filed, "the demo files spending reports in the month it runs"
    http.settle_counters()  # the demo's changes, counted from the table's stream
    budget = http.get(f"/budgets/{BRANCH}/{period}", token=token).json

    page = open_page()
    login(page, demo("branch.depok"))
    page.locator("#site-nav").get_by_role("link", name="Dasbor", exact=True).click()  # the header's entry
    opened(page, rf"/dashboard/{BRANCH}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Branch Depok")
    check_accessibility(page)

    # Applications by status: what the API lists at the branch, filed this month.
    statuses = column(shown(page, "dash-by-status"), "Pengajuan")
    for status, label in STATUS_ID.items():
        wanted = sum(1 for a in filed if a["status"] == status)
        if status != "draft":  # a draft is its filer's alone until submitted; the counters know it
            assert statuses[label] == str(wanted), (status, statuses)

    # The steps: what waits at each step now, counted from the applications.
    waiting = Counter((a["service_id"], a["step"]) for a in filed if a["status"] in ("submitted", "in_review"))
    steps = shown(page, "dash-steps")
    open_column = steps[0].index("Terbuka")
    shown_open = sum(int(row[open_column]) for row in steps[1])
    assert shown_open == sum(waiting.values()) and shown_open > 0

    # The budget per category: the budget's own record.
    used = column(shown(page, "dash-budget"), "Terpakai")
    pending = column(shown(page, "dash-budget"), "Tertunda")
    assert used["Jumlah"] == rupiah(budget["used"]) and pending["Jumlah"] == rupiah(budget["pending"])
    for name, figures in budget["categories"].items():
        assert (used[name], pending[name]) == (rupiah(figures["used"]), rupiah(figures["pending"])), name

    # The clusters below, and the CSV of that table: exactly the rows on screen.
    offices = shown(page, "dash-children")
    assert {row[0] for row in offices[1]} == {"Cluster Depok Utara", "Cluster Depok Selatan"}
    with page.expect_download() as download:
        page.locator("#dash-children").get_by_role("button", name=re.compile("Unduh CSV")).click()
    assert download.value.suggested_filename == f"dashboard-{BRANCH}-{period}-offices.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [offices[0], *offices[1]]
    with page.expect_download() as download:
        page.locator("#dash-budget").get_by_role("button", name=re.compile("Unduh CSV")).click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows == [shown(page, "dash-budget")[0], *shown(page, "dash-budget")[1]]

    # The charts are drawn (chart.js), and their tables are there for those who cannot see them.
    assert page.locator("canvas[role=img]").count() == 2
    assert len(shown(page, "dash-months")[1]) == 12


def test_the_area_drills_down_to_a_cluster_and_back_up_by_the_breadcrumb(open_page):
    page = open_page()
    login(page, demo("area.jabar"))
    page.goto(page.web + "/dashboard")
    opened(page, r"/dashboard/area-jabo-jabar")
    area_used = column(shown(page, "dash-budget"), "Terpakai")["Jumlah"]
    check_accessibility(page)

    for name, node_id in (("Region Jabotabek Selatan", "region-jabotabek-selatan"), ("Branch Depok", BRANCH),
                          ("Cluster Depok Utara", "cluster-depok-utara")):
        page.locator("#dash-children").get_by_role("link", name=name).click()
        opened(page, rf"/dashboard/{node_id}\?period=")
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    check_accessibility(page)
    crumbs = page.get_by_role("navigation", name="Jejak halaman")
    expect(crumbs.get_by_role("listitem")).to_have_text(
        ["Area Jabotabek Jabar", "Region Jabotabek Selatan", "Branch Depok", "Cluster Depok Utara"])

    crumbs.get_by_role("link", name="Area Jabotabek Jabar").click()
    opened(page, r"/dashboard/area-jabo-jabar\?period=")
    # One set of numbers: back at the area, the same figures as before the walk down.
    assert column(shown(page, "dash-budget"), "Terpakai")["Jumlah"] == area_used

    # The period is in the address: another month is another page, and the picker says which.
    page.get_by_label("Periode (bulan)").fill("2026-01")
    opened(page, r"/dashboard/area-jabo-jabar\?period=2026-01")
    expect(page.get_by_label("Periode (bulan)")).to_have_value("2026-01")
    check_accessibility(page)
