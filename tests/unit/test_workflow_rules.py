"""Deadlines, escalation, suspension, delegation and notices, on plain objects."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import applications as rules
from chalicelib.domain import delegations
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import Grant, Principal, User
from chalicelib.domain.notifications import KINDS, notification_id, retry_delay_seconds
from tests.unit.test_application_rules import (
    DEPT,
    DESK,
    NOW,
    OFFICE,
    ORIGIN,
    ROOT,
    SERVICE,
    WIB,
    applicant,
    desk_verifier,
    dept_verifier,
    submitted,
)

SLA = timedelta(hours=24)  # step 1 of test-simple-permit


def nodes_above(level):
    return {0: DESK, 1: DEPT, 2: OFFICE, 3: ROOT}.get(level)


def escalate_at(app, moment):
    return rules.escalate(app, SERVICE, DESK, nodes_above(app.escalation_level), moment)


# ---- notices ---------------------------------------------------------------------------------

def test_submission_tells_the_applicant_and_the_deciders_of_step_one():
    change = rules.submit(rules.new_application(
        app_id="app_1", tracking_code="AAAA-BBBB-CCCC", service=SERVICE, node=DESK, caller=applicant,
        data={"title": "Izin"}, now=NOW, tz=WIB, origin=ORIGIN).application, SERVICE, DESK, applicant, [], NOW, WIB, ORIGIN)
    receipt, task = change.notices
    assert (receipt.kind, receipt.to_user_id) == ("submitted", "u-applicant")
    assert (task.kind, task.to_role, task.to_node_id, task.except_user_id) == ("assigned", "verifier", "desk", "u-applicant")
    assert receipt.params["tracking_code"] == "AAAA-BBBB-CCCC" and receipt.params["step_label_en"]


@pytest.mark.parametrize("action, kind", [("reject", "rejected"), ("return", "returned")])
def test_a_final_or_returning_decision_tells_the_applicant_why(action, kind):
    change = rules.decide(submitted(), SERVICE, desk_verifier, action, 1, "KTP tidak terbaca", NOW, WIB, ORIGIN)
    notice, *after = change.notices
    assert (notice.kind, notice.to_user_id, notice.params["comment"]) == (kind, "u-applicant", "KTP tidak terbaca")
    # A public service's applicant is asked to the satisfaction survey once it is decided, not
    # when it comes back to them.
    assert [(n.kind, n.to_user_id) for n in after] == (
        [("survey_invitation", "u-applicant")] if action == "reject" else [])


def test_approving_a_step_assigns_the_next_steps_deciders():
    change = rules.decide(submitted(), SERVICE, desk_verifier, "approve", 1, None, NOW, WIB, ORIGIN)
    (notice,) = change.notices
    assert (notice.kind, notice.to_role, notice.to_node_id) == ("assigned", "verifier", "dept")


def test_every_kind_produced_has_a_template_in_both_languages():
    from chalicelib.templates import render_mail

    params = {key: "x" for key in ("org_name", "name", "link", "tracking_code", "service_name", "applicant_name", "step",
                                    "steps_total", "step_label", "comment", "reason", "due_at", "level", "office",
                                    "decider_office", "filename", "requirement", "roles", "code", "inviter", "days", "notes",
                                    "url", "failures", "subscription_id", "target", "dataset", "day", "key", "attempts",
                                    "actor_name", "actor_office", "dam_name", "level_m", "threshold_m", "period", "due_on", "what",
                                    "due_date")}
    for kind in KINDS:
        for language in ("id", "en"):
            subject, summary, text = render_mail(kind, language, params)
            assert subject and summary and "$" not in text, (kind, language)


# ---- escalation ------------------------------------------------------------------------------

def test_nothing_escalates_before_the_due_time():
    app = submitted()
    assert app.escalate_at == NOW + SLA
    assert escalate_at(app, NOW + SLA - timedelta(seconds=1)) is None


def test_an_overdue_step_tells_its_deciders_then_climbs_one_level_per_sla_period():
    app = submitted()
    first = escalate_at(app, NOW + SLA)
    assert first.history.action == "overdue" and first.history.actor_id == "system"
    (notice,) = first.notices
    assert (notice.kind, notice.to_role, notice.to_node_id) == ("overdue", "verifier", "desk")
    app = first.application
    assert app.escalation_level == 1 and app.escalate_at == NOW + 2 * SLA
    assert escalate_at(app, NOW + SLA + timedelta(hours=1)) is None  # once per level

    second = escalate_at(app, NOW + 2 * SLA)
    (notice,) = second.notices
    assert (notice.kind, notice.to_role, notice.to_node_id) == ("escalated", "verifier", "dept")
    assert notice.fallback_roles == ("approver",)  # told when nobody up there holds the verifier role
    app = second.application
    third = escalate_at(app, NOW + 3 * SLA)
    assert third.notices[0].to_node_id == "office"
    fourth = escalate_at(third.application, NOW + 4 * SLA)
    assert fourth.notices[0].to_node_id == "org"
    assert fourth.application.escalate_at is None  # the root was the last level
    assert escalate_at(fourth.application, NOW + 10 * SLA) is None


def test_a_suspended_application_does_not_escalate_and_resuming_moves_its_deadlines():
    app = rules.suspend(submitted(), SERVICE, desk_verifier, "menunggu surat kuasa asli", NOW + timedelta(hours=2),
                        ORIGIN).application
    assert app.is_suspended
    assert escalate_at(app, NOW + 3 * SLA) is None
    resumed = rules.resume(app, SERVICE, desk_verifier, NOW + timedelta(hours=50), ORIGIN).application
    assert not resumed.is_suspended
    assert resumed.due_at == NOW + SLA + timedelta(hours=48)
    assert resumed.escalate_at == resumed.due_at
    assert escalate_at(resumed, NOW + SLA + timedelta(hours=47)) is None


def test_only_the_current_deciders_suspend_and_with_a_reason():
    with pytest.raises(InvalidInput):
        rules.suspend(submitted(), SERVICE, desk_verifier, "  ", NOW, ORIGIN)
    with pytest.raises(Forbidden):
        rules.suspend(submitted(), SERVICE, dept_verifier, "nope", NOW, ORIGIN)
    with pytest.raises(Conflict):
        rules.resume(submitted(), SERVICE, desk_verifier, NOW, ORIGIN)


def test_a_new_step_starts_with_a_clean_escalation_slate():
    app = escalate_at(submitted(), NOW + SLA).application
    approved = rules.decide(app, SERVICE, desk_verifier, "approve", 1, None, NOW + SLA, WIB, ORIGIN).application
    assert approved.escalation_level == 0 and approved.escalate_at == approved.due_at


# ---- delegation ------------------------------------------------------------------------------

def _colleague(active=True, staff=True):
    return User(id="u-colleague", email="c@x.id", name="Colleague", language="id",
                status="active" if active else "pending", password_hash=None, created_at=NOW,
                grants=(Grant("viewer", "office"),) if staff else ())


def _plan(**overrides):
    values = dict(delegation_id="dlg_1", caller=desk_verifier, role="verifier", node_id="desk", delegate=_colleague(),
                  starts_at=NOW, ends_at=NOW + timedelta(days=7), now=NOW)
    values.update(overrides)
    return delegations.plan_delegation(**values)


def test_a_delegate_decides_on_the_delegators_behalf_and_the_history_says_so():
    lent = _plan()
    delegate = Principal("u-colleague", "c@x.id", "Colleague", "id", (Grant("viewer", "office"),), (lent,))
    change = rules.decide(submitted(), SERVICE, delegate, "approve", 1, None, NOW, WIB, ORIGIN)
    assert (change.history.actor_id, change.history.on_behalf_of_id, change.history.on_behalf_of_name) == (
        "u-colleague", "u-desk", "Desk")


def test_a_delegation_cannot_exceed_what_the_delegator_holds():
    with pytest.raises(Forbidden):
        _plan(role="approver")  # not held at desk
    with pytest.raises(Forbidden):
        _plan(node_id="dept")  # reach below is not holding
    lent = _plan()
    borrower = Principal("u-colleague", "c@x.id", "Colleague", "id", (Grant("viewer", "office"),), (lent,))
    with pytest.raises(Forbidden):
        _plan(caller=borrower, delegate=_colleague())  # a lent role is not lent on
    with pytest.raises(InvalidInput):
        _plan(role="admin")


@pytest.mark.parametrize("overrides, field", [
    ({"ends_at": NOW - timedelta(hours=1), "starts_at": NOW - timedelta(days=1)}, "ends_at"),
    ({"ends_at": NOW}, "ends_at"),
    ({"ends_at": NOW + timedelta(days=120)}, "ends_at"),
    ({"delegate": None}, "delegate_email"),
    # Far ahead (here at the end of year 9999, where keeping the record a year would overflow).
    ({"starts_at": datetime(9999, 12, 30, tzinfo=timezone.utc), "ends_at": datetime(9999, 12, 31, tzinfo=timezone.utc)},
     "starts_at"),
    ({"starts_at": NOW + timedelta(days=400), "ends_at": NOW + timedelta(days=401)}, "starts_at"),
])
def test_a_delegation_needs_a_real_period_and_an_active_colleague(overrides, field):
    with pytest.raises(InvalidInput) as refused:
        _plan(**overrides)
    assert [p.field for p in refused.value.problems] == [field]


def test_a_delegation_only_counts_within_its_period():
    lent = Delegation("dlg", "verifier", "desk", "u-desk", "Desk", "u-c", "C", NOW, NOW + timedelta(days=1), NOW)
    assert lent.active_at(NOW) and not lent.active_at(NOW + timedelta(days=1))


# ---- notification ids and backoff ---------------------------------------------------------------

def test_notification_ids_are_the_same_for_the_same_notice_and_person_and_sort_by_time():
    a = notification_id(NOW, "APP#1|OUT#1", "u1")
    assert a == notification_id(NOW, "APP#1|OUT#1", "u1")
    assert a != notification_id(NOW, "APP#1|OUT#1", "u2")
    assert a < notification_id(NOW + timedelta(milliseconds=1), "APP#0|OUT#0", "u0")


def test_retries_back_off_exponentially_up_to_a_cap():
    assert [retry_delay_seconds(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay_seconds(20, 30) == 900


def test_times_in_notices_are_in_the_offices_time_zone():
    overdue = rules.escalate(submitted(), SERVICE, DESK, DESK, NOW + SLA, WIB).notices[0]
    assert overdue.params["due_at"] == "23-11-2026 10:00 (UTC+07:00)"


def test_e_mail_refuses_a_missing_value_but_the_in_app_list_shows_what_it_has():
    from chalicelib.templates import render_mail

    with pytest.raises(KeyError):
        render_mail("approved", "en", {"org_name": "x", "name": "Ann", "link": "/"})
    subject, _summary, _text = render_mail("approved", "en", {"tracking_code": "AAAA"}, strict=False)
    assert subject == "Application AAAA approved"


# ---- the step against its SLA ---------------------------------------------------------------

def test_a_step_is_on_time_then_due_soon_in_its_last_quarter_then_overdue():
    app = submitted()  # step 1 started at NOW, 24 hours
    assert rules.sla_state(app, NOW) == "on_time"
    assert rules.sla_state(app, NOW + SLA * 0.75 - timedelta(seconds=1)) == "on_time"
    assert rules.sla_state(app, NOW + SLA * 0.75) == "due_soon"
    assert rules.sla_state(app, NOW + SLA) == "overdue"
    decided = rules.decide(app, SERVICE, desk_verifier, "reject", 1, "Tidak lengkap", NOW, WIB, ORIGIN).application
    assert rules.sla_state(decided, NOW + SLA * 2) is None and decided.warn_at is None


def test_a_suspended_step_is_suspended_and_its_warning_moves_with_the_due_time_on_resume():
    app = rules.suspend(submitted(), SERVICE, desk_verifier, "Tunggu KTP", NOW, ORIGIN).application
    assert rules.sla_state(app, NOW + SLA * 2) == "suspended"
    resumed = rules.resume(app, SERVICE, desk_verifier, NOW + timedelta(hours=10), ORIGIN).application
    assert resumed.warn_at == NOW + SLA * 0.75 + timedelta(hours=10)
    assert rules.sla_state(resumed, NOW + SLA) == "on_time"  # 10 hours suspended: 10 hours more
    assert rules.sla_state(resumed, NOW + timedelta(hours=30)) == "due_soon"
