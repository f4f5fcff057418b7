"""A dam's inspections: what a recorded one must say, how recommendations are followed up, what it
leaves due, and which inspection sets the dam's next one."""

from datetime import date, datetime, timezone

import pytest

from chalicelib.domain import inspections as rules
from chalicelib.domain.errors import InvalidInput

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)


def fields(**changes):
    return {"kind": "routine", "date": "2026-11-20", "inspectors": [" Wati  Sari ", "Wati Sari", "Budi"],
            "findings": [{"text": "Retak  rambut", "severity": "low"}], "photos": ["doc_a", "doc_a"],
            "recommendations": [{"text": "Tambal", "due_date": "2026-11-25"}, {"text": "Ukur", "due_date": "2027-01-10"}],
            "next_due": "2027-05-20"} | changes


def made(**changes):
    return rules.new_inspection(fields(**changes), "insp_1", "dam_1", "usr_1", "Wati", NOW, TODAY)


def refused(**changes):
    with pytest.raises(InvalidInput) as caught:
        made(**changes)
    return {p.field for p in caught.value.problems}


def test_a_recorded_inspection_is_tidied_names_once_photos_once():
    inspection = made()
    assert inspection.inspectors == ("Wati Sari", "Budi") and inspection.photos == ("doc_a",)
    assert inspection.findings == ({"text": "Retak rambut", "severity": "low"},)
    assert [r.status for r in inspection.recommendations] == ["open", "open"]


def test_every_problem_is_named_at_once():
    assert refused(kind="special", date="2026-12-02", next_due="2026-11-30", inspectors=["  "],
                   recommendations=[{"text": "X", "due_date": "2026-11-30"}]) == {
        "cause", "date", "inspectors", "next_due", "recommendations[0].due_date"}
    assert refused(next_due="2026-11-20", recommendations=[{"text": "X", "due_date": "2026-11-19"}]) == {
        "next_due", "recommendations[0].due_date"}
    assert refused(date="2026-02-30") == {"date"}
    assert made(kind="special", cause=" banjir ").cause == "banjir"


def test_follow_ups_record_who_moved_what_and_refuse_bad_indexes():
    inspection = made()
    after, changed = rules.follow_up(inspection, [(1, "done"), (0, "open")], "usr_2", "Joko", NOW)
    assert changed == [1] and after.version == 2
    assert after.recommendations[1].changes == ({"at": NOW.isoformat(), "actor_id": "usr_2", "actor_name": "Joko",
                                                 "from": "open", "to": "done"},)
    same, nothing = rules.follow_up(after, [(1, "done")], "usr_2", "Joko", NOW)
    assert nothing == [] and same is after
    with pytest.raises(InvalidInput) as caught:
        rules.follow_up(inspection, [(2, "done"), (0, "done"), (0, "open")], "usr_2", "Joko", NOW)
    assert [p.field for p in caught.value.problems] == ["recommendations[0].index", "recommendations[2].index"]


def test_an_inspection_leaves_a_duty_per_recommendation_not_done():
    after, _ = rules.follow_up(made(), [(0, "done")], "usr_2", "Joko", NOW)
    assert [(d.slot, d.due_date) for d in rules.duties_of(after)] == [(1, "2027-01-10")]
    assert rules.is_overdue("2026-11-30", TODAY) and not rules.is_overdue("2026-12-01", TODAY)


def test_the_latest_inspection_by_its_day_sets_the_next_one():
    current = rules.Duty("dam_1", "insp_0", rules.NEXT, "2027-01-01", inspected_on="2026-11-25")
    assert rules.next_duty(made(), current) is None  # an earlier day's inspection leaves it be
    later = made(date="2026-11-28", next_due=None, recommendations=[])
    assert rules.next_duty(later, current).due_date == ""  # the latest names none: none is due
    assert rules.next_duty(made(), None).due_date == "2027-05-20"
