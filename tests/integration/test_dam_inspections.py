"""A dam's inspections over the API and the emulator: inspectors record them (photos must be the
dam's own inspection photos), staff read them, recommendations are followed up by index with who
moved them; the daily look (`InspectionService.notify_overdue`) tells the dam's staff once of each
recommendation past its due date and not done, and of a next inspection past its day."""

from datetime import datetime, timedelta, timezone

import pytest

from tests import files as make
from tests.support import make_people, post_file, unique_email

SAGULING = {
    "node_id": "dam-division", "river_basin": "Citarum",
    "location": {"province_code": "32", "regency_code": "32.17", "district_code": "32.17.16", "lat": -6.91, "lon": 107.37},
    "type": "rockfill", "height_m": 99, "purposes": ["hydropower"], "hazard_class": "high", "status": "operating",
}


@pytest.fixture
def people(api, seeded):
    tokens = make_people(api, {"outside_inspector": [("dam_inspector", "kota-depok")],
                               "division_verifier": [("verifier", "dam-division")]})
    for key, email in (("registrar", "registrasi.bendungan"), ("inspector", "inspektur.bendungan"),
                       ("operator", "operator.bendungan")):
        tokens[key] = api.login(f"{email}@demo.satupintu.id")
    tokens["citizen"] = api.login("warga@demo.satupintu.id")
    return tokens


@pytest.fixture
def dam(api, people):
    name = f"Bendungan Inspeksi {unique_email()[:8]}"
    created = api.post("/assets", SAGULING | {"name": name, "register_code": f"INS-{unique_email()[:8]}"},
                       token=people["registrar"])
    assert created.status == 201, created.text
    return created.json


def photo(api, token, dam_id, kind="inspection_photo", content_type="image/jpeg"):
    offered = api.post(f"/assets/{dam_id}/documents", {"kind": kind, "filename": "foto.jpg",
                                                       "content_type": content_type, "size": 1000}, token=token)
    assert offered.status == 201, offered.text
    return offered.json["document_id"]


def inspection(**changes):
    return {"kind": "periodic", "date": "2026-11-20", "inspectors": ["Wati", "Budi"],
            "findings": [{"text": "Rembesan di kaki hilir", "severity": "high"}],
            "recommendations": [{"text": "Pasang alat ukur rembesan", "due_date": "2026-11-25"},
                                {"text": "Bersihkan saluran drainase", "due_date": "2027-06-30"}],
            "next_due": "2026-11-30"} | changes


def overdue_notices(api, token, dam_name):
    api.deliver_mail()
    items = api.get("/notifications?limit=100", token=token).json["items"]
    return [n for n in items if n["kind"] == "dam_overdue" and dam_name in n["title"]]


def scanned_photo(api, token, dam_id):
    data = make.png()
    offered = api.post(f"/assets/{dam_id}/documents", {"kind": "inspection_photo", "filename": "foto.png",
                                                       "content_type": "image/png", "size": len(data)}, token=token)
    assert offered.status == 201, offered.text
    assert post_file(offered.json["upload"], "foto.png", "image/png", data) in (200, 201, 204)
    api.scan()
    return offered.json["document_id"]


def test_an_inspector_records_an_inspection_with_the_dams_photos_and_staff_read_it(api, dam, people):
    waiting = photo(api, people["inspector"], dam["id"])  # offered, never scanned: not yet a photo to record
    refused = api.post(f"/assets/{dam['id']}/inspections", inspection(photos=[waiting]), token=people["inspector"])
    assert refused.status == 422 and [e["field"] for e in refused.json["errors"]] == ["photos[0]"]
    assert "belum lolos pemeriksaan" in refused.json["errors"][0]["detail"]
    photo_id = scanned_photo(api, people["inspector"], dam["id"])
    recorded = api.post(f"/assets/{dam['id']}/inspections", inspection(photos=[photo_id]), token=people["inspector"])
    assert recorded.status == 201, recorded.text
    body = recorded.json
    assert body["photos"] == [photo_id] and body["recorded_by"] == "Wati Inspektur Bendungan"
    assert [r["status"] for r in body["recommendations"]] == ["open", "open"]
    listed = api.get(f"/assets/{dam['id']}/inspections", token=people["division_verifier"])
    assert listed.status == 200 and [i["id"] for i in listed.json["items"]] == [body["id"]]
    history = api.get(f"/assets/{dam['id']}/history", token=people["operator"]).json["items"]
    assert history[-1]["action"] == "inspection_recorded" and body["id"] in history[-1]["comment"]


