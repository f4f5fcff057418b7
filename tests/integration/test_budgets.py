"""Budgets, spending reports posting into them, and dashboards from counters, over the API
in-process against the emulator."""

import csv
import io
import random
from datetime import datetime, timezone

import pytest

from tests.support import approve_report, file_spending_report, make_people, make_sales_tree


@pytest.fixture
def sales(api, seeded):
    nodes = make_sales_tree(api.deps)
    people = make_people(api, {
        "allocator": [("budget_allocator", nodes["region"])],
        "area_allocator": [("budget_allocator", nodes["area"])],
        "branch_allocator": [("budget_allocator", nodes["branch"])],
        "recommender": [("budget_recommender", nodes["branch"])],
        "approver": [("approver", nodes["branch"]), ("viewer", nodes["branch"])],
        "mcot": [("mcot", nodes["region"])],
        "region_approver": [("approver", nodes["region"])],
        "region_recommender": [("budget_recommender", nodes["region"])],
        "gm_sbp": [("gm_sbp", nodes["area"])],
        "viewer": [("viewer", nodes["area"])],
        "staff_a": [("submitter", nodes["cluster_a"])],
        "staff_b": [("submitter", nodes["cluster_b"])],
        "outsider": [("viewer", "org-demo-other")],
    })
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    return {**nodes, **people, "period": f"{today:%Y-%m}", "today": today.isoformat()}


def put_budget(api, token, node, period, amount):
    return api.call("PUT", f"/budgets/{node}/{period}", {"amount": amount}, token=token)


def put_split(api, token, node, period, categories):
    return api.call("PUT", f"/budgets/{node}/{period}/recommendation", {"categories": categories}, token=token)


def budget(api, token, node, period):
    api.settle_counters()  # the figures are the counters once the stream's moves are counted
    answer = api.get(f"/budgets/{node}/{period}", token=token)
    assert answer.status == 200, answer.text
    return answer.json


def test_budgets_are_set_from_above_and_split_without_exceeding_them(api, sales):
    period = sales["period"]
    # Set from above only: to an allocator at the office itself, as to anyone else without the
    # right, the office is not among those whose budget they set (404, whatever the body).
    assert put_budget(api, sales["branch_allocator"], sales["branch"], period, 100_000_000).status == 404
    assert put_budget(api, sales["staff_a"], sales["branch"], period, 100_000_000).status == 404
    answer = put_budget(api, sales["allocator"], sales["branch"], period, 100_000_000)
    assert answer.status == 200, answer.text
    assert (answer.json["amount"], answer.json["recommendation"]) == (100_000_000, 0)

    too_much = put_split(api, sales["recommender"], sales["branch"], period,
                         {"ACQUISITION": 60_000_000, "OUTLET": 50_000_000})
    assert too_much.status == 422
    assert "Rp 10.000.000 lebih dari anggaran" in too_much.json["detail"]
    unknown = put_split(api, sales["recommender"], sales["branch"], period, {"PARTIES": 1})
    assert unknown.status == 422 and unknown.json["errors"][0]["field"] == "categories.PARTIES"
    assert put_split(api, sales["allocator"], sales["branch"], period, {"OUTLET": 1}).status == 404  # not a recommender
    assert put_split(api, sales["staff_a"], sales["branch"], period, {"OUTLET": 1}).status == 404  # out of reach

    split = put_split(api, sales["recommender"], sales["branch"], period, {"ACQUISITION": 60_000_000, "OUTLET": 40_000_000})
    assert split.status == 200, split.text
    assert split.json["categories"]["OUTLET"] == {"recommended": 40_000_000, "used": 0, "pending": 0,
                                                  "remaining": 40_000_000, "percent_used": 0.0}
    # The budget cannot go under its split.
    lowered = put_budget(api, sales["allocator"], sales["branch"], period, 90_000_000)
    assert lowered.status == 422 and "ubah pembagiannya dahulu" in lowered.json["detail"]

    # Offices under one parent never get more than the parent has.
    assert put_budget(api, sales["area_allocator"], sales["region"], period, 150_000_000).status == 200
    over = put_budget(api, sales["allocator"], sales["cluster_a"], period, 120_000_000)
    assert over.status == 422, over.text  # the cluster is under the branch, which has 100M
    assert "lebih dari anggarannya sebesar Rp 100.000.000" in over.json["detail"]
    assert put_budget(api, sales["allocator"], sales["cluster_a"], period, 30_000_000).status == 200
    assert budget(api, sales["approver"], sales["branch"], period)["allocated_to_children"] == 30_000_000
    assert put_budget(api, sales["allocator"], sales["branch"], period, 20_000_000).status == 422  # under its split

    assert api.get(f"/budgets/{sales['branch']}/2026-13", token=sales["approver"]).status == 422
    assert api.get(f"/budgets/{sales['branch']}/{period}", token=sales["outsider"]).status == 404


