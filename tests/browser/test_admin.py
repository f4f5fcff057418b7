"""issue 20: administration in the browser. An admin opens a kelurahan under Kecamatan Beji with
its real region code, invites a clerk there, and the clerk sets a password from the e-mailed link
and files a birth report at the new kelurahan straight away; a role granted, lent by a delegation
and revoked (the delegation ends with it); an event subscription made with its secret shown once,
paused and resumed; the service catalogue read by staff. axe-core and the console on every page."""

from __future__ import annotations

import re
import time
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, demo, field, login, page_width, submit_in_browser
from tests.browser.test_staff_journeys import BIRTH, fill_the_birth_report_with_its_papers

WIB_TIME = r"\d{1,2}[.:]\d{2}"


def test_an_admin_opens_a_kelurahan_invites_a_clerk_who_files_an_event_at_once(open_page, http):
    suffix = uuid.uuid4().hex[:6]
    kelurahan = f"Kelurahan Uji {suffix}"
    admin = open_page()
    login(admin, demo("admin"))

    office_url = opens_a_kelurahan_under_beji(admin, kelurahan)
    opened_at = time.monotonic()
    clerk_email = f"petugas.{suffix}@example.id"
    invites_a_clerk(admin, clerk_email, kelurahan)

    clerk = open_page()
    password = sets_a_password_from_the_email(clerk, http, clerk_email)
    login(clerk, clerk_email, password)
    files_a_birth_report_at(clerk, kelurahan)
    assert time.monotonic() - opened_at < 180, "the new office took work before it could be used"
    (office_id,) = re.findall(r"/admin/org/([^/?#]+)$", office_url)
    filed = http.get("/applications?status=submitted", token=http.login(clerk_email, password)).json["items"]
    assert [a["node_id"] for a in filed] == [office_id]

    a_role_granted_and_revoked_ends_its_delegation(admin, http, office_url, clerk_email, password)


def opens_a_kelurahan_under_beji(admin, kelurahan: str) -> str:
    """From the header's "Administrasi" down the tree to Kecamatan Beji; the region code is
    checked as typed; the new kelurahan is under Beji at once. Answers its page's address."""
    admin.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Administrasi").click()
    expect(admin.get_by_role("heading", level=1, name="Struktur organisasi")).to_be_visible()
    check_accessibility(admin)
    admin.get_by_role("link", name="satupintu (demo)").click()
    admin.get_by_role("region", name="Kantor di bawahnya").get_by_role("link", name="Kota Depok").click()
    admin.get_by_role("region", name="Kantor di bawahnya").get_by_role("link", name="Kecamatan Beji").click()
    expect(admin.get_by_role("heading", level=1, name="Kecamatan Beji")).to_be_visible()
    breadcrumbs = admin.get_by_role("navigation", name="Jejak halaman")
    expect(breadcrumbs).to_contain_text("satupintu (demo) › Kota Depok › Kecamatan Beji")
    expect(admin.get_by_text("32.76.06 (Beji, Kota Depok)")).to_be_visible()
    check_accessibility(admin)

    form = admin.get_by_role("form", name="Buka kantor di bawah Kecamatan Beji")
    field(form, "Jenis kantor").fill("kelurahan")
    expect(field(form, "Kode wilayah (Kemendagri)")).to_have_value("32.76.06.")  # its kecamatan's code first
    field(form, "Nama kantor").fill(kelurahan)
    field(form, "Kode wilayah (Kemendagri)").fill("32.76.01.1003")  # Pancoran Mas: another kecamatan's
    form.get_by_role("button", name="Buka kantor").click()
    expect(form.get_by_text("Harus berada di dalam wilayah kantor induk (32.76.06).")).to_be_visible()
    field(form, "Kode wilayah (Kemendagri)").fill("32.76.06.1003")
    expect(form.get_by_text("Wilayah: Beji, Kota Depok")).to_be_visible()
    check_accessibility(admin)
    form.get_by_role("button", name="Buka kantor").click()
    expect(form.get_by_role("status")).to_contain_text(f"Kantor {kelurahan} telah dibuka")
    admin.get_by_role("region", name="Kantor di bawahnya").get_by_role("link", name=kelurahan).click()
    expect(admin.get_by_role("heading", level=1, name=kelurahan)).to_be_visible()
    expect(admin.get_by_text("Jenis: kelurahan · Kode wilayah: 32.76.06.1003 (Beji, Kota Depok)")).to_be_visible()
    expect(admin.get_by_text("Belum ada yang memegang peran di kantor ini.")).to_be_visible()
    check_accessibility(admin)
    return admin.url


def invites_a_clerk(admin, email: str, kelurahan: str) -> None:
    form = admin.get_by_role("form", name="Undang staf atau beri peran")
    field(form, "E-mail").fill(email)
    field(form, "Nama lengkap").fill("Wulan Petugas Baru")
    field(form, f"Peran di {kelurahan}").select_option("Pengaju")
    form.get_by_role("button", name="Undang").click()
    staff = admin.get_by_role("region", name="Staf di kantor ini")
    expect(staff.get_by_role("status").filter(has_text=f"{email} kini memegang peran Pengaju di {kelurahan}")).to_be_visible()
    row = staff.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Pengaju")
    expect(row).to_contain_text("Diundang, belum mengatur kata sandi")
    check_accessibility(admin)


