"""The marketing-fee organisation's own access table (SPEC.md) over the API, in-process against
the emulator: the area adds the budget, the region recommends it by category and office, a
cluster requests budget (recommended by the region, allocated by the area) and reports
spending whose evidence the branch manager, MCOT and region approve and which the cluster may
remove until then; every level shows the same money, by month and by day."""

import csv
import io

import pytest

from tests import files
from tests.integration.test_budgets import budget, put_budget, put_split
from tests.support import approve_report, file_spending_report, make_people, make_sales_tree, upload_document

SPLIT_A = {"ACQUISITION": 20_000_000, "OUTLET": 10_000_000}
SPLIT_B = {"ACQUISITION": 30_000_000, "OUTLET": 15_000_000, "SF": 5_000_000}


@pytest.fixture
def org(api, seeded):
    nodes = make_sales_tree(api.deps)
    people = make_people(api, {
        "area": [("budget_allocator", nodes["area"]), ("viewer", nodes["area"])],
        "region": [("budget_recommender", nodes["region"]), ("approver", nodes["region"])],
        "branch_manager": [("approver", nodes["branch"])],
        "mcot": [("mcot", nodes["region"])],
        "gm_sbp": [("gm_sbp", nodes["area"])],
        "cluster_a": [("submitter", nodes["cluster_a"])],
        "cluster_a2": [("submitter", nodes["cluster_a"])],
        "cluster_b": [("submitter", nodes["cluster_b"])],
    })
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    return {**nodes, "people": people, "period": f"{today:%Y-%m}", "today": today.isoformat()}


def budgeted(api, org):
    """The area gives the region 80 million; the region splits it and divides it between the
    clusters, each with its own split."""
    p, period = org["people"], org["period"]
    assert put_budget(api, p["area"], org["region"], period, 80_000_000).status == 200
    assert put_split(api, p["region"], org["region"], period,
                     {"ACQUISITION": 50_000_000, "OUTLET": 25_000_000, "SF": 5_000_000}).status == 200
    for cluster, split in (("cluster_a", SPLIT_A), ("cluster_b", SPLIT_B)):
        answer = put_budget(api, p["region"], org[cluster], period, sum(split.values()))
        assert answer.status == 200, answer.text
        assert put_split(api, p["region"], org[cluster], period, split).status == 200


def test_the_area_adds_the_budget_and_the_region_recommends_it_by_category_and_office(api, org):
    p, period = org["people"], org["period"]
    # The region divides money only where some is: before the area adds any, it cannot.
    refused = put_budget(api, p["region"], org["cluster_a"], period, 1_000_000)
    assert refused.status == 403, refused.text
    # Neither the branch manager nor a cluster sets budgets; the region does not add its own.
    assert put_budget(api, p["branch_manager"], org["cluster_a"], period, 1).status == 404
    assert put_budget(api, p["cluster_a"], org["cluster_a"], period, 1).status == 404
    assert put_budget(api, p["region"], org["region"], period, 1).status == 404
    budgeted(api, org)
    # More than the region holds is refused, naming the excess.
    over = put_budget(api, p["region"], org["cluster_a"], period, 30_000_000 + 1)
    assert over.status == 422 and "Rp 1 lebih dari anggarannya sebesar Rp 80.000.000" in over.json["detail"], over.text
    # Every level shows the money: the branch holds nothing of its own, the area only gave it.
    for node in ("area", "region", "branch"):
        seen = budget(api, p["gm_sbp"], org[node], period)
        assert (seen["amount"], seen["recommendation"]) == (80_000_000, 80_000_000), node
        assert seen["remaining"] == 80_000_000 and seen["categories"]["OUTLET"]["remaining"] == 25_000_000, node
    assert budget(api, p["gm_sbp"], org["branch"], period)["allocated_to_children"] == 80_000_000


