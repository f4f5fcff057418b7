"""The civil registry's two-hour standard over the running local stack (issue 18): a birth filed
at a kelurahan has its NIKs checked against the registry's stand-in by the worker, is left
undecided for two office hours (the stack's clock moved on, the escalation schedule run), and
the kecamatan it was escalated to takes it over and decides it; the kelurahan is told."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.office_hours import parse_calendar
from tests import files
from tests.support import DEMO_PASSWORD, eventually, post_file

pytestmark = pytest.mark.e2e

BIRTH = {
    "child_name": "Bayi Dua Jam", "child_sex": "Perempuan", "birth_date": "2026-11-20", "birth_place": "Depok",
    "birth_attendant": "Bidan", "mother_nik": "3276064503900002", "mother_name": "Rina Marlina",
    "family_card_number": "3276060101090007", "reporter_nik": "3276061708850003", "reporter_name": "Ahmad Hidayat",
    "reporter_relation": "Ayah",
}


def login(http, who):
    return http.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)


def filed_birth(http):
    clerk = login(http, "petugas.kukusan")
    app = http.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan", "data": BIRTH},
                    token=clerk)
    assert app.status == 201, app.text
    app = app.json
    photo = files.png()
    for requirement in ("birth_letter", "family_card"):
        offered = http.post(f"/applications/{app['id']}/documents", {
            "requirement": requirement, "filename": f"{requirement}.png", "content_type": "image/png",
            "size": len(photo)}, token=clerk).json
        assert post_file(offered["upload"], f"{requirement}.png", "image/png", photo) in (200, 201, 204)

    def scanned():
        items = http.get(f"/applications/{app['id']}/documents", token=clerk).json["items"]
        return len(items) == 2 and all(d["status"] == "clean" for d in items)

    eventually(scanned, timeout=60, what="both papers scanned clean")
    submitted = http.post(f"/applications/{app['id']}/submit", token=clerk)
    assert submitted.status == 200, submitted.text
    return submitted.json


def test_a_birth_left_two_office_hours_is_taken_over_by_the_kecamatan_which_decides_it(http, stack):
    app = filed_birth(http)
    assert app["data"]["family_card_number"] == "327606********07"  # the KK as the clerk sees it: masked

    # The worker asks the registry about both NIKs, off the request path; the deciders see it.
    def checked():
        shown = http.get(f"/applications/{app['id']}", token=login(http, "verifikator.kukusan")).json
        results = {f: c["result"] for f, c in shown["nik_checks"].items()}
        return shown if results == {"mother_nik": "match", "reporter_nik": "match"} else None

    shown = eventually(checked, timeout=60, what="the NIK checks recorded")
    assert shown["data"]["family_card_number"] == BIRTH["family_card_number"]  # a decider sees the KK itself

    # Two office hours of the kelurahan's calendar (its kecamatan's, WIB) pass undecided.
    admin = login(http, "admin")
    kept = http.get("/org/nodes/kel-kukusan/calendar", token=admin).json
    assert (kept["source"], kept["source_node_id"]) == ("inherited", "kec-beji")
    calendar = parse_calendar(kept, kept["source_node_id"], datetime.now(), "e2e")
    submitted_at = datetime.fromisoformat(app["submitted_at"])
    assert datetime.fromisoformat(app["due_at"]) == calendar.add_working(submitted_at, timedelta(minutes=30))
    two_office_hours = calendar.add_working(submitted_at, timedelta(hours=2, minutes=1))
    now = datetime.fromisoformat(http.get("/_local/clock").json["now"])
    assert http.post("/_local/clock", {"advance_seconds": (two_office_hours - now).total_seconds()}).status == 200
    assert http.post("/_local/schedules/escalate_overdue_steps").status == 200

    camat = login(http, "camat.beji")
    shown = http.get(f"/applications/{app['id']}", token=camat).json
    assert shown["sla_state"] == "overdue" and shown["can_claim"] and not shown["can_decide"]
    eventually(lambda: [m for m in http.mail("camat.beji@demo.satupintu.id")
                        if app["tracking_code"] in m["subject"] and "Eskalasi" in m["subject"]],
               timeout=60, what="the escalation mail to the camat")

    # The camat takes it over: the history says so, the kelurahan's verifier is told and no
    # longer decides it; the kecamatan decides step 1, then its own step 2, and the city step 3.
    claimed = http.post(f"/applications/{app['id']}/claim", token=camat)
    assert claimed.status == 200, claimed.text
    assert claimed.json["assignee_name"] == "Camat Beji" and claimed.json["can_decide"]
    assert http.post(f"/applications/{app['id']}/claim", token=camat).status == 409
    verifier = login(http, "verifikator.kukusan")
    decision = {"action": "approve", "step": 1, "comment": "Diambil alih kecamatan"}
    assert http.post(f"/applications/{app['id']}/decision", decision, token=verifier).status == 403
    for step, who in ((1, camat), (2, camat), (3, login(http, "disdukcapil.depok"))):
        answer = http.post(f"/applications/{app['id']}/decision", {**decision, "step": step}, token=who)
        assert answer.status == 200, answer.text
    assert answer.json["status"] == "approved"
    history = [h["action"] for h in http.get(f"/applications/{app['id']}/history", token=camat).json["items"]]
    assert history.count("claim") == 1 and history.index("escalate") < history.index("claim") < history.index("approve")
    eventually(lambda: [m for m in http.mail("verifikator.kukusan@demo.satupintu.id")
                        if app["tracking_code"] in m["subject"] and "Diambil alih" in m["subject"]],
               timeout=60, what="the kelurahan told of the take-over")