def test_reports_count_as_pending_then_used_and_returns_withdrawals_rejections_as_neither(api, sales):
    period, today = sales["period"], sales["today"]
    assert put_budget(api, sales["allocator"], sales["branch"], period, 10_000_000).status == 200
    assert put_split(api, sales["recommender"], sales["branch"], period, {"OUTLET": 6_000_000, "SF": 4_000_000}).status == 200

    kept = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 2_000_000, today)
    returned = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 1_000_000, today)
    rejected = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 500_000, today)
    withdrawn = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 250_000, today)
    figures = budget(api, sales["approver"], sales["branch"], period)
    assert (figures["used"], figures["pending"]) == (0, 3_750_000)

    def decide(app, action, comment=None):
        answer = api.post(f"/applications/{app['id']}/decision", {"action": action, "step": 1, "comment": comment},
                          token=sales["approver"])
        assert answer.status == 200, answer.text

    chain = (sales["approver"], sales["mcot"], sales["region_approver"])
    approve_report(api, kept["id"], *chain[:2])  # the branch manager and MCOT: still pending
    assert budget(api, sales["approver"], sales["branch"], period)["pending"] == 3_750_000
    assert api.post(f"/applications/{kept['id']}/decision", {"action": "approve", "step": 3},
                    token=sales["approver"]).status == 403  # the region's step: not the branch's to take
    assert api.post(f"/applications/{kept['id']}/decision", {"action": "approve", "step": 3},
                    token=sales["region_approver"]).status == 200
    decide(returned, "return", "Foto kurang jelas")
    decide(rejected, "reject", "Bukan kegiatan marketing")
    assert api.post(f"/applications/{withdrawn['id']}/withdraw", {"reason": "salah input"},
                    token=sales["staff_b"]).status == 200
    figures = budget(api, sales["approver"], sales["branch"], period)
    assert figures["categories"]["OUTLET"] == {"recommended": 6_000_000, "used": 2_000_000, "pending": 0,
                                               "remaining": 4_000_000, "percent_used": 33.3}
    assert figures["categories"]["SF"]["used"] == figures["categories"]["SF"]["pending"] == 0
    assert (figures["used"], figures["pending"], figures["remaining"], figures["percent_used"]) == (2_000_000, 0, 8_000_000, 20.0)

    # A resubmission is pending again; the figures are the same at every office above.
    assert api.post(f"/applications/{returned['id']}/submit", token=sales["staff_a"]).status == 200
    for node in ("cluster_a", "branch", "region", "area"):
        seen = budget(api, sales["viewer"], sales[node], period)
        assert (seen["categories"]["OUTLET"]["used"], seen["categories"]["OUTLET"]["pending"]) == (2_000_000, 1_000_000), node
    assert budget(api, sales["viewer"], sales["cluster_b"], period)["used"] == 0


