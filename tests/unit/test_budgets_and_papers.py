"""Budget rules, spending-report postings, certificates' public face and the Indonesian ways of
writing money and dates: no I/O."""

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import budgets as b
from chalicelib.domain import papers
from chalicelib.domain.catalog import CATALOG_DIR, load_catalog
from chalicelib.domain.certificates import mask_name
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput
from chalicelib.domain.application_state import Application
from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant, Principal

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
AREA = Node("area", "area", "Area", "root", ("root", "area"), ("org", "area"))
REGION = Node("region", "region", "Region", "area", AREA.path + ("region",), AREA.path_kinds + ("region",))
BRANCH = Node("branch", "branch", "Branch", "region", REGION.path + ("branch",), REGION.path_kinds + ("branch",))
CLUSTER = Node("cluster", "cluster", "Cluster", "branch", BRANCH.path + ("cluster",), BRANCH.path_kinds + ("cluster",))
ALLOCATOR = Principal("u1", "a@x.id", "Alokator", "id", (Grant("budget_allocator", "region"),))
RECOMMENDER = Principal("u2", "r@x.id", "Rekomender", "id", (Grant("budget_recommender", "branch"),))
REPORT = load_catalog(CATALOG_DIR).latest("marketing-fee-report")


def report(status: str, amount: int = 1_000_000, category: str = "OUTLET", spent_on: str = "2026-11-03") -> Application:
    return Application(id="app_1", tracking_code="AAAA-BBBB-CCCC", service_id=REPORT.id, service_version=1,
                       node_id=CLUSTER.id, node_path=CLUSTER.path, applicant_id="u3", applicant_name="Staf",
                       status=status, step=1, steps_total=1, created_at=NOW, updated_at=NOW,
                       data={"category": category, "amount": amount, "spent_on": spent_on})


def test_a_budget_is_set_from_above_and_stays_within_its_parents():
    with pytest.raises(Forbidden):
        b.set_amount(b.Budget("region", "2026-11"), None, REGION, ALLOCATOR, 5, NOW)  # not above its own office
    parent = b.Budget("region", "2026-11", amount=100, allocated=70, version=3)
    current = b.Budget("branch", "2026-11", amount=20, version=1)
    write = b.set_amount(current, parent, BRANCH, ALLOCATOR, 50, NOW)
    assert (write.budget.amount, write.budget.version, write.expected_version) == (50, 2, 1)
    assert (write.parent.allocated, write.parent.version, write.parent_expected_version) == (100, 4, 3)
    with pytest.raises(InvalidInput) as over:
        b.set_amount(current, parent, BRANCH, ALLOCATOR, 51, NOW)
    assert "Rp 1 more than its budget of Rp 100" in over.value.detail
    split = b.Budget("branch", "2026-11", amount=20, categories={"OUTLET": 15}, version=2)
    with pytest.raises(InvalidInput):
        b.set_amount(split, None, BRANCH, ALLOCATOR, 14, NOW)  # under its split
    with pytest.raises(InvalidInput):
        b.set_amount(split, None, BRANCH, ALLOCATOR, -1, NOW)


def test_a_split_never_adds_up_to_more_than_the_budget():
    current = b.Budget("branch", "2026-11", amount=10_000_000, version=1)
    with pytest.raises(Conflict):
        b.set_recommendation(b.Budget("branch", "2026-11"), BRANCH, RECOMMENDER, {"OUTLET": 1}, ("OUTLET",), NOW)
    with pytest.raises(InvalidInput) as excess:
        b.set_recommendation(current, BRANCH, RECOMMENDER, {"OUTLET": 7_000_000, "SF": 3_500_000}, ("OUTLET", "SF"), NOW)
    assert "Rp 500.000 more than the budget" in excess.value.detail
    with pytest.raises(Forbidden):
        b.set_recommendation(current, BRANCH, ALLOCATOR, {"OUTLET": 1}, ("OUTLET",), NOW)
    written = b.set_recommendation(current, BRANCH, RECOMMENDER, {"OUTLET": 10_000_000}, ("OUTLET",), NOW).budget
    assert (written.recommended, written.recommended_by) == (10_000_000, "u2")


