"""The recap of a month's spending reports as data (GET /budgets/{node}/{period}/reports): every
report filed at the office and below, whatever its status, page by page, with the same calls
whatever the number of reports; for the roles that read the reports, not viewers of figures."""

from datetime import datetime

from chalicelib.adapters.dynamodb.postings import LANES, filed_key
from tests.integration.test_budgets import sales  # noqa: F401 (the fixture)
from tests.support import approve_report, file_spending_report


def recap(api, token, node, period, **query):
    path = f"/budgets/{node}/{period}/reports"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(path, token=token)


def test_the_recap_lists_every_filed_report_with_its_status_and_approval_time(api, sales):  # noqa: F811
    period, today = sales["period"], sales["today"]
    approved = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 3_000_000, today)
    decided = approve_report(api, approved["id"], sales["approver"], sales["mcot"], sales["region_approver"])
    pending = file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 777_000, today)
    file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 5_000, today, submit=False)  # a draft: not filed

    answer = recap(api, sales["approver"], sales["branch"], period)
    assert answer.status == 200, answer.text
    assert answer.json["next_cursor"] is None
    by_code = {item["tracking_code"]: item for item in answer.json["items"]}
    assert set(by_code) == {approved["tracking_code"], pending["tracking_code"]}
    done, waiting = by_code[approved["tracking_code"]], by_code[pending["tracking_code"]]
    assert done["status"] == "approved" and done["amount"] == 3_000_000 and done["category"] == "OUTLET"
    assert done["node_id"] == sales["cluster_a"] and done["point"] == done["office"]  # no location given: the office
    assert done["activity"] == "Kegiatan OUTLET 3000000" and done["spent_on"] == today
    assert done["description"] == "Pembagian brosur dan perlengkapan outlet."
    # The approval time is the final decision's, in the organisation's offset.
    assert done["approved_at"] is not None and done["approved_at"].endswith("+07:00")
    assert abs((datetime.fromisoformat(done["approved_at"]) - datetime.fromisoformat(decided["updated_at"])).total_seconds()) < 1
    assert waiting["status"] == "submitted" and waiting["amount"] == 777_000 and waiting["approved_at"] is None

    # A cluster's recap holds its own; the region above holds the branch's too.
    own = recap(api, sales["region_approver"], sales["cluster_b"], period).json["items"]
    assert [item["tracking_code"] for item in own] == [pending["tracking_code"]]
    above = recap(api, sales["allocator"], sales["region"], period).json["items"]
    assert {item["tracking_code"] for item in above} == set(by_code)


def test_the_recap_is_for_those_who_read_the_reports_and_refuses_bad_input(api, sales):  # noqa: F811
    period = sales["period"]
    assert recap(api, sales["viewer"], sales["branch"], period).status == 404  # figures only
    assert recap(api, sales["outsider"], sales["branch"], period).status == 404
    assert recap(api, sales["region_approver"], sales["area"], period).status == 404  # above their reach
    assert recap(api, sales["approver"], "node-nope", period).status == 404
    bad_month = recap(api, sales["approver"], sales["branch"], "2026-13")
    assert bad_month.status == 422 and bad_month.json["errors"][0]["field"] == "period"
    assert recap(api, sales["approver"], sales["branch"], period, cursor="bm90LWEtY3Vyc29y").status == 422
    assert recap(api, sales["approver"], sales["branch"], period, limit=0).status == 422
    assert recap(api, sales["approver"], sales["branch"], period).json == {"items": [], "next_cursor": None}


def test_the_recap_pages_with_a_cursor_and_a_cursor_belongs_to_its_month(api, sales):  # noqa: F811
    period, today = sales["period"], sales["today"]
    filed = [file_spending_report(api, sales["staff_a"], sales["cluster_a"], "SF", 1_000 * n, today)["tracking_code"]
             for n in range(1, 6)]
    seen, cursor, pages = [], None, 0
    while True:
        answer = recap(api, sales["approver"], sales["branch"], period, limit=2, **({"cursor": cursor} if cursor else {}))
        assert answer.status == 200, answer.text
        assert len(answer.json["items"]) <= 2
        seen += [item["tracking_code"] for item in answer.json["items"]]
        cursor, pages = answer.json["next_cursor"], pages + 1
        if cursor is None:
            break
    assert sorted(seen) == sorted(filed) and len(seen) == len(set(seen)) and pages >= 3
    first = recap(api, sales["approver"], sales["branch"], period, limit=2).json["next_cursor"]
    other_month = "2000-01" if period != "2000-01" else "2000-02"
    assert recap(api, sales["approver"], sales["branch"], other_month, cursor=first).status == 422


