"""The dam register over the API: the public sees a dam's public fields, staff in reach all of it,
registrars enter and edit dams (version-checked, with history), out of reach is 404, bad input 422."""

import uuid

from tests.support import make_people, unique_tag, upload_document

SAGULING = {
    "node_id": "dam-division", "name": "Bendungan Uji Saguling", "river_basin": "Citarum",
    "location": {"province_code": "32", "regency_code": "32.17", "district_code": "32.17.16", "lat": -6.91, "lon": 107.37},
    "type": "rockfill", "height_m": 99, "purposes": ["hydropower"], "hazard_class": "high", "status": "operating",
    "thresholds": {"level_m": {"waspada": 643.0, "siaga": 644.5, "awas": 645.0}},
}


def body(**changes):
    return SAGULING | {"register_code": f"UJI-{unique_tag()}"} | changes


def test_the_demo_register_holds_real_dams_that_anyone_may_read_in_part(api, seeded):
    listed = api.get("/assets?q=jatiluhur")
    assert listed.status == 200, listed.text
    (dam,) = listed.json["items"]
    assert dam["access"] == "public" and dam["location"]["district_code"] == "32.14.03"
    assert dam["status"] == "operating" and dam["height_m"] is None and dam["node_id"] is None
    one = api.get(f"/assets/{dam['id']}")
    assert one.status == 200 and one.json["register_code"] is None
    staff = api.login("operator.bendungan@demo.satupintu.id")
    seen = api.get(f"/assets/{dam['id']}", token=staff).json
    assert seen["access"] == "staff" and seen["height_m"] == 105 and seen["year_completed"] == 1967
    outsider = api.login("camat.beji@demo.satupintu.id")
    assert api.get(f"/assets/{dam['id']}", token=outsider).json["access"] == "public"
    assert api.get("/assets/dam_nothing_here").status == 404