@pytest.mark.parametrize("before, after, moves", [
    ("draft", "submitted", {"budget:OUTLET:pending": 1_000_000}),
    ("submitted", "approved", {"budget:OUTLET:pending": -1_000_000, "budget:OUTLET:used": 1_000_000}),
    ("in_review", "returned", {"budget:OUTLET:pending": -1_000_000}),
    ("submitted", "withdrawn", {"budget:OUTLET:pending": -1_000_000}),
    ("submitted", "rejected", {"budget:OUTLET:pending": -1_000_000}),
    ("draft", "withdrawn", None),
])
def test_a_report_moves_pending_and_used_in_the_month_it_was_spent_at_every_office_above(before, after, moves):
    found = b.budget_moves(report(before), REPORT, before, after)
    if moves is None:
        assert found == ()
        return
    # The month and the day spent, at every office from the root down.
    assert [(m.node_id, m.period) for m in found] == [(n, p) for n in CLUSTER.path for p in ("2026-11", "2026-11-03")]
    assert all(m.deltas == {**moves, b.POSTINGS: 1} for m in found)


def test_a_report_over_what_is_left_is_flagged_with_the_governing_office():
    budgets = {"branch": b.Budget("branch", "2026-11", amount=10, categories={"OUTLET": 6, "SF": 4})}
    counters = {"branch": {"budget:OUTLET:used": 3, "budget:OUTLET:pending": 2}}
    within = b.check_report(report("draft", amount=1), REPORT, budgets, counters)
    assert (within.over, within.node_id, within.available) == (False, "branch", 1)
    over = b.check_report(report("draft", amount=2), REPORT, budgets, counters)
    assert over.over and "over the Rp 1 left in OUTLET at branch" in over.reason
    # Already pending itself: its own amount is not counted against it twice.
    assert not b.check_report(report("submitted", amount=2), REPORT, budgets, counters).over
    nothing = b.check_report(report("draft"), REPORT, {}, {})
    assert nothing.over and nothing.node_id is None