def sets_a_password_from_the_email(clerk, http, email: str) -> str:
    mail = http.wait_for_mail(email, "Undangan", timeout=20)
    link = re.search(r"https?://\S+/set-password#\S+", mail["text"])
    assert link, mail["text"]
    clerk.goto(link.group(0))
    expect(clerk.get_by_role("heading", level=1, name="Buat kata sandi Anda")).to_be_visible()
    check_accessibility(clerk)
    password = "kopi tubruk tanpa gula"
    field(clerk, "Kata sandi baru").fill(password)
    field(clerk, "Ulangi kata sandi").fill(password)
    clerk.get_by_role("button", name="Simpan kata sandi").click()
    expect(clerk).to_have_url(re.compile(r"/login\?reset=1"))
    return password


def files_a_birth_report_at(clerk, kelurahan: str) -> None:
    """The clerk's first minutes: a birth report filed at the office opened a moment ago."""
    clerk.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Permohonan yang saya ajukan").click()
    expect(clerk.get_by_role("heading", level=1, name="Permohonan yang saya ajukan")).to_be_visible()
    check_accessibility(clerk)
    clerk.get_by_role("region", name="Ajukan atas nama warga").get_by_role("link", name=BIRTH, exact=True).click()
    expect(clerk.get_by_role("radio", name=kelurahan)).to_be_checked()
    clerk.get_by_role("button", name="Mulai mengisi").click()
    expect(clerk).to_have_url(re.compile(r"/applications/app_[0-9a-z]+/edit$"))
    app_id = clerk.url.split("/")[-2]
    fill_the_birth_report_with_its_papers(clerk, f"Sekar Ayu {uuid.uuid4().hex[:4].upper()}", _days_ago(3))
    submit_in_browser(clerk, app_id, "Diajukan tahap 1 dari 3: Verifikasi kelurahan")
    check_accessibility(clerk)


def _days_ago(days: int) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone(timedelta(hours=7))).date() - timedelta(days=days)).isoformat()


def a_role_granted_and_revoked_ends_its_delegation(admin, http, office_url: str, clerk_email: str, password: str) -> None:
    """The admin makes the clerk the kelurahan's verifier too; the clerk lends it to a colleague
    for a week; the admin revokes it, and the colleague no longer holds it by that delegation."""
    office_id = office_url.rsplit("/", 1)[-1]
    admin.goto(office_url)
    grant = admin.get_by_role("form", name="Beri peran lain kepada staf kantor ini")
    field(grant, "Staf").select_option(label=f"Wulan Petugas Baru <{clerk_email}>")
    field(grant, "Peran").select_option("Verifikator")
    grant.get_by_role("button", name="Beri peran").click()
    staff = admin.get_by_role("region", name="Staf di kantor ini")
    expect(staff.get_by_role("status").filter(has_text="Wulan Petugas Baru kini memegang peran Verifikator")).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="Verifikator")).to_contain_text("Aktif")

    clerk_token = http.login(clerk_email, password)
    colleague = demo("verifikator.kukusan")
    now = http.get("/_local/clock").json["now"]
    lent = http.post("/delegations", {"role": "verifier", "node_id": office_id, "delegate_email": colleague,
                                      "starts_at": now, "ends_at": _week_after(now)}, token=clerk_token)
    assert lent.status == 201, lent.text
    colleague_token = http.login(colleague)
    assert ("verifier", office_id) in {(d["role"], d["node_id"]) for d in
                                       http.get("/me", token=colleague_token).json["delegated_roles"]}

    row = staff.get_by_role("row").filter(has_text="Verifikator")
    row.get_by_role("button", name="Cabut peran").click()
    expect(row).to_contain_text("Cabut peran Verifikator dari Wulan Petugas Baru?")
    check_accessibility(admin)
    row.get_by_role("button", name="Ya, cabut").click()
    expect(staff.get_by_role("status").filter(has_text="Peran Verifikator dicabut dari Wulan Petugas Baru. Pelimpahan yang diakhiri: 1 (Dedi Verifikator Kukusan).")).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="Verifikator")).to_have_count(0)
    expect(staff.get_by_role("row").filter(has_text="Pengaju")).to_have_count(1)
    assert ("verifier", office_id) not in {(d["role"], d["node_id"]) for d in
                                           http.get("/me", token=colleague_token).json["delegated_roles"]}
    assert http.get("/delegations", token=clerk_token).json["items"] == []
    check_accessibility(admin)


def _week_after(iso: str) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(iso) + timedelta(days=7)).isoformat()


