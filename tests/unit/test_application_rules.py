"""The application state machine, on plain objects."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.certificates import NextCertificate

from chalicelib.domain import applications as rules
from chalicelib.domain.catalog import load_catalog
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.domain.org import Node
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import CASEWORK_ROLES, DECIDER_ROLES, Grant, Principal, application_roles
from tests.conftest import TEST_CATALOG

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
ORIGIN = rules.Origin("10.0.0.1", "pytest")
SERVICE = load_catalog(TEST_CATALOG).latest("test-simple-permit")

ROOT = Node("org", "org", "Org", None, ("org",), ("org",))
OFFICE = Node("office", "office", "Office", "org", ("org", "office"), ("org", "office"))
DEPT = Node("dept", "department", "Dept", "office", OFFICE.path + ("dept",), OFFICE.path_kinds + ("department",))
DESK = Node("desk", "desk", "Desk", "dept", DEPT.path + ("desk",), DEPT.path_kinds + ("desk",))
OTHER_DESK = Node("desk2", "desk", "Desk 2", "dept", DEPT.path + ("desk2",), DEPT.path_kinds + ("desk",))

applicant = Principal("u-applicant", "a@x.id", "Applicant", "id")
desk_verifier = Principal("u-desk", "d@x.id", "Desk", "id", (Grant("verifier", "desk"),))
dept_verifier = Principal("u-dept", "t@x.id", "Dept", "id", (Grant("verifier", "dept"),))
head = Principal("u-head", "h@x.id", "Head", "id", (Grant("approver", "office"),))
other_desk = Principal("u-other", "o@x.id", "Other", "id", (Grant("verifier", "desk2"),))


def filed(data=None):
    change = rules.new_application(app_id="app_1", tracking_code="AAAA-BBBB-CCCC", service=SERVICE, node=DESK,
                                   caller=applicant, data={"title": "Izin"} if data is None else data, now=NOW, tz=WIB, origin=ORIGIN)
    return change.application


def submitted():
    return rules.submit(filed(), SERVICE, DESK, applicant, [], NOW, WIB, ORIGIN).application


def test_a_new_application_is_a_draft_counted_at_every_node_up_to_the_root():
    change = rules.new_application(app_id="app_1", tracking_code="AAAA-BBBB-CCCC", service=SERVICE, node=DESK,
                                   caller=applicant, data={"title": "Izin"}, now=NOW, tz=WIB, origin=ORIGIN)
    assert change.application.status == "draft"
    assert change.expected_version is None
    assert [m.node_id for m in change.counters] == list(DESK.path)
    assert change.counters[0].deltas == {"status:draft": 1, "service:test-simple-permit:draft": 1}
    assert change.counters[0].period == "2026-11"
    assert change.history.action == "create" and change.history.source_ip == "10.0.0.1"


def test_submission_starts_step_one_with_its_deciders_and_due_time():
    change = rules.submit(filed(), SERVICE, DESK, applicant, [], NOW, WIB, ORIGIN)
    app = change.application
    assert (app.status, app.step) == ("submitted", 1)
    assert app.step_nodes == ("desk", "dept", "office")
    assert (app.decider_node_id, app.decider_role) == ("desk", "verifier")
    assert app.due_at == NOW + timedelta(hours=24)
    assert change.counters[0].deltas == {
        "status:draft": -1, "service:test-simple-permit:draft": -1,
        "status:submitted": 1, "service:test-simple-permit:submitted": 1,
    }


def test_submission_names_every_missing_field_and_document():
    app = filed({})
    with pytest.raises(InvalidInput) as raised:
        rules.submit(app, SERVICE, DESK, applicant, [("attachment", "document_required", "Attachment is required")],
                     NOW, WIB, ORIGIN)
    assert {(p.field, p.code) for p in raised.value.problems} == {
        ("data.title", "required"), ("documents.attachment", "document_required")}


def test_approving_walks_the_steps_and_the_last_approval_is_final():
    app = submitted()
    app = rules.decide(app, SERVICE, desk_verifier, "approve", 1, None, NOW, WIB, ORIGIN).application
    assert (app.status, app.step, app.decider_node_id) == ("in_review", 2, "dept")
    app = rules.decide(app, SERVICE, dept_verifier, "approve", 2, "ok", NOW, WIB, ORIGIN).application
    assert (app.status, app.step, app.decider_node_id, app.decider_role) == ("in_review", 3, "office", "approver")
    with pytest.raises(ValueError):  # a certifying service's final approval needs its certificate number
        rules.decide(app, SERVICE, head, "approve", 3, None, NOW, WIB, ORIGIN)
    change = rules.decide(app, SERVICE, head, "approve", 3, None, NOW, WIB, ORIGIN,
                          NextCertificate("AAAA-BBBB-CCCC-DDDD", 12))
    assert change.application.status == "approved"
    assert change.application.decider_node_id is None and change.application.due_at is None
    assert change.history.step == 3
    assert change.certificate.number == f"00012/TESTSIMPLEPE/{NOW.astimezone(WIB).year}"
    assert change.application.certificate_code == "AAAA-BBBB-CCCC-DDDD"
    assert [r.kind for r in change.renders] == ["certificate"]


def test_a_returned_application_comes_back_to_the_step_that_returned_it():
    app = rules.decide(submitted(), SERVICE, desk_verifier, "approve", 1, None, NOW, WIB, ORIGIN).application
    app = rules.decide(app, SERVICE, dept_verifier, "return", 2, "lengkapi data", NOW, WIB, ORIGIN).application
    assert (app.status, app.step, app.decider_node_id) == ("returned", 2, None)
    app = rules.patch_data(app, SERVICE, applicant, {"title": "Izin (perbaikan)"}, NOW, WIB, ORIGIN).application
    change = rules.submit(app, SERVICE, DESK, applicant, [], NOW, WIB, ORIGIN)
    assert change.history.action == "resubmit"
    assert (change.application.status, change.application.step, change.application.decider_node_id) == ("in_review", 2, "dept")


def test_reject_and_return_need_a_reason():
    with pytest.raises(InvalidInput):
        rules.decide(submitted(), SERVICE, desk_verifier, "reject", 1, "  ", NOW, WIB, ORIGIN)
    with pytest.raises(InvalidInput):
        rules.decide(submitted(), SERVICE, desk_verifier, "return", 1, None, NOW, WIB, ORIGIN)


def test_a_stale_step_is_a_conflict():
    app = rules.decide(submitted(), SERVICE, desk_verifier, "approve", 1, None, NOW, WIB, ORIGIN).application
    with pytest.raises(Conflict, match="now step 2"):
        rules.decide(app, SERVICE, dept_verifier, "approve", 1, None, NOW, WIB, ORIGIN)


def test_only_the_holders_of_the_steps_role_at_its_node_decide():
    with pytest.raises(Forbidden):
        rules.decide(submitted(), SERVICE, dept_verifier, "approve", 1, None, NOW, WIB, ORIGIN)
    with pytest.raises(Forbidden):
        rules.decide(submitted(), SERVICE, other_desk, "approve", 1, None, NOW, WIB, ORIGIN)


def test_nobody_decides_on_their_own_application():
    clerk = Principal("u-clerk", "c@x.id", "Clerk", "id", (Grant("verifier", "desk"),))
    change = rules.new_application(app_id="app_2", tracking_code="AAAA-BBBB-CCCD", service=SERVICE, node=DESK,
                                   caller=clerk, data={"title": "x"}, now=NOW, tz=WIB, origin=ORIGIN)
    app = rules.submit(change.application, SERVICE, DESK, clerk, [], NOW, WIB, ORIGIN).application
    with pytest.raises(Forbidden, match="own application"):
        rules.decide(app, SERVICE, clerk, "approve", 1, None, NOW, WIB, ORIGIN)


def test_reach_decides_who_may_read():
    app = submitted()
    assert rules.can_read(applicant, app, SERVICE)
    assert rules.can_read(head, app, SERVICE)  # above the desk
    assert not rules.can_read(other_desk, app, SERVICE)  # beside it
    with pytest.raises(NotFound):
        rules.require_readable(other_desk, app, load_catalog(TEST_CATALOG))


MARKETING_FEE = load_catalog().latest("marketing-fee-report")


@pytest.mark.parametrize("role, city_permit, marketing_fee", [
    # SPEC.md, "What a role may read": the roles that work on applications read them...
    ("submitter", True, True),
    ("verifier", True, True),
    ("approver", True, True),
    ("admin", True, True),
    # ...the marketing-fee roles that program's only...
    ("budget_allocator", False, True),
    ("budget_recommender", False, True),
    # ...and viewers and ops none: figures and logs, never people's files.
    ("viewer", False, False),
    ("ops", False, False),
])
def test_the_role_held_above_decides_whether_an_application_is_read(role, city_permit, marketing_fee):
    app = submitted()  # filed at the desk; the role is held at the root, far above it
    holder = Principal("u-role", "r@x.id", "Role", "id", (Grant(role, "org"),))
    assert rules.can_read(holder, app, SERVICE) is city_permit
    assert rules.can_read(holder, app, MARKETING_FEE) is marketing_fee
    # The same role lent by a delegation reads the same, and the applicant always reads their own.
    lent = Delegation("dlg_1", role, "org", "u-lender", "Lender", "u-role", "Role", NOW, NOW + timedelta(days=1), NOW)
    assert rules.can_read(Principal("u-role", "r@x.id", "Role", "id", (), (lent,)), app, SERVICE) is city_permit
    assert rules.can_read(applicant, app, None)
    # A service the catalog no longer has is read by the roles that work on every program's.
    assert rules.can_read(holder, app, None) is city_permit


def test_whoever_decides_a_step_is_among_those_who_read_applications():
    # The generic deciders read every program's; the marketing-fee deciders only theirs, and
    # the catalog refuses a step naming a role its program's readers lack.
    assert set(DECIDER_ROLES) <= set(CASEWORK_ROLES) | set(application_roles("marketing-fee"))
    assert {"verifier", "approver"} <= set(CASEWORK_ROLES)
    for service in load_catalog().current():
        assert {step.role for step in service.steps} <= set(application_roles(service.program)), service.id


def test_withdrawal_is_possible_until_a_final_decision():
    app = rules.withdraw(submitted(), SERVICE, applicant, NOW, WIB, ORIGIN, "salah layanan").application
    assert app.status == "withdrawn" and app.decider_node_id is None
    with pytest.raises(Conflict):
        rules.withdraw(app, SERVICE, applicant, NOW, WIB, ORIGIN)
    with pytest.raises(Forbidden):
        rules.withdraw(submitted(), SERVICE, head, NOW, WIB, ORIGIN)


def test_only_drafts_and_returned_applications_change():
    with pytest.raises(Conflict):
        rules.patch_data(submitted(), SERVICE, applicant, {"title": "x"}, NOW, WIB, ORIGIN)


def test_a_service_cannot_be_filed_where_a_step_finds_no_deciders():
    lone_desk = Node("lone", "desk", "Lone desk", "org", ("org", "lone"), ("org", "desk"))
    with pytest.raises(InvalidInput, match="cannot be filed"):
        rules.new_application(app_id="app_3", tracking_code="AAAA-BBBB-CCCE", service=SERVICE, node=lone_desk,
                              caller=applicant, data={}, now=NOW, tz=WIB, origin=ORIGIN)
    with pytest.raises(InvalidInput, match="is filed at an office of kind desk"):
        rules.new_application(app_id="app_4", tracking_code="AAAA-BBBB-CCCF", service=SERVICE, node=OFFICE,
                              caller=applicant, data={}, now=NOW, tz=WIB, origin=ORIGIN)


def test_counters_use_the_organisations_month():
    late_evening_utc = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)  # 1 December in WIB
    change = rules.new_application(app_id="app_5", tracking_code="AAAA-BBBB-CCCH", service=SERVICE, node=DESK,
                                   caller=applicant, data={}, now=late_evening_utc, tz=WIB, origin=ORIGIN)
    assert change.counters[0].period == "2026-12"