def test_a_report_over_what_is_left_is_filed_and_flagged_to_the_approver(api, sales):
    period, today = sales["period"], sales["today"]
    assert put_budget(api, sales["allocator"], sales["branch"], period, 3_000_000).status == 200
    assert put_split(api, sales["recommender"], sales["branch"], period, {"OUTLET": 3_000_000}).status == 200
    within = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 2_000_000, today)
    assert within["budget_check"]["over"] is False and within["budget_check"]["available"] == 3_000_000
    api.settle_counters()  # the check reads the counters: the report before this one is counted by now
    over = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "OUTLET", 1_500_000, today)
    assert over["status"] == "submitted"
    assert over["budget_check"]["over"] is True
    assert over["budget_check"]["node_id"] == sales["branch"] and over["budget_check"]["available"] == 1_000_000
    assert "over the Rp 1.000.000 left" in over["budget_check"]["reason"]
    api.settle_counters()
    unbudgeted = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 100_000, today)
    assert unbudgeted["budget_check"]["over"] is True  # no SF in the split: nothing is left for it

    inbox = api.get("/inbox", token=sales["approver"]).json["items"]
    flagged = {a["id"]: a["budget_check"]["over"] for a in inbox}
    assert flagged[over["id"]] is True and flagged[within["id"]] is False
    # Read one at a time, it shows where it stands now (its own amount not counted twice).
    now = api.get(f"/applications/{over['id']}", token=sales["approver"]).json["budget_now"]
    assert (now["over"], now["available"]) == (True, 1_000_000)
    # The approver is told in the assignment e-mail.
    history = api.get(f"/applications/{over['id']}/history", token=sales["approver"]).json["items"]
    assert history[-1]["comment"].startswith("over budget:")


def counters_from_applications(deps, apps, tz):
    """Every counter recomputed from the applications as they stand."""
    from chalicelib.domain import budgets as b
    from chalicelib.domain.applications import counter_moves

    from chalicelib.domain.dashboard_steps import step_moves

    expected = {}
    for app in apps:
        service = deps.catalog.version(app.service_id, app.service_version)
        # The dashboard's step counts (open, suspended, overdue) as the application stands.
        standing = step_moves(app.evolve(status="draft", step=None), app, service, app.updated_at, tz)
        for move in counter_moves(app, service, None, app.status, tz) + standing:
            bucket = expected.setdefault((move.node_id, move.period), {})
            for name, delta in move.deltas.items():
                if name != b.POSTINGS:
                    bucket[name] = bucket.get(name, 0) + delta
    return expected


def decided_from_history(api, token, apps, tz):
    """Decisions taken at each step (`step:{service}:{n}:decided`), counted from the histories,
    at each office on the application's path for the month it was filed."""
    counted = {}
    for app in apps:
        for entry in api.get(f"/applications/{app.id}/history", token=token).json["items"]:
            if entry["action"] in ("approve", "reject", "return"):
                name = f"step:{app.service_id}:{entry['step']}:decided"
                for node_id in app.node_path:
                    bucket = counted.setdefault((node_id, app.created_at.astimezone(tz).strftime("%Y-%m")), {})
                    bucket[name] = bucket.get(name, 0) + 1
    return counted


def histograms_as_decided(counters):
    """A step's processing-time histogram (`…:bNN`) summed: the decisions taken at it."""
    out = {}
    for name, value in counters.items():
        if name.startswith("step:") and name.rsplit(":", 1)[1].startswith("b"):
            name = name.rsplit(":", 1)[0] + ":decided"
        out[name] = out.get(name, 0) + value
    return out


def random_mix_of_changes(api, sales, seed):
    """Submits, approvals, rejections, returns, resubmissions and withdrawals in random order;
    answers the applications as stored afterwards."""
    rng = random.Random(seed)
    today = sales["today"]
    filers = [("staff_a", "cluster_a"), ("staff_b", "cluster_b")]
    apps = []
    for _ in range(14):
        who, cluster = rng.choice(filers)
        category = rng.choice(["OUTLET", "SF", "ACQUISITION"])
        submit = rng.random() < 0.8
        app = file_spending_report(api, sales[who], sales[cluster], category, rng.randint(1, 50) * 10_000, today,
                                   submit=submit)
        apps.append((who, app["id"]))
    for _ in range(30):
        who, app_id = rng.choice(apps)
        current = api.get(f"/applications/{app_id}", token=sales[who]).json
        status = current["status"]
        if status in ("submitted", "in_review"):
            action = rng.choice(["approve", "reject", "return", "withdraw"])
            if action == "withdraw":
                api.post(f"/applications/{app_id}/withdraw", {"reason": "batal"}, token=sales[who])
            else:
                api.post(f"/applications/{app_id}/decision", {"action": action, "step": 1, "comment": "catatan"},
                         token=sales["approver"])
        elif status in ("draft", "returned"):
            if rng.random() < 0.7:
                api.post(f"/applications/{app_id}/submit", token=sales[who])
            else:
                api.post(f"/applications/{app_id}/withdraw", {"reason": "batal"}, token=sales[who])
    stored = [api.deps.application_store.get(app_id) for _, app_id in apps]
    assert len({a.status for a in stored}) >= 4  # the mix reached several ends
    return stored


