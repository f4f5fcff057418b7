"""Bad input answers 4xx problem+json, never a 500 and never a record written, one test per class
of input: digits of other scripts where an identifier is numeric, sizes past any bound, dates
far out. (Issue 16: Arabic-Indic digits passed as a NIK and hid the application from lookups;
a superscript digit, a 400-digit number and a date at year 9999 made 500s.)"""

from __future__ import annotations

import pytest

from tests.integration.test_contract import assert_problem
from tests.support import DEMO_PASSWORD, make_user

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SCRIPTS = {"arabic-indic": ARABIC_INDIC, "fullwidth": FULLWIDTH, "superscript": SUPERSCRIPT}

PERMIT = {
    "owner_nik": "3276061708850003", "owner_name": "Budi", "owner_npwp": "01.312.166.0-091.000",
    "owner_phone": "081234567890", "business_name": "Warung", "business_address": "Jl. Margonda 1",
    "kbli": "56102", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2,
}


@pytest.fixture(scope="module")
def tokens(seeded):
    return {}


@pytest.fixture
def who(api, seeded, tokens):
    """Tokens of the demo admin, an ops member, a new applicant and a staff member holding every
    role that works on applications and budgets at the root, and an application of the
    applicant's (made once per module). The right to a route is checked before its input, so
    bad input is sent by callers who have it, about things that exist."""
    if not tokens:
        tokens["admin"] = api.login("admin@demo.satupintu.id", DEMO_PASSWORD)
        ops, password = make_user(api.deps, [("ops", "org-demo")])
        tokens["ops"] = api.login(ops.email, password)
        applicant, password = make_user(api.deps)
        tokens["applicant"] = api.login(applicant.email, password)
        staff, password = make_user(api.deps, [(role, "org-demo") for role in (
            "admin", "verifier", "approver", "viewer", "budget_allocator", "budget_recommender")])
        tokens["staff"] = api.login(staff.email, password)
        filed = api.post("/applications", {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office",
                                           "data": PERMIT}, token=tokens["applicant"])
        assert filed.status == 201, filed.text
        tokens["application"] = filed.json["id"]
    return tokens


def _fields(answer) -> set[str]:
    return {e["field"] for e in answer.json.get("errors", [])}


# ---- digits of other scripts ----------------------------------------------------------------------

@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("field", ["owner_nik", "owner_npwp", "owner_phone"])
def test_a_form_identifier_in_other_digits_is_refused_and_nothing_is_filed(api, who, script, field):
    before = api.get("/applications", token=who["applicant"]).json["items"]
    data = {**PERMIT, field: PERMIT[field].translate(SCRIPTS[script])}
    answer = api.post("/applications", {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office",
                                        "data": data}, token=who["applicant"])
    assert_problem(answer, 422)
    assert _fields(answer) == {f"data.{field}"}
    assert api.get("/applications", token=who["applicant"]).json["items"] == before


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_nik_lookup_in_other_digits_is_refused_not_searched(api, who, script):
    answer = api.post("/applications/by-nik", {"nik": "3276061708850003".translate(SCRIPTS[script])}, token=who["admin"])
    assert_problem(answer, 422)
    assert _fields(answer) == {"nik"}


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_month_in_other_digits_is_refused_in_the_path_the_query_and_the_body(api, who, script):
    month = "2026".translate(SCRIPTS[script]) + "-01"  # the year alone: `\d{4}` took it, int() read it
    assert_problem(api.get(f"/budgets/branch-depok/{month}", token=who["staff"]), 422)
    assert_problem(api.call("PUT", f"/budgets/branch-depok/{month}", {"amount": 1000}, token=who["staff"]), 422)
    assert_problem(api.get(f"/dashboard/branch-depok?period={month}", token=who["staff"]), 422)
    assert_problem(api.post("/reports", {"kind": "budget-usage", "node_id": "branch-depok", "period": month},
                            token=who["staff"]), 422)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_day_in_other_digits_is_refused(api, who, script):
    day = "2026".translate(SCRIPTS[script]) + "-01-05"
    assert_problem(api.get(f"/integrations/sends?date={day}", token=who["ops"]), 422)
    assert_problem(api.post("/integrations/bios/run", {"date": day}, token=who["ops"]), 422)
    assert_problem(api.post("/nik/check", {"nik": "3276061708850003", "name": "Budi", "birth_date": day},
                            token=who["admin"]), 422)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_region_code_in_other_digits_opens_no_office(api, who, script):
    answer = api.post("/org/nodes", {"parent_id": "org-demo", "kind": "kantor", "name": "Kantor Uji",
                                     "region_code": "32.76".translate(SCRIPTS[script])}, token=who["admin"])
    assert_problem(answer, 422)
    assert _fields(answer) == {"region_code"}


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_number_in_other_digits_in_the_query_is_refused(api, who, script):
    assert_problem(api.get("/applications?limit=" + "20".translate(SCRIPTS[script]), token=who["admin"]), 422)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_refresh_token_with_other_digits_is_refused_not_a_500(api, script):
    assert_problem(api.post("/auth/refresh", {"refresh_token": "fam." + "2".translate(SCRIPTS[script]) + ".mac"}), 401)