def test_every_level_shows_the_same_money_and_remaining_is_never_negative_unless_overspent(api, org):
    p, period, today = org["people"], org["period"], org["today"]
    budgeted(api, org)
    chain = (p["branch_manager"], p["mcot"], p["region"])
    a1 = file_spending_report(api, p["cluster_a"], org["cluster_a"], "OUTLET", 7_500_000, today)
    approve_report(api, a1["id"], *chain)
    b1 = file_spending_report(api, p["cluster_b"], org["cluster_b"], "ACQUISITION", 12_000_000, today)
    approve_report(api, b1["id"], *chain)
    file_spending_report(api, p["cluster_a"], org["cluster_a"], "ACQUISITION", 4_250_000, today)  # pending
    api.settle_counters()

    expected = {
        "cluster_a": (30_000_000, 7_500_000, 4_250_000), "cluster_b": (50_000_000, 12_000_000, 0),
        "branch": (80_000_000, 19_500_000, 4_250_000), "region": (80_000_000, 19_500_000, 4_250_000),
        "area": (80_000_000, 19_500_000, 4_250_000),
    }
    for node, (amount, used, pending) in expected.items():
        seen = api.get(f"/dashboard/{org[node]}?period={period}", token=p["gm_sbp"]).json["budget"]
        assert (seen["amount"], seen["recommendation"], seen["used"], seen["pending"]) == (amount, amount, used, pending), node
        assert seen["remaining"] == amount - used - pending and seen["percent_used"] == round(100 * used / amount, 1)
        assert all(c["remaining"] >= 0 for c in seen["categories"].values()), (node, seen["categories"])
    outlet = budget(api, p["gm_sbp"], org["region"], period)["categories"]["OUTLET"]
    assert (outlet["recommended"], outlet["used"], outlet["remaining"]) == (25_000_000, 7_500_000, 17_500_000)

    # The CSV carries the same figures, the office and each child.
    text = api.get(f"/dashboard/{org['region']}/export.csv?period={period}", token=p["gm_sbp"]).text
    rows = [r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["category"] == "TOTAL"]
    assert {(r["node_id"], r["budget"], r["used"], r["pending"], r["remaining"]) for r in rows} == {
        (org["region"], "80000000", "19500000", "4250000", "56250000"),
        (org["branch"], "80000000", "19500000", "4250000", "56250000")}

    # Spending beyond what a cluster holds is what makes a remaining negative, and only there
    # and in what adds it up.
    over = file_spending_report(api, p["cluster_b"], org["cluster_b"], "SF", 6_000_000, today)
    approve_report(api, over["id"], *chain)
    sf = budget(api, p["gm_sbp"], org["cluster_b"], period)["categories"]["SF"]
    assert sf["remaining"] == -1_000_000
    assert budget(api, p["gm_sbp"], org["cluster_a"], period)["categories"]["OUTLET"]["remaining"] == 2_500_000


def test_the_dashboard_has_the_days_of_the_month(api, org):
    p, period, today = org["people"], org["period"], org["today"]
    budgeted(api, org)
    approve_report(api, file_spending_report(api, p["cluster_a"], org["cluster_a"], "OUTLET", 1_000_000, today)["id"],
                   p["branch_manager"], p["mcot"], p["region"])
    file_spending_report(api, p["cluster_b"], org["cluster_b"], "SF", 300_000, today)
    api.settle_counters()
    for node in ("area", "branch", "cluster_a"):
        board = api.get(f"/dashboard/{org[node]}?period={period}", token=p["gm_sbp"]).json
        days = board["daily"]
        assert days[0]["date"] == f"{period}-01" and all(d["date"].startswith(period) for d in days)
        assert 28 <= len(days) <= 31
        by_day = {d["date"]: (d["used"], d["pending"]) for d in days}
        expected = (1_000_000, 0) if node == "cluster_a" else (1_000_000, 300_000)
        assert by_day.pop(today) == expected, node
        assert set(by_day.values()) == {(0, 0)}
        assert sum(d["used"] for d in days) == board["budget"]["used"]


def test_a_cluster_requests_budget_the_region_recommends_and_the_area_allocates(api, org):
    p, period, today = org["people"], org["period"], org["today"]
    budgeted(api, org)
    filed = api.post("/applications", {"service_id": "marketing-fee-budget-request", "node_id": org["cluster_a"],
                                       "data": {"for_month": today, "category": "SF", "amount": 4_000_000,
                                                "description": "Insentif sales force tambahan"}}, token=p["cluster_a"])
    assert filed.status == 201, filed.text
    request = api.post(f"/applications/{filed.json['id']}/submit", token=p["cluster_a"]).json
    assert request["status"] == "submitted"
    # The region's inbox has it; the branch manager and the area (not yet its step) cannot decide.
    inbox = api.get("/inbox", token=p["region"]).json["items"]
    assert request["id"] in {i["id"] for i in inbox}
    assert api.post(f"/applications/{request['id']}/decision", {"action": "approve", "step": 1},
                    token=p["branch_manager"]).status in (403, 404)
    assert api.post(f"/applications/{request['id']}/decision", {"action": "approve", "step": 1},
                    token=p["area"]).status == 403
    approve_report(api, request["id"], p["region"])
    # Recommended: nothing is added until the area allocates.
    assert budget(api, p["gm_sbp"], org["cluster_a"], period)["amount"] == 30_000_000
    answer = api.post(f"/applications/{request['id']}/decision", {"action": "approve", "step": 2}, token=p["area"])
    assert answer.status == 200 and answer.json["status"] == "approved", answer.text
    for node, amount in (("cluster_a", 34_000_000), ("branch", 84_000_000), ("region", 84_000_000),
                         ("area", 84_000_000)):
        seen = budget(api, p["gm_sbp"], org[node], period)
        assert (seen["amount"], seen["recommendation"]) == (amount, amount), node
    assert budget(api, p["gm_sbp"], org["cluster_a"], period)["categories"]["SF"]["recommended"] == 4_000_000
    assert budget(api, p["gm_sbp"], org["region"], period)["categories"]["SF"]["recommended"] == 9_000_000


