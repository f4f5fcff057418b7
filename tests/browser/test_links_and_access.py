"""What reaches people outside the app and how they reach it: every link the system e-mails opens
a page of the web app; the pages fit a 360 px phone; and a decider works with the keyboard alone."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests import files
from tests.browser.conftest import (
    check_accessibility, demo, fact, field, focused, login, page_width, tab_until,
)
from tests.support import post_file

DESK = "dpmptsp-front-office"
SIMPLE = "Izin Uji Sederhana"  # tests/catalog/test-simple-permit.json: three steps, no mandatory document
LINK = re.compile(r"https?://[^\s<>\"']+")


def submitted_simple_permit(http, token: str, title: str = "Izin papan nama") -> dict:
    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK,
                                      "data": {"title": title}}, token=token)
    assert app.status == 201, app.text
    submitted = http.post(f"/applications/{app.json['id']}/submit", token=token)
    assert submitted.status == 200, submitted.text
    return submitted.json


def decide(http, token: str, app: dict, step: int, action: str, comment: str | None = None) -> dict:
    answer = http.post(f"/applications/{app['id']}/decision", {"action": action, "step": step, "comment": comment},
                       token=token)
    assert answer.status == 200, answer.text
    return answer.json


def produce_every_kind_of_mail(http) -> None:
    """Mails of every kind a person can be sent without moving the clock: codes, invitations,
    roles, receipts, tasks, returns, suspensions, decisions, withdrawals and a refused file."""
    password = "correct horse 1"
    email, applicant = http.register_verified(password=password)
    http.post("/auth/register", {"email": email, "password": "another pass 1", "name": "Lagi"})  # already registered
    http.post("/auth/password/forgot", {"email": email})
    admin = http.login(demo("admin"))
    invitee = f"undangan.{uuid.uuid4().hex[:8]}@example.id"
    assert http.post("/admin/users", {"email": invitee, "name": "Petugas Undangan",
                                      "roles": [{"role": "viewer", "node_id": "kota-depok"}]}, token=admin).status == 201
    assert http.post("/admin/users", {"email": email, "name": "Warga Uji",
                                      "roles": [{"role": "viewer", "node_id": "kota-depok"}]}, token=admin).status == 201
    front, technical, head = (http.login(demo(who)) for who in ("fo.dpmptsp", "teknis.dpmptsp", "kepala.dpmptsp"))

    approved = submitted_simple_permit(http, applicant, "Izin yang disetujui")
    approved = decide(http, front, approved, 1, "approve")
    assert http.post(f"/applications/{approved['id']}/suspend", {"reason": "Kirim ukuran papan"}, token=technical).status == 200
    assert http.post(f"/applications/{approved['id']}/resume", token=technical).status == 200
    approved = decide(http, technical, approved, 2, "return", "Lengkapi ukuran papan")
    approved = http.post(f"/applications/{approved['id']}/submit", token=applicant).json
    approved = decide(http, technical, approved, 2, "approve")
    decide(http, head, approved, 3, "approve")
    rejected = submitted_simple_permit(http, applicant, "Izin yang ditolak")
    decide(http, front, rejected, 1, "reject", "Bukan kewenangan kantor ini")
    withdrawn = submitted_simple_permit(http, applicant, "Izin yang dibatalkan")
    assert http.post(f"/applications/{withdrawn['id']}/withdraw", {"reason": None}, token=applicant).status == 200
    draft = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK,
                                        "data": {"title": "Izin dengan lampiran"}}, token=applicant).json
    hostile = files.pdf_with_javascript()
    offered = http.post(f"/applications/{draft['id']}/documents", {"requirement": "attachment", "filename": "lampiran.pdf",
                                                                   "content_type": "application/pdf", "size": len(hostile)},
                        token=applicant).json
    assert post_file(offered["upload"], "lampiran.pdf", "application/pdf", hostile) in (200, 201, 204)

    for to, subject in ((email, "Kode verifikasi"), (email, "mencoba mendaftar"), (email, "Kode atur ulang"),
                        (invitee, "Undangan"), (email, "Peran baru"), (email, f"{approved['tracking_code']} diterima"),
                        (demo("fo.dpmptsp"), f"Tugas baru: {SIMPLE} {approved['tracking_code']}"),
                        (email, f"{approved['tracking_code']} menunggu tindakan"),
                        (email, f"{approved['tracking_code']} dilanjutkan"),
                        (email, f"{approved['tracking_code']} dikembalikan"),
                        (email, f"{approved['tracking_code']} disetujui"),
                        (email, f"{rejected['tracking_code']} ditolak"),
                        (email, "lampiran.pdf")):
        http.wait_for_mail(to, subject, timeout=30)


def test_every_link_in_every_email_opens_a_page_of_the_web_app_that_renders(open_page, http, web):
    produce_every_kind_of_mail(http)
    mails = http.get("/_local/mail").json["items"]
    links: dict[str, str] = {}
    for mail in mails:
        for link in LINK.findall(mail["text"]):
            links.setdefault(link.rstrip(".,;:)"), mail["subject"])
    assert len(links) >= 10, links
    elsewhere = {link: subject for link, subject in links.items() if urlsplit(link)._replace(path="", query="",
                 fragment="").geturl() != web}
    ours = sorted(set(links) - set(elsewhere))
    # The kinds of page the mails lead to: applications, the invitation's password page, the
    # forgotten-password page (for someone who registered twice) and the home page.
    assert {"applications", "set-password", "forgot-password", ""} <= {urlsplit(l).path.split("/")[1] for l in ours}

    page = open_page()  # logged out, as someone opening the mail on another device
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    problems: list[str] = []
    for link in ours:
        console.clear()
        target = urlsplit(link)
        wanted = target.path + (f"?{target.query}" if target.query else "")
        page.goto(link)
        heading = page.get_by_role("heading", level=1)
        try:
            expect(heading).to_be_visible(timeout=10_000)
        except AssertionError:
            problems.append(f"{link} ({links[link]}): no <h1> on {page.url}")
            continue
        landed = urlsplit(page.url)
        if landed.path == "/login" and target.path != "/login":
            back = parse_qs(landed.query).get("next", [None])[0]
            if back != wanted:
                problems.append(f"{link} ({links[link]}): sent to log in with next={back!r}, not {wanted!r}")
        elif landed.path != target.path:
            problems.append(f"{link} ({links[link]}): ended on {page.url}")
        if heading.first.inner_text().strip() == "Halaman tidak ditemukan":
            problems.append(f"{link} ({links[link]}): the web app has no such page")
        if console:
            problems.append(f"{link} ({links[link]}): console errors {console}")
    assert not elsewhere, "e-mails link outside the web app:\n" + "\n".join(f"- {l} ({s})" for l, s in elsewhere.items())
    assert not problems, f"of {len(ours)} links:\n" + "\n".join(f"- {p}" for p in problems)


def test_on_a_360_px_phone_tracking_the_catalogue_the_inbox_and_an_application_fit_the_screen(open_page, http, web):
    _email, applicant = http.register_verified()
    app = submitted_simple_permit(http, applicant, "Izin reklame di layar ponsel yang cukup panjang judulnya")
    page = open_page(width=360, height=740, is_mobile=True, has_touch=True)

    page.goto(web + "/track")
    expect(page.get_by_role("heading", level=1, name="Lacak permohonan")).to_be_visible()
    field(page, "Kode pelacakan").fill(app["tracking_code"])
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("region", name=SIMPLE)).to_contain_text("tahap 1 dari 3")
    assert page_width(page) <= 360, f"the tracking page is {page_width(page)} px wide"
    check_accessibility(page)

    # The navigation folds behind a menu button on a phone.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    services_link = page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Layanan")
    expect(services_link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    services_link.click()
    expect(page.get_by_role("heading", level=1, name="Layanan")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.get_by_role("link", name="Izin Usaha Mikro dan Kecil (IUMK)").click()
    expect(page.get_by_role("table", name="Berkas administrasi")).to_be_visible()
    assert page_width(page) <= 360, f"the service page is {page_width(page)} px wide"
    check_accessibility(page)

    login(page, demo("fo.dpmptsp"))
    expect(page.get_by_role("heading", level=1, name="Kotak masuk")).to_be_visible()
    item = page.get_by_role("listitem").filter(has_text=app["tracking_code"])
    expect(item).to_have_count(1)
    assert page_width(page) <= 360, f"the inbox is {page_width(page)} px wide"
    check_accessibility(page)
    item.get_by_role("link", name=SIMPLE).click()
    expect(page.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_be_visible()
    assert page_width(page) <= 360, f"the application page is {page_width(page)} px wide"
    check_accessibility(page)


def test_with_the_keyboard_alone_a_decider_logs_in_finds_an_application_in_the_inbox_and_approves_it(
        open_page, http, web):
    _email, applicant = http.register_verified()
    app = submitted_simple_permit(http, applicant, "Izin diputuskan dengan papan ketik")
    code = app["tracking_code"]
    page = open_page()
    page.goto(web + "/login")
    expect(page.get_by_role("heading", level=1, name="Masuk")).to_be_visible()

    # The first Tab reaches the skip link; it leads past the header to the form.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Lewati ke isi halaman", focused(page)
    page.keyboard.press("Enter")
    assert tab_until(page, lambda f: f["tag"] == "input" and f["type"] == "email") == 1
    assert focused(page)["name"].startswith("Alamat e-mail")
    page.keyboard.type(demo("fo.dpmptsp"))
    assert tab_until(page, lambda f: f["tag"] == "input" and f["type"] == "password") == 1
    page.keyboard.type("satupintu-demo")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1, name="Kotak masuk")).to_be_visible()
    expect(page.get_by_role("main")).to_be_focused()  # a new page: focus moves to its content
    tab_until(page, lambda f: f["id"] == "inbox-search")
    assert focused(page)["name"] == "Cari kode pelacakan"
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("listitem").filter(has_text=code)).to_have_count(1)
    expect(page.get_by_role("checkbox", name=re.compile(r"^Pilih [0-9A-Z]{4}-"))).to_have_count(1)
    tab_until(page, lambda f: f["tag"] == "a" and f["href"] == f"/applications/{app['id']}")
    assert focused(page)["name"] == SIMPLE
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/applications/{app['id']}$"))
    expect(page.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_be_visible()
    expect(page.get_by_role("main")).to_be_focused()
    tab_until(page, lambda f: f["tag"] == "input" and f["type"] == "radio")
    expect(page.get_by_role("radio", name="Setujui")).to_be_focused()
    expect(page.get_by_role("radio", name="Setujui")).to_be_checked()
    tab_until(page, lambda f: f["tag"] == "button" and f["name"] == "Setujui")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_have_count(0)
    expect(fact(page, "Status")).to_have_text(re.compile(r"^Diproses tahap 2 dari 3"))
    check_accessibility(page)
    token = http.login(demo("fo.dpmptsp"))
    assert http.get(f"/applications/{app['id']}", token=token).json["step"] == 2


def test_english_chosen_before_logging_in_stays_and_becomes_the_accounts_language(open_page, http, web):
    email, _token = http.register_verified(language="id", password="correct horse 1")
    page = open_page()
    page.goto(web + "/login")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("correct horse 1")
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The account follows, so its e-mails come in English too.
    assert http.get("/me", token=http.login(email, "correct horse 1")).json["language"] == "en"
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