def test_a_registrar_enters_a_dam_and_edits_it_naming_the_version_and_the_history_says_so(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    created = api.post("/assets", body(), token=registrar)
    assert created.status == 201, created.text
    dam = created.json
    assert dam["version"] == 1 and dam["status"] == "operating" and dam["crest_length_m"] is None
    changed = api.patch(f"/assets/{dam['id']}", {"version": 1, "crest_length_m": 301, "status": "design"}, token=registrar)
    assert changed.status == 422  # the status is the permits' to move
    changed = api.patch(f"/assets/{dam['id']}", {"version": 1, "crest_length_m": 301}, token=registrar)
    assert changed.status == 200, changed.text
    assert changed.json["crest_length_m"] == 301 and changed.json["version"] == 2
    stale = api.patch(f"/assets/{dam['id']}", {"version": 1, "height_m": 100}, token=registrar)
    assert stale.status == 409
    history = api.get(f"/assets/{dam['id']}/history", token=registrar).json["items"]
    assert [h["action"] for h in history] == ["registered", "edited"]
    assert history[1]["changes"] == {"crest_length_m": [None, 301]}
    assert api.get(f"/assets/{dam['id']}/history").status == 401


def test_a_dams_history_is_read_a_page_at_a_time_oldest_first(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(), token=registrar).json
    for version, length in enumerate((301, 302, 303, 304), start=1):
        assert api.patch(f"/assets/{dam['id']}", {"version": version, "crest_length_m": length},
                         token=registrar).status == 200
    pages, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        answer = api.get(f"/assets/{dam['id']}/history{query}", token=registrar)
        assert answer.status == 200, answer.text
        pages.append([h["version"] for h in answer.json["items"]])
        cursor = answer.json["next_cursor"]
        if cursor is None:
            break
    assert pages[:3] == [[1, 2], [3, 4], [5]] and sum(map(len, pages)) == 5
    newest = api.get(f"/assets/{dam['id']}/history?limit=2&order=newest", token=registrar).json
    after = api.get(f"/assets/{dam['id']}/history?limit=2&order=newest&cursor={newest['next_cursor']}",
                    token=registrar).json
    assert [h["version"] for h in newest["items"] + after["items"]] == [5, 4, 3, 2]
    for bad in ("not-ours", "QSNzb21ldGhpbmc"):  # garbage, and a key of another kind ("A#something")
        refused = api.get(f"/assets/{dam['id']}/history?cursor={bad}", token=registrar)
        assert refused.status == 422 and refused.json["errors"][0]["field"] == "cursor", refused.text


def test_register_codes_are_unique(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    first = body()
    assert api.post("/assets", first, token=registrar).status == 201
    again = api.post("/assets", first | {"name": "Another"}, token=registrar)
    assert again.status == 409 and again.content_type == "application/problem+json"


def test_outside_reach_is_404_for_entering_editing_and_the_history(api, seeded):
    people = make_people(api, {"city_registrar": [("dam_registrar", "kota-depok")], "clerk": [("verifier", "kel-kukusan")]})
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(), token=registrar).json
    assert api.post("/assets", body(), token=people["city_registrar"]).status == 404  # dam-division is not theirs
    assert api.patch(f"/assets/{dam['id']}", {"version": 1, "name": "X"}, token=people["city_registrar"]).status == 404
    assert api.get(f"/assets/{dam['id']}/history", token=people["clerk"]).status == 404
    assert api.post("/assets", body(), token=people["clerk"]).status == 404  # no registrar anywhere: the gate
    assert api.get("/assets?node_id=dam-division", token=people["clerk"]).status == 404
    assert api.get("/assets?node_id=dam-division").status == 404


def test_bad_dams_are_refused_naming_each_field(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    wrong = body(location={"province_code": "32", "regency_code": "32.76", "district_code": "32.17.16", "lat": -6.9,
                           "lon": 107.3},
                 thresholds={"level_m": {"waspada": 5.0, "siaga": 4.0, "awas": 6.0}})
    answer = api.post("/assets", wrong, token=registrar)
    assert answer.status == 422
    assert {e["field"] for e in answer.json["errors"]} == {"location.district_code", "thresholds.level_m"}
    typed = api.post("/assets", body(type="cardboard", height_m=-1), token=registrar)
    assert typed.status == 422
    assert {e["field"] for e in typed.json["errors"]} == {"type", "height_m"}
    assert api.get("/assets?status=flooded").status == 422


def test_the_register_filters_and_pages_by_name(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    tag = unique_tag()
    for n in range(3):
        assert api.post("/assets", body(name=f"Paged {tag} {n}", status="construction"), token=registrar).status == 201
    seen, cursor = [], None
    while True:
        page = api.get(f"/assets?q=paged {tag}&limit=2" + (f"&cursor={cursor}" if cursor else "")).json
        seen += [d["name"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Paged {tag} {n}" for n in range(3)]
    construction = api.get("/assets?status=construction&province_code=32&limit=200").json["items"]
    assert {f"Paged {tag} {n}" for n in range(3)} <= {d["name"] for d in construction}
    assert all(d["status"] == "construction" for d in construction)
    banten = api.get("/assets?province_code=36").json["items"]
    assert [d["name"] for d in banten] == ["Bendungan Karian"]
    mine = api.get("/assets?node_id=dam-division&q=karian", token=registrar).json["items"]
    assert mine[0]["access"] == "staff" and mine[0]["node_id"] == "dam-division"


def test_the_public_finds_a_dam_by_its_name_only_not_by_its_staff_only_fields(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    tag = unique_tag()
    dam = api.post("/assets", body(name=f"Bendungan Cari {tag}", register_code=f"RC-{tag}",
                                   river_basin=f"Basin{tag}"), token=registrar).json
    for staff_only in (f"RC-{tag}", f"basin{tag}"):
        assert api.get(f"/assets?q={staff_only}").json["items"] == []
        outsider = api.login("camat.beji@demo.satupintu.id")
        assert api.get(f"/assets?q={staff_only}", token=outsider).json["items"] == []
        assert [d["id"] for d in api.get(f"/assets?q={staff_only}", token=registrar).json["items"]] == [dam["id"]]
    assert [d["id"] for d in api.get(f"/assets?q=cari {tag}").json["items"]] == [dam["id"]]


def test_an_operator_enters_days_and_staff_read_a_range_oldest_first(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(), token=registrar).json
    operator = api.login("operator.bendungan@demo.satupintu.id")
    for day, level in (("2026-11-02", 640.5), ("2026-11-01", 640.0), ("2026-11-03", 641.0)):
        put = api.put(f"/assets/{dam['id']}/readings/{day}", {"level_m": level, "rainfall_mm": 12}, token=operator)
        assert put.status == 200, put.text
    again = api.put(f"/assets/{dam['id']}/readings/2026-11-03", {"level_m": 641.2}, token=operator)
    assert again.json == {"date": "2026-11-03", "level_m": 641.2, "inflow_m3s": None, "outflow_m3s": None,
                          "rainfall_mm": None, "seepage_ls": None}
    read = api.get(f"/assets/{dam['id']}/readings?from=2026-11-02&to=2026-11-30", token=registrar)
    assert read.status == 200, read.text
    assert [(r["date"], r["level_m"]) for r in read.json["items"]] == [("2026-11-02", 640.5), ("2026-11-03", 641.2)]
    assert api.put(f"/assets/{dam['id']}/readings/2026-02-30", {"level_m": 1}, token=operator).status == 422
    assert api.put(f"/assets/{dam['id']}/readings/2026-11-04", {"level_m": "high"}, token=operator).status == 422
    assert api.get(f"/assets/{dam['id']}/readings?from=2026-11-30&to=2026-11-01", token=registrar).status == 422
    assert api.put(f"/assets/{dam['id']}/readings/2026-11-04", {"level_m": 1}, token=registrar).status == 404
    outsider = make_people(api, {"city_operator": [("dam_operator", "kota-depok")]})["city_operator"]
    assert api.put(f"/assets/{dam['id']}/readings/2026-11-04", {"level_m": 1}, token=outsider).status == 404
    assert api.get(f"/assets/{dam['id']}/readings?from=2026-11-01&to=2026-11-30", token=outsider).status == 404


def alerts_about(api, token, dam_name):
    items = api.get("/notifications?limit=100", token=token).json["items"]
    return [n for n in items if n["kind"] == "dam_alert" and dam_name in n["title"]]


def test_a_level_crossing_into_a_higher_band_tells_the_dams_staff_and_managers_once(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    name = f"Bendungan Alarm {unique_tag()}"
    dam = api.post("/assets", body(name=name), token=registrar).json
    operator = api.login("operator.bendungan@demo.satupintu.id")
    people = make_people(api, {"manager": [("viewer", "org-demo")], "elsewhere": [("dam_operator", "kota-depok")]})
    known = len([m for m in api.mail(people["manager_email"]) if name in m["subject"]])
    for day, level in (("2026-11-01", 640.0), ("2026-11-02", 644.6), ("2026-11-03", 644.7)):
        assert api.put(f"/assets/{dam['id']}/readings/{day}", {"level_m": level}, token=operator).status == 200
    mail = api.wait_for_mail(people["manager_email"], name, known=known)
    assert "SIAGA" in mail["subject"] and "644.6" in mail["text"] and "2026-11-02" in mail["text"]
    (alert,) = alerts_about(api, registrar, name)  # the 3rd day stayed in siaga: no second alarm
    assert "SIAGA" in alert["title"]
    assert len(alerts_about(api, people["manager"], name)) == 1
    assert alerts_about(api, people["elsewhere"], name) == []  # not their dam
    # Sent again at the same band: nothing new; up to awas: told again.
    assert api.put(f"/assets/{dam['id']}/readings/2026-11-03", {"level_m": 644.8}, token=operator).status == 200
    assert api.put(f"/assets/{dam['id']}/readings/2026-11-04", {"level_m": 645.2}, token=operator).status == 200
    api.wait_for_mail(people["manager_email"], "AWAS", known=0)
    assert sorted(a["title"].split()[0] for a in alerts_about(api, registrar, name)) == ["AWAS", "SIAGA"]


HEADER = "date,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls\n"


def import_csv(api, dam_id, text, token, content_type="text/csv"):
    return api.post(f"/assets/{dam_id}/readings/import", raw=text.encode(), token=token,
                    headers={"Content-Type": content_type})


def test_a_csv_with_bad_rows_imports_nothing_and_names_each(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(), token=registrar).json
    operator = api.login("operator.bendungan@demo.satupintu.id")
    text = HEADER + ("2026-10-01,640.1,12.5,10,0,1.2\n"
                     "2026-10-02,abc,12.5,10,,1.2\n"
                     "2026-10-31,640.3,-1,10,0,1.2\n"
                     "2026-02-30,640.4,,,,\n"
                     "2026-10-01,640.5,,,,\n"
                     "2026-10-05,640.6\n")
    answer = import_csv(api, dam["id"], text, operator)
    assert answer.status == 422 and answer.content_type == "application/problem+json", answer.text
    assert {e["field"] for e in answer.json["errors"]} == {
        "row 3.level_m", "row 4.inflow_m3s", "row 5.date", "row 6.date", "row 7"}
    read = api.get(f"/assets/{dam['id']}/readings?from=2026-10-01&to=2026-10-31", token=registrar).json
    assert read["items"] == []  # the good row was not written either
    wrong_header = import_csv(api, dam["id"], "day,level\n2026-10-01,1\n", operator)
    assert wrong_header.status == 422 and wrong_header.json["errors"][0]["field"] == "row 1"
    as_json = import_csv(api, dam["id"], text, operator, content_type="application/json")
    assert as_json.status == 415


def test_a_good_csv_imports_every_day_and_raises_one_alert_at_the_highest_band(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    name = f"Bendungan Impor {unique_tag()}"
    dam = api.post("/assets", body(name=name), token=registrar).json
    operator = api.login("operator.bendungan@demo.satupintu.id")
    rows = [f"2026-09-{d:02d},{level},,,3.5," for d, level in
            ((1, 640), (2, 643.5), (3, 645.5), (4, 640), (5, 644.6))]  # waspada, then awas, then siaga again
    answer = import_csv(api, dam["id"], "\ufeff" + HEADER + "\r\n".join(rows) + "\r\n", operator)
    assert answer.status == 200, answer.text
    assert answer.json == {"imported": 5, "first": "2026-09-01", "last": "2026-09-05", "alert": "awas"}
    read = api.get(f"/assets/{dam['id']}/readings?from=2026-09-01&to=2026-09-30", token=registrar).json["items"]
    assert [(r["date"], r["level_m"], r["rainfall_mm"], r["inflow_m3s"]) for r in read][2] == ("2026-09-03", 645.5,
                                                                                            3.5, None)
    assert len(read) == 5
    api.deliver_mail()
    (alert,) = alerts_about(api, registrar, name)
    assert alert["title"].startswith("AWAS")


def test_too_many_rows_are_refused_whole(api, seeded):
    from datetime import date, timedelta

    from chalicelib.domain.assets import MAX_IMPORT_ROWS

    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(), token=registrar).json
    operator = api.login("operator.bendungan@demo.satupintu.id")
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(MAX_IMPORT_ROWS + 1)]
    answer = import_csv(api, dam["id"], HEADER + "".join(f"{d},640,,,,\n" for d in days), operator)
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "body", answer.text
    assert api.get(f"/assets/{dam['id']}/readings?from=2026-01-01&to=2026-12-31", token=registrar).json["items"] == []
    # The most one transaction holds: every day and the alert the last one raises.
    most = import_csv(api, dam["id"], HEADER + "".join(f"{d},640,,,,\n" for d in days[:-2]) + f"{days[-2]},643.5,,,,\n",
                      operator)
    assert most.status == 200 and most.json["imported"] == MAX_IMPORT_ROWS, most.text
    assert most.json["alert"] == "waspada"
    spread = import_csv(api, dam["id"], HEADER + "2025-01-01,1,,,,\n2026-06-01,1,,,,\n", operator)
    assert spread.status == 422
    outsider = make_people(api, {"city_operator": [("dam_operator", "kota-depok")]})["city_operator"]
    assert import_csv(api, dam["id"], HEADER + "2026-01-01,1,,,,\n", outsider).status == 404


def operation_permit(dam_id):
    return {"company_name": "PT Uji Bendungan", "company_npwp": "01.312.166.0-091.000", "contact_name": "Andi",
            "contact_phone": "081234567890", "contact_email": "andi@example.com", "dam_id": dam_id,
            "dam_name": "Bendungan Uji", "river_basin": "Citarum", "location": "Desa Uji, Kab. Bandung Barat",
            "dam_type": "Urugan batu", "height_m": 99, "crest_length_m": 300, "reservoir_capacity_mcm": 800,
            "impoundment_permit_number": "IPB-2026-001", "operator_unit": "BBWS Citarum", "operation_start": "2026-12-01"}


def test_an_approved_operation_permit_moves_the_dam_to_operating_and_its_history_says_so(api, seeded):
    from tests import files

    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.post("/assets", body(status="impoundment"), token=registrar).json
    _, applicant = api.register_verified()
    unknown = api.post("/applications", {"service_id": "dam-operation-permit", "node_id": "dam-desk",
                                         "data": operation_permit("dam_" + "0" * 26)}, token=applicant)
    assert unknown.status == 422 and [e["field"] for e in unknown.json["errors"]] == ["data.dam_id"], unknown.text
    elsewhere = api.post("/applications", {"service_id": "dam-operation-permit", "node_id": "kel-kukusan",
                                           "data": operation_permit(dam["id"])}, token=applicant)
    assert elsewhere.status == 422, elsewhere.text  # the dam is not managed on that office's line
    filed = api.post("/applications", {"service_id": "dam-operation-permit", "node_id": "dam-desk",
                                       "data": operation_permit(dam["id"])}, token=applicant)
    assert filed.status == 201, filed.text
    app = filed.json
    assert app["service_version"] == 2
    for requirement in ("application_letter", "operation_manual", "emergency_action_plan", "impoundment_evaluation"):
        upload_document(api, applicant, app["id"], requirement, f"{requirement}.pdf", "application/pdf", files.pdf())
    assert api.post(f"/applications/{app['id']}/submit", token=applicant).status == 200
    for step, decider in enumerate(("loket.bendungan", "teknis.bendungan", "direktur.bendungan"), start=1):
        answer = api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": step},
                          token=api.login(f"{decider}@demo.satupintu.id"))
        assert answer.status == 200, answer.text
    assert answer.json["status"] == "approved"
    moved = api.get(f"/assets/{dam['id']}", token=registrar).json
    assert moved["status"] == "operating" and moved["version"] == 2
    last = api.get(f"/assets/{dam['id']}/history", token=registrar).json["items"][-1]
    assert last["action"] == "status" and last["changes"] == {"status": ["impoundment", "operating"]}
    assert last["application_id"] == app["id"] and last["actor"] == "Ir. Hendra Direktur"
    # Operating from now: it owes the monitoring report of the period it began operating in.
    (owed,) = api.get(f"/assets/{dam['id']}/obligations", token=registrar).json["items"]
    assert owed["status"] == "open" and owed["application_id"] is None and "-Q" in owed["period"]
    # Its receipt names the dam as people know it: not by its id, nor by its register code
    # (staff-only, and a receipt travels).
    from tests.integration.test_papers import pdf_text, render

    render(api)
    receipt = api.get(f"/applications/{app['id']}/receipt", token=applicant).json
    _, text = pdf_text(receipt["download_url"])
    flat = " ".join(text.split())
    assert SAGULING["name"] in flat and dam["id"] not in flat and dam["register_code"] not in flat


def design_approval(**changes):
    return {"company_name": "PT Uji Desain", "company_npwp": "01.312.166.0-091.000", "contact_name": "Andi",
            "contact_phone": "081234567890", "contact_email": "andi@example.com",
            "dam_name": f"Bendungan Usulan {uuid.uuid4().hex[:10]}", "river_basin": "Ciliwung-Cisadane",
            "location": "Desa Sukamakmur, Kec. Sukamakmur, Kab. Bogor", "district_code": "32.01.09",
            "latitude": -6.59, "longitude": 107.02, "dam_type": "Urugan batu", "height_m": 48.5,
            "crest_length_m": 410, "reservoir_capacity_mcm": 20.5, "main_purpose": "Pengendali banjir",
            "hazard_class": "Tinggi", "design_consultant": "PT Konsultan Uji",
            "principle_approval_number": "PP-2026-017"} | changes


def approve_through_the_dam_chain(api, applicant, app_id, requirements):
    from tests import files

    for requirement in requirements:
        upload_document(api, applicant, app_id, requirement, f"{requirement}.pdf", "application/pdf", files.pdf())
    assert api.post(f"/applications/{app_id}/submit", token=applicant).status == 200
    for step, decider in enumerate(("loket.bendungan", "teknis.bendungan", "direktur.bendungan"), start=1):
        answer = api.post(f"/applications/{app_id}/decision", {"action": "approve", "step": step},
                          token=api.login(f"{decider}@demo.satupintu.id"))
        assert answer.status == 200, answer.text
    return answer.json


def test_an_approved_design_naming_no_dam_enters_the_dam_it_proposes_in_the_register(api, seeded):
    _, applicant = api.register_verified()
    nowhere = api.post("/applications", {"service_id": "dam-design-approval", "node_id": "dam-desk",
                                         "data": design_approval(district_code="32.01.99")}, token=applicant)
    assert nowhere.status == 422 and [e["field"] for e in nowhere.json["errors"]] == ["data.district_code"]
    proposal = design_approval()
    filed = api.post("/applications", {"service_id": "dam-design-approval", "node_id": "dam-desk", "data": proposal},
                     token=applicant)
    assert filed.status == 201, filed.text
    app = filed.json
    assert api.get(f"/assets?q={proposal['dam_name'][-10:]}").json["items"] == []  # not before its approval
    approved = approve_through_the_dam_chain(api, applicant, app["id"], (
        "application_letter", "design_report", "hydrology_study", "geotechnical_study"))
    assert approved["status"] == "approved"
    dam_id = approved["data"]["dam_id"]
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = api.get(f"/assets/{dam_id}", token=registrar).json
    assert dam["name"] == proposal["dam_name"] and dam["status"] == "design" and dam["node_id"] == "dam-division"
    assert dam["location"] == {"province_code": "32", "regency_code": "32.01", "district_code": "32.01.09",
                               "village_code": None, "lat": -6.59, "lon": 107.02}
    assert (dam["type"], dam["purposes"], dam["hazard_class"]) == ("rockfill", ["flood_control"], "high")
    assert dam["reservoir_volume_m3"] == 20_500_000 and dam["register_code"] == f"USUL-{app['tracking_code']}"
    (line,) = api.get(f"/assets/{dam_id}/history", token=registrar).json["items"]
    assert line["action"] == "registered" and line["application_id"] == app["id"]
    assert line["changes"] == {"status": [None, "design"]} and line["actor"] == "Ir. Hendra Direktur"
    # The dam is the register's now: the construction permit that follows names it.
    permit = api.post("/applications", {"service_id": "dam-construction-permit", "node_id": "dam-desk",
                                        "data": {"dam_id": dam_id}}, token=applicant)
    assert permit.status == 201, permit.text