def test_a_page_makes_the_same_aws_calls_whatever_the_number_of_reports(api, sales):  # noqa: F811
    from tests import aws_calls

    period, today = sales["period"], sales["today"]

    def calls_of_one_page():
        with aws_calls.capture() as calls:
            answer = recap(api, sales["approver"], sales["branch"], period, limit=50)
        assert answer.status == 200, answer.text
        return sorted(call.operation for call in calls), len(answer.json["items"])

    file_spending_report(api, sales["staff_a"], sales["cluster_a"], "SF", 1_000, today)
    few, shown = calls_of_one_page()
    assert shown == 1
    for n in range(2, 7):
        file_spending_report(api, sales["staff_b"], sales["cluster_b"], "SF", 1_000 * n, today)
    more, shown = calls_of_one_page()
    assert shown == 6
    # A Query per partition of the month's filed reports, one batch read of them, one of their offices (+ the caller).
    assert more == few
    assert more.count("dynamodb:Query") == LANES + 1 + 1  # the month's partitions, and the caller's


def test_the_approval_writes_its_time_beside_the_filed_report_everywhere_above(api, sales):  # noqa: F811
    from chalicelib.adapters.dynamodb import models as m

    def filed(node, app):
        return m.FiledReportItem.get(filed_key(sales[node], period, app["id"]), app["id"])

    period, today = sales["period"], sales["today"]
    app = file_spending_report(api, sales["staff_a"], sales["cluster_a"], "OUTLET", 2_000, today)
    for node in ("cluster_a", "branch", "region", "area"):
        assert filed(node, app).approved_at is None
    decided = approve_report(api, app["id"], sales["approver"], sales["mcot"], sales["region_approver"])
    times = {filed(node, app).approved_at for node in ("cluster_a", "branch", "region", "area")}
    assert len(times) == 1
    (approved_at,) = times
    assert abs((approved_at - datetime.fromisoformat(decided["updated_at"])).total_seconds()) < 1


def test_the_organisations_reports_of_a_month_spread_over_lanes_and_are_all_read_at_any_office(api, sales):  # noqa: F811
    """Issue 21: every report is filed at the root too, so no one partition takes them all."""
    from chalicelib.adapters.dynamodb import models as m
    from chalicelib.adapters.dynamodb.postings import read_filed_reports, read_postings

    period, today = sales["period"], sales["today"]
    reports = [file_spending_report(api, sales["staff_a"], sales["cluster_a"], "SF", 100 * n, today) for n in range(1, 9)]
    for report in reports[:3]:
        approve_report(api, report["id"], sales["approver"], sales["mcot"], sales["region_approver"])
    lanes = {filed_key(sales["area"], period, report["id"]) for report in reports}
    assert len(lanes) > 1  # eight reports: not all in one partition
    for pk in lanes:
        assert {item.application_id for item in m.FiledReportItem.query(pk)} < {r["id"] for r in reports}
    ids = {report["id"] for report in reports}
    assert ids <= set(read_filed_reports(sales["area"], period))
    assert {r["id"] for r in reports[:3]} <= {app_id for app_id, *_rest in read_postings(sales["area"], period)}
    # Paged, one report at a time: each once.
    seen, cursor = [], None
    while True:
        page = recap(api, sales["allocator"], sales["region"], period, limit=1, **({"cursor": cursor} if cursor else {}))
        assert page.status == 200, page.text
        seen += [item["tracking_code"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if not cursor:
            break
    assert {r["tracking_code"] for r in reports} <= set(seen) and len(seen) == len(set(seen))
