"""When things go wrong, in the browser: a decision someone else already made, a field the server
refuses, a connection that drops mid-form, a session that runs out or is ended, and a wrong
password typed in a second tab. Each says so in Indonesian, in the words of the app's catalogue,
where the person looks, and loses nothing they typed."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, demo, fact, field, login
from tests.conftest import PROJECT
from tests.support import read_code

MESSAGES = PROJECT / "web" / "src" / "i18n" / "messages"
DESK = "dpmptsp-front-office"
SIMPLE = "Izin Uji Sederhana"  # tests/catalog/test-simple-permit.json: title, NIK, amount, start; three steps
AFTER_FIRST_STEP = "Diproses tahap 2 dari 3: Kajian teknis"


def sentence(catalogue: str, key: str, **params: Any) -> str:
    """The Indonesian sentence `key` of web/src/i18n/messages/<catalogue>.ts, as the app shows
    it (the `id` catalogue comes first in each file), with its {placeholders} filled in."""
    text = (MESSAGES / f"{catalogue}.ts").read_text(encoding="utf-8")
    indonesian = text.split("export const en", 1)[0]
    found = re.search(rf'^\s*"{re.escape(key)}":\s*("(?:[^"\\]|\\.)*")', indonesian, re.M)
    assert found, f"{key} is not in {catalogue}.ts"
    words = json.loads(found.group(1))
    for name, value in params.items():
        words = words.replace("{" + name + "}", str(value))
    assert "{" not in words, f"{key}: a placeholder was not filled in: {words}"
    return words


def alert_saying(page: Any, words: str) -> Any:
    return page.get_by_role("alert").filter(has_text=words)


def submitted_simple_permit(http, token: str, title: str) -> dict:
    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK, "data": {"title": title}},
                    token=token)
    assert app.status == 201, app.text
    submitted = http.post(f"/applications/{app.json['id']}/submit", token=token)
    assert submitted.status == 200, submitted.text
    return submitted.json


def draft_simple_permit(http, token: str, title: str) -> dict:
    app = http.post("/applications", {"service_id": "test-simple-permit", "node_id": DESK, "data": {"title": title}},
                    token=token)
    assert app.status == 201, app.text
    return app.json


def invited_staff(http, role: str, node_id: str) -> tuple[str, str]:
    """A new member of staff holding `role` at `node_id`, invited by the admin, whose password is
    set with the code of the invitation's link: (e-mail, password)."""
    admin = http.login(demo("admin"))
    email = f"petugas.kedua.{uuid.uuid4().hex[:8]}@example.id"
    invited = http.post("/admin/users", {"email": email, "name": "Rudi Petugas Kedua",
                                         "roles": [{"role": role, "node_id": node_id}]}, token=admin)
    assert invited.status == 201, invited.text
    mail = http.wait_for_mail(email, "Undangan", timeout=20)
    link = re.search(r"https?://\S+/set-password#\S+", mail["text"])
    assert link, mail["text"]
    code = parse_qs(urlsplit(link.group(0)).fragment)["code"][0]
    password = "kopi susu gula aren"
    answer = http.post("/auth/password/reset", {"email": email, "code": code, "new_password": password})
    assert answer.status == 200, answer.text
    return email, password


def open_edit_page(open_page, http, web, title: str = "Izin papan nama") -> tuple[Any, dict]:
    """A citizen with a draft, logged in in the browser, on the draft's edit page."""
    password = "nasi uduk betawi 7"
    email, token = http.register_verified(password=password)
    app = draft_simple_permit(http, token, title)
    page = open_page()
    login(page, email, password)
    page.goto(f"{web}/applications/{app['id']}/edit")
    expect(page.get_by_role("heading", level=1, name=SIMPLE)).to_be_visible()
    expect(field(page, "Judul")).to_have_value(title)
    page.token = token
    return page, app


def answers_to(page: Any, method: str, path_end: str) -> list[Any]:
    """Every response to `method` requests whose URL ends with `path_end`, as they come."""
    seen: list[Any] = []
    page.on("response", lambda r: seen.append(r)
            if r.request.method == method and urlsplit(r.url).path.endswith(path_end) else None)
    return seen


# ---- 1. a 409 on a step someone else decided --------------------------------------------------

