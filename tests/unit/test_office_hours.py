"""Office hours (domain/office_hours.py) and the due times they give (SPEC.md, "An application's
life"): a step's SLA counted in the deciding office's working hours where it keeps a calendar,
inherited from above, the escalation sweep and suspension on the same clock; wall-clock hours
where no office on the way up keeps one."""

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain.errors import InvalidInput, NotFound
from chalicelib.domain.office_hours import effective, parse_calendar
from chalicelib.domain.people import Grant, Principal
from tests.fakes import NOW, services
from tests.unit.test_application_rules import DEPT, DESK, OFFICE, ORIGIN, OTHER_DESK, ROOT, applicant, desk_verifier

WIB = timezone(timedelta(hours=7))
WEEK = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu")} | {"fri": [["08:00", "11:30"], ["13:00", "16:30"]]}
BODY = {"zone": "WIB", "week": WEEK, "holidays": [{"date": "2026-11-24", "name": "Hari libur uji"}]}
admin = Principal("u-admin", "adm@x.id", "Admin", "id", (Grant("admin", "office"),))
desk_admin = Principal("u-desk-admin", "da@x.id", "Desk admin", "id", (Grant("admin", "desk"),))


def calendar(body=BODY):
    return parse_calendar(body, "office", NOW, "u-admin")


def wib(*args):
    return datetime(*args, tzinfo=WIB)


# ---- the arithmetic ---------------------------------------------------------------------------

def test_time_outside_office_hours_does_not_count():
    cal = calendar()
    # Sunday 22 Nov 10:00 WIB: nothing runs until Monday 08:00.
    assert cal.add_working(wib(2026, 11, 22, 10), timedelta(hours=2)) == wib(2026, 11, 23, 10)
    # Monday 15:00 + 2 h: one hour on Monday, Tuesday is a holiday, one hour on Wednesday.
    assert cal.add_working(wib(2026, 11, 23, 15), timedelta(hours=2)) == wib(2026, 11, 25, 9)
    # Friday has a break: 11:00 + 1 h ends at 13:30.
    assert cal.add_working(wib(2026, 11, 27, 11), timedelta(hours=1)) == wib(2026, 11, 27, 13, 30)
    # Nothing to add: the moment stays as it is, even out of hours (a resume after a night).
    assert cal.add_working(wib(2026, 11, 23, 16), timedelta(0)) == wib(2026, 11, 23, 16)


def test_working_time_between_two_moments_skips_nights_weekends_and_holidays():
    cal = calendar()
    assert cal.working_between(wib(2026, 11, 23, 15), wib(2026, 11, 25, 9)) == timedelta(hours=2)
    assert cal.working_between(wib(2026, 11, 28, 9), wib(2026, 11, 29, 23)) == timedelta(0)  # a weekend
    assert cal.working_between(wib(2026, 11, 25, 9), wib(2026, 11, 23, 9)) == timedelta(0)


def test_an_office_follows_the_nearest_calendar_above_unless_it_keeps_its_own():
    own = {"office": calendar(), "desk": parse_calendar({"zone": "WITA", "week": {"sat": [["09:00", "12:00"]]}},
                                                         "desk", NOW, "u")}
    found = effective(DESK.path, own)
    assert found["org"] is None and found["dept"].node_id == "office" and found["desk"].node_id == "desk"


