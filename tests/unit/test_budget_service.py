"""The budget service on fakes: budgets set from above within the parent's, splits within the
budget, a write that lost a race read again, and reports checked against what is used and
pending of the budget that governs them."""

import pytest

from chalicelib.domain import budgets as b
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.domain.people import Grant, Principal
from chalicelib.services.ports import StaleBudget
from tests.fakes import services
from tests.unit.test_budgets_and_papers import ALLOCATOR, AREA, BRANCH, CLUSTER, RECOMMENDER, REGION, REPORT, report

MONTH = "2026-11"
TOP = Principal("u0", "top@x.id", "Atas", "id", (Grant("budget_allocator", "root"),))


@pytest.fixture
def service(fakes):
    for node in (AREA, REGION, BRANCH, CLUSTER):
        fakes.org.add(node)
    return services.budgets(fakes)


def counted(fakes, node_id, **figures):
    fakes.applications.counter_items[(node_id, MONTH)] = {
        b.counter_name("OUTLET", figure): amount for figure, amount in figures.items()}


def test_a_budget_is_set_from_above_and_the_parents_allocation_follows(fakes, service):
    service.set_amount(TOP, "region", MONTH, 1_000)
    service.set_amount(ALLOCATOR, "branch", MONTH, 600)
    assert fakes.budgets.get("region", MONTH).allocated == 600
    service.set_amount(ALLOCATOR, "branch", MONTH, 400)
    assert (fakes.budgets.get("region", MONTH).allocated, fakes.budgets.get("branch", MONTH).amount) == (400, 400)


def test_over_allocating_the_parents_budget_is_refused_and_writes_nothing(fakes, service):
    service.set_amount(TOP, "region", MONTH, 1_000)
    service.set_amount(ALLOCATOR, "branch", MONTH, 600)
    writes = fakes.budgets.writes
    fakes.org.add(BRANCH.__class__("branch2", "branch", "Branch 2", "region", REGION.path + ("branch2",),
                                   REGION.path_kinds + ("branch",)))
    with pytest.raises(InvalidInput):
        service.set_amount(ALLOCATOR, "branch2", MONTH, 401)
    assert fakes.budgets.writes == writes and fakes.budgets.get("region", MONTH).allocated == 600


def test_a_budget_that_changed_meanwhile_is_read_again(fakes, service, monkeypatch):
    service.set_amount(TOP, "region", MONTH, 1_000)
    real_write, lost = fakes.budgets.write, []

    def write(change):
        if not lost:
            lost.append(change)
            raise StaleBudget(change.budget.node_id)
        return real_write(change)

    monkeypatch.setattr(fakes.budgets, "write", write)
    assert service.set_amount(ALLOCATOR, "branch", MONTH, 300).amount == 300 and len(lost) == 1


def test_a_budget_that_keeps_changing_gives_up_with_a_conflict(fakes, service, monkeypatch):
    monkeypatch.setattr(fakes.budgets, "write", lambda change: (_ for _ in ()).throw(StaleBudget("x")))
    with pytest.raises(Conflict):
        service.set_amount(TOP, "region", MONTH, 1_000)
    with pytest.raises(Conflict):
        service.set_recommendation(RECOMMENDER, "branch", MONTH, {"OUTLET": 1})


def test_offices_outside_the_callers_reach_do_not_exist(fakes, service):
    with pytest.raises(NotFound):
        service.set_amount(RECOMMENDER, "region", MONTH, 10)
    with pytest.raises(NotFound):
        service.get(RECOMMENDER, "area", MONTH)
    with pytest.raises(NotFound):
        service.set_amount(TOP, "nowhere", MONTH, 10)


def test_figures_show_what_is_used_and_pending_of_the_split(fakes, service):
    service.set_amount(ALLOCATOR, "branch", MONTH, 1_000)
    service.set_recommendation(RECOMMENDER, "branch", MONTH, {"OUTLET": 800})
    counted(fakes, "branch", used=300, pending=200)
    figures = service.get(RECOMMENDER, "branch", MONTH)
    outlet = figures.categories["OUTLET"]
    assert (outlet.recommended, outlet.used, outlet.pending, outlet.remaining) == (800, 300, 200, 300)
    assert (figures.used, figures.pending, figures.remaining) == (300, 200, 500)


def test_a_report_within_what_is_left_passes_and_one_over_it_is_flagged(fakes, service):
    service.set_amount(ALLOCATOR, "branch", MONTH, 1_000_000)
    service.set_recommendation(RECOMMENDER, "branch", MONTH, {"OUTLET": 1_000_000})
    counted(fakes, "branch", used=400_000, pending=300_000)
    fits = service.check_report(report("draft", amount=300_000), REPORT)
    assert (fits.over, fits.node_id, fits.available) == (False, "branch", 300_000)
    over = service.check_report(report("draft", amount=300_001), REPORT)
    assert over.over and "over" in over.reason


def test_a_pending_report_does_not_count_against_itself(fakes, service):
    service.set_amount(ALLOCATOR, "branch", MONTH, 1_000_000)
    counted(fakes, "branch", pending=1_000_000)
    check = service.check_report(report("submitted", amount=1_000_000), REPORT)
    assert (check.over, check.available) == (False, 1_000_000)


def test_the_nearest_budget_on_the_way_up_governs_and_none_anywhere_is_flagged(fakes, service):
    assert service.check_report(report("draft"), REPORT).reason == f"no budget is set for {MONTH}"
    service.set_amount(TOP, "region", MONTH, 5_000_000)
    assert service.check_report(report("draft"), REPORT).node_id == "region"
    service.set_amount(ALLOCATOR, "branch", MONTH, 500_000)
    check = service.check_report(report("draft"), REPORT)
    assert (check.node_id, check.over) == ("branch", True)


def test_a_split_over_the_budget_is_refused(fakes, service):
    service.set_amount(ALLOCATOR, "branch", MONTH, 1_000)
    with pytest.raises(InvalidInput):
        service.set_recommendation(RECOMMENDER, "branch", MONTH, {"OUTLET": 1_001})
    assert fakes.budgets.get("branch", MONTH).categories == {}