def assert_counters_equal_a_recount(api, sales, stored):
    ours = {sales[k] for k in ("area", "region", "branch", "cluster_a", "cluster_b")}  # the root is shared
    expected = {key: value for key, value in counters_from_applications(api.deps, stored, api.deps.settings.org_timezone).items()
                if key[0] in ours}
    assert len(expected) == 10  # five offices, each with the month and the day spent
    decided = decided_from_history(api, sales["approver"], stored, api.deps.settings.org_timezone)
    assert decided  # the mix decided some
    actual = api.deps.application_store.counters_many(expected.keys())
    for key, wanted in expected.items():
        got = {name: value for name, value in histograms_as_decided(actual.get(key, {})).items()
               if value and not name.startswith("budget:postings")}
        wanted = {**wanted, **decided.get(key, {})}
        assert got == {name: value for name, value in wanted.items() if value}, key


def uncounted_moves(api):
    """The moves items still in the table: moves not counted (yet)."""
    from chalicelib.adapters.dynamodb.counters import MOVE_LANES, MOVES_PREFIX
    from chalicelib.adapters.dynamodb.table import whole_partition

    return [raw for lane in range(MOVE_LANES) for raw in whole_partition(f"{MOVES_PREFIX}{lane:02d}")]


def test_counters_equal_a_recount_after_a_random_mix_of_changes(api, sales):
    """The changes put their moves; the counters follow once the stream's records are counted
    (aggregate_counters, as Lambda hands them over), and then equal a recount."""
    stored = random_mix_of_changes(api, sales, 20261122)
    assert uncounted_moves(api)  # nothing counted in the changes' own transactions
    assert api.settle_counters() > 0
    assert uncounted_moves(api) == []
    assert_counters_equal_a_recount(api, sales, stored)
    # A batch handed again (Lambda's at-least-once) counts nothing twice.
    assert api.settle_counters() >= 0
    assert_counters_equal_a_recount(api, sales, stored)


def test_counters_equal_a_recount_after_the_aggregator_crashed_mid_batch(api, sales, monkeypatch):
    """The aggregator counts a batch in several transactions; it crashes after some committed,
    the stream hands the same batch again, and every counter still equals a recount."""
    from chalicelib.adapters.dynamodb import counters

    api.settle_counters()  # the fixtures' own changes, counted before the crash is armed
    stored = random_mix_of_changes(api, sales, 20261205)
    monkeypatch.setattr(counters, "TRANSACTION_ITEMS", 12)  # small chunks: a batch takes several
    committed = []
    real_count_chunk = counters.count_chunk

    def crash_after_two_chunks(chunk):
        if len(committed) == 2:
            raise RuntimeError("the function's container died mid-batch")
        committed.append(real_count_chunk(chunk))
        return committed[-1]

    monkeypatch.setattr(counters, "count_chunk", crash_after_two_chunks)
    with pytest.raises(RuntimeError):
        api.settle_counters()
    assert committed and all(committed)  # two chunks were counted before the crash
    left = uncounted_moves(api)
    assert left  # the rest were not

    monkeypatch.setattr(counters, "count_chunk", real_count_chunk)
    assert api.settle_counters() > 0  # the same batch again, and the ones after it
    assert uncounted_moves(api) == []
    assert_counters_equal_a_recount(api, sales, stored)


