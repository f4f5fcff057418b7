"""Applications and decisions over the API, in-process against the emulator."""

import threading

import pytest

from tests.support import make_office_tree, make_people, make_user

SERVICE = "test-simple-permit"


@pytest.fixture
def office(api, seeded):
    """A fresh office → department → two desks, its three deciders, and an applicant."""
    nodes = make_office_tree(api.deps)
    return {**nodes, **make_people(api, {
        "desk_verifier": [("verifier", nodes["desk"])],
        "dept_verifier": [("verifier", nodes["department"])],
        "head": [("approver", nodes["office"]), ("viewer", nodes["office"])],
        "desk2_verifier": [("verifier", nodes["desk2"])],
        "applicant": [],
    })}


def file(api, token, node, data=None, service=SERVICE):
    answer = api.post("/applications", {"service_id": service, "node_id": node, "data": data or {"title": "Izin uji"}},
                      token=token)
    assert answer.status == 201, answer.text
    return answer.json


def decide(api, token, app, action="approve", comment=None, step=None):
    return api.post(f"/applications/{app['id']}/decision",
                    {"action": action, "step": step if step is not None else app["step"], "comment": comment},
                    token=token)


def test_an_application_walks_every_step_with_a_return_and_resubmission(api, office):
    app = file(api, office["applicant"], office["desk"], {"title": "Izin uji", "amount": 5_000_000})
    assert (app["status"], app["step"], app["steps_total"]) == ("draft", None, 3)
    assert api.get(f"/applications/{app['id']}", token=office["applicant"]).json["tracking_code"] == app["tracking_code"]

    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    assert (app["status"], app["step"], app["current_step"]["name"]) == ("submitted", 1, "completeness")
    assert app["due_at"] and not app["overdue"]

    app = decide(api, office["desk_verifier"], app).json
    assert (app["status"], app["step"]) == ("in_review", 2)
    returned = decide(api, office["dept_verifier"], app, "return", "Lengkapi nilai proyek")
    assert returned.status == 200
    assert (returned.json["status"], returned.json["step"]) == ("returned", 2)

    patched = api.patch(f"/applications/{app['id']}", {"data": {"amount": 7_500_000}}, token=office["applicant"])
    assert patched.status == 200 and patched.json["data"] == {"title": "Izin uji", "amount": 7_500_000}
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    assert (app["status"], app["step"]) == ("in_review", 2)  # back to the step that returned it

    app = decide(api, office["dept_verifier"], app, comment="Sesuai").json
    assert (app["status"], app["step"], app["current_step"]["role"]) == ("in_review", 3, "approver")
    app = decide(api, office["head"], app).json
    assert app["status"] == "approved" and app["current_step"] is None and app["due_at"] is None

    history = api.get(f"/applications/{app['id']}/history", token=office["applicant"]).json["items"]
    assert [(h["action"], h["from_status"], h["to_status"], h["step"]) for h in history] == [
        ("create", None, "draft", None),
        ("submit", "draft", "submitted", 1),
        ("approve", "submitted", "in_review", 1),
        ("return", "in_review", "returned", 2),
        ("update", "returned", "returned", 2),
        ("resubmit", "returned", "in_review", 2),
        ("approve", "in_review", "in_review", 2),
        ("approve", "in_review", "approved", 3),
    ]
    assert history[3]["comment"] == "Lengkapi nilai proyek" and history[3]["actor"] == "Dept Verifier"
    assert all(h["source_ip"] is None for h in history)  # the applicant does not see where staff acted from
    staff_view = api.get(f"/applications/{app['id']}/history", token=office["head"]).json["items"]
    assert staff_view[0]["source_ip"] is not None