def test_a_code_in_other_digits_is_a_wrong_code(api, seeded):
    answer = api.post("/auth/verify", {"email": "admin@demo.satupintu.id", "code": "123456".translate(ARABIC_INDIC)})
    assert_problem(answer, 422)
    assert _fields(answer) == {"code"}


# ---- sizes ------------------------------------------------------------------------------------------

HUGE = 10**400  # a 401-digit integer: no float holds it


@pytest.mark.parametrize("path, body", [
    ("/applications/{app}/decision", {"action": "approve", "step": HUGE}),
    ("/applications/{app}/documents", {"requirement": "ktp", "filename": "a.pdf", "content_type": "application/pdf",
                                       "size": HUGE}),
    ("/decisions", {"application_ids": ["{app}"], "action": "approve", "steps": {"{app}": HUGE}}),
    ("/applications/by-nik", {"nik": "3276061708850003", "limit": HUGE}),
])
def test_a_number_past_its_bound_is_refused_before_anything_is_looked_up(api, who, path, body):
    import json

    app = who["application"]
    body = json.loads(json.dumps(body).replace("{app}", app))
    assert_problem(api.post(path.replace("{app}", app), body, token=who["staff"]), 422)


def test_budget_amounts_past_any_real_amount_are_refused(api, who):
    assert_problem(api.call("PUT", "/budgets/branch-depok/2026-01", {"amount": HUGE}, token=who["staff"]), 422)
    answer = api.call("PUT", "/budgets/branch-depok/2026-01/recommendation", {"categories": {"ACQUISITION": HUGE}},
                      token=who["staff"])
    assert_problem(answer, 422)
    assert _fields(answer) == {"categories.ACQUISITION"}


@pytest.mark.parametrize("body", [
    {"data": {f"field_{i}": "x" for i in range(101)}},
    {"data": {"x" * 65: "x"}},
    {"data": {"owner_name": ["a"] * 1000}},
    {"data": {"owner_name": {"nested": {"deeper": "x"}}}},
])
def test_form_data_past_its_bounds_is_refused(api, who, body):
    answer = api.post("/applications", {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office",
                                        **body}, token=who["applicant"])
    assert_problem(answer, 422)
    assert any(e["field"].startswith("data") for e in answer.json["errors"]), answer.text


@pytest.mark.parametrize("body", [
    {"application_ids": ["app_" + "x" * 100], "action": "approve"},
    {"application_ids": ["app_x"] * 101, "action": "approve"},
    {"application_ids": ["app_x"], "action": "approve", "steps": {f"app_{i}": 1 for i in range(101)}},
])
def test_batch_lists_past_their_bounds_are_refused(api, who, body):
    assert_problem(api.post("/decisions", body, token=who["staff"]), 422)