def test_the_dashboard_shows_an_office_its_children_and_twelve_months(api, sales):
    period, today = sales["period"], sales["today"]
    assert put_budget(api, sales["allocator"], sales["branch"], period, 10_000_000).status == 200
    assert put_split(api, sales["recommender"], sales["branch"], period, {"OUTLET": 6_000_000, "SF": 4_000_000}).status == 200
    a = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 1_500_000, today)
    b = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 400_000, today)
    file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 100_000, today, submit=False)
    approve_report(api, a["id"], sales["approver"], sales["mcot"], sales["region_approver"])
    api.settle_counters()

    answer = api.get(f"/dashboard/{sales['region']}?period={period}", token=sales["viewer"])
    assert answer.status == 200, answer.text
    board = answer.json
    assert board["applications"] == 3
    # How current the figures are: the newest change counted into them, the approval just made.
    counted = datetime.fromisoformat(board["counted_through"])
    assert abs((datetime.now(timezone.utc) - counted).total_seconds()) < 60
    assert (board["by_status"]["approved"], board["by_status"]["submitted"], board["by_status"]["draft"]) == (1, 1, 1)
    assert board["by_service"]["marketing-fee-report"] == {"approved": 1, "submitted": 1, "draft": 1}
    # The region's own budget is not set: it shows what the branch below holds.
    assert (board["budget"]["amount"], board["budget"]["recommendation"]) == (10_000_000, 10_000_000)
    assert board["budget"]["remaining"] == 10_000_000 - 1_500_000 - 400_000
    assert (board["budget"]["used"], board["budget"]["pending"]) == (1_500_000, 400_000)
    [branch] = board["children"]
    assert branch["node_id"] == sales["branch"]
    assert branch["budget"]["amount"] == 10_000_000 and branch["budget"]["percent_used"] == 15.0
    assert branch["budget"]["categories"]["OUTLET"]["percent_used"] == 25.0
    assert len(board["series"]) == 12 and board["series"][-1]["period"] == period
    assert board["series"][-1]["budget"]["used"] == 1_500_000 and board["series"][0]["applications"] == 0

    clusters = api.get(f"/dashboard/{sales['branch']}?period={period}", token=sales["approver"]).json["children"]
    assert {c["node_id"]: c["budget"]["used"] + c["budget"]["pending"] for c in clusters} == {
        sales["cluster_a"]: 1_500_000, sales["cluster_b"]: 400_000}
    assert b["status"] == "submitted"

    assert api.get(f"/dashboard/{sales['region']}?period=2026-1", token=sales["viewer"]).status == 422
    assert api.get(f"/dashboard/{sales['region']}?period={period}", token=sales["staff_a"]).status == 404
    assert api.get(f"/dashboard/{sales['region']}", token=sales["viewer"]).status == 422


def test_the_dashboard_exports_to_csv_for_spreadsheets(api, sales):
    period, today = sales["period"], sales["today"]
    api.deps.org_store.create(_node_named(api.deps, sales["branch"], "=HYPERLINK(\"http://x\")"), api.deps.clock.now())
    assert put_budget(api, sales["allocator"], sales["branch"], period, 10_000_000).status == 200
    assert put_split(api, sales["recommender"], sales["branch"], period, {"OUTLET": 6_000_000}).status == 200
    file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 1_500_000, today)
    api.settle_counters()

    answer = api.get(f"/dashboard/{sales['branch']}/export.csv?period={period}", token=sales["approver"])
    assert answer.status == 200, answer.text
    assert answer.content_type.startswith("text/csv")
    assert "attachment" in answer.header("Content-Disposition")
    assert answer.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    office_total = next(r for r in rows if r["level"] == "office" and r["category"] == "TOTAL")
    assert (office_total["budget"], office_total["pending"], office_total["applications"]) == ("10000000", "1500000", "1")
    outlet = next(r for r in rows if r["node_id"] == sales["branch"] and r["category"] == "OUTLET")
    assert (outlet["recommended"], outlet["pending"], outlet["remaining"]) == ("6000000", "1500000", "4500000")
    children = {r["node_id"] for r in rows if r["level"] == "child"}
    assert children >= {sales["cluster_a"], sales["cluster_b"]}
    assert all(not r["node_name"].startswith("=") for r in rows)  # never a formula in a spreadsheet
    assert any(r["node_name"].startswith("'=HYPERLINK") for r in rows)


def _node_named(deps, parent_id, name):
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.org import Node

    parent = deps.org_store.get(parent_id)
    node_id = new_id("node")
    return Node(id=node_id, kind="cluster", name=name, parent_id=parent.id, path=parent.path + (node_id,),
                path_kinds=parent.path_kinds + ("cluster",))
