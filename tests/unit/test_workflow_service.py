"""The application service's rules on fakes: batch decisions where each item stands alone,
escalation of overdue steps (once per level, never for a suspended step), certificate numbers
taken by a parallel approval, and decisions a delegate takes on someone's behalf."""

from datetime import timedelta

import pytest

from chalicelib.domain.errors import Conflict, Forbidden, NotFound, Unavailable
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import Grant, Principal, User
from chalicelib.services.ports import OutboxKey, SequenceTaken
from tests.fakes import NOW, services
from tests.unit.test_application_rules import DEPT, DESK, OFFICE, ORIGIN, OTHER_DESK, ROOT, applicant, desk_verifier

SLA = timedelta(hours=24)  # step 1 of test-simple-permit
dept_verifier = Principal("u-dept", "t@x.id", "Dept", "id", (Grant("verifier", "dept"),))
head = Principal("u-head", "h@x.id", "Head", "id", (Grant("approver", "office"),))
colleague = Principal("u-colleague", "c@x.id", "Colleague", "id", (Grant("viewer", "desk"),))


@pytest.fixture
def office(fakes):
    for node in (ROOT, OFFICE, DEPT, DESK, OTHER_DESK):
        fakes.org.add(node)
    return services.applications(fakes)


def submitted(service, node_id="desk"):
    app = service.create(applicant, "test-simple-permit", node_id, {"title": "Izin"}, ORIGIN)
    return service.submit(applicant, app.id, ORIGIN)


def outbox_kinds(fakes, app_id):
    return [entry["payload"]["kind"] for (pk, _sk), entry in sorted(fakes.outbox.entries.items())
            if pk == f"APP#{app_id}" and entry["topic"] == "notify"]


# ---- batch decisions -------------------------------------------------------------------------------

def test_a_batch_with_stale_foreign_missing_and_others_items_approves_the_rest(fakes, office):
    stale, moved, *fine = [submitted(office) for _ in range(4)]
    for app in (stale, moved):
        office.decide(desk_verifier, app.id, "approve", 1, None, ORIGIN)
    foreign = submitted(office, "desk2")
    ids = [stale.id, moved.id, *[a.id for a in fine], foreign.id, "app_nope"]
    outcomes = {o.application_id: o for o in office.decide_many(
        desk_verifier, ids, "approve", "Lengkap", {a.id: 1 for a in [stale, *fine]}, ORIGIN)}
    assert isinstance(outcomes[stale.id].error, Conflict)  # its step moved on
    assert isinstance(outcomes[moved.id].error, Forbidden)  # step 2 is the department's
    assert isinstance(outcomes[foreign.id].error, NotFound)
    assert isinstance(outcomes["app_nope"].error, NotFound)
    for app in fine:
        decided = outcomes[app.id].application
        assert outcomes[app.id].error is None and (decided.status, decided.step) == ("in_review", 2)
        assert fakes.applications.get_with_history(app.id)[1][-1].comment == "Lengkap"


def test_an_item_that_fails_unexpectedly_costs_only_itself(fakes, office, monkeypatch):
    broken, fine = submitted(office), submitted(office)
    real_get = fakes.applications.get
    monkeypatch.setattr(fakes.applications, "get",
                        lambda app_id: (_ for _ in ()).throw(RuntimeError("boom")) if app_id == broken.id else real_get(app_id))
    outcomes = office.decide_many(desk_verifier, [broken.id, fine.id, broken.id], "approve", None, {}, ORIGIN)
    assert [o.application_id for o in outcomes] == [broken.id, fine.id]  # each id once
    assert isinstance(outcomes[0].error, Unavailable)
    assert outcomes[1].application.step == 2


def test_a_batch_item_that_awaits_no_decision_says_so(fakes, office):
    draft = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    (outcome,) = office.decide_many(desk_verifier, [draft.id], "approve", None, {}, ORIGIN)
    assert isinstance(outcome.error, Conflict) and "draft" in str(outcome.error)
    app = submitted(office)
    office.withdraw(applicant, app.id, None, ORIGIN)
    (outcome,) = office.decide_many(desk_verifier, [app.id], "approve", None, {}, ORIGIN)
    assert isinstance(outcome.error, Conflict) and "withdrawn" in str(outcome.error)


