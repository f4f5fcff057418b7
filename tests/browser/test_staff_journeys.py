"""Staff at work in the browser: a kelurahan clerk files a birth report that three offices
approve, a branch manager approves spending reports in a batch where one went stale meanwhile,
and an invited clerk sets a password from the e-mail's link."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests import files
from tests.browser.conftest import (
    approve_in_browser, check_accessibility, choose_file, submit_in_browser, demo, fact, field, login,
)
from tests.support import eventually, post_file

TRACKING_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
WIB = timezone(timedelta(hours=7))

BIRTH = "Pelaporan Kelahiran"
MOTHER_NIK = "3276064503900002"  # a woman born 5 March 1990, registered in Beji
FATHER_NIK = "3276061708850003"  # a man born 17 August 1985, registered in Beji

SPENDING = "Laporan Penggunaan Marketing Fee"
SELATAN = "cluster-depok-selatan"


def test_a_kelurahan_clerk_files_a_birth_report_that_kelurahan_kecamatan_and_kota_approve(open_page, http, web):
    born = (datetime.now(WIB).date() - timedelta(days=5)).isoformat()
    child = f"Bayu Pratama {uuid.uuid4().hex[:4].upper()}"
    clerk = open_page()
    login(clerk, demo("petugas.kukusan"))

    app_id = start_a_birth_report_on_behalf_of_a_citizen(clerk)
    fill_the_birth_report_with_its_papers(clerk, child, born)
    tracking_code = submit_in_browser(clerk, app_id, "Diajukan tahap 1 dari 3: Verifikasi kelurahan")
    check_accessibility(clerk)
    kelurahan_kecamatan_and_kota_approve_in_turn(open_page, tracking_code)
    the_clerk_sees_the_birth_report_approved(clerk, http, child, tracking_code)


def start_a_birth_report_on_behalf_of_a_citizen(clerk) -> str:
    """From the clerk's own applications to a birth report's draft, filed at the clerk's
    kelurahan; answers the draft's application id."""
    clerk.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Permohonan yang saya ajukan").click()
    expect(clerk).to_have_url(re.compile(r"/applications$"))
    expect(clerk.get_by_role("heading", level=1, name="Permohonan yang saya ajukan")).to_be_visible()
    check_accessibility(clerk)
    clerk.get_by_role("region", name="Ajukan atas nama warga").get_by_role("link", name=BIRTH, exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name=f"Ajukan: {BIRTH}")).to_be_visible()
    expect(clerk.get_by_role("radio", name="Kelurahan Kukusan")).to_be_checked()  # where the clerk files
    expect(clerk.get_by_role("radio", name="Kelurahan Pondok Cina")).to_have_count(0)
    check_accessibility(clerk)
    clerk.get_by_role("button", name="Mulai mengisi").click()
    expect(clerk).to_have_url(re.compile(r"/applications/app_[0-9a-z]+/edit$"))
    return clerk.url.split("/")[-2]


def fill_the_birth_report_with_its_papers(clerk, child: str, born: str) -> None:
    """The child, the parents and the reporter, then the birth certificate and the family card,
    both passing the scan."""
    field(clerk, "Nama anak").fill(child)
    field(clerk, "Jenis kelamin").select_option("Laki-laki")
    field(clerk, "Tanggal lahir").fill(born)
    field(clerk, "Pukul lahir (JJ:MM) (tidak wajib)").fill("07:45")
    field(clerk, "Tempat lahir").fill("RSUD Kota Depok")
    field(clerk, "Penolong kelahiran").select_option("Dokter")
    field(clerk, "NIK ibu").fill(MOTHER_NIK)
    expect(clerk.get_by_text(re.compile(r"Terdaftar di Beji.* · lahir .*1990 · perempuan"))).to_be_visible()
    field(clerk, "Nama ibu").fill("Rina Marlina")
    field(clerk, "NIK ayah (tidak wajib)").fill(FATHER_NIK)
    field(clerk, "Nama ayah (tidak wajib)").fill("Ahmad Hidayat")
    field(clerk, "Nomor KK").fill("3276060101090007")
    field(clerk, "NIK pelapor").fill(FATHER_NIK)
    field(clerk, "Nama pelapor").fill("Ahmad Hidayat")
    field(clerk, "Hubungan pelapor").select_option("Ayah")
    field(clerk, "Telepon pelapor (tidak wajib)").fill("+62 812 1111 2222")
    choose_file(clerk, "Pilih berkas: Surat keterangan lahir (RS/bidan)", "surat-lahir.pdf", "application/pdf",
                files.pdf("Surat keterangan lahir"))
    choose_file(clerk, "Pilih berkas: Kartu Keluarga", "kk.png", "image/png", files.png(400, 300, (120, 180, 230)))
    documents = clerk.get_by_role("region", name="Berkas", exact=True)
    expect(documents.get_by_text("Lolos pemeriksaan", exact=True)).to_have_count(2)
    check_accessibility(clerk)


