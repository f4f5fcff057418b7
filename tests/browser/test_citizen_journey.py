"""A citizen's whole journey in the browser: register with the code from the mailbox, apply for
the city's business permit with its form and uploads (one file the scan rejects, replaced),
submit, track it logged out, see it approved by the permit office's three deciders in their own
windows, and end with a certificate anyone can verify."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests import files
from tests.browser.conftest import approve_in_browser, check_accessibility, choose_file, submit_in_browser, fact, field
from tests.support import read_code

SERVICE = "Izin Usaha Mikro dan Kecil (IUMK)"
TRACKING_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
# A woman born 1 January 1990, registered in Beji (32.76.06), Kota Depok: day 01 + 40.
GOOD_NIK = "3276064101900001"
# Day 32 of month 13: no such birth date.
BAD_NIK = "3276063213900001"
NPWP = "01.855.081.4-005.000"  # 15 digits whose first nine pass the Luhn check


def mask(name: str) -> str:
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def test_a_citizen_registers_applies_with_uploads_is_approved_in_three_steps_and_gets_a_verifiable_certificate(
        open_page, http, web):
    email = f"warga.{uuid.uuid4().hex[:10]}@example.id"
    password = "kopi tubruk pagi hari"
    owner = "Ratna Sari Dewi"
    page = open_page()

    register_with_the_mailed_code_and_log_in(page, http, web, email, password)
    app_id = start_a_draft_from_the_catalogue(page)
    a_wrong_nik_is_caught_before_the_server_is_asked(page, app_id)
    fill_the_rest_of_the_permit_form(page, owner, email)
    token = upload_every_document_replacing_the_one_the_scan_refuses(page, http, app_id, email, password)
    tracking_code = submit_and_get_the_receipt(page, http, app_id)
    a_stranger_tracks_it_logged_out(open_page, web, tracking_code, owner)
    the_permit_office_approves_it_in_three_steps(open_page, tracking_code)
    held = the_citizen_sees_the_certificate_and_its_code(page, http, app_id, token)
    anyone_verifies_the_certificate_logged_out(open_page, web, held, owner)


def register_with_the_mailed_code_and_log_in(page, http, web: str, email: str, password: str) -> None:
    """Register, with the code from the mailbox, then log in to an empty list of applications."""
    page.goto(web + "/register")
    expect(page.get_by_role("heading", level=1, name="Daftar akun")).to_be_visible()
    check_accessibility(page)
    field(page, "Nama lengkap").fill("Ratna Sari")
    field(page, "Alamat e-mail").fill(email)
    field(page, "Kata sandi").fill(password)
    field(page, "Ulangi kata sandi").fill(password)
    page.get_by_role("main").get_by_role("button", name="Daftar").click()

    expect(page).to_have_url(re.compile(r"/verify-email\?email="))
    expect(page.get_by_role("heading", level=1, name="Verifikasi alamat e-mail")).to_be_visible()
    expect(field(page, "Alamat e-mail")).to_have_value(email)
    check_accessibility(page)
    code = read_code(http.wait_for_mail(email, "Kode verifikasi", timeout=20))
    field(page, "Kode verifikasi (6 angka)").fill(code)
    page.get_by_role("button", name="Verifikasi").click()

    expect(page).to_have_url(re.compile(r"/login\?verified=1"))
    expect(page.get_by_role("status")).to_contain_text("Alamat e-mail Anda sudah terverifikasi. Silakan masuk.")
    expect(field(page, "Alamat e-mail")).to_have_value(email)
    check_accessibility(page)
    field(page, "Kata sandi").fill(password)
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/applications$"))
    expect(page.get_by_role("heading", level=1, name="Permohonan saya")).to_be_visible()
    expect(page.get_by_text("Belum ada permohonan.")).to_be_visible()
    check_accessibility(page)


def start_a_draft_from_the_catalogue(page) -> str:
    """From the catalogue to a draft: the service, its requirements, the one office; answers the
    draft's application id."""
    page.get_by_role("link", name="Ajukan permohonan baru").click()
    expect(page.get_by_role("heading", level=1, name="Layanan")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=SERVICE).click()
    expect(page.get_by_role("heading", level=1, name=SERVICE)).to_be_visible()
    expect(page.get_by_role("table", name="Berkas administrasi")).to_contain_text("KTP pemohon")
    check_accessibility(page)
    page.get_by_role("link", name="Ajukan permohonan").click()
    expect(page.get_by_role("heading", level=1, name=f"Ajukan: {SERVICE}")).to_be_visible()
    expect(page.get_by_role("radio", name="Front Office DPMPTSP")).to_be_checked()  # the one office
    check_accessibility(page)
    page.get_by_role("button", name="Mulai mengisi").click()

    expect(page).to_have_url(re.compile(r"/applications/app_[0-9a-z]+/edit$"))
    app_id = page.url.split("/")[-2]
    expect(page.get_by_role("heading", level=1, name=SERVICE)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Formulir")).to_be_visible()
    return app_id


def a_wrong_nik_is_caught_before_the_server_is_asked(page, app_id: str) -> None:
    """A wrong NIK is caught beside its field, before the server is asked; the right one is read
    back to the person as they type it."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {request.url}")
            if request.method in ("PATCH", "POST", "PUT") and f"/applications/{app_id}" in request.url else None)
    nik = field(page, "NIK pemohon")
    nik.fill(BAD_NIK)
    nik.press("Tab")
    date_problem = "Tanggal lahir dalam NIK (angka ke-7 s.d. 12) tidak valid; untuk perempuan tanggalnya ditambah 40."
    expect(nik).to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_accessible_description(re.compile(re.escape(date_problem)))
    expect(page.get_by_text(date_problem)).to_be_visible()
    check_accessibility(page)
    assert asked == [], f"the page asked the server before the NIK was right: {asked}"
    nik.fill(GOOD_NIK)
    expect(nik).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(date_problem)).to_have_count(0)
    # What the NIK says, read back to the person as they type it.
    expect(page.get_by_text(re.compile(r"Terdaftar di Beji.* · lahir .*1990 · perempuan"))).to_be_visible()


def fill_the_rest_of_the_permit_form(page, owner: str, email: str) -> None:
    """The rest of the generated form, saved as a draft."""
    field(page, "Nama pemohon").fill(owner)
    field(page, "NPWP").fill(NPWP)
    field(page, "Telepon").fill("0812-3456-7890")
    field(page, "E-mail (tidak wajib)").fill(email)
    field(page, "Nama usaha").fill("Warung Nasi Ratna")
    field(page, "Alamat usaha").fill("Jl. Kukusan Raya No. 7, Beji, Kota Depok")
    field(page, "Kode KBLI").fill("56102")
    field(page, "Skala usaha").select_option("Mikro")
    field(page, "Modal usaha (Rp)").fill("25.000.000")
    expect(page.get_by_text("Rp 25.000.000", exact=True)).to_be_visible()  # the amount, read back
    field(page, "Jumlah tenaga kerja").fill("3")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("status").filter(has_text="Draf tersimpan.")).to_be_visible()


def upload_every_document_replacing_the_one_the_scan_refuses(page, http, app_id: str, email: str, password: str) -> str:
    """Every document, one of them refused by the scan and replaced; answers the citizen's API
    token (used to read what the server holds)."""
    documents = page.get_by_role("region", name="Berkas", exact=True)
    ktp = page.get_by_role("region", name="KTP pemohon", exact=True)
    choose_pdf = files.pdf_with_javascript()
    choose_file(page, "Pilih berkas: KTP pemohon", "ktp.pdf", "application/pdf", choose_pdf)
    choose_file(page, "Pilih berkas: Kartu NPWP", "npwp.png", "image/png", files.png(320, 200, (200, 160, 60)))
    choose_file(page, "Pilih berkas: Foto tempat usaha", "warung.jpg", "image/jpeg", files.jpeg_with_gps(640, 480))

    expect(ktp.get_by_text("Ditolak", exact=True)).to_be_visible()
    token = http.login(email, password)
    rejected = next(d for d in http.get(f"/applications/{app_id}/documents", token=token).json["items"]
                    if d["requirement"] == "ktp")
    assert rejected["status"] == "rejected" and "JavaScript" in rejected["reasons"]["id"], rejected
    expect(ktp).to_contain_text(f"Ditolak: {rejected['reasons']['id']}")
    check_accessibility(page)

    choose_file(page, "Ganti berkas: KTP pemohon", "ktp-bersih.pdf", "application/pdf", files.pdf("KTP Ratna Sari Dewi"))
    for slot in ("KTP pemohon", "Kartu NPWP", "Foto tempat usaha (tidak wajib)"):
        expect(page.get_by_role("region", name=slot, exact=True).get_by_text("Lolos pemeriksaan", exact=True)).to_have_count(1)
    expect(documents.get_by_text("Lolos pemeriksaan", exact=True)).to_have_count(3)
    expect(documents.get_by_text("Ditolak", exact=True)).to_have_count(0)
    expect(documents.get_by_text("Sedang diperiksa", exact=True)).to_have_count(0)
    expect(ktp).to_contain_text("ktp-bersih.pdf")
    expect(ktp.get_by_text("ktp.pdf", exact=True)).to_have_count(0)  # the refused file is gone
    check_accessibility(page)
    return token


def submit_and_get_the_receipt(page, http, app_id: str) -> str:
    """Submit: the receipt is ready and the application tracks as submitted; answers its tracking
    code."""
    tracking_code = submit_in_browser(page, app_id, "Diajukan tahap 1 dari 3: Verifikasi berkas di front office")
    expect(page.get_by_role("link", name="Unduh tanda terima (PDF)", exact=True)).to_be_visible(timeout=60_000)
    check_accessibility(page)
    assert http.get(f"/track/{tracking_code}").json["status"] == "submitted"
    return tracking_code


def a_stranger_tracks_it_logged_out(open_page, web: str, tracking_code: str, owner: str) -> None:
    """Anyone tracks it by its code, logged out, and sees no personal data."""
    stranger = open_page()
    stranger.goto(web + "/track")
    field(stranger, "Kode pelacakan").fill(tracking_code)
    stranger.get_by_role("button", name="Lacak").click()
    expect(stranger).to_have_url(re.compile(rf"/track/{tracking_code}$"))
    result = stranger.get_by_role("region", name=SERVICE)
    expect(result).to_contain_text("Diajukan")
    expect(result).to_contain_text("tahap 1 dari 3")
    history = result.get_by_role("listitem")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Draf")
    expect(history.nth(1)).to_contain_text("Diajukan · tahap 1")
    expect(stranger.get_by_role("main")).not_to_contain_text(owner)  # no personal data
    expect(stranger.get_by_role("link", name="Masuk")).to_be_visible()  # not logged in
    check_accessibility(stranger)


def the_permit_office_approves_it_in_three_steps(open_page, tracking_code: str) -> None:
    """The permit office's three deciders, each in their own window."""
    steps = [("fo.dpmptsp", "Verifikasi berkas di front office", "Diproses tahap 2 dari 3: Kajian teknis bidang perizinan"),
             ("teknis.dpmptsp", "Kajian teknis bidang perizinan", "Diproses tahap 3 dari 3: Penetapan oleh Kepala DPMPTSP"),
             ("kepala.dpmptsp", "Penetapan oleh Kepala DPMPTSP", "Disetujui")]
    for index, (who, step_label, after) in enumerate(steps):
        decider = approve_in_browser(open_page, who, tracking_code, SERVICE, step_label, accessibility=index == 0)
        expect(fact(decider, "Status")).to_have_text(after)
        decider.close()


def the_citizen_sees_the_certificate_and_its_code(page, http, app_id: str, token: str) -> dict:
    """The citizen sees the certificate and its code; answers the certificate the server holds."""
    page.reload()
    expect(fact(page, "Status")).to_have_text("Disetujui")
    certificate = page.get_by_role("region", name="Sertifikat", exact=True)
    expect(certificate.get_by_role("link", name=re.compile(r"^Unduh sertifikat \(PDF\)$", re.I))).to_be_visible(timeout=60_000)
    held = http.get(f"/applications/{app_id}/certificate", token=token).json
    assert held["code"] and held["number"], held
    expect(fact(certificate, "Nomor")).to_have_text(held["number"])
    code_link = fact(certificate, "Kode verifikasi").get_by_role("link", name=held["code"], exact=True)
    expect(code_link).to_have_attribute("href", f"/verify/{held['code']}")
    check_accessibility(page)
    return held


def anyone_verifies_the_certificate_logged_out(open_page, web: str, held: dict, owner: str) -> None:
    """Anyone checks it, logged out, from its code: valid, with the holder's name masked."""
    checker = open_page()
    checker.goto(f"{web}/verify/{held['code']}")
    verdict = checker.get_by_role("region", name="Sertifikat SAH")
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text(SERVICE)
    expect(verdict).to_contain_text(held["number"])
    expect(verdict).to_contain_text(mask(owner))
    expect(checker.get_by_role("main")).not_to_contain_text(owner)
    check_accessibility(checker)