def test_a_decider_who_approves_a_step_a_colleague_already_decided_is_told_so_and_sees_where_it_stands(
        open_page, http, web):
    _email, applicant = http.register_verified()
    app = submitted_simple_permit(http, applicant, "Izin spanduk yang diputuskan dua orang")
    colleague, colleague_password = invited_staff(http, "verifier", DESK)

    pages = []
    for email, password in ((demo("fo.dpmptsp"), "satupintu-demo"), (colleague, colleague_password)):
        page = open_page()
        login(page, email, password)
        page.goto(f"{web}/applications/{app['id']}")
        expect(page.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_be_visible()
        expect(fact(page, "Status")).to_have_text("Diajukan tahap 1 dari 3: Kelengkapan")
        pages.append(page)
    first, second = pages

    # The front office's verifier decides first.
    first.get_by_role("button", name="Setujui", exact=True).click()
    expect(first.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_have_count(0)
    expect(fact(first, "Status")).to_have_text(AFTER_FIRST_STEP)

    # The colleague's page still shows the step as it was; they approve too.
    second.expect_console_errors(re.compile(r"status of 409"))
    decisions = answers_to(second, "POST", f"/applications/{app['id']}/decision")
    expect(second.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_be_visible()
    second.get_by_role("button", name="Setujui", exact=True).click()

    told = sentence("problems", "problem.409.decision")
    expect(alert_saying(second, told)).to_have_count(1)
    expect(alert_saying(second, told)).to_be_visible()
    # … and the page was reloaded with how the application stands now.
    expect(second.get_by_role("heading", level=2, name="Keputusan: Kelengkapan")).to_have_count(0)
    expect(second.get_by_role("button", name="Setujui", exact=True)).to_have_count(0)
    expect(fact(second, "Status")).to_have_text(AFTER_FIRST_STEP)
    expect(second.get_by_role("alert")).to_have_count(1)  # one sentence, not the API's English too
    assert [d.status for d in decisions] == [409], [d.status for d in decisions]
    check_accessibility(second)

    staff = http.login(demo("fo.dpmptsp"))
    now = http.get(f"/applications/{app['id']}", token=staff).json
    assert (now["status"], now["step"]) == ("in_review", 2), now


# ---- 2. a server 422 lands beside its field ---------------------------------------------------

def test_a_field_the_server_refuses_shows_the_reason_beside_it_until_it_is_edited(open_page, http, web):
    page, app = open_edit_page(open_page, http, web)
    title = field(page, "Judul")
    title.fill("Izin papan nama toko kelontong")

    # A rule only the server knows: it refuses the title as too long.
    refused = {"type": "/problems/validation-error", "title": "The request has invalid fields", "status": 422,
               "detail": "data.title: must be at most 5 characters",
               "errors": [{"field": "data.title", "code": "max_length", "detail": "must be at most 5 characters",
                           "params": {"limit": 5}}]}
    patches: list[str] = []

    def refuse(route: Any) -> None:
        if route.request.method != "PATCH":
            route.fallback()
            return
        patches.append(route.request.post_data or "")
        route.fulfill(status=422, headers={"Content-Type": "application/problem+json",
                                           "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
                      body=json.dumps(refused))

    page.expect_console_errors(re.compile(r"status of 422"))
    page.route(re.compile(rf"/applications/{app['id']}$"), refuse)
    page.get_by_role("button", name="Simpan draf").click()

    beside = sentence("problems", "rule.max_length", limit=5)
    assert beside == "Paling banyak 5 karakter."
    expect(alert_saying(page, sentence("problems", "problem.422"))).to_be_visible()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile(re.escape(beside)))
    described = (title.get_attribute("aria-describedby") or "").split()
    said = [page.locator(f"[id='{i}']") for i in described]
    assert any(s.is_visible() and s.inner_text().strip() == beside for s in said), \
        f"no element the title's aria-describedby names ({described}) says {beside!r}"
    expect(page.get_by_text(beside, exact=True)).to_have_count(1)  # beside the title only
    # Taken to what needs fixing (checked last, so that the rest is known either way).
    try:
        expect(title).to_be_focused(timeout=5_000)
        misplaced_focus = None
    except AssertionError:
        misplaced_focus = page.evaluate("() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : null; }")
    expect(title).to_have_value("Izin papan nama toko kelontong")  # nothing typed is lost
    assert len(patches) == 1 and json.loads(patches[0])["data"]["title"] == "Izin papan nama toko kelontong", patches
    check_accessibility(page)

    # Editing the field takes the server's word away.
    title.fill("Papan")
    expect(page.get_by_text(beside, exact=True)).to_have_count(0)
    expect(title).not_to_have_attribute("aria-invalid", "true")
    expect(title).not_to_have_accessible_description(re.compile(re.escape(beside)))

    page.unroute(re.compile(rf"/applications/{app['id']}$"))
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("status").filter(has_text="Draf tersimpan.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert http.get(f"/applications/{app['id']}", token=page.token).json["data"]["title"] == "Papan"
    assert misplaced_focus is None, f"after the refused save, focus was not on the field to fix but on {misplaced_focus}"


# ---- 3. a dropped connection loses nothing ------------------------------------------------------

def test_a_save_that_never_reaches_the_server_keeps_what_was_typed_even_across_a_reload(open_page, http, web):
    page, app = open_edit_page(open_page, http, web, title="Izin reklame")
    typed = {"Judul": "Izin reklame billboard Jalan Margonda", "Nilai (tidak wajib)": "1.500.000",
             "Mulai (tidak wajib)": "2025-03-01"}
    for label, value in typed.items():
        field(page, label).fill(value)

    page.expect_console_errors(re.compile(r"net::ERR_FAILED|net::ERR_INTERNET_DISCONNECTED"))
    lost = re.compile(rf"/applications/{app['id']}$")
    page.route(lost, lambda route: route.abort() if route.request.method == "PATCH" else route.fallback())
    page.get_by_role("button", name="Simpan draf").click()

    # A form has its own words for a lost connection: what was typed is kept on this device.
    network = sentence("problems", "problem.network.form")
    expect(alert_saying(page, network)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Draf tersimpan.")).to_have_count(0)
    for label, value in typed.items():
        expect(field(page, label)).to_have_value(value)
    check_accessibility(page)

    # The tab reloads (the connection is back): the page brings back what the server never got.
    page.unroute(lost)
    page.reload()
    restored = sentence("portal", "edit.restored")
    expect(page.get_by_role("status").filter(has_text=restored)).to_be_visible()
    for label, value in typed.items():
        expect(field(page, label)).to_have_value(value)
    check_accessibility(page)
    assert http.get(f"/applications/{app['id']}", token=page.token).json["data"]["title"] == "Izin reklame"

    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("status").filter(has_text="Draf tersimpan.")).to_be_visible()
    data = http.get(f"/applications/{app['id']}", token=page.token).json["data"]
    assert (data["title"], data["amount"], data["start"]) == (typed["Judul"], 1_500_000, "2025-03-01"), data

    # Saved: a reload shows the server's copy, with nothing said about restoring.
    page.reload()
    for label, value in typed.items():
        expect(field(page, label)).to_have_value(value)
    expect(page.get_by_text(restored)).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)


# ---- 4. a 401: one refresh, then log in again and come back --------------------------------------

def test_an_expired_access_token_is_refreshed_quietly_and_an_ended_session_asks_to_log_in_and_comes_back(
        open_page, http, web):
    old_password, new_password = "bakso malang enak 1", "soto betawi hangat 2"
    email, token = http.register_verified(password=old_password)
    app = submitted_simple_permit(http, token, "Izin tenda hajatan")
    page = open_page()
    login(page, email, old_password)
    refreshes = open_the_application_watching_refreshes(page, web, app)
    listed = the_access_token_runs_out_and_is_refreshed_quietly(page, http, app, refreshes)
    the_password_is_reset_elsewhere(http, email, new_password)
    refreshes.clear()
    wanted = f"/applications/{app['id']}"
    unexplained = the_ended_session_sends_the_person_to_log_in(page, listed, refreshes, wanted)
    log_in_again_and_come_back(page, email, new_password, app, wanted)
    assert unexplained is None, unexplained


def open_the_application_watching_refreshes(page, web: str, app: dict) -> list:
    """The applicant's submitted application, open in the browser; answers the list of the
    page's answers to POST /auth/refresh from now on (its 401s are expected on the console)."""
    page.goto(f"{web}/applications/{app['id']}")
    expect(page.get_by_role("heading", level=1, name=SIMPLE)).to_be_visible()
    expect(fact(page, "Kode pelacakan")).to_have_text(app["tracking_code"])
    page.expect_console_errors(re.compile(r"status of 401"))
    return answers_to(page, "POST", "/auth/refresh")


def the_access_token_runs_out_and_is_refreshed_quietly(page, http, app: dict, refreshes: list) -> Any:
    """The access token (15 minutes) runs out while the page is open; the refresh token still
    works: one refresh, nothing said. Answers the application's item in the list."""
    navigation = page.get_by_role("navigation", name="Navigasi utama")
    advanced = http.post("/_local/clock", {"advance_seconds": 1000})
    assert advanced.status == 200, advanced.text
    navigation.get_by_role("link", name="Permohonan saya").click()
    expect(page).to_have_url(re.compile(r"/applications$"))
    expect(page.get_by_role("heading", level=1, name="Permohonan saya")).to_be_visible()
    listed = page.get_by_role("listitem").filter(has_text=app["tracking_code"])
    expect(listed).to_have_count(1)
    expect(page.get_by_text(sentence("problems", "problem.401"))).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert [r.status for r in refreshes] == [200], f"refreshes after the access token ran out: {[r.status for r in refreshes]}"
    return listed


def the_password_is_reset_elsewhere(http, email: str, new_password: str) -> None:
    """The password is reset elsewhere: every session of the account ends on the server."""
    known = len([m for m in http.mail(email) if "Kode atur ulang" in m["subject"]])
    assert http.post("/auth/password/forgot", {"email": email}).status in (200, 202, 204)
    code = read_code(http.wait_for_mail(email, "Kode atur ulang", timeout=20, known=known))
    reset = http.post("/auth/password/reset", {"email": email, "code": code, "new_password": new_password})
    assert reset.status == 200, reset.text


def the_ended_session_sends_the_person_to_log_in(page, listed: Any, refreshes: list, wanted: str) -> str | None:
    """Opening the application after the session ended: one refused refresh, then the login page,
    which will send the person back to `wanted`. Answers what the login page fails to say (None
    when it says why the person is there), for the test to fail on at the very end."""
    listed.get_by_role("link", name=SIMPLE).click()
    ended = sentence("problems", "problem.401")
    told = page.get_by_text(ended)
    expect(page).to_have_url(re.compile(r"/login\?"))
    expect(page.get_by_role("heading", level=1, name="Masuk")).to_be_visible()
    landed = urlsplit(page.url)
    assert landed.path == "/login", page.url
    assert parse_qs(landed.query).get("next") == [wanted], f"sent to log in from {page.url}, not back to {wanted}"
    assert [r.status for r in refreshes] == [401], f"refreshes after the session ended: {[r.status for r in refreshes]}"
    # The login page says why the person is there (checked at the end, so that coming back is
    # known either way).
    try:
        expect(told).to_be_visible(timeout=5_000)
        unexplained = None
    except AssertionError:
        unexplained = f"the login page ({page.url}) does not say why the person is there: {ended!r}"
    check_accessibility(page)
    return unexplained


def log_in_again_and_come_back(page, email: str, new_password: str, app: dict, wanted: str) -> None:
    """Logging in with the new password comes back to the application, the session's end no
    longer mentioned."""
    field(page, "Alamat e-mail").fill(email)
    field(page, "Kata sandi").fill(new_password)
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(wanted)}$"))
    expect(page.get_by_role("heading", level=1, name=SIMPLE)).to_be_visible()
    expect(fact(page, "Kode pelacakan")).to_have_text(app["tracking_code"])
    expect(page.get_by_text(sentence("problems", "problem.401"))).to_have_count(0)


# ---- 5. a wrong password in another tab leaves the session alone ----------------------------------

def test_a_wrong_password_typed_in_a_second_tab_does_not_log_out_the_first(open_page, http, web):
    password = "rendang padang pedas 3"
    email, token = http.register_verified(password=password)
    app = submitted_simple_permit(http, token, "Izin pentas seni")
    first = open_page()
    login(first, email, password)
    expect(first).to_have_url(re.compile(r"/applications$"))
    expect(first.get_by_role("listitem").filter(has_text=app["tracking_code"])).to_have_count(1)

    second = first.new_tab()
    second.expect_console_errors(re.compile(r"status of 401"))
    second.goto(f"{web}/login")
    expect(second.get_by_role("heading", level=1, name="Masuk")).to_be_visible()
    field(second, "Alamat e-mail").fill(email)
    field(second, "Kata sandi").fill("rendang padang manis")
    second.get_by_role("main").get_by_role("button", name="Masuk").click()
    expect(alert_saying(second, sentence("problems", "problem.401.login"))).to_be_visible()
    expect(second).to_have_url(re.compile(r"/login$"))
    check_accessibility(second)

    first.bring_to_front()
    first.reload()
    expect(first).to_have_url(re.compile(r"/applications$"))
    expect(first.get_by_role("heading", level=1, name="Permohonan saya")).to_be_visible()
    expect(first.get_by_role("listitem").filter(has_text=app["tracking_code"])).to_have_count(1)
    expect(first.get_by_text(sentence("problems", "problem.401"))).to_have_count(0)