# ---- escalation --------------------------------------------------------------------------------------

def test_an_untouched_step_escalates_exactly_once_per_level(fakes, office):
    app = submitted(office)
    assert office.escalate_overdue() == 0
    fakes.clock.advance(seconds=SLA.total_seconds() + 60)
    assert office.escalate_overdue() == 1
    assert office.escalate_overdue() == 0
    assert outbox_kinds(fakes, app.id).count("overdue") == 1
    assert fakes.applications.get(app.id).escalation_level == 1
    fakes.clock.advance(seconds=SLA.total_seconds())
    assert office.escalate_overdue() == 1
    assert office.escalate_overdue() == 0
    escalated = [e["payload"] for e in fakes.outbox.entries.values() if e["payload"]["kind"] == "escalated"]
    assert [(p["to_role"], p["to_node_id"]) for p in escalated] == [("verifier", "dept")]


def test_a_clock_that_jumped_makes_every_level_due_in_one_sweep(fakes, office):
    app = submitted(office)
    fakes.clock.advance(days=30)
    made = office.escalate_overdue()
    assert made == fakes.applications.get(app.id).escalation_level >= 3
    assert office.escalate_overdue() == 0
    actions = [e.action for e in fakes.applications.get_with_history(app.id)[1]]
    assert actions.count("overdue") == 1 and actions.count("escalate") == made - 1


def test_a_suspended_step_does_not_escalate_until_it_resumes(fakes, office):
    app = submitted(office)
    office.suspend(desk_verifier, app.id, "KTP kurang jelas", ORIGIN)
    fakes.clock.advance(days=3)
    assert office.escalate_overdue() == 0
    office.resume(desk_verifier, app.id, ORIGIN)
    assert office.escalate_overdue() == 0  # the clock stood still while suspended
    fakes.clock.advance(seconds=SLA.total_seconds() + 60)
    assert office.escalate_overdue() == 1


def test_a_decided_step_is_not_escalated(fakes, office):
    app = submitted(office)
    fakes.clock.advance(seconds=SLA.total_seconds() - 60)
    office.decide(desk_verifier, app.id, "approve", 1, None, ORIGIN)
    fakes.clock.advance(seconds=120)
    assert office.escalate_overdue() == 0


def test_one_failing_escalation_does_not_stop_the_sweep(fakes, office, monkeypatch):
    first, second = submitted(office), submitted(office)
    fakes.clock.advance(seconds=SLA.total_seconds() + 60)
    real_get = fakes.applications.get
    monkeypatch.setattr(fakes.applications, "get",
                        lambda app_id: (_ for _ in ()).throw(RuntimeError("boom")) if app_id == first.id else real_get(app_id))
    assert office.escalate_overdue() == 1
    assert fakes.applications.apps[second.id].escalation_level == 1


# ---- certificates ----------------------------------------------------------------------------------------

def approved_through_step_two(office):
    app = submitted(office)
    office.decide(desk_verifier, app.id, "approve", 1, None, ORIGIN)
    office.decide(dept_verifier, app.id, "approve", 2, None, ORIGIN)
    return app


def test_final_approvals_number_their_certificates_one_after_another(fakes, office):
    first, second = approved_through_step_two(office), approved_through_step_two(office)
    numbers = [fakes.applications.certificate(office.decide(head, a.id, "approve", 3, None, ORIGIN).certificate_code)
               for a in (first, second)]
    assert [c.sequence for c in numbers] == [1, 2]


def test_a_number_taken_by_a_parallel_approval_is_read_again(fakes, office, monkeypatch):
    app = approved_through_step_two(office)
    real_save, raced = fakes.applications.save, []

    def save(change):
        if change.certificate is not None and not raced:
            raced.append(change.certificate.sequence)
            fakes.applications.sequences[change.certificate.series] = change.certificate.sequence  # someone took it
        return real_save(change)

    monkeypatch.setattr(fakes.applications, "save", save)
    decided = office.decide(head, app.id, "approve", 3, None, ORIGIN)
    assert fakes.applications.certificate(decided.certificate_code).sequence == raced[0] + 1