def test_subscription_events_are_the_known_ones_of_bounded_size(api, who):
    body = {"url": "https://example.org/hooks", "node_id": "org-demo"}
    for events in (["x" * 50_000], ["application.approved"] * 21, ["application.exploded"]):
        answer = api.post("/subscriptions", {**body, "events": events}, token=who["admin"])
        assert answer.status in (413, 422), answer.text
        assert answer.content_type == "application/problem+json"


def test_staff_roles_are_the_known_ones(api, who):
    answer = api.post("/admin/users", {"email": "baru@example.id", "name": "Baru",
                                       "roles": [{"role": "emperor", "node_id": "org-demo"}]}, token=who["admin"])
    assert_problem(answer, 422)
    assert _fields(answer) == {"roles.0.role"}


def test_a_whole_number_written_with_a_decimal_point_is_that_number(api, who):
    # JSON has one kind of number: 2.0 is 2 (as the document's "integer" says), "2" still is not.
    assert api.post("/applications/by-nik", {"nik": "3276061708850003", "limit": 2.0}, token=who["admin"]).status == 200
    assert_problem(api.post("/applications/by-nik", {"nik": "3276061708850003", "limit": 2.5}, token=who["admin"]), 422)
    assert_problem(api.post("/applications/by-nik", {"nik": "3276061708850003", "limit": "2"}, token=who["admin"]), 422)


# ---- dates far out ------------------------------------------------------------------------------------

@pytest.mark.parametrize("month", ["1999-12", "2101-01", "9999-12", "0000-01"])
def test_a_month_outside_2000_to_2100_is_refused(api, who, month):
    assert_problem(api.get(f"/budgets/org-demo/{month}", token=who["admin"]), 422)
    assert_problem(api.get(f"/dashboard/org-demo?period={month}", token=who["admin"]), 422)


@pytest.mark.parametrize("day, status", [("9999-12-31", 422), ("2026-02-30", 422), ("0000-01-01", 422)])
def test_a_run_for_a_day_that_is_not_real_or_has_not_come_is_refused(api, who, day, status):
    assert_problem(api.post("/integrations/bios/run", {"date": day}, token=who["ops"]), status)


@pytest.mark.parametrize("starts, ends", [
    ("9999-12-31T00:00:00+07:00", "9999-12-31T23:00:00+07:00"),
    ("0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00+00:00"),
])
def test_a_delegation_at_the_ends_of_the_calendar_is_refused(api, who, starts, ends):
    answer = api.post("/delegations", {"role": "verifier", "node_id": "org-demo", "starts_at": starts, "ends_at": ends,
                                       "delegate_email": "verifikator.kukusan@demo.satupintu.id"}, token=who["admin"])
    assert 400 <= answer.status < 500 and answer.content_type == "application/problem+json", answer.text


@pytest.mark.parametrize("day", ["9999-12-31", "0000-01-01", "2026-13-01", "2026-01-05".translate(ARABIC_INDIC)])
def test_a_birth_date_far_out_or_not_real_files_nothing(api, seeded, day):
    clerk, password = make_user(api.deps, [("submitter", "kel-kukusan")])
    token = api.login(clerk.email, password)
    answer = api.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan",
                                        "data": {"birth_date": day}}, token=token)
    assert_problem(answer, 422)
    assert _fields(answer) == {"data.birth_date"}
    assert api.get("/applications?scope=mine", token=token).json["items"] == []


@pytest.mark.parametrize("field, value", [("kind", "kantor\n"), ("region_code", "32.76\n")])
def test_a_trailing_line_break_does_not_pass_a_pattern(api, who, field, value):
    # re.match with "^…$" lets a final "\n" through; the rules are matched whole.
    body = {"parent_id": "org-demo", "kind": "kantor", "name": "Kantor Uji", field: value}
    answer = api.post("/org/nodes", body, token=who["admin"])
    assert_problem(answer, 422)
    assert _fields(answer) == {field}