def test_a_cluster_removes_its_evidence_until_the_report_is_approved_and_the_history_keeps_it(api, org):
    p, today = org["people"], org["today"]
    report = file_spending_report(api, p["cluster_a"], org["cluster_a"], "OUTLET", 500_000, today, submit=False)
    upload_document(api, p["cluster_a"], report["id"], "evidence_photo", "kedua.png", "image/png", files.png())
    assert api.post(f"/applications/{report['id']}/submit", token=p["cluster_a"]).status == 200
    documents = api.get(f"/applications/{report['id']}/documents", token=p["cluster_a"]).json["items"]
    second = next(d for d in documents if d["filename"] == "kedua.png")
    url = f"/applications/{report['id']}/documents/{second['document_id']}"
    # Not the branch manager's, not another cluster's (out of its reach).
    assert api.call("DELETE", url, token=p["branch_manager"]).status == 403
    assert api.call("DELETE", url, token=p["cluster_b"]).status == 404
    # A colleague at the same cluster removes it while the report awaits the branch manager.
    assert api.call("DELETE", url, token=p["cluster_a2"]).status == 204
    left = api.get(f"/applications/{report['id']}/documents", token=p["cluster_a"]).json["items"]
    assert second["document_id"] not in {d["document_id"] for d in left}
    history = api.get(f"/applications/{report['id']}/history", token=p["branch_manager"]).json["items"]
    removal = next(h for h in history if h["action"] == "delete_document")
    assert (removal["actor"], removal["actor_id"]) == ("Cluster A2", p["cluster_a2_id"])
    assert "kedua.png" in removal["comment"] and second["document_id"] in removal["comment"]
    # The report's last photo stays while it awaits a decision: nobody approves a report without one.
    first = next(d for d in left if d["filename"] != "kedua.png")
    only = api.call("DELETE", f"/applications/{report['id']}/documents/{first['document_id']}", token=p["cluster_a"])
    assert only.status == 409 and "satu-satunya" in only.json["detail"], only.text
    # Once approved, the evidence stays.
    approve_report(api, report["id"], p["branch_manager"], p["mcot"], p["region"])
    kept = api.call("DELETE", f"/applications/{report['id']}/documents/{first['document_id']}", token=p["cluster_a"])
    assert kept.status == 409 and "disetujui" in kept.json["detail"]


def test_gm_sbp_views_the_clusters_and_decides_nothing(api, org):
    p, period, today = org["people"], org["period"], org["today"]
    report = file_spending_report(api, p["cluster_a"], org["cluster_a"], "OUTLET", 500_000, today)
    assert api.get(f"/dashboard/{org['cluster_a']}?period={period}", token=p["gm_sbp"]).status == 200
    assert api.get(f"/dashboard/{org['area']}?period={period}", token=p["gm_sbp"]).status == 200
    # Figures only: not the reports, their evidence or the usage report that carries it.
    assert api.get(f"/applications/{report['id']}", token=p["gm_sbp"]).status == 404
    assert api.post(f"/applications/{report['id']}/decision", {"action": "approve", "step": 1},
                    token=p["gm_sbp"]).status == 404
    assert api.post("/reports", {"kind": "budget-usage", "node_id": org["area"], "period": period},
                    token=p["gm_sbp"]).status == 404
    # MCOT, the area and the region download it.
    for who in ("mcot", "area", "region"):
        assert api.post("/reports", {"kind": "budget-usage", "node_id": org["region"], "period": period},
                        token=p[who]).status == 202, who