def test_an_admin_makes_a_subscription_whose_secret_is_shown_once_then_pauses_and_resumes_it(open_page):
    url = f"https://hooks.example.id/satupintu/{uuid.uuid4().hex[:8]}"
    admin = open_page()
    login(admin, demo("admin"))
    admin.goto(admin.web + "/admin/org")
    admin.get_by_role("navigation", name="Bagian administrasi").get_by_role("link", name="Langganan peristiwa").click()
    expect(admin.get_by_role("heading", level=1, name="Langganan peristiwa")).to_be_visible()
    check_accessibility(admin)

    form = admin.get_by_role("form", name="Langganan baru")
    form.get_by_role("button", name="Buat langganan").click()
    expect(form.get_by_text("Wajib diisi.").first).to_be_visible()  # said before asking
    field(form, "URL penerima (https)").fill(url)
    form.get_by_role("checkbox", name=re.compile("Permohonan disetujui")).check()
    form.get_by_role("checkbox", name=re.compile("Permohonan ditolak")).check()
    field(form, "Kantor (beserta kantor di bawahnya)").select_option("Kota Depok")
    form.get_by_role("button", name="Buat langganan").click()

    once = admin.get_by_role("region", name="Rahasia penandatanganan langganan")
    expect(once).to_contain_text("Salin dan simpan sekarang: rahasia ini tidak akan ditampilkan lagi.")
    secret = once.get_by_test_id("subscription-secret").inner_text()
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{20,}", secret), secret
    check_accessibility(admin)
    once.get_by_role("button", name="Salin rahasia").click()
    expect(once.get_by_role("status")).to_have_text(re.compile("Rahasia tersalin.|Tidak dapat menyalin otomatis"))
    once.get_by_role("button", name="Sudah saya simpan").click()
    expect(once).to_have_count(0)

    row = admin.get_by_role("row").filter(has_text=url)
    expect(row).to_contain_text("Permohonan disetujui, Permohonan ditolak")
    expect(row).to_contain_text("Kota Depok")
    expect(row).to_contain_text("Aktif")
    row.get_by_role("button", name="Jeda").click()
    expect(row).to_contain_text("Dijeda")
    expect(row).to_contain_text(re.compile(rf"Dijeda sejak .*{WIB_TIME}"))
    row.get_by_role("button", name="Lanjutkan").click()
    expect(row).to_contain_text("Aktif")
    admin.reload()
    expect(admin.get_by_role("row").filter(has_text=url)).to_contain_text("Aktif")
    assert secret not in admin.content(), "the secret is shown once only"
    check_accessibility(admin)

    # The demo's subscription (every event, to the local stand-in) has had the demo's applications' events.
    admin.get_by_role("row").filter(has_text="demo: every event").get_by_role("button", name="Lihat kiriman").click()
    deliveries = admin.get_by_role("table", name="Kiriman langganan ini, terbaru dahulu")
    expect(deliveries.get_by_role("row").filter(has_text="Permohonan diajukan").first).to_be_visible()
    expect(deliveries.get_by_role("row").filter(has_text="Terkirim").first).to_be_visible()
    check_accessibility(admin)


def test_staff_read_the_service_catalogue(open_page, http):
    clerk = open_page()
    login(clerk, demo("petugas.kukusan"))
    clerk.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Katalog").click()
    expect(clerk.get_by_role("heading", level=1, name="Katalog layanan")).to_be_visible()
    table = clerk.get_by_role("table", name="Layanan dalam katalog")
    expect(table.get_by_role("row")).to_have_count(len(http.get("/services").json["items"]) + 1)
    check_accessibility(clerk)
    table.get_by_role("link", name=BIRTH, exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name=BIRTH)).to_be_visible()
    steps = clerk.get_by_role("table", name="Tahapan keputusan")
    expect(steps.get_by_role("row")).to_have_count(4)
    expect(steps.get_by_role("row").nth(1)).to_contain_text("Verifikator")
    expect(steps.get_by_role("row").nth(1)).to_contain_text("kelurahan")
    expect(steps.get_by_role("row").nth(2)).to_contain_text("Penyetuju")
    expect(steps.get_by_role("row").nth(2)).to_contain_text("kecamatan")
    fields = clerk.get_by_role("table", name="Isian formulir")
    expect(fields.get_by_role("row").filter(has_text="NIK ibu")).to_contain_text("data pribadi (disegel)")
    expect(clerk.get_by_role("table", name="Dokumen yang diminta")).to_contain_text("Kartu Keluarga")
    check_accessibility(clerk)



def test_an_office_page_fits_a_360_px_phone(open_page):
    admin = open_page(width=360, height=780)
    login(admin, demo("admin"))
    admin.goto(admin.web + "/admin/org/kec-beji")
    expect(admin.get_by_role("heading", level=1, name="Kecamatan Beji")).to_be_visible()
    expect(admin.get_by_role("table", name="Peran yang dipegang di Kecamatan Beji")).to_be_visible()
    assert page_width(admin) <= 360, "the page scrolls sideways on a phone"
    check_accessibility(admin)
    admin.goto(admin.web + "/admin/subscriptions")
    expect(admin.get_by_role("heading", level=1, name="Langganan peristiwa")).to_be_visible()
    expect(admin.get_by_role("table", name="Langganan kantor yang Anda kelola")).to_be_visible()
    assert page_width(admin) <= 360, "the page scrolls sideways on a phone"
    check_accessibility(admin)
