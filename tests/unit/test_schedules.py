from datetime import datetime, timezone

import pytest

from local.schedules import Cron, ScheduleError, next_fire

T0 = datetime(2026, 11, 22, 10, 7, 30, tzinfo=timezone.utc)  # a Sunday


def test_a_rate_counts_from_when_the_schedule_started():
    assert next_fire("rate(15 minutes)", T0, T0) == datetime(2026, 11, 22, 10, 22, 30, tzinfo=timezone.utc)
    later = datetime(2026, 11, 22, 11, 0, tzinfo=timezone.utc)
    assert next_fire("rate(15 minutes)", later, T0) == datetime(2026, 11, 22, 11, 7, 30, tzinfo=timezone.utc)
    assert next_fire("rate(1 day)", T0, T0) == datetime(2026, 11, 23, 10, 7, 30, tzinfo=timezone.utc)


def test_a_daily_cron_fires_at_its_minute():
    assert next_fire("cron(0 18 * * ? *)", T0, T0) == datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
    assert next_fire("cron(0 18 * * ? *)", datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc), T0) == \
        datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc)


def test_cron_steps_lists_ranges_and_names():
    assert next_fire("cron(0/15 * * * ? *)", T0, T0) == datetime(2026, 11, 22, 10, 15, tzinfo=timezone.utc)
    assert next_fire("cron(0 9 ? * MON-FRI *)", T0, T0) == datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    assert next_fire("cron(30 1 1 JAN,JUL ? *)", T0, T0) == datetime(2027, 1, 1, 1, 30, tzinfo=timezone.utc)


def test_weekday_one_is_sunday_as_in_eventbridge():
    cron = Cron.parse("0 0 ? * 1 *")
    assert cron.next_after(T0).weekday() == 6  # Python's Sunday


def test_unsupported_or_wrong_expressions_are_refused():
    for expression in ("cron(0 0 L * ? *)", "cron(0 0 * *)", "every day", "cron(61 * * * ? *)"):
        with pytest.raises(ScheduleError):
            next_fire(expression, T0, T0)
