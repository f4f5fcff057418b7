"""The civil registry as the organisation runs it (issue 18), over the API on the emulator: its
offices' working calendars, the two-hour standard counted in them, an escalated step taken over
by the kecamatan (one of two claimers wins), and the family-card number sealed like a NIK."""

import json
import threading
from datetime import datetime, timedelta

import boto3

from local.seed import STAFF
from tests import files
from tests.support import DEMO_PASSWORD, make_people, make_user, upload_document

KK = "3276060101090007"
BIRTH = {
    "child_name": "Bayi Uji", "child_sex": "Laki-laki", "birth_date": "2026-11-01", "birth_place": "Depok",
    "birth_attendant": "Bidan", "mother_nik": "3276064503900002", "mother_name": "Ibu Uji",
    "family_card_number": KK, "reporter_nik": "3276061708850003", "reporter_name": "Ayah Uji",
    "reporter_relation": "Ayah",
}


def demo(api, who):
    return api.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)


def filed_birth(api):
    clerk = demo(api, "petugas.kukusan")
    app = api.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan", "data": BIRTH},
                   token=clerk)
    assert app.status == 201, app.text
    for requirement in ("birth_letter", "family_card"):
        upload_document(api, clerk, app.json["id"], requirement, f"{requirement}.png", "image/png", files.png())
    answer = api.post(f"/applications/{app.json['id']}/submit", token=clerk)
    assert answer.status == 200, answer.text
    return answer.json


def office_calendar(api, node_id):
    from chalicelib.domain.office_hours import parse_calendar

    shown = api.get(f"/org/nodes/{node_id}/calendar", token=demo(api, "admin")).json
    return parse_calendar(shown, shown["source_node_id"], datetime.now(), "test")


def advance_to(api, moment):
    now = datetime.fromisoformat(api.post("/_local/clock", {"advance_seconds": 0}).json["now"])
    assert api.post("/_local/clock", {"advance_seconds": max((moment - now).total_seconds(), 0)}).status == 200


# ---- the demo's offices ---------------------------------------------------------------------------

def test_every_demo_office_that_files_has_someone_else_to_verify():
    holders: dict[tuple[str, str], set[str]] = {}
    for who, _name, roles in STAFF:
        for role, node in roles:
            holders.setdefault((role, node), set()).add(who)
    for (role, node), filers in holders.items():
        if role == "submitter" and ("verifier", node) in holders:
            assert holders[("verifier", node)] - filers, node


# ---- working calendars ------------------------------------------------------------------------------

def test_a_kelurahan_follows_its_kecamatans_calendar_and_only_an_admin_changes_it(api, seeded):
    camat, admin = demo(api, "camat.beji"), demo(api, "admin")
    shown = api.get("/org/nodes/kel-kukusan/calendar", token=camat)
    assert shown.status == 200, shown.text
    assert (shown.json["source"], shown.json["source_node_id"], shown.json["zone"]) == ("inherited", "kec-beji", "WIB")
    assert shown.json["week"]["fri"] == [["08:00", "16:30"]] and "sat" not in shown.json["week"]
    assert {"date": "2027-08-17", "name": "Hari Kemerdekaan Republik Indonesia"} in shown.json["holidays"]
    assert api.get("/org/nodes/dpmptsp-depok/calendar", token=admin).json["source_node_id"] == "kota-depok"
    assert api.get("/org/nodes/dam-agency/calendar", token=admin).json["source"] == "none"
    assert api.get("/org/nodes/kota-depok/calendar", token=camat).status == 404  # above the camat's reach

    body = {"zone": "WIB", "week": {"mon": [["07:30", "15:00"]]}, "holidays": []}
    assert api.call("PUT", "/org/nodes/kel-pondok-cina/calendar", body, token=camat).status == 404  # not an admin
    bad = api.call("PUT", "/org/nodes/kel-pondok-cina/calendar", {**body, "week": {"mon": [["15:00", "07:30"]]}}, token=admin)
    assert bad.status == 422 and [e["field"] for e in bad.json["errors"]] == ["week.mon"]
    own = api.call("PUT", "/org/nodes/kel-pondok-cina/calendar", body, token=admin)
    assert own.status == 200, own.text
    assert (own.json["source"], own.json["week"]) == ("own", {"mon": [["07:30", "15:00"]]})
    assert api.delete("/org/nodes/kel-pondok-cina/calendar", token=admin).status == 204
    assert api.get("/org/nodes/kel-pondok-cina/calendar", token=admin).json["source"] == "inherited"


