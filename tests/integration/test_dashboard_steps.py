"""The dashboard's step figures over the API in-process: known decisions, suspensions and an
overdue step give known open / overdue / suspended counts and p50 / p90 against the SLA, and the
area's figures are the sum of its clusters'."""

from datetime import datetime

import pytest

from tests.support import file_spending_report, make_people, make_sales_tree

HOUR = 3600


@pytest.fixture
def sales(api, seeded):
    nodes = make_sales_tree(api.deps)
    people = make_people(api, {
        "approver": [("approver", nodes["branch"])],
        "mcot": [("mcot", nodes["region"])],
        "viewer": [("viewer", nodes["area"])],
        "branch_viewer": [("viewer", nodes["branch"])],
        "staff_a": [("submitter", nodes["cluster_a"])],
        "staff_b": [("submitter", nodes["cluster_b"])],
    })
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    return {**nodes, **people, "today": today.isoformat()}


def advance(api, hours):
    assert api.post("/_local/clock", {"advance_seconds": hours * HOUR}).status == 200


def fresh(api, sales, key):
    """A new login: access tokens last 15 minutes, and the test moves the clock by hours."""
    return api.login(sales[f"{key}_email"], sales[f"{key}_password"])


def act(api, app_id, what, token, body=None):
    answer = api.post(f"/applications/{app_id}/{what}", body, token=token)
    assert answer.status == 200, answer.text
    return answer.json


def steps_of(api, token, node, period):
    api.settle_counters()  # the figures once the stream's moves are counted
    answer = api.get(f"/dashboard/{node}?period={period}", token=token)
    assert answer.status == 200, answer.text
    return {row["step"]: row for row in answer.json["steps"] if row["service_id"] == "marketing-fee-report"}


def test_step_figures_follow_decisions_suspensions_and_the_overdue_watch(api, sales):
    reports = [file_spending_report(api, sales[staff], sales[cluster], "OUTLET", 100_000, sales["today"])
               for staff, cluster in (("staff_a", "cluster_a"), ("staff_a", "cluster_a"), ("staff_b", "cluster_b"),
                                      ("staff_b", "cluster_b"), ("staff_a", "cluster_a"))]
    r1, r2, r3, r4, r5 = (r["id"] for r in reports)
    created = datetime.fromisoformat(reports[0]["created_at"]).astimezone(api.deps.settings.org_timezone)
    period = f"{created:%Y-%m}"
    assert steps_of(api, sales["viewer"], sales["area"], period)[1]["open"] == 5

    # Step 1's SLA is 48 h (wall clock: the sales offices keep no calendar).
    advance(api, 12)
    approver = fresh(api, sales, "approver")
    act(api, r1, "decision", approver, {"action": "approve", "step": 1})  # 12 h: 0.25 x SLA
    act(api, r3, "suspend", approver, {"reason": "Foto bukti kurang jelas"})  # after 12 h
    advance(api, 11)
    # 23 h (and the seconds the test took): 0.48 x SLA, well inside the bucket ending at 0.5 x
    act(api, r2, "decision", fresh(api, sales, "approver"), {"action": "approve", "step": 1})
    advance(api, 13)
    act(api, r5, "suspend", fresh(api, sales, "approver"), {"reason": "Nota belum dilampirkan"})
    advance(api, 14)  # 50 h: r4 is past its due time; r1's step 2 is due at 60 h
    assert api.post("/_local/schedules/escalate_overdue_steps").status == 200
    act(api, r3, "resume", fresh(api, sales, "approver"))  # its due time moves on by the 38 h suspended
    advance(api, 30)  # 80 h
    act(api, r3, "decision", fresh(api, sales, "approver"), {"action": "approve", "step": 1})  # 12 + 30 h: 0.875 x
    act(api, r2, "decision", fresh(api, sales, "mcot"), {"action": "reject", "step": 2, "comment": "Di luar program"})
    assert api.post(f"/applications/{r5}/withdraw", {"reason": "Salah isi"},
                    token=fresh(api, sales, "staff_a")).status == 200
    for key in ("viewer", "branch_viewer"):
        sales[key] = fresh(api, sales, key)

    steps = steps_of(api, sales["branch_viewer"], sales["branch"], period)
    first, second = steps[1], steps[2]
    assert (first["open"], first["overdue"], first["suspended"], first["decided"]) == (1, 1, 0, 3)
    assert (first["sla_hours"], first["p50_hours"], first["p90_hours"], first["over_sla"]) == (48.0, 24.0, 43.2, False)
    assert first["label_en"] == "Branch manager's approval" and first["role"] == "approver"
    # r1 and r3 wait at step 2; r2 was rejected there after 57 h: 1.19 x SLA, read as 1.2 x.
    assert (second["open"], second["overdue"], second["suspended"], second["decided"]) == (2, 0, 0, 1)
    assert (second["p50_hours"], second["p90_hours"], second["over_sla"]) == (57.6, 57.6, True)
    assert 3 not in steps  # nothing has reached the region's approval

    # One set of numbers: the area sees what the branch sees, and that is the sum of the clusters.
    area = steps_of(api, sales["viewer"], sales["area"], period)
    assert area == steps
    clusters = [steps_of(api, sales["viewer"], sales[c], period) for c in ("cluster_a", "cluster_b")]
    for number in (1, 2):
        for what in ("open", "overdue", "suspended", "decided"):
            assert sum(c[number][what] if number in c else 0 for c in clusters) == area[number][what], (number, what)
    assert clusters[1][1]["overdue"] == 1 and clusters[0][1]["decided"] == 2  # r4; r1 and r2
    boards = [api.get(f"/dashboard/{sales[n]}?period={period}", token=sales["viewer"]).json
              for n in ("area", "cluster_a", "cluster_b")]
    for status, count in boards[0]["by_status"].items():
        assert count == boards[1]["by_status"][status] + boards[2]["by_status"][status], status
    assert boards[0]["by_status"]["in_review"] == 2 and boards[0]["by_status"]["rejected"] == 1


def test_a_viewer_outside_the_office_does_not_see_its_step_figures(api, sales):
    period = sales["today"][:7]
    assert api.get(f"/dashboard/{sales['area']}?period={period}", token=sales["branch_viewer"]).status == 404