def test_approvals_that_keep_losing_the_number_give_up_with_a_conflict(fakes, office, monkeypatch):
    app = approved_through_step_two(office)
    monkeypatch.setattr(fakes.applications, "save", lambda change: (_ for _ in ()).throw(SequenceTaken("s")))
    with pytest.raises(Conflict):
        office.decide(head, app.id, "approve", 3, None, ORIGIN)


# ---- delegation ----------------------------------------------------------------------------------------

def staff(fakes, principal):
    fakes.users.create(User(principal.user_id, principal.email, principal.name, "id", "active", "h", NOW),
                       None, principal.grants)


def lend(fakes, days=5):
    for person in (desk_verifier, colleague):
        staff(fakes, person)
    return services.delegations(fakes).create(desk_verifier, "verifier", "desk", colleague.email, NOW,
                                              NOW + timedelta(days=days))


def as_signed_in(fakes, principal):
    accounts = services.accounts(fakes)
    return accounts.authenticate(fakes.access_tokens.issue(principal.user_id, "family", 0))


def test_a_delegate_decides_on_the_delegators_behalf_while_the_delegation_lasts(fakes, office):
    lent = lend(fakes)
    app = submitted(office)
    caller = as_signed_in(fakes, colleague)
    assert caller.delegated == (lent,)
    assert [a.id for a in office.inbox(caller, None, 10).items] == [app.id]
    office.decide(caller, app.id, "approve", 1, None, ORIGIN)
    entry = fakes.applications.get_with_history(app.id)[1][-1]
    assert (entry.actor_id, entry.on_behalf_of_id) == (colleague.user_id, desk_verifier.user_id)


def test_the_delegate_is_told_of_work_in_the_lent_role(fakes, office):
    lend(fakes)
    staff(fakes, Principal("u-other", "o@x.id", "Other", "id", (Grant("verifier", "desk"),)))
    holders = dict(fakes.users.holders("verifier", "desk"))
    assert set(holders) == {desk_verifier.user_id, colleague.user_id, "u-other"}
    assert isinstance(holders[colleague.user_id], Delegation)


def test_a_delegation_ends_on_its_own_at_its_end_time(fakes, office):
    lend(fakes, days=1)
    app = submitted(office)
    fakes.clock.advance(days=2)
    caller = as_signed_in(fakes, colleague)
    assert caller.delegated == ()
    # A viewer of their own again: the application is out of their reach (viewers read figures,
    # not files), not merely theirs no more to decide.
    with pytest.raises(NotFound):
        office.decide(caller, app.id, "approve", 1, None, ORIGIN)


def test_either_party_ends_a_delegation_and_nobody_else_sees_it(fakes, office):
    lent = lend(fakes)
    delegations = services.delegations(fakes)
    with pytest.raises(NotFound):
        delegations.end(head, lent.id)
    assert [d.id for d in delegations.of(colleague)] == [lent.id]
    delegations.end(colleague, lent.id)
    assert delegations.of(desk_verifier) == [] and as_signed_in(fakes, colleague).delegated == ()


def test_a_delegation_needs_an_office_the_delegator_reaches_and_a_role_they_hold(fakes, office):
    lend(fakes)
    delegations = services.delegations(fakes)
    with pytest.raises(NotFound):
        delegations.create(desk_verifier, "verifier", "node_nope", colleague.email, NOW, NOW + timedelta(days=1))
    with pytest.raises(Forbidden):
        delegations.create(desk_verifier, "approver", "desk", colleague.email, NOW, NOW + timedelta(days=1))
    with pytest.raises(NotFound):
        delegations.create(desk_verifier, "verifier", "desk2", colleague.email, NOW, NOW + timedelta(days=1))


def test_outbox_keys_of_a_change_name_its_application(fakes, office):
    app = submitted(office)
    keys = [OutboxKey(pk, sk, e["topic"]) for (pk, sk), e in fakes.outbox.entries.items()]
    assert keys and all(k.pk == f"APP#{app.id}" for k in keys)
