"""A dam's applications over the API (GET /assets/{id}/applications): the applications whose form
names the dam, newest filed first, for the dam's staff, each in its state now; a patch naming
another dam moves it there; an approved design links the dam it proposes; a page costs the same
AWS calls whatever the number of applications."""

import base64

from tests.integration.test_dam_obligations import new_dam
from tests.integration.test_dam_register import approve_through_the_dam_chain, design_approval
from tests.support import make_people


def page(api, token, dam_id, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(f"/assets/{dam_id}/applications" + (f"?{params}" if params else ""), token=token)


def listed(api, token, dam_id):
    answer = page(api, token, dam_id, limit=100)
    assert answer.status == 200, answer.text
    return answer.json["items"]


def draft(api, applicant, dam_id, service_id="dam-construction-permit"):
    filed = api.post("/applications", {"service_id": service_id, "node_id": "dam-desk", "data": {"dam_id": dam_id}},
                     token=applicant)
    assert filed.status == 201, filed.text
    return filed.json


def test_a_permit_naming_a_dam_is_listed_for_its_staff_as_it_is_now(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", status="design")
    other = new_dam(api, registrar, "dam-division", status="design")
    _, applicant = api.register_verified()
    assert listed(api, registrar, dam["id"]) == []
    app = draft(api, applicant, dam["id"])
    (item,) = listed(api, registrar, dam["id"])
    assert (item["id"], item["tracking_code"], item["service_id"]) == (app["id"], app["tracking_code"],
                                                                       "dam-construction-permit")
    assert item["status"] == "draft" and item["service_name"] == app["service_name"]
    assert item["current_step"] is None and item["created_at"] == app["created_at"]
    assert item["can_open"] is False  # a registrar keeps the register, not the casework
    assert listed(api, registrar, other["id"]) == []
    # The division that checks permits opens it; its state follows the application's.
    clerk = api.login("teknis.bendungan@demo.satupintu.id")
    withdrawn = api.post(f"/applications/{app['id']}/withdraw", {"reason": "salah isi"}, token=applicant)
    assert withdrawn.status == 200, withdrawn.text
    (item,) = listed(api, clerk, dam["id"])
    assert item["status"] == "withdrawn" and item["can_open"] is True
    assert item["updated_at"] == withdrawn.json["updated_at"]


def test_a_patch_naming_another_dam_moves_the_application_there(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    first = new_dam(api, registrar, "dam-division", status="design")
    second = new_dam(api, registrar, "dam-division", status="design")
    _, applicant = api.register_verified()
    app = draft(api, applicant, first["id"])
    moved = api.patch(f"/applications/{app['id']}", {"data": {"dam_id": second["id"]}}, token=applicant)
    assert moved.status == 200, moved.text
    assert listed(api, registrar, first["id"]) == []
    assert [i["id"] for i in listed(api, registrar, second["id"])] == [app["id"]]
    # A patch that leaves the dam alone leaves the link alone; one naming no dam takes it away.
    assert api.patch(f"/applications/{app['id']}", {"data": {"contractor": "PT Uji"}}, token=applicant).status == 200
    assert [i["id"] for i in listed(api, registrar, second["id"])] == [app["id"]]
    assert api.patch(f"/applications/{app['id']}", {"data": {"dam_id": None}}, token=applicant).status == 200
    assert listed(api, registrar, second["id"]) == []


def test_the_list_pages_newest_first_and_refuses_a_cursor_not_its_own(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", status="design")
    _, applicant = api.register_verified()
    filed = [draft(api, applicant, dam["id"])["id"] for _ in range(3)]
    one = page(api, registrar, dam["id"], limit=2)
    assert one.status == 200 and [i["id"] for i in one.json["items"]] == filed[::-1][:2], one.text
    assert one.json["next_cursor"]
    two = page(api, registrar, dam["id"], limit=2, cursor=one.json["next_cursor"])
    assert two.status == 200 and [i["id"] for i in two.json["items"]] == filed[:1]
    assert two.json["next_cursor"] is None or page(api, registrar, dam["id"], cursor=two.json["next_cursor"]).json["items"] == []
    foreign = base64.urlsafe_b64encode(b"INSP#insp_x").rstrip(b"=").decode()
    for bad in ("not-a-cursor", foreign, "x" * 201):
        answer = page(api, registrar, dam["id"], cursor=bad)
        assert answer.status == 422 and answer.content_type == "application/problem+json", (bad, answer.text)
    assert page(api, registrar, dam["id"], limit=101).status == 422


def test_outside_the_dams_reach_it_is_not_there(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", status="design")
    _, applicant = api.register_verified()
    draft(api, applicant, dam["id"])
    elsewhere = make_people(api, {"city_operator": [("dam_operator", "kota-depok")]})["city_operator"]
    for token in (elsewhere, applicant):  # staff of another line; the public, even its applicant
        answer = page(api, token, dam["id"])
        assert answer.status == 404 and answer.content_type == "application/problem+json", answer.text
    assert page(api, None, dam["id"]).status == 401
    assert page(api, registrar, "dam_" + "0" * 26).status == 404


def test_a_page_makes_the_same_aws_calls_whatever_the_number_of_applications(api, seeded):
    from tests import aws_calls

    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", status="design")
    _, applicant = api.register_verified()

    def calls_of_one_page():
        with aws_calls.capture() as calls:
            answer = page(api, registrar, dam["id"], limit=50)
        assert answer.status == 200, answer.text
        return sorted(call.operation for call in calls), len(answer.json["items"])

    draft(api, applicant, dam["id"])
    few, shown = calls_of_one_page()
    assert shown == 1
    for _ in range(5):
        draft(api, applicant, dam["id"])
    more, shown = calls_of_one_page()
    assert shown == 6
    assert more == few  # the dam (reach), one Query of the links, one BatchGetItem of the applications


def test_an_approved_design_is_listed_on_the_dam_it_proposes(api, seeded):
    _, applicant = api.register_verified()
    filed = api.post("/applications", {"service_id": "dam-design-approval", "node_id": "dam-desk",
                                       "data": design_approval()}, token=applicant)
    assert filed.status == 201, filed.text
    approved = approve_through_the_dam_chain(api, applicant, filed.json["id"], (
        "application_letter", "design_report", "hydrology_study", "geotechnical_study"))
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    (item,) = listed(api, registrar, approved["data"]["dam_id"])
    assert item["id"] == filed.json["id"] and item["status"] == "approved"