def sees_the_whole_nik_and_the_documents(page) -> None:
    """Those who decide read the NIKs in full; everyone else sees them masked."""
    expect(fact(page, "NIK ibu")).to_have_text(MOTHER_NIK)
    if page.get_by_role("heading", level=2, name="Keputusan: Verifikasi kelurahan").count():
        # The verifier reads the papers in the page: the PDF drawn by pdf.js, the photo as it is.
        documents = page.get_by_role("region", name="Berkas", exact=True)
        documents.get_by_role("button", name="Lihat surat-lahir.pdf").click()
        expect(documents.get_by_role("img", name="Halaman 1 dari 1, surat-lahir.pdf")).to_be_visible()
        drawn = page.evaluate("""() => { const c = document.querySelector('canvas.pdf-page');
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0); }""")
        assert drawn, "the PDF's page was not drawn"
        documents.get_by_role("button", name="Lihat kk.png").click()
        photo = documents.get_by_role("img", name="kk.png")
        expect(photo).to_be_visible()
        assert photo.evaluate("img => img.naturalWidth") == 400


def kelurahan_kecamatan_and_kota_approve_in_turn(open_page, tracking_code: str) -> None:
    """The kelurahan's verifier, the camat and the city's civil registry office approve, each in
    their own window, each reading the NIKs in full first."""
    for index, (who, step, after) in enumerate([
            ("verifikator.kukusan", "Verifikasi kelurahan", "Diproses tahap 2 dari 3: Persetujuan kecamatan"),
            ("camat.beji", "Persetujuan kecamatan", "Diproses tahap 3 dari 3: Persetujuan Disdukcapil kota"),
            ("disdukcapil.depok", "Persetujuan Disdukcapil kota", "Disetujui")]):
        decider = approve_in_browser(open_page, who, tracking_code, BIRTH, step, accessibility=index == 0,
                                     before_approving=sees_the_whole_nik_and_the_documents)
        expect(fact(decider, "Status")).to_have_text(after)
        decider.close()


def the_clerk_sees_the_birth_report_approved(clerk, http, child: str, tracking_code: str) -> None:
    """Back in the clerk's window: approved, on its page, in the clerk's list and when tracked."""
    clerk.reload()
    expect(fact(clerk, "Status")).to_have_text("Disetujui")
    expect(fact(clerk, "Nama anak")).to_have_text(child)
    clerk.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Permohonan yang saya ajukan").click()
    listed = clerk.get_by_role("listitem").filter(has_text=tracking_code)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Disetujui")
    assert http.get(f"/track/{tracking_code}").json["status"] == "approved"


def file_spending_report(http, token: str, amount: int) -> dict:
    """A cluster's spending report with its photo, scanned by the stack's worker, submitted."""
    today = datetime.now(WIB).date().isoformat()
    app = http.post("/applications", {"service_id": "marketing-fee-report", "node_id": SELATAN, "data": {
        "category": "OUTLET", "activity": f"Branding outlet {amount}", "spent_on": today, "amount": amount,
        "payee": "CV Sinar Depok", "description": "Spanduk dan stiker untuk outlet mitra."}}, token=token)
    assert app.status == 201, app.text
    app_id = app.json["id"]
    photo = files.jpeg_with_gps(320, 240)
    offered = http.post(f"/applications/{app_id}/documents", {"requirement": "evidence_photo", "filename": "bukti.jpg",
                                                              "content_type": "image/jpeg", "size": len(photo)}, token=token)
    assert offered.status == 201, offered.text
    assert post_file(offered.json["upload"], "bukti.jpg", "image/jpeg", photo) in (200, 201, 204)
    def scanned():
        return all(d["status"] == "clean" for d in http.get(f"/applications/{app_id}/documents", token=token).json["items"])

    eventually(scanned, what="the evidence photo's scan")
    submitted = http.post(f"/applications/{app_id}/submit", token=token)
    assert submitted.status == 200, submitted.text
    return submitted.json


