"""The dashboard's step figures: the percentile read from the histogram, and the counters a
change moves (domain/dashboard_steps.py)."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.application_state import Application
from chalicelib.domain.dashboard_steps import (
    BUCKET_EDGES, BUCKETS, bucket_of, open_ended, percentile, processing_ratio, step_deltas,
)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
SLA = 48.0


def histogram(**counts: int) -> list[int]:
    """Buckets given by their upper edge in tenths of the SLA: e3=2 is two decisions in (0.2, 0.3]."""
    out = [0] * BUCKETS
    for name, count in counts.items():
        out[BUCKET_EDGES.index(int(name[1:]) / 10) if name != "over" else BUCKETS - 1] = count
    return out


def test_edges_belong_to_the_bucket_below_them():
    assert bucket_of(0.0) == 0 and bucket_of(0.1) == 0 and bucket_of(0.1001) == 1
    assert BUCKET_EDGES[bucket_of(1.0)] == 1.0 and BUCKET_EDGES[bucket_of(1.01)] == 1.1
    assert BUCKET_EDGES[bucket_of(2.5)] == 3.0 and bucket_of(5.01) == BUCKETS - 1


def test_a_percentile_is_the_upper_edge_of_the_bucket_holding_its_nearest_rank():
    three = histogram(e3=1, e5=1, e9=1)
    assert percentile(three, 0.5) == 0.5  # rank ceil(1.5) = 2
    assert percentile(three, 0.9) == 0.9  # rank ceil(2.7) = 3
    ten = histogram(e1=9, e12=1)
    assert percentile(ten, 0.9) == 0.1  # rank 9 of 10 is still in the first bucket
    assert percentile(ten, 0.91) == 1.2


def test_no_decisions_no_percentile_and_the_last_bucket_reads_its_lower_edge():
    assert percentile([0] * BUCKETS, 0.5) is None
    assert percentile(histogram(over=2), 0.5) == 5.0
    assert open_ended(histogram(over=2), 0.5)


def test_between_3_and_5_times_the_sla_is_at_most_5_and_past_it_at_least_5():
    # Both read 5x the SLA; only the last bucket's is a lower bound (was shown "at least" for both).
    three_to_five = [0] * BUCKETS
    three_to_five[bucket_of(3.5)] = 2
    assert percentile(three_to_five, 0.9) == 5.0 and not open_ended(three_to_five, 0.9)
    past_five = [0] * BUCKETS
    past_five[bucket_of(9.0)] = 2
    assert percentile(past_five, 0.9) == 5.0 and open_ended(past_five, 0.9)
    assert not open_ended([0] * BUCKETS, 0.5)


def app(**changes) -> Application:
    base = Application(id="a", tracking_code="T", service_id="svc", service_version=1, node_id="c",
                       node_path=("root", "c"), applicant_id="u", applicant_name="U", status="submitted", step=1,
                       steps_total=2, data={}, created_at=T0, updated_at=T0, due_at=T0 + timedelta(hours=SLA))
    return base.evolve(**changes)


class Service:
    class Step:
        sla_hours = SLA

    def step_at(self, number):
        return self.Step()


def test_a_decision_takes_the_step_off_its_counts_and_times_it():
    before = app(suspended_at=None, escalation_level=1)
    after = app(status="in_review", step=2, escalation_level=0)
    deltas = step_deltas(before, after, Service(), T0 + timedelta(hours=60))
    assert deltas == {"step:svc:1:open": -1, "step:svc:1:overdue": -1, "step:svc:1:b12": 1, "step:svc:2:open": 1}  # 1.25 x SLA: (1.2, 1.3]


def test_a_withdrawal_is_not_timed_and_a_suspension_only_flags():
    before = app(suspended_at=T0 + timedelta(hours=1))
    assert step_deltas(before, app(status="withdrawn", step=1), Service(), T0) == {
        "step:svc:1:open": -1, "step:svc:1:suspended": -1}
    assert step_deltas(app(), before, Service(), T0) == {"step:svc:1:suspended": 1}
    assert step_deltas(before, app(), Service(), T0) == {"step:svc:1:suspended": -1}


@pytest.mark.parametrize("decided_after, ratio", [(12, 0.25), (48, 1.0), (72, 1.5)])
def test_processing_time_is_read_against_the_due_time(decided_after, ratio):
    assert processing_ratio(app(), SLA, T0 + timedelta(hours=decided_after), None) == pytest.approx(ratio)


def test_a_suspended_steps_clock_stopped_when_it_was_suspended():
    # Suspended after 6 h; the due time has not moved yet (it moves on resume).
    suspended = app(suspended_at=T0 + timedelta(hours=6))
    assert processing_ratio(suspended, SLA, T0 + timedelta(hours=100), None) == pytest.approx(6 / 48)