def test_months_and_figures():
    assert b.months_up_to("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert len(b.months_up_to("2026-11")) == 12
    with pytest.raises(InvalidInput):
        b.check_period("2026-13")
    figures = b.figures("branch", "2026-11", b.Budget("branch", "2026-11", amount=200, categories={"SF": 100}),
                        {"budget:SF:used": 25, "budget:OUTLET:pending": 5}, ("ACQUISITION", "SF"))
    assert list(figures.categories) == ["ACQUISITION", "SF", "OUTLET"]
    assert figures.categories["SF"].percent_used == 25.0 and figures.categories["ACQUISITION"].percent_used is None
    assert (figures.used, figures.pending, figures.remaining, figures.percent_used) == (25, 5, 170, 12.5)


def test_certificates_show_the_public_a_masked_name():
    assert mask_name("Budi Santoso") == "B*** S******"
    assert mask_name("PT  Tirta Nusantara") == "P* T**** N********"


def test_papers_write_money_dates_and_months_as_indonesians_do():
    assert papers.rupiah(1_250_000) == "Rp 1.250.000" and papers.rupiah(-5000) == "-Rp 5.000"
    assert papers.tanggal(date(2026, 8, 17)) == "17 Agustus 2026"
    wib = timezone(timedelta(hours=7))
    assert papers.waktu(datetime(2026, 11, 22, 14, 5, tzinfo=wib)) == "22 November 2026 14.05 WIB"
    assert papers.bulan("2026-03") == "Maret 2026"
    assert papers.persen(33.333) == "33,3%"


# ---- roll-ups: every level shows the same money ------------------------------------------------

REGION_RECOMMENDER = Principal("u5", "rr@x.id", "Region", "id", (Grant("budget_recommender", "region"),))
REQUEST = load_catalog(CATALOG_DIR).latest("marketing-fee-budget-request")


def test_a_budget_below_rolls_up_until_an_office_with_its_own():
    """The cluster's budget shows at the branch (none of its own) and stops at the region (its
    own amount holds the cluster's); a region recommender divides the region's money but never
    adds any where nothing above holds it."""
    region = b.Budget("region", "2026-11", amount=100, version=2)
    branch, area = b.Budget("branch", "2026-11"), b.Budget("area", "2026-11")
    write = b.set_amount(b.Budget("cluster", "2026-11"), branch, CLUSTER, REGION_RECOMMENDER, 30, NOW, (region, area))
    assert [(x.node_id, x.allocated, x.amount_shown) for x, _ in write.items] == [
        ("cluster", 0, 30), ("branch", 30, 30), ("region", 30, 100)]
    assert [version for _, version in write.items] == [0, 0, 2]  # each on the version read
    with pytest.raises(Forbidden):  # nothing above holds money to divide
        b.set_amount(b.Budget("cluster", "2026-11"), branch, CLUSTER, REGION_RECOMMENDER, 30, NOW,
                     (b.Budget("region", "2026-11"), area))
    with pytest.raises(InvalidInput) as over:  # the branch holds none, the region 100
        b.set_amount(b.Budget("cluster", "2026-11"), b.Budget("branch", "2026-11", allocated=80, version=1),
                     CLUSTER, REGION_RECOMMENDER, 30, NOW, (b.Budget("region", "2026-11", amount=100, allocated=80), area))
    assert "Rp 10 more than its budget of Rp 100" in over.value.detail


def test_a_split_below_shows_above_until_an_office_with_its_own_split():
    cluster = b.Budget("cluster", "2026-11", amount=30, categories={"OUTLET": 10}, version=1)
    branch = b.Budget("branch", "2026-11", allocated=30, below={"OUTLET": 10}, version=1)
    region = b.Budget("region", "2026-11", amount=100, categories={"OUTLET": 60, "SF": 40}, version=1)
    write = b.set_recommendation(cluster, CLUSTER, REGION_RECOMMENDER, {"OUTLET": 20, "SF": 5}, ("OUTLET", "SF"),
                                 NOW, (branch, region))
    # The region keeps what is below it, but shows its own split; nothing moves above it.
    assert [(x.node_id, x.split_shown, x.below) for x, _ in write.items] == [
        ("cluster", {"OUTLET": 20, "SF": 5}, {}), ("branch", {"OUTLET": 20, "SF": 5}, {"OUTLET": 20, "SF": 5}),
        ("region", {"OUTLET": 60, "SF": 40}, {"OUTLET": 10, "SF": 5})]
    figures = b.figures("branch", "2026-11", write.items[1][0], {"budget:OUTLET:used": 15, "budget:SF:pending": 5})
    assert (figures.amount, figures.recommended, figures.remaining) == (30, 25, 10)
    assert (figures.categories["OUTLET"].remaining, figures.categories["SF"].remaining) == (5, 0)


def test_an_allocated_budget_request_adds_to_the_cluster_and_everything_above():
    app = Application(id="app_9", tracking_code="AAAA-BBBB-CCCD", service_id=REQUEST.id, service_version=1,
                      node_id=CLUSTER.id, node_path=CLUSTER.path, applicant_id="u3", applicant_name="Staf",
                      status="approved", step=None, steps_total=2, created_at=NOW, updated_at=NOW,
                      data={"for_month": "2026-11-20", "category": "SF", "amount": 7, "description": "x"})
    path = {"region": b.Budget("region", "2026-11", amount=100, categories={"SF": 40}, allocated=30, version=4),
            "cluster": b.Budget("cluster", "2026-11", amount=30, categories={"SF": 10}, version=2),
            "branch": b.Budget("branch", "2026-11", allocated=30, below={"SF": 10}, version=2)}
    write = b.grant_request(app, REQUEST, path, ALLOCATOR, NOW)
    shown = {x.node_id: (x.amount_shown, x.split_shown.get("SF")) for x, _ in write.items}
    assert shown == {"cluster": (37, 17), "branch": (37, 17), "region": (107, 47), "area": (7, 7), "root": (7, 7)}
    assert b.grant_of(app, REPORT) is None and write.budget.period == "2026-11"