def test_two_deciders_on_one_step_at_once_one_wins_one_gets_409(api, office, chalice_app):
    app = file(api, office["applicant"], office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    second, password = make_user(api.deps, [("verifier", office["desk"])])
    tokens = [office["desk_verifier"], api.login(second.email, password)]
    results = []
    barrier = threading.Barrier(2)

    def act(token):
        barrier.wait()
        results.append(decide(api, token, app).status)

    threads = [threading.Thread(target=act, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    history = api.get(f"/applications/{app['id']}/history", token=office["applicant"]).json["items"]
    assert [h["action"] for h in history].count("approve") == 1


def test_a_decision_on_a_step_that_moved_on_is_a_409(api, office):
    app = file(api, office["applicant"], office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    assert decide(api, office["desk_verifier"], app).status == 200
    stale = decide(api, office["desk_verifier"], app)  # still says step 1
    assert stale.status == 409
    assert "kini tahap 2" in stale.json["detail"]  # the account reads Indonesian


def test_reach_governs_who_sees_and_decides(api, office):
    app = file(api, office["applicant"], office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    # beside the filing desk: it does not exist for them
    assert api.get(f"/applications/{app['id']}", token=office["desk2_verifier"]).status == 404
    assert decide(api, office["desk2_verifier"], app).status == 404
    # above it: visible, but step 1 is not theirs
    assert api.get(f"/applications/{app['id']}", token=office["head"]).status == 200
    assert decide(api, office["head"], app).status == 403
    # another applicant: not found
    stranger, password = make_user(api.deps)
    assert api.get(f"/applications/{app['id']}", token=api.login(stranger.email, password)).status == 404


def test_nobody_decides_on_their_own_application(api, office):
    clerk, password = make_user(api.deps, [("verifier", office["desk"])])
    token = api.login(clerk.email, password)
    app = file(api, token, office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=token).json
    refused = decide(api, token, app)
    assert refused.status == 403 and "permohonannya sendiri" in refused.json["detail"]
    assert app["id"] not in [a["id"] for a in api.get("/inbox", token=token).json["items"]]


def test_a_mandatory_document_blocks_submission_and_is_named(api, seeded):
    _, token = api.register_verified()
    app = file(api, token, "dpmptsp-front-office", {
        "owner_nik": "3276061708850003", "owner_name": "Budi", "owner_npwp": "01.312.166.0-091.000",
        "owner_phone": "081234567890", "business_name": "Warung", "business_address": "Jl. Margonda 1",
        "kbli": "56102", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2,
    }, service="city-business-permit")
    answer = api.post(f"/applications/{app['id']}/submit", token=token)
    assert answer.status == 422
    assert {e["field"] for e in answer.json["errors"]} == {"documents.ktp", "documents.npwp_card"}
    assert api.get(f"/applications/{app['id']}", token=token).json["status"] == "draft"


def test_submission_names_every_missing_field(api, office):
    app = file(api, office["applicant"], office["desk"], {"amount": 1})
    answer = api.post(f"/applications/{app['id']}/submit", token=office["applicant"])
    assert answer.status == 422
    assert [e["field"] for e in answer.json["errors"]] == ["data.title"]


def test_staff_services_are_filed_by_submitters_at_their_office(api, seeded):
    _, applicant = api.register_verified()
    move = {"service_id": "civil-move-report", "node_id": "kel-kukusan", "data": {}}
    assert api.post("/applications", move, token=applicant).status == 403
    clerk = api.login("petugas.kukusan@demo.satupintu.id")
    assert api.post("/applications", move, token=clerk).status == 201
    other_clerk = api.login("petugas.pondokcina@demo.satupintu.id")
    assert api.post("/applications", move, token=other_clerk).status == 403


def test_the_civil_registry_chain_runs_kelurahan_kecamatan_kota(api, seeded):
    clerk = api.login("petugas.kukusan@demo.satupintu.id")
    app = file(api, clerk, "kel-kukusan", {
        "head_of_family_nik": "3276061708850003", "head_of_family_name": "Ahmad", "family_card_number": "3276060101090007",
        "move_type": "Antar kecamatan", "reason": "Pekerjaan", "destination_address": "Jl. Raya Bogor 1",
        "destination_region": "32.76.02", "members_moving": 2, "move_date": "2026-12-01",
        "reporter_nik": "3276061708850003", "reporter_name": "Ahmad", "reporter_relation": "Lainnya",
    }, service="civil-move-report")
    app = api.post(f"/applications/{app['id']}/submit", token=clerk).json
    for login, node in (("verifikator.kukusan", "kel-kukusan"), ("camat.beji", "kec-beji"),
                        ("disdukcapil.depok", "kota-depok")):
        assert app["current_step"]["node_id"] == node
        token = api.login(f"{login}@demo.satupintu.id")
        assert app["id"] in [a["id"] for a in api.get("/inbox", token=token).json["items"]]
        app = decide(api, token, app).json
    assert app["status"] == "approved"
    # the Pondok Cina clerk, beside Kukusan, never sees it
    assert api.get(f"/applications/{app['id']}", token=api.login("petugas.pondokcina@demo.satupintu.id")).status == 404


def test_withdrawal_and_what_cannot_happen_after_it(api, office):
    app = file(api, office["applicant"], office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    assert api.post(f"/applications/{app['id']}/withdraw", {"reason": "salah kantor"}, token=office["head"]).status == 403
    withdrawn = api.post(f"/applications/{app['id']}/withdraw", {"reason": "salah kantor"}, token=office["applicant"])
    assert withdrawn.status == 200 and withdrawn.json["status"] == "withdrawn"
    assert decide(api, office["desk_verifier"], app).status == 409
    assert api.post(f"/applications/{app['id']}/withdraw", {}, token=office["applicant"]).status == 409
    assert api.patch(f"/applications/{app['id']}", {"data": {"title": "x"}}, token=office["applicant"]).status == 409


def test_the_inbox_lists_what_the_caller_may_decide_oldest_due_first(api, office):
    ids = []
    for _ in range(3):
        app = file(api, office["applicant"], office["desk"])
        api.post(f"/applications/{app['id']}/submit", token=office["applicant"])
        api.deps.clock.advance(60)
        ids.append(app["id"])
    inbox = api.get("/inbox", token=office["desk_verifier"]).json
    assert [a["id"] for a in inbox["items"]] == ids
    assert api.get("/inbox", token=office["dept_verifier"]).json["items"] == []
    assert api.get("/inbox", token=office["desk2_verifier"]).json["items"] == []
    api.deps.clock.advance(25 * 3600)  # past the 24-hour step: the tokens above have expired too
    colleague, password = make_user(api.deps, [("verifier", office["desk"])])
    later = api.get("/inbox", token=api.login(colleague.email, password)).json["items"]
    assert [a["id"] for a in later] == ids and all(a["overdue"] for a in later)


def fresh_login(api, node):
    colleague, password = make_user(api.deps, [("verifier", node)])
    return api.login(colleague.email, password)


def test_the_inbox_narrows_by_office_service_sla_state_and_tracking_code(api, office):
    at_desk, at_desk2 = file(api, office["applicant"], office["desk"]), file(api, office["applicant"], office["desk2"])
    for app, verifier in ((at_desk, "desk_verifier"), (at_desk2, "desk2_verifier")):
        app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
        assert decide(api, office[verifier], app).status == 200
    dept = office["dept_verifier"]

    def inbox(**query):
        answer = api.get("/inbox?" + "&".join(f"{k}={v}" for k, v in query.items()), token=dept)
        assert answer.status == 200, answer.text
        return [a["id"] for a in answer.json["items"]]

    both = {at_desk["id"], at_desk2["id"]}
    assert set(inbox()) == both
    assert inbox(node_id=office["desk"]) == [at_desk["id"]] and inbox(node_id=office["desk2"]) == [at_desk2["id"]]
    assert set(inbox(service_id=SERVICE)) == both and inbox(service_id="test-document-permit") == []
    listed = api.get("/inbox", token=dept).json["items"][0]
    assert listed["sla_state"] == "on_time" and listed["can_decide"] is True
    assert listed["service_name"] and listed["node_name"].startswith("desk ")
    assert set(inbox(sla="on_time")) == both and inbox(sla="due_soon") == [] and inbox(sla="overdue") == []

    api.deps.clock.advance(int(72 * 3600 * 0.8))  # the technical review's last quarter
    dept = fresh_login(api, office["department"])  # the tokens above have expired
    assert set(inbox(sla="due_soon")) == both
    current = api.get(f"/applications/{at_desk['id']}", token=dept).json
    assert api.post(f"/applications/{at_desk['id']}/suspend", {"reason": "Tunggu gambar"}, token=dept).status == 200
    assert inbox(sla="suspended") == [at_desk["id"]] and inbox(sla="due_soon") == [at_desk2["id"]]
    assert current["sla_state"] == "due_soon"
    api.deps.clock.advance(int(72 * 3600 * 0.3))
    dept = fresh_login(api, office["department"])
    assert inbox(sla="overdue") == [at_desk2["id"]]  # the suspended one's clock stands still

    code = at_desk2["tracking_code"].lower().replace("-", " ")
    assert inbox(q=code.replace(" ", "%20")) == [at_desk2["id"]]
    someone, password = make_user(api.deps)
    applicant = api.login(someone.email, password)
    elsewhere = file(api, applicant, office["desk"])  # a draft: nobody's to decide
    assert inbox(q=elsewhere["tracking_code"]) == []
    assert (elsewhere["can_decide"], elsewhere["sla_state"]) == (False, None)
    assert api.get(f"/applications/{at_desk2['id']}", token=dept).json["sla_state"] == "overdue"
    assert api.get("/inbox?sla=late", token=dept).status == 422


def test_a_filtered_inbox_pages_through_every_match_following_the_cursor(api, office):
    made = {"desk": [], "desk2": []}
    for desk, verifier in [("desk", "desk_verifier"), ("desk2", "desk2_verifier")] * 3:
        app = file(api, office["applicant"], office[desk])
        app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
        assert decide(api, office[verifier], app).status == 200
        made[desk].append(app["id"])
        api.deps.clock.advance(30)
    found, cursor, pages = [], None, 0
    while True:
        answer = api.get(f"/inbox?limit=1&node_id={office['desk2']}" + (f"&cursor={cursor}" if cursor else ""),
                         token=office["dept_verifier"]).json
        found += [a["id"] for a in answer["items"]]
        pages += 1
        cursor = answer["next_cursor"]
        if cursor is None:
            break
        assert pages < 20
    assert found == made["desk2"]  # oldest due first, none skipped, none twice


def test_lists_page_with_a_cursor_and_filter(api, office):
    made = []
    for i in range(5):
        app = file(api, office["applicant"], office["desk"], {"title": f"Izin {i}"})
        if i % 2 == 0:
            api.post(f"/applications/{app['id']}/submit", token=office["applicant"])
        made.append(app["id"])
        api.deps.clock.advance(1)
    newest_first = list(reversed(made))

    seen, cursor = [], None
    while True:
        path = "/applications?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path, token=office["head"]).json
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == newest_first

    submitted = api.get("/applications?status=submitted&limit=50", token=office["head"]).json["items"]
    assert [a["id"] for a in submitted] == [made[4], made[2], made[0]]
    mine = api.get("/applications?limit=50", token=office["applicant"]).json["items"]
    assert [a["id"] for a in mine] == newest_first
    at_desk2 = api.get(f"/applications?node_id={office['desk2']}", token=office["head"]).json["items"]
    assert at_desk2 == []
    assert api.get(f"/applications?node_id={office['desk']}", token=office["desk2_verifier"]).status == 404
    assert api.get("/applications?cursor=bm90LWEtY3Vyc29y", token=office["head"]).status == 422


def test_public_tracking_shows_the_state_and_no_personal_data(api, office):
    app = file(api, office["applicant"], office["desk"], {"title": "Izin rahasia", "owner_nik": "3276061708850003"})
    api.post(f"/applications/{app['id']}/submit", token=office["applicant"])
    tracked = api.get(f"/track/{app['tracking_code'].lower().replace('-', '')}")
    assert tracked.status == 200
    body = tracked.json
    assert body["status"] == "submitted" and body["service_id"] == SERVICE
    assert [(h["status"], h["step"]) for h in body["history"]] == [("draft", None), ("submitted", 1)]
    text = tracked.text
    for secret in ("3276061708850003", "Izin rahasia", "Applicant", office["applicant_id"]):
        assert secret not in text
    assert api.get("/track/AAAA-AAAA-AAAA").status == 404
    assert api.get("/track/not-a-code").status == 404


def test_counters_follow_every_change_at_every_level(api, office):
    from chalicelib.domain.applications import period_of

    api.settle_counters()
    before = {node: api.deps.application_store.counters(node, period_of(api.deps.clock.now(), api.deps.settings.org_timezone))
              for node in ("org-demo", office["office"], office["desk"])}
    app = file(api, office["applicant"], office["desk"])
    app = api.post(f"/applications/{app['id']}/submit", token=office["applicant"]).json
    decide(api, office["desk_verifier"], app)
    period = period_of(api.deps.clock.now(), api.deps.settings.org_timezone)
    api.settle_counters()  # counted from the table's stream, as aggregate_counters does on AWS
    for node in ("org-demo", office["office"], office["desk"]):
        after = api.deps.application_store.counters(node, period)
        moved = {k: after.get(k, 0) - before[node].get(k, 0) for k in set(after) | set(before[node])}
        moved = {k: v for k, v in moved.items() if v}
        # Submitted (open at step 1), then approved at once: step 1's decision in the fastest
        # bucket of its SLA, the application open at step 2 (domain/dashboard_steps.py).
        assert moved == {"status:in_review": 1, f"service:{SERVICE}:in_review": 1,
                         f"step:{SERVICE}:1:b00": 1, f"step:{SERVICE}:2:open": 1}, node
    assert api.deps.application_store.counters(office["desk2"], period) == {}


def test_pages_merged_from_several_subtrees_skip_nothing_and_repeat_nothing(api, seeded):
    first, second = make_office_tree(api.deps), make_office_tree(api.deps)
    reader, password = make_user(api.deps, [("approver", first["office"]), ("approver", second["office"])])
    token = api.login(reader.email, password)
    applicant, applicant_password = make_user(api.deps)
    applicant_token = api.login(applicant.email, applicant_password)
    expected = []
    for i in range(12):
        desk = (first if i % 3 else second)["desk"]
        app = file(api, applicant_token, desk, {"title": f"Izin {i}"})
        if i % 4 != 1:
            api.post(f"/applications/{app['id']}/submit", token=applicant_token)
            expected.append(app["id"])
        api.deps.clock.advance(1)
    expected.reverse()
    token = api.login(reader.email, password)  # the clock moved; a fresh token

    seen, cursor, pages = [], None, 0
    while True:
        path = "/applications?status=submitted&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path, token=token).json
        assert len(page["items"]) <= 3
        seen += [a["id"] for a in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not cursor:
            break
    assert seen == expected  # newest first, across both subtrees, each once
    assert pages < 12


@pytest.mark.parametrize("area", [10**400, -(10**399)])
def test_a_number_no_float_can_hold_is_a_422_not_a_500(api, seeded, area):
    _, token = api.register_verified()
    answer = api.post("/applications", {"service_id": "city-building-permit", "node_id": "dpmptsp-front-office",
                                        "data": {"land_area_m2": area}}, token=token)
    assert answer.status == 422, answer.text
    assert answer.content_type == "application/problem+json"
    assert [e["field"] for e in answer.json["errors"]] == ["data.land_area_m2"]