def test_a_branch_manager_batch_approves_spending_reports_and_sees_each_outcome_with_the_stale_one_failing_alone(
        open_page, http):
    cluster = http.login(demo("cluster.selatan"))
    reports = [file_spending_report(http, cluster, amount) for amount in (125_000, 250_000, 375_000)]
    codes = [r["tracking_code"] for r in reports]

    page = open_page()
    login(page, demo("branch.depok"))
    expect(page).to_have_url(re.compile(r"/inbox$"))
    field(page, "Layanan").select_option(label=SPENDING)
    field(page, "Kantor").select_option(SELATAN)
    inbox = page.get_by_role("listitem").filter(has=page.get_by_role("checkbox", name=re.compile(r"^Pilih ")))
    expect(inbox).to_have_count(3)
    for code in codes:
        expect(inbox.filter(has_text=code)).to_have_count(1)
    page.get_by_role("checkbox", name="Pilih semua yang dapat disetujui").check()
    for code in codes:
        expect(page.get_by_role("checkbox", name=f"Pilih {code}", exact=True)).to_be_checked()
    approve = page.get_by_role("button", name="Setujui yang dipilih (3)", exact=True)
    expect(approve).to_be_enabled()
    check_accessibility(page)

    # Meanwhile, a colleague holding the branch's approver role (lent for the day) rejects one.
    branch = http.login(demo("branch.depok"))
    now = datetime.fromisoformat(http.get("/_local/clock").json["now"])
    lent = http.post("/delegations", {"role": "approver", "node_id": "branch-depok",
                                      "delegate_email": demo("region.jabotabek"),
                                      "starts_at": (now - timedelta(minutes=1)).isoformat(),
                                      "ends_at": (now + timedelta(days=1)).isoformat()}, token=branch)
    assert lent.status == 201, lent.text
    try:
        colleague = http.login(demo("region.jabotabek"))
        stale = reports[1]
        decided = http.post(f"/applications/{stale['id']}/decision",
                            {"action": "reject", "step": 1, "comment": "Foto bukti bukan outlet mitra."}, token=colleague)
        assert decided.status == 200, decided.text
    finally:
        assert http.delete(f"/delegations/{lent.json['id']}", token=branch).status in (200, 204)

    approve.click()
    results = page.get_by_role("status").filter(has=page.get_by_role("heading", name=re.compile(r"^Hasil:")))
    expect(results.get_by_role("heading")).to_have_text("Hasil: 2 disetujui, 1 gagal")
    outcomes = results.get_by_role("listitem")
    expect(outcomes).to_have_count(3)
    for report in reports:
        expected = ("Tahap ini tidak lagi menunggu keputusan Anda: orang lain sudah memutuskannya, atau permohonan "
                    "dibatalkan. Halaman dimuat ulang dengan keadaan terbaru." if report is stale else "disetujui")
        expect(outcomes.filter(has_text=report["tracking_code"])).to_have_text(f"{report['tracking_code']}: {expected}")
    expect(page.get_by_text("Tidak ada yang cocok dengan saringan ini.")).to_be_visible()  # nothing left to decide
    check_accessibility(page)

    branch_view = {r["id"]: http.get(f"/applications/{r['id']}", token=branch).json["status"] for r in reports}
    # The branch manager's step is the first of three: MCOT and the region approve next.
    assert branch_view == {reports[0]["id"]: "in_review", stale["id"]: "rejected", reports[2]["id"]: "in_review"}


def test_an_invited_clerk_sets_a_password_from_the_email_link_and_lands_in_the_workspace(open_page, http, web):
    admin = http.login(demo("admin"))
    email = f"petugas.baru.{uuid.uuid4().hex[:8]}@example.id"
    invited = http.post("/admin/users", {"email": email, "name": "Sari Petugas Baru",
                                         "roles": [{"role": "verifier", "node_id": "kel-kukusan"}]}, token=admin)
    assert invited.status == 201, invited.text
    mail = http.wait_for_mail(email, "Undangan", timeout=20)
    found = re.search(r"https?://\S+/set-password#\S+", mail["text"])
    assert found, mail["text"]
    link = found.group(0)
    assert link.startswith(web + "/set-password#email="), link
    assert "code=" in link

    page = open_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Buat kata sandi Anda")).to_be_visible()
    expect(field(page, "Alamat e-mail")).to_have_value(email)
    expect(field(page, "Alamat e-mail")).not_to_be_editable()
    expect(field(page, "Kode dari e-mail")).to_have_count(0)  # the code came with the link
    assert "code=" not in page.url  # and is kept out of the tab's history
    check_accessibility(page)
    password = "teh manis di pagi hari"
    field(page, "Kata sandi baru").fill(password)
    field(page, "Ulangi kata sandi").fill(password + "!")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_text("Kedua kata sandi tidak sama.")).to_be_visible()  # checked before asking
    field(page, "Ulangi kata sandi").fill(password)
    page.get_by_role("button", name="Simpan kata sandi").click()

    expect(page).to_have_url(re.compile(r"/login\?reset=1"))
    expect(page.get_by_role("status")).to_contain_text("Kata sandi sudah disimpan. Silakan masuk dengan kata sandi baru.")
    expect(field(page, "Alamat e-mail")).to_have_value(email)
    field(page, "Kata sandi").fill(password)
    page.get_by_role("main").get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1, name="Kotak masuk")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Navigasi utama")
    expect(navigation.get_by_role("link", name="Kotak masuk")).to_be_visible()
    expect(navigation).to_contain_text("Sari Petugas Baru")
    # A verifier at Kukusan: the kelurahan's waiting applications are theirs to decide.
    expect(page.get_by_role("listitem").filter(has_text="Kelurahan Kukusan").first).to_be_visible()
    check_accessibility(page)