def test_photos_must_be_the_dams_own_inspection_photos(api, dam, people):
    drawing = photo(api, people["inspector"], dam["id"], kind="drawing", content_type="application/pdf")
    (other,) = api.get("/assets?q=jatiluhur").json["items"]
    elsewhere = photo(api, people["inspector"], other["id"])
    refused = api.post(f"/assets/{dam['id']}/inspections", inspection(photos=[drawing, elsewhere, "doc_nosuch"]),
                       token=people["inspector"])
    assert refused.status == 422
    assert [e["field"] for e in refused.json["errors"]] == ["photos[0]", "photos[1]", "photos[2]"]
    assert api.get(f"/assets/{dam['id']}/inspections", token=people["inspector"]).json["items"] == []


def test_bad_inspections_name_each_field_and_write_nothing(api, dam, people):
    token = people["inspector"]
    refused = api.post(f"/assets/{dam['id']}/inspections",
                       inspection(kind="special", date="2026-11-20", next_due="2026-11-01",
                                  recommendations=[{"text": "X", "due_date": "2026-11-19"}]), token=token)
    assert refused.status == 422
    assert {e["field"] for e in refused.json["errors"]} == {"cause", "next_due", "recommendations[0].due_date"}
    future = (datetime.now(timezone.utc) + timedelta(days=3)).date().isoformat()
    assert api.post(f"/assets/{dam['id']}/inspections", inspection(date=future, next_due=None,
                                                                   recommendations=[]), token=token).status == 422
    assert api.post(f"/assets/{dam['id']}/inspections", inspection(kind="weekly"), token=token).status == 422
    special = api.post(f"/assets/{dam['id']}/inspections", inspection(kind="special", cause="gempa bumi M5.6"),
                       token=token)
    assert special.status == 201 and special.json["cause"] == "gempa bumi M5.6"


def test_only_inspectors_in_reach_record_and_only_staff_in_reach_read(api, dam, people):
    body = inspection()
    for who in ("outside_inspector", "operator", "citizen", "division_verifier"):
        assert api.post(f"/assets/{dam['id']}/inspections", body, token=people[who]).status == 404, who
    for who in ("outside_inspector", "citizen"):
        assert api.get(f"/assets/{dam['id']}/inspections", token=people[who]).status == 404, who
    assert api.get(f"/assets/{dam['id']}/inspections").status == 401
    assert api.post("/assets/dam_nosuch/inspections", body, token=people["inspector"]).status == 404


def test_recommendations_are_followed_up_by_index_with_who_moved_them(api, dam, people):
    made = api.post(f"/assets/{dam['id']}/inspections", inspection(), token=people["inspector"]).json
    path = f"/assets/{dam['id']}/inspections/{made['id']}"
    moved = api.patch(path, {"recommendations": [{"index": 1, "status": "in_progress"}]}, token=people["operator"])
    assert moved.status == 200, moved.text
    rec = moved.json["recommendations"][1]
    assert rec["status"] == "in_progress" and moved.json["version"] == 2
    assert [(c["before"], c["after"], c["actor"]) for c in rec["changes"]] == [("open", "in_progress",
                                                                                  "Joko Operator Bendungan")]
    bad = api.patch(path, {"recommendations": [{"index": 5, "status": "done"}, {"index": 1, "status": "done"},
                                               {"index": 1, "status": "open"}]}, token=people["operator"])
    assert bad.status == 422
    assert [e["field"] for e in bad.json["errors"]] == ["recommendations[0].index", "recommendations[2].index"]
    assert api.patch(path, {"recommendations": [{"index": 0, "status": "finished"}]},
                     token=people["operator"]).status == 422
    assert api.patch(path, {"recommendations": [{"index": 0, "status": "done"}]},
                     token=people["division_verifier"]).status == 404
    assert api.patch(f"/assets/{dam['id']}/inspections/insp_nosuch", {"recommendations": [{"index": 0, "status": "done"}]},
                     token=people["operator"]).status == 404


