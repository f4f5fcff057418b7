"""Receipts, certificates and monthly usage reports: rendered by the render function from the
outbox or a request, once each, opened with pypdf; certificates verified and revoked."""

import io

import pytest
import requests
from pypdf import PdfReader

from tests import files
from tests.integration.test_applications import decide, file
from tests.integration.test_budgets import put_budget, put_split
from tests.support import (
    approve_report, deliver_queue, file_spending_report, make_office_tree, make_people, make_sales_tree, upload_document,
)


@pytest.fixture
def office(api, seeded):
    nodes = make_office_tree(api.deps)
    return {**nodes, **make_people(api, {
        "desk_verifier": [("verifier", nodes["desk"])],
        "dept_verifier": [("verifier", nodes["department"])],
        "head": [("approver", nodes["office"])],
        "admin": [("admin", nodes["office"])],
        "applicant": [],
    })}


def render(api):
    return deliver_queue(api.deps, "render_pdf")


def pdf_text(url):
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200
    reader = PdfReader(io.BytesIO(answer.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def approved_permit(api, office, title="Izin uji"):
    app = file(api, office["applicant"], office["desk"], {"title": title, "amount": 5_000_000})
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    app = decide(api, office["desk_verifier"], app).json
    app = decide(api, office["dept_verifier"], app, comment="Sesuai").json
    answer = decide(api, office["head"], app)
    assert answer.status == 200, answer.text
    return answer.json


def test_a_submission_gets_a_receipt_with_its_tracking_code(api, office):
    app = file(api, office["applicant"], office["desk"], {"title": "Izin reklame", "amount": 1_250_000})
    assert api.get(f"/applications/{app['id']}/receipt", token=office["applicant"]).status == 404  # a draft has none
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    pending = api.get(f"/applications/{app['id']}/receipt", token=office["applicant"]).json
    assert pending == {"tracking_code": app["tracking_code"], "pdf_status": "pending", "download_url": None}
    assert render(api) >= 1
    receipt = api.get(f"/applications/{app['id']}/receipt", token=office["applicant"]).json
    assert receipt["pdf_status"] == "ready"
    _, text = pdf_text(receipt["download_url"])
    assert "TANDA TERIMA PERMOHONAN" in text and app["tracking_code"] in text
    assert "Rp 1.250.000" in text and "Izin reklame" in text
    assert "Halaman 1 dari 1" in text


def test_an_approved_permit_has_a_numbered_certificate_anyone_can_verify(api, office):
    app = approved_permit(api, office)
    assert app["status"] == "approved" and app["certificate_code"]
    second = approved_permit(api, office, "Izin kedua")
    render(api)
    cert = api.get(f"/applications/{app['id']}/certificate", token=office["applicant"]).json
    other = api.get(f"/applications/{second['id']}/certificate", token=office["applicant"]).json
    sequence = int(cert["number"].split("/")[0])
    assert int(other["number"].split("/")[0]) == sequence + 1  # one series, no gaps
    assert cert["status"] == "valid" and cert["pdf_status"] == "ready"

    reader, text = pdf_text(cert["download_url"])
    assert "SERTIFIKAT" in text and cert["number"] in text and cert["code"] in text
    assert "Head" in text and "Desk Verifier" in text and "Dept Verifier" in text  # the deciders
    assert "Rp 5.000.000" in text and app["tracking_code"] in text
    assert len(reader.pages[0].images) == 1  # the QR code

    public = api.get(f"/verify/{cert['code'].lower().replace('-', '')}")  # typed as people type it
    assert public.status == 200, public.text
    assert public.json["valid"] is True and public.json["number"] == cert["number"]
    assert public.json["holder"] != cert["holder"] and public.json["holder"].startswith(cert["holder"][0])
    assert "*" in public.json["holder"]
    page = api.call("GET", f"/verify/{cert['code']}", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.content_type.startswith("text/html") and "Sertifikat SAH" in page.text
    assert api.get("/verify/AAAA-BBBB-CCCC-DDDD").status == 404


def test_the_issuing_authority_revokes_a_certificate_and_verification_says_so(api, office):
    app = approved_permit(api, office)
    url = f"/applications/{app['id']}/certificate/revoke"
    assert api.post(url, {"reason": "Data palsu"}, token=office["applicant"]).status == 403
    assert api.post(url, {"reason": "Data palsu"}, token=office["desk_verifier"]).status == 403
    assert api.post(url, {"reason": "  "}, token=office["head"]).status == 422
    revoked = api.post(url, {"reason": "Dokumen pendukung terbukti palsu"}, token=office["head"])
    assert revoked.status == 200, revoked.text
    assert revoked.json["status"] == "revoked"
    assert api.post(url, {"reason": "lagi"}, token=office["admin"]).status == 409
    public = api.get(f"/verify/{app['certificate_code']}").json
    assert (public["valid"], public["status"], public["revocation_reason"]) == (False, "revoked", "Dokumen pendukung terbukti palsu")
    actions = [e["action"] for e in api.get(f"/applications/{app['id']}/history", token=office["head"]).json["items"]]
    assert actions[-1] == "revoke_certificate"


def test_rendering_is_idempotent_a_redelivered_job_renders_nothing_twice(api, office):
    import json

    from chalicelib.workers.render import handle_record

    app = approved_permit(api, office)
    deps = api.deps
    job = json.loads(render_job(app["id"]))
    deps.render_jobs.send(job)  # SQS delivers at least once: the same job twice more
    deps.render_jobs.send(job)
    assert render(api) >= 3
    record = deps.pdf_store.get("certificate", app["id"])
    assert record.status == "ready" and record.attempts == 1  # claimed and rendered once
    assert deps.rendering.render_pdf("certificate", app["id"], 1) == "already rendered"
    assert handle_record(json.dumps(job), 1) == "already handled"  # the outbox entry is cleared


def test_a_changes_render_job_carries_what_it_asks_so_the_render_reads_no_entry_back(api, office, monkeypatch):
    app = approved_permit(api, office)
    read_back = []
    monkeypatch.setattr(api.deps.outbox_store, "get_payload", lambda key: read_back.append(key) or None)
    assert render(api) >= 2  # the receipt's job and the certificate's, as the changes queued them
    assert read_back == [] and api.deps.pdf_store.get("certificate", app["id"]).status == "ready"


def render_job(app_id, kind="certificate"):
    import json

    from chalicelib.adapters.dynamodb import models as m

    [entry] = [item for item in m.OutboxItem.query(f"APP#{app_id}", m.OutboxItem.sk.startswith("OUT#"))
               if item.topic == "render" and item.payload["kind"] == kind]
    return json.dumps({"type": "outbox", "pk": entry.pk, "sk": entry.sk})


def test_a_failing_render_is_retried_then_marked_failed(api, office, monkeypatch):
    from chalicelib.services.rendering import RenderFailed
    from chalicelib.workers.render import handle_record

    app = approved_permit(api, office)
    deps = api.deps
    job = render_job(app["id"])
    monkeypatch.setattr(deps.rendering, "certificate_paper", lambda _id: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(RenderFailed) as first:
        handle_record(job, 1)
    assert not first.value.final and deps.pdf_store.get("certificate", app["id"]).status == "pending"
    with pytest.raises(RenderFailed) as last:
        handle_record(job, deps.settings.render_max_receives)
    assert last.value.final
    stored = deps.pdf_store.get("certificate", app["id"])
    assert stored.status == "failed" and "disk full" in stored.error and stored.attempts == 2
    shown = api.get(f"/applications/{app['id']}/certificate", token=office["applicant"]).json
    assert shown["pdf_status"] == "failed" and shown["download_url"] is None


@pytest.fixture
def sales(api, seeded):
    nodes = make_sales_tree(api.deps)
    people = make_people(api, {
        "allocator": [("budget_allocator", nodes["region"])],
        "recommender": [("budget_recommender", nodes["branch"])],
        "approver": [("approver", nodes["branch"]), ("viewer", nodes["branch"])],
        "mcot": [("mcot", nodes["region"])],
        "region_approver": [("approver", nodes["region"])],
        "viewer": [("viewer", nodes["area"])],
        "staff_a": [("submitter", nodes["cluster_a"])],
        "staff_b": [("submitter", nodes["cluster_b"])],
    })
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    return {**nodes, **people, "period": f"{today:%Y-%m}", "today": today.isoformat()}


def sales_office_name(api, node_id):
    return api.deps.org_store.get(node_id).name


def recap_and_captions_are_there(text, cluster_a_name):
    """The recap: every report's point, description, status, amount and approval date; and each
    photo captioned alike, the second of a report as the first."""
    recap = " ".join(text.split("Rekap laporan")[1].split("1. Kegiatan")[0].split())  # cells wrap
    for heading in ("Titik", "Uraian", "Status", "Jumlah", "Tanggal disetujui"):
        assert heading in recap
    assert recap.count("Disetujui") == 3 and "Rp 3.000.000" in recap and "Rp 2.000.000" in recap
    assert recap.count(cluster_a_name) == 2
    # Not only the approved: the one awaiting a decision too, with no approval date.
    assert "Diajukan" in recap and "Rp 777.000" in recap and "—" in recap
    assert "Foto bukti 1 dari 2" in text and "Foto bukti 2 dari 2" in text and text.count("Foto bukti 1 dari 1") == 2


def test_the_monthly_usage_report_lists_each_approved_report_with_its_photos(api, sales):
    period, today = sales["period"], sales["today"]
    assert put_budget(api, sales["allocator"], sales["branch"], period, 20_000_000).status == 200
    assert put_split(api, sales["recommender"], sales["branch"], period, {"OUTLET": 12_000_000, "SF": 8_000_000}).status == 200
    approved = []
    for staff, cluster, category, amount in (("staff_a", "cluster_a", "OUTLET", 3_000_000),
                                             ("staff_b", "cluster_b", "SF", 2_000_000),
                                             ("staff_a", "cluster_a", "OUTLET", 1_000_000)):
        app = file_spending_report(api, sales[staff], sales[cluster], category, amount, today,
                                   photo=files.png(640, 480, (30, 120, 200)), submit=bool(approved))
        if not approved:  # the first report has a second photo
            upload_document(api, sales[staff], app["id"], "evidence_photo", "bukti-2.png", "image/png",
                            files.png(480, 640, (200, 120, 30)))
            assert api.post(f"/applications/{app['id']}/submit", token=sales[staff]).status == 200
        approve_report(api, app["id"], sales["approver"], sales["mcot"], sales["region_approver"])
        approved.append(app)
    file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 777_000, today)  # pending: not listed
    render(api)  # the receipts
    api.settle_counters()  # the report's id names the figures it was made from (the counted postings)
    asked = api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                     token=sales["approver"])
    assert asked.status == 202, asked.text
    report_id = asked.json["report_id"]
    again = api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                     token=sales["allocator"])
    assert again.json["report_id"] == report_id  # the same figures: the same report
    # A viewer sees figures, not the evidence photos and payees the report carries.
    assert api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                    token=sales["viewer"]).status == 404
    assert api.get(f"/reports/{report_id}", token=sales["staff_a"]).status == 404  # not theirs
    assert api.get(f"/reports/{report_id}", token=sales["approver"]).json["status"] == "pending"
    assert render(api) >= 1
    assert api.get(f"/reports/{report_id}", token=sales["viewer"]).status == 404
    report = api.get(f"/reports/{report_id}", token=sales["allocator"]).json
    assert report["status"] == "ready", report
    reader, text = pdf_text(report["download_url"])
    assert "Laporan Penggunaan Marketing Fee" in text and "Rp 20.000.000" in text
    assert "Rp 12.000.000" in text and "Rp 4.000.000" in text and "33,3%" in text  # OUTLET: 4M of 12M
    # In the recap, its own section and each photo's caption (the first report has two photos).
    assert [text.count(a["tracking_code"]) for a in approved] == [4, 3, 3]
    assert "777.000" not in text.split("Jumlah")[-1]  # the pending one has no section
    images = sum(len(page.images) for page in reader.pages)
    assert images == 4  # one per evidence photo
    recap_and_captions_are_there(text, sales_office_name(api, sales["cluster_a"]))
    assert report["pages"] == len(reader.pages) >= 4

    # A change in the figures makes a new report.
    newer = api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                     token=sales["approver"])
    assert newer.json["report_id"] == report_id
    extra = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 10_000, today)
    assert extra["status"] == "submitted"
    api.settle_counters()  # the report's id names the figures it is made from: counted from the stream
    changed = api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                       token=sales["approver"])
    assert changed.json["report_id"] != report_id and changed.json["status"] == "pending"
    assert api.post("/reports", {"kind": "budget-usage", "node_id": sales["branch"], "period": period},
                    token=sales["staff_a"]).status == 404
    assert api.post("/reports", {"kind": "other", "node_id": sales["branch"], "period": period},
                    token=sales["approver"]).status == 422