@pytest.mark.parametrize("body, field", [
    ({"zone": "CET", "week": WEEK}, "zone"),
    ({"zone": "WIB", "week": {"mon": [["16:00", "08:00"]]}}, "week.mon"),
    ({"zone": "WIB", "week": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "week.mon"),
    ({"zone": "WIB", "week": {"mon": [["8", "12:00"]]}}, "week.mon"),
    ({"zone": "WIB", "week": {}}, "week"),
    ({"zone": "WIB", "week": WEEK, "holidays": [{"date": "2026-02-30", "name": "x"}]}, "holidays.0"),
])
def test_a_wrong_calendar_names_the_field(body, field):
    with pytest.raises(InvalidInput) as raised:
        parse_calendar(body, "office", NOW, "u")
    assert field in [p.field for p in raised.value.problems]


def test_a_calendar_reads_back_as_it_was_given():
    shown = calendar().as_dict()
    assert shown["week"]["fri"] == [["08:00", "11:30"], ["13:00", "16:30"]] and "sat" not in shown["week"]
    assert shown["holidays"] == [{"date": "2026-11-24", "name": "Hari libur uji"}]
    assert calendar(shown).as_dict() == shown


# ---- the service: who edits it, and the due times it gives -----------------------------------------

@pytest.fixture
def office(fakes):
    for node in (ROOT, OFFICE, DEPT, DESK, OTHER_DESK):
        fakes.org.add(node)
    return services.applications(fakes)


def test_only_an_admin_reaching_the_office_sets_its_calendar_and_offices_below_follow_it(fakes, office):
    org = services_org(fakes)
    with pytest.raises(NotFound):
        org.set_calendar(desk_admin, "office", BODY)
    org.set_calendar(admin, "office", BODY)
    node, found = org.calendar(desk_verifier, "desk")
    assert node.id == "desk" and found.node_id == "office"
    with pytest.raises(NotFound):
        org.calendar(Principal("u-x", "x@x.id", "X", "id"), "desk")
    org.drop_calendar(admin, "office")
    assert org.calendar(desk_verifier, "desk")[1] is None


def services_org(fakes):
    from chalicelib.services.org import OrgService

    return OrgService(org=fakes.org, clock=fakes.clock)


def test_a_step_is_due_after_its_sla_in_office_hours(fakes, office):
    services_org(fakes).set_calendar(admin, "office", BODY)
    app = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    submitted = office.submit(applicant, app.id, ORIGIN)  # Sunday 10:00 WIB; 24 office hours
    assert NOW.astimezone(WIB).date() == date(2026, 11, 22)
    # Mon 8 h, Tue holiday, Wed 8 h, Thu 8 h → Thursday 16:00.
    assert submitted.due_at == wib(2026, 11, 26, 16)
    assert submitted.warn_at == wib(2026, 11, 26, 10)  # its last quarter: 6 office hours before


def test_without_a_calendar_the_sla_is_wall_clock_hours(fakes, office):
    app = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    assert office.submit(applicant, app.id, ORIGIN).due_at == NOW + timedelta(hours=24)


def test_the_sweep_escalates_only_after_the_office_hours_have_passed(fakes, office):
    services_org(fakes).set_calendar(admin, "office", BODY)
    app = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    office.submit(applicant, app.id, ORIGIN)
    fakes.clock.moment = wib(2026, 11, 26, 15, 59)  # 24 wall-clock hours are long gone
    assert office.escalate_overdue() == 0
    fakes.clock.moment = wib(2026, 11, 26, 16, 1)
    assert office.escalate_overdue() == 1
    # The next level one SLA (24 office hours) later: Friday 7 h, Monday 8, Tuesday 8, Wednesday 1.
    assert fakes.applications.get(app.id).escalate_at == wib(2026, 12, 2, 9)


def test_a_suspended_step_gets_back_the_office_hours_it_was_stopped(fakes, office):
    services_org(fakes).set_calendar(admin, "office", BODY)
    app = office.create(applicant, "test-simple-permit", "desk", {"title": "Izin"}, ORIGIN)
    due = office.submit(applicant, app.id, ORIGIN).due_at
    fakes.clock.moment = wib(2026, 11, 23, 14)
    office.suspend(desk_verifier, app.id, "KTP buram", ORIGIN)
    fakes.clock.moment = wib(2026, 11, 25, 10)  # Mon 14–16 and Wed 8–10: 4 office hours stopped
    resumed = office.resume(desk_verifier, app.id, ORIGIN)
    assert resumed.due_at == calendar().add_working(due, timedelta(hours=4)) == wib(2026, 11, 27, 13, 30)
