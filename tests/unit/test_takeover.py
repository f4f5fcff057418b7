"""Escalation that can act (domain/takeover.py, on fakes): the office an overdue step was escalated
to takes it over and decides it, or hands it to a named person at the step's own office; one of
two claimers wins; nobody the escalation has not reached may claim."""

from datetime import timedelta

import pytest

from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.domain.people import Grant, Principal, User
from tests.fakes import NOW, services
from tests.unit.test_application_rules import DEPT, DESK, OFFICE, ORIGIN, OTHER_DESK, ROOT, applicant, desk_verifier

SLA = timedelta(hours=24)  # step 1 of test-simple-permit: a verifier at the desk
dept_verifier = Principal("u-dept", "t@x.id", "Dept", "id", (Grant("verifier", "dept"),))
dept_colleague = Principal("u-dept2", "t2@x.id", "Dept 2", "id", (Grant("verifier", "dept"),))
head = Principal("u-head", "h@x.id", "Head", "id", (Grant("approver", "office"),))
other_desk = Principal("u-other", "o@x.id", "Other", "id", (Grant("verifier", "desk2"),))
second_desk_verifier = User("u-desk-b", "db@x.id", "Desk B", "id", "active", None, NOW, grants=(Grant("verifier", "desk"),))
desk_viewer = User("u-view", "v@x.id", "Viewer", "id", "active", None, NOW, grants=(Grant("viewer", "desk"),))
PEOPLE = {u.email: u for u in (second_desk_verifier, desk_viewer)}


@pytest.fixture
def office(fakes):
    for node in (ROOT, OFFICE, DEPT, DESK, OTHER_DESK):
        fakes.org.add(node)
    return services.applications(fakes, person_by_email=PEOPLE.get)


def overdue(fakes, office, levels: int):
    """An application whose step 1 was escalated `levels` offices up (0: its deciders told)."""
    app = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    office.submit(applicant, app.id, ORIGIN)
    fakes.clock.advance(seconds=SLA.total_seconds() * (levels + 1) + 60)
    office.escalate_overdue()
    assert fakes.applications.get(app.id).escalation_level == levels + 1
    return app


def test_the_office_an_overdue_step_was_escalated_to_takes_it_over_and_decides_it(fakes, office):
    app = overdue(fakes, office, levels=1)
    claimed = office.claim(dept_verifier, app.id, ORIGIN)
    assert (claimed.assignee_id, claimed.decider_node_id, claimed.decider_role) == ("u-dept", "dept", "verifier")
    assert claimed.due_at == fakes.clock.now() + SLA and claimed.escalation_level == 0  # its clock starts again
    history = fakes.applications.get_with_history(app.id)[1]
    assert history[-1].action == "claim" and history[-1].actor_id == "u-dept" and "Dept" in history[-1].comment
    with pytest.raises(Forbidden):  # the step's own office no longer decides it
        office.decide(desk_verifier, app.id, "approve", 1, None, ORIGIN)
    assert office.decide(dept_verifier, app.id, "approve", 1, None, ORIGIN).step == 2
    told = [e["payload"] for e in fakes.outbox.entries.values() if e["payload"]["kind"] == "claimed"]
    assert [(p["to_role"], p["to_node_id"]) for p in told] == [("verifier", "desk")]


def test_of_two_claimers_one_wins_and_the_other_is_told_it_is_taken(fakes, office):
    app = overdue(fakes, office, levels=1)
    office.claim(dept_verifier, app.id, ORIGIN)
    with pytest.raises(Conflict, match="taken over by Dept"):
        office.claim(dept_colleague, app.id, ORIGIN)
    assert [a.id for a in office.inbox(dept_colleague, None, 50).items] == []
    assert [a.id for a in office.inbox(dept_verifier, None, 50).items] == [app.id]


def test_nobody_the_escalation_has_not_reached_may_claim(fakes, office):
    app = overdue(fakes, office, levels=0)  # only the desk's own verifiers were told
    with pytest.raises(Forbidden):
        office.claim(dept_verifier, app.id, ORIGIN)
    with pytest.raises(Forbidden):
        office.claim(head, app.id, ORIGIN)  # two levels up: not reached either
    with pytest.raises(NotFound):
        office.claim(other_desk, app.id, ORIGIN)  # outside their reach altogether


def test_a_level_reached_further_up_claims_under_the_deciding_role_it_holds_there(fakes, office):
    app = overdue(fakes, office, levels=2)
    claimed = office.claim(head, app.id, ORIGIN)  # the office has approvers, not verifiers
    assert (claimed.decider_node_id, claimed.decider_role) == ("office", "approver")
    assert office.decide(head, app.id, "approve", 1, None, ORIGIN).step == 2


def test_the_level_that_may_claim_hands_the_step_to_a_named_person_at_its_own_office(fakes, office):
    app = overdue(fakes, office, levels=1)
    handed = office.reassign(dept_verifier, app.id, "DB@x.id", ORIGIN)
    assert (handed.assignee_id, handed.decider_node_id, handed.decider_role) == ("u-desk-b", "desk", "verifier")
    with pytest.raises(Forbidden):
        office.decide(desk_verifier, app.id, "approve", 1, None, ORIGIN)  # the others at the desk no longer
    notice = [e["payload"] for e in fakes.outbox.entries.values() if e["payload"]["kind"] == "reassigned"][0]
    assert notice["to_user_id"] == "u-desk-b"
    assert fakes.applications.get_with_history(app.id)[1][-1].action == "reassign"
    second = Principal("u-desk-b", "db@x.id", "Desk B", "id", second_desk_verifier.grants)
    assert office.decide(second, app.id, "approve", 1, None, ORIGIN).step == 2


@pytest.mark.parametrize("email", ["v@x.id", "nobody@x.id"])
def test_a_step_is_handed_only_to_someone_holding_its_role_at_its_office(fakes, office, email):
    app = overdue(fakes, office, levels=1)
    with pytest.raises(InvalidInput) as raised:
        office.reassign(dept_verifier, app.id, email, ORIGIN)
    assert raised.value.problems[0].field == "user_email"
    assert fakes.applications.get(app.id).assignee_id is None


def test_who_neither_decides_nor_may_claim_cannot_reassign(fakes, office):
    app = overdue(fakes, office, levels=0)
    with pytest.raises(Forbidden):
        office.reassign(dept_verifier, app.id, "db@x.id", ORIGIN)
    assert office.reassign(desk_verifier, app.id, "db@x.id", ORIGIN).assignee_id == "u-desk-b"  # its own decider may