def test_final_approvals_at_the_same_moment_each_take_the_next_number_and_none_is_refused(api, office, monkeypatch):
    """Eight approvals read the same last number (held at a barrier after reading it): one wins
    each round, the others read again and take the next, as the user sees no 409."""
    import threading

    from chalicelib.domain.applications import Origin
    from chalicelib.services.ports import SequenceTaken

    apps = []
    for n in range(8):
        app = file(api, office["applicant"], office["desk"], {"title": f"Izin serentak {n}", "amount": 1_000_000})
        app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
        app = decide(api, office["desk_verifier"], app).json
        apps.append(decide(api, office["dept_verifier"], app).json)
    head = api.deps.accounts.authenticate(office["head"])
    service, store = api.deps.applications, api.deps.application_store
    barrier, first_reads, lost = threading.Barrier(len(apps), timeout=30), set(), []
    real_sequence, real_save = store.certificate_sequence, store.save

    def sequence_then_wait(series):
        last = real_sequence(series)
        if threading.get_ident() not in first_reads:
            first_reads.add(threading.get_ident())
            barrier.wait()  # every approval has read the same number before any writes
        return last

    def save_counting_losses(change):
        try:
            return real_save(change)
        except SequenceTaken:
            lost.append(change.certificate.sequence)
            raise

    monkeypatch.setattr(store, "certificate_sequence", sequence_then_wait)
    monkeypatch.setattr(store, "save", save_counting_losses)
    outcomes: dict[str, object] = {}

    def approve(app):
        try:
            outcomes[app["id"]] = service.decide(head, app["id"], "approve", 3, None, Origin("10.0.0.1", "pytest"))
        except Exception as error:  # noqa: BLE001 - the assertion below names it
            outcomes[app["id"]] = error

    threads = [threading.Thread(target=approve, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(getattr(o, "status", None) == "approved" for o in outcomes.values()), outcomes
    certificates = [store.certificate(o.certificate_code) for o in outcomes.values()]
    sequences = sorted(c.sequence for c in certificates)
    assert sequences == list(range(sequences[0], sequences[0] + len(apps)))  # no gap, no repeat
    assert len(lost) >= len(apps) - 1  # they did race: all but one lost the first round
