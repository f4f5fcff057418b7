"""The demo as `make run` seeds it: Jatigede's page lists the monitoring report the seed filed and
approved through the service (so its link beside the dam was written as any other's)."""

from tests.integration.test_dam_applications import listed


def test_the_demo_jatigede_lists_its_approved_monitoring_report(api, seeded_as_make_run_seeds):
    (dam,) = api.get("/assets?q=jatigede").json["items"]
    items = listed(api, api.login("operator.bendungan@demo.satupintu.id"), dam["id"])
    reports = [i for i in items if i["service_id"] == "dam-monitoring-report"]
    assert reports and reports[0]["status"] == "approved"
