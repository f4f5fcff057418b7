"""Monitoring obligations: period names, their bounds, due and reminder times, and the steps an
obligation takes (domain/obligations.py)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import obligations as o

WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(("day", "every", "period"), [
    (date(2026, 11, 30), "month", "2026-11"),
    (date(2026, 12, 31), "month", "2026-12"),
    (date(2026, 1, 1), "quarter", "2026-Q1"),
    (date(2026, 3, 31), "quarter", "2026-Q1"),
    (date(2026, 4, 1), "quarter", "2026-Q2"),
    (date(2026, 12, 31), "quarter", "2026-Q4"),
    (date(2026, 7, 15), "year", "2026"),
])
def test_a_day_falls_in_the_period_of_its_schedule(day, every, period):
    assert o.period_of(day, every) == period
    assert o.every_of(period) == every


@pytest.mark.parametrize(("period", "first", "after"), [
    ("2026-11", date(2026, 11, 1), date(2026, 12, 1)),
    ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ("2028-02", date(2028, 2, 1), date(2028, 3, 1)),
    ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
    ("2026", date(2026, 1, 1), date(2027, 1, 1)),
])
def test_a_period_runs_from_its_first_day_to_the_first_day_after(period, first, after):
    assert o.bounds(period) == (first, after)


@pytest.mark.parametrize(("period", "every", "after"), [
    ("2026-12", "month", "2027-01"),
    ("2026-Q4", "quarter", "2027-Q1"),
    ("2026", "year", "2027"),
    ("2026-11", "quarter", "2026-Q4"),  # a schedule changed: the period holding the next day
    ("2026-Q4", "month", "2027-01"),
])
def test_the_following_period_holds_the_day_after(period, every, after):
    assert o.following(period, every) == after


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "26", "2026-1", "", "2026-q4"])
def test_what_is_no_period_name_has_no_schedule(text):
    assert o.every_of(text) is None


def test_a_report_names_a_begun_period_of_its_dams_schedule():
    today = date(2026, 12, 3)
    assert o.period_problem("2026-11", "month", today) is None
    assert o.period_problem("2026-12", "month", today) is None  # begun, not yet over
    assert "month" in o.period_problem("2026-Q4", "month", today)
    assert o.period_problem("2027-01", "month", today) == "must not be a period that has not begun"
    assert o.period_problem("2027", "year", today) == "must not be a period that has not begun"


def test_a_report_is_due_days_after_its_period_ends_in_the_offices_time_zone():
    ob = o.new_obligation("dam_1", "Jatiluhur", ("agency", "division"), "2026-11", o.DutyTerms(30, 7), WIB)
    assert ob.starts_at == datetime(2026, 10, 31, 17, tzinfo=timezone.utc)
    assert ob.ends_at == datetime(2026, 11, 30, 17, tzinfo=timezone.utc)
    assert ob.due_at == datetime(2026, 12, 30, 17, tzinfo=timezone.utc)  # 31 December, 00:00 WIB
    assert ob.remind_at == datetime(2026, 12, 23, 17, tzinfo=timezone.utc)
    assert o.last_day(ob, WIB) == date(2026, 12, 30)
    assert o.month_of(ob, WIB) == "2026-12"


def test_a_leap_february_and_the_year_end_keep_their_days():
    feb = o.new_obligation("d", "D", ("a",), "2028-02", o.DutyTerms(1, 1), WIB)
    assert o.last_day(feb, WIB) == date(2028, 3, 1)  # 29 days in February 2028, due a day after
    q4 = o.new_obligation("d", "D", ("a",), "2026-Q4", o.DutyTerms(0, 0), WIB)
    assert o.last_day(q4, WIB) == date(2026, 12, 31)
    assert o.month_of(q4, WIB) == "2026-12"
    year = o.new_obligation("d", "D", ("a",), "2027", o.DutyTerms(60, 7), WIB)
    assert o.last_day(year, WIB) == date(2028, 2, 29)


def test_an_obligation_opens_the_next_then_reminds_then_falls_overdue_each_once():
    ob = o.new_obligation("d", "D", ("a", "b"), "2026-11", o.DutyTerms(30, 7), WIB)
    assert o.advance(ob, ob.ends_at - timedelta(seconds=1), WIB) is None
    opened = o.advance(ob, ob.ends_at, WIB)
    assert opened.step == o.OPEN_NEXT and opened.after.next_opened and not opened.notices
    assert o.advance(opened.after, ob.remind_at - timedelta(seconds=1), WIB) is None
    reminded = o.advance(opened.after, ob.remind_at, WIB)
    assert reminded.step == o.REMIND and reminded.notices[0].kind == "dam_report_due"
    assert reminded.notices[0].to_roles == ("dam_operator",) and reminded.notices[0].to_node_path == ("a", "b")
    assert o.advance(reminded.after, ob.due_at - timedelta(seconds=1), WIB) is None
    overdue = o.advance(reminded.after, ob.due_at, WIB)
    assert overdue.after.status == o.OVERDUE and overdue.notices[0].kind == "dam_report_overdue"
    assert {(m.node_id, m.period): m.deltas for m in overdue.counters} == {
        ("a", "2026-12"): {"dam_obligations:open": -1, "dam_obligations:overdue": 1},
        ("b", "2026-12"): {"dam_obligations:open": -1, "dam_obligations:overdue": 1}}
    assert o.next_step(overdue.after) is None
    assert o.advance(overdue.after, ob.due_at + timedelta(days=400), WIB) is None


def test_a_watch_that_missed_the_reminder_tells_only_that_it_is_overdue():
    ob = o.new_obligation("d", "D", ("a",), "2026-11", o.DutyTerms(30, 7), WIB)
    late = ob.due_at + timedelta(days=2)
    first = o.advance(ob, late, WIB)
    assert first.step == o.OPEN_NEXT
    second = o.advance(first.after, late, WIB)
    assert second.step == o.MARK_OVERDUE and [n.kind for n in second.notices] == ["dam_report_overdue"]


def test_an_approved_report_meets_it_once_and_ends_its_reminders():
    ob = o.new_obligation("d", "D", ("a",), "2026-Q4", o.DutyTerms(30, 7), WIB)
    done = o.met(ob, "app_1", WIB)
    assert done.after.status == o.MET and done.after.application_id == "app_1"
    assert done.counters[0].deltas == {"dam_obligations:open": -1, "dam_obligations:met": 1}
    assert o.next_step(done.after) == (o.OPEN_NEXT, ob.ends_at)  # the next period still opens
    assert o.met(done.after, "app_2", WIB) is None
    overdue = o.advance(o.advance(ob, ob.due_at, WIB).after, ob.due_at, WIB).after
    late = o.met(overdue, "app_3", WIB)
    assert late.counters[0].deltas == {"dam_obligations:overdue": -1, "dam_obligations:met": 1}


def test_only_an_operating_dam_owes_from_the_period_it_began_operating_in():
    class Dam:
        id, name, node_path, monitoring_every, status = "d", "D", ("a",), "quarter", "operating"

    now = datetime(2026, 12, 31, 18, tzinfo=timezone.utc)  # 1 January 2027, 01:00 WIB
    assert o.first_of(Dam, now, o.DutyTerms(), WIB).period == "2027-Q1"
    Dam.status = "impoundment"
    assert o.first_of(Dam, now, o.DutyTerms(), WIB) is None


def test_the_catalogs_monitoring_terms_name_a_required_period_field_beside_the_dam():
    import json

    from pydantic import ValidationError

    from chalicelib.domain.catalog import CATALOG_DIR, ServiceType
    from chalicelib.services.obligations import duty_terms
    from chalicelib.domain.catalog import load_catalog

    assert duty_terms(load_catalog()) == o.DutyTerms(due_days=30, remind_days=7)
    raw = json.loads((CATALOG_DIR / "dam-monitoring-report.json").read_text())
    assert ServiceType.model_validate(raw).monitoring.period_field == "period"
    for bad in ({"period_field": "inspection_date"}, {"period_field": "nothing"},
                {"period_field": "period", "due_days_after_period": -1},
                # reminded 10 days before a report due 5 days after the period: before it ends
                {"period_field": "period", "due_days_after_period": 5, "remind_days_before_due": 10}):
        with pytest.raises(ValidationError):
            ServiceType.model_validate(raw | {"monitoring": bad})
    on_the_last_day = {"period_field": "period", "due_days_after_period": 5, "remind_days_before_due": 5}
    assert ServiceType.model_validate(raw | {"monitoring": on_the_last_day}).monitoring.remind_days_before_due == 5
