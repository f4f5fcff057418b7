"""A dam's documents, inspections and monitoring obligations over `make run`, with the demo's
people: a registrar's drawing is scanned by the stack's own worker and downloaded byte for byte;
an inspector records an inspection with a photo of the dam; the demo's overdue monitoring report
(Jatiluhur) has told the dam's staff once, and running the daily watch again tells nobody twice;
the director's dashboard counts it. Each test works on what no other e2e module touches."""

import time

import pytest
import requests

from tests import files
from tests.e2e.test_budgets_over_the_stack import login
from tests.support import eventually, post_file

pytestmark = pytest.mark.e2e


def demo_dam(http, name):
    (dam,) = http.get(f"/assets?q={name}").json["items"]
    return dam


def upload(http, token, dam_id, kind, filename, content_type, content):
    offered = http.post(f"/assets/{dam_id}/documents", {"kind": kind, "filename": filename,
                                                       "content_type": content_type, "size": len(content)}, token=token)
    assert offered.status == 201, offered.text
    assert post_file(offered.json["upload"], filename, content_type, content) in (200, 201, 204)

    document_id = offered.json["document_id"]

    def settled():
        items = http.get(f"/assets/{dam_id}/documents", token=token).json["items"]
        found = next(d for d in items if d["document_id"] == document_id)
        return found if found["status"] in ("clean", "rejected") else None

    assert eventually(settled, timeout=60, what=f"the scan of {filename}")["status"] == "clean"
    served = http.get(f"/assets/{dam_id}/documents/{document_id}", token=token)
    assert served.status == 200, served.text
    return document_id, served.json


def test_a_drawing_is_scanned_by_the_stack_and_a_photo_goes_into_an_inspection(http):
    dam = demo_dam(http, "cirata")
    registrar, inspector = login(http, "registrasi.bendungan"), login(http, "inspektur.bendungan")
    drawing = files.pdf()
    drawing_id, served = upload(http, registrar, dam["id"], "drawing", "denah-pelimpah.pdf", "application/pdf", drawing)
    assert served["download_url"], served
    got = requests.get(served["download_url"], timeout=30)
    assert got.status_code == 200 and got.content == drawing
    photo_id, _ = upload(http, inspector, dam["id"], "inspection_photo", "retak-puncak.png", "image/png", files.png())
    listed = http.get(f"/assets/{dam['id']}/documents", token=inspector).json["items"]
    assert {drawing_id, photo_id} <= {d["document_id"] for d in listed if d["status"] == "clean"}
    # Not for the public, nor for a citizen.
    assert http.get(f"/assets/{dam['id']}/documents").status == 401
    assert http.get(f"/assets/{dam['id']}/documents", token=login(http, "warga")).status == 404

    recorded = http.post(f"/assets/{dam['id']}/inspections", {
        "kind": "special", "cause": "gempa bumi M5,1 (uji e2e)", "date": "2026-11-20",
        "inspectors": ["Wati Inspektur Bendungan", "Bayu Balai Teknik"],
        "findings": [{"text": "Retak rambut di puncak bendungan", "severity": "medium"}],
        "photos": [photo_id],
        "recommendations": [{"text": "Pantau lebar retak mingguan", "due_date": "2027-01-15"}],
        "next_due": "2027-05-20"}, token=inspector)
    assert recorded.status == 201, recorded.text
    read = http.get(f"/assets/{dam['id']}/inspections", token=login(http, "operator.bendungan")).json["items"]
    mine = next(i for i in read if i["id"] == recorded.json["id"])
    assert mine["photos"] == [photo_id] and mine["recommendations"][0]["status"] == "open"
    history = http.get(f"/assets/{dam['id']}/history", token=registrar).json["items"]
    assert any(drawing_id in str(line) or "denah-pelimpah.pdf" in str(line) for line in history)


def test_the_demos_overdue_report_told_the_dams_staff_once_and_the_dashboard_counts_it(http):
    jatiluhur = demo_dam(http, "jatiluhur")
    registrar = login(http, "registrasi.bendungan")
    owed = http.get(f"/assets/{jatiluhur['id']}/obligations", token=registrar).json["items"]
    overdue = [o for o in owed if o["status"] == "overdue"]
    assert overdue and owed[-1]["status"] == "open", owed

    def told():
        mails = [m for m in http.mail("registrasi.bendungan@demo.satupintu.id")
                 if "Jatiluhur" in m["subject"] and overdue[0]["period"] in m["subject"]]
        return mails or None

    assert len(eventually(told, timeout=60, what="the overdue notice")) == 1
    for _ in range(2):  # the watch run again (as a retried schedule would be): nobody is told twice
        assert http.post("/_local/schedules/watch_dam_duties").status == 200
    assert http.post("/_local/schedules/relay_outbox").status == 200
    time.sleep(3)  # a second notice, had one been written, would have been mailed by now
    assert len(told()) == 1
    director = login(http, "direktur.bendungan")
    http.settle_counters()  # the watch's counter moves, counted from the table's stream
    board = http.get(f"/dashboard/dam-agency?period={overdue[0]['due_at'][:7]}", token=director)
    assert board.status == 200 and board.json["dam_obligations"]["overdue"] >= 1, board.text