def test_overdue_duties_tell_the_dams_staff_once_each(api, dam, people):
    made = api.post(f"/assets/{dam['id']}/inspections", inspection(), token=people["inspector"]).json
    later = api.post(f"/assets/{dam['id']}/inspections",
                     inspection(date="2026-11-10", next_due="2026-11-12", recommendations=[]),
                     token=people["inspector"]).json  # an earlier day's inspection: it sets no next due date
    assert later["next_due"] == "2026-11-12"
    service = api.deps.inspections
    # On 26 November the first recommendation (due the 25th) is overdue; the inspection due the 30th is not yet.
    # (the other tests' dams owe things too: what this dam's staff are told is what counts)
    assert service.notify_overdue(datetime(2026, 11, 26, 3, tzinfo=timezone.utc)) >= 1
    told = overdue_notices(api, people["operator"], dam["name"])
    assert len(told) == 1 and "Pasang alat ukur rembesan" in told[0]["title"]
    assert service.notify_overdue(datetime(2026, 11, 27, 3, tzinfo=timezone.utc)) == 0  # once only
    # The second recommendation is done before it falls due: never told. The next inspection is.
    done = api.patch(f"/assets/{dam['id']}/inspections/{made['id']}",
                     {"recommendations": [{"index": 1, "status": "done"}]}, token=people["operator"])
    assert done.status == 200
    assert service.notify_overdue(datetime(2027, 8, 1, 3, tzinfo=timezone.utc)) >= 1
    told = overdue_notices(api, people["registrar"], dam["name"])
    assert len(told) == 2 and any("2026-11-30" in n["title"] for n in told)
    assert overdue_notices(api, people["outside_inspector"], dam["name"]) == []
    listed = api.get(f"/assets/{dam['id']}/inspections", token=people["operator"]).json["items"]
    first = next(i for i in listed if i["id"] == made["id"])
    assert [r["overdue"] for r in first["recommendations"]] == [True, False]


def test_a_recommendation_told_overdue_is_still_followed_up(api, dam, people):
    made = api.post(f"/assets/{dam['id']}/inspections", inspection(), token=people["inspector"]).json
    path = f"/assets/{dam['id']}/inspections/{made['id']}"
    assert api.deps.inspections.notify_overdue(datetime(2026, 11, 26, 3, tzinfo=timezone.utc)) >= 1
    assert len(overdue_notices(api, people["operator"], dam["name"])) == 1
    # After the notice the operator starts the work, pauses it and finishes it: each move is kept.
    for status in ("in_progress", "open", "in_progress", "done"):
        moved = api.patch(path, {"recommendations": [{"index": 0, "status": status}]}, token=people["operator"])
        assert moved.status == 200, moved.text
        assert moved.json["recommendations"][0]["status"] == status
    assert len(moved.json["recommendations"][0]["changes"]) == 4
    # Reopened after the notice, it is not told a second time.
    assert api.patch(path, {"recommendations": [{"index": 0, "status": "open"}]}, token=people["operator"]).status == 200
    api.deps.inspections.notify_overdue(datetime(2026, 11, 28, 3, tzinfo=timezone.utc))
    assert len(overdue_notices(api, people["operator"], dam["name"])) == 1


def test_the_daily_look_reads_what_is_due_not_every_dam(api, dam, people, monkeypatch):
    from chalicelib.adapters.dynamodb import inspections as store
    from chalicelib.adapters.dynamodb import shards

    for n in range(5):  # duties far ahead: in the index, but not read before they fall due
        api.post(f"/assets/{dam['id']}/inspections", inspection(date="2026-10-01", next_due=None, recommendations=[
            {"text": f"Jauh {n}", "due_date": "2030-01-01"}]), token=people["inspector"])
    calls = []
    for module, name in ((shards, "query_page"), (store, "batch_get_raw")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    api.deps.inspections.notify_overdue(datetime(2028, 1, 1, tzinfo=timezone.utc))
    calls.clear()
    assert api.deps.inspections.notify_overdue(datetime(2028, 1, 2, tzinfo=timezone.utc)) == 0
    # Nothing due: one Query per shard of the index, whatever it holds, and one batch read.
    assert calls == ["query_page"] * shards.DAM_DUTY_SHARDS + ["batch_get_raw"]


def test_the_daily_watch_tells_what_fell_due_as_its_schedule_runs(api, dam, people):
    # Last in the module: it moves the module's clock on by three days.
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    tomorrow = str(today + timedelta(days=1))
    made = api.post(f"/assets/{dam['id']}/inspections", inspection(
        date=str(today), next_due=str(today + timedelta(days=200)),
        recommendations=[{"text": "Perbaiki pintu pelimpah", "due_date": tomorrow}]), token=people["inspector"])
    assert made.status == 201, made.text
    assert api.post("/_local/schedules/watch_dam_duties").status == 200
    assert overdue_notices(api, people["operator"], dam["name"]) == []  # not due yet
    assert api.post("/_local/clock", {"advance_seconds": 3 * 86400}).status == 200
    for _ in range(2):  # run twice: told once
        assert api.post("/_local/schedules/watch_dam_duties").status == 200
    told = overdue_notices(api, api.login("operator.bendungan@demo.satupintu.id"), dam["name"])
    assert len(told) == 1 and "Perbaiki pintu pelimpah" in told[0]["title"]