def test_a_birth_is_due_half_an_office_hour_after_filing_at_the_kelurahan(api, seeded):
    app = filed_birth(api)
    calendar = office_calendar(api, "kel-kukusan")
    submitted_at = datetime.fromisoformat(app["submitted_at"])
    assert datetime.fromisoformat(app["due_at"]) == calendar.add_working(submitted_at, timedelta(minutes=30))
    assert calendar.working_between(submitted_at, datetime.fromisoformat(app["due_at"])) == timedelta(minutes=30)


# ---- escalation that can act ------------------------------------------------------------------------

def test_after_two_office_hours_the_kecamatan_takes_the_birth_over_once_and_decides_it(api, seeded):
    app = filed_birth(api)
    people = make_people(api, {"camat_deputy": [("approver", "kec-beji")]})
    camat = demo(api, "camat.beji")
    assert api.post(f"/applications/{app['id']}/claim", token=camat).status == 403  # not escalated yet

    calendar = office_calendar(api, "kel-kukusan")
    advance_to(api, calendar.add_working(datetime.fromisoformat(app["submitted_at"]), timedelta(hours=2, minutes=1)))
    assert api.post("/_local/schedules/escalate_overdue_steps").status == 200
    camat, deputy = demo(api, "camat.beji"), api.login(people["camat_deputy_email"], people["camat_deputy_password"])
    shown = api.get(f"/applications/{app['id']}", token=camat).json
    assert shown["escalation_level"] >= 2 and shown["can_claim"] and not shown["can_decide"]

    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def claim(who, token):
        barrier.wait()
        results[who] = api.post(f"/applications/{app['id']}/claim", token=token).status

    threads = [threading.Thread(target=claim, args=pair) for pair in (("camat", camat), ("deputy", deputy))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [200, 409], results
    winner = camat if results["camat"] == 200 else deputy
    history = api.get(f"/applications/{app['id']}/history", token=winner).json["items"]
    assert [h["action"] for h in history].count("claim") == 1
    assert demo_decides(api, app, winner).status == 200
    assert api.get(f"/applications/{app['id']}", token=winner).json["step"] == 2
    # Outside the reach of an office beside it, the claim is not there at all.
    other, password = make_user(api.deps, [("approver", "dam-agency")])
    assert api.post(f"/applications/{app['id']}/claim", token=api.login(other.email, password)).status == 404


def demo_decides(api, app, token):
    return api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": 1, "comment": "Diambil alih"},
                    token=token)


def test_a_step_is_reassigned_to_a_named_verifier_of_its_kelurahan(api, seeded):
    app = filed_birth(api)
    verifier = demo(api, "verifikator.kukusan")
    refused = api.post(f"/applications/{app['id']}/reassign", {"user_email": "camat.beji@demo.satupintu.id"},
                       token=verifier)
    assert refused.status == 422 and refused.json["errors"][0]["field"] == "user_email"
    second, password = make_user(api.deps, [("verifier", "kel-kukusan")])
    handed = api.post(f"/applications/{app['id']}/reassign", {"user_email": second.email}, token=verifier)
    assert handed.status == 200, handed.text
    assert handed.json["assignee_id"] == second.id
    assert demo_decides(api, app, verifier).status == 403
    assert demo_decides(api, app, api.login(second.email, password)).status == 200


# ---- the family-card number is personal data ----------------------------------------------------------

def test_the_family_card_number_is_sealed_at_rest_and_masked_but_to_deciders(api, seeded):
    app = filed_birth(api)
    client = boto3.client("dynamodb", region_name=api.deps.settings.aws_region,
                          endpoint_url=api.deps.settings.aws_endpoint_url)
    item = client.get_item(TableName=api.deps.settings.table_name, ConsistentRead=True,
                           Key={"pk": {"S": f"APP#{app['id']}"}, "sk": {"S": "A"}})["Item"]
    assert KK not in json.dumps(item)
    assert "family_card_number" in json.loads(item["sealed"]["S"])["values"]
    assert "family_card_number" not in json.loads(item.get("nik_lookups", {"S": "{}"})["S"])  # not a search key
    clerk_view = api.get(f"/applications/{app['id']}", token=demo(api, "petugas.kukusan")).json
    assert clerk_view["data"]["family_card_number"] == "327606********07"
    assert "family_card_number" in clerk_view["masked_fields"]
    decider_view = api.get(f"/applications/{app['id']}", token=demo(api, "verifikator.kukusan")).json
    assert decider_view["data"]["family_card_number"] == KK
