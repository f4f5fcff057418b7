"""The demo `make run` seeds: what a newcomer opens first is there (seeded in a world of its own,
sample applications included)."""

from tests.integration.test_budgets import budget


def test_the_demo_has_a_budgeted_month_and_an_issued_permit_to_look_at(api, seeded_as_make_run_seeds):
    from tests.support import DEMO_PASSWORD

    branch = api.login("branch.depok@demo.satupintu.id", DEMO_PASSWORD)
    period = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).strftime("%Y-%m")
    figures = budget(api, branch, "branch-depok", period)
    assert figures["amount"] == 150_000_000 and figures["recommendation"] == 150_000_000
    assert figures["categories"]["OUTLET"]["used"] == 7_500_000
    assert figures["categories"]["ACQUISITION"]["used"] == 12_000_000
    assert figures["categories"]["SF"]["pending"] == 4_250_000
    # Every level, from a cluster up to the area, shows the same money and nothing negative.
    area = api.login("area.jabar@demo.satupintu.id", DEMO_PASSWORD)
    for node in ("area-jabo-jabar", "region-jabotabek-selatan", "branch-depok"):
        seen = budget(api, area, node, period)
        assert (seen["amount"], seen["recommendation"], seen["used"]) == (150_000_000, 150_000_000, 19_500_000), node
        assert seen["categories"]["ACQUISITION"]["remaining"] == 50_000_000 - 12_000_000, node
    for cluster in ("cluster-depok-utara", "cluster-depok-selatan"):
        assert all(c["remaining"] >= 0 for c in budget(api, area, cluster, period)["categories"].values()), cluster
    # The roles of the organisation's table have their accounts.
    for who in ("mcot.jabotabek", "gm.sbp", "region.jabotabek", "cluster.selatan"):
        assert api.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)
    warga = api.login("warga@demo.satupintu.id", DEMO_PASSWORD)
    mine = api.get("/applications?status=approved", token=warga).json["items"]
    [permit] = [a for a in mine if a["service_id"] == "city-business-permit"]
    certificate = api.get(f"/applications/{permit['id']}/certificate", token=warga).json
    assert certificate["holder"] == "Dewi Lestari" and certificate["status"] == "valid"
    assert certificate["number"].endswith(f"/IU/{period[:4]}")


def test_the_demo_library_entries_carry_placeholder_pdfs_marked_as_such(api, seeded_as_make_run_seeds):
    entry = api.get("/regulations/reg_pp-37-2010").json
    assert entry["document"]["status"] == "clean" and entry["download_url"]
    found = {item["id"] for item in api.get("/regulations?q=placeholder&limit=100").json["items"]}
    assert {"reg_pp-37-2010", "reg_uu-17-2019", "reg_sni-3432-2020"} <= found


def test_the_demo_register_holds_the_citarum_cascade_with_weeks_of_readings_and_no_alert(api, seeded_as_make_run_seeds):
    from datetime import timedelta

    from local.seed import DEMO_READING_DAYS
    from tests.support import DEMO_PASSWORD

    operator = api.login("operator.bendungan@demo.satupintu.id", DEMO_PASSWORD)
    citarum = api.get("/assets?q=citarum&limit=50", token=operator).json["items"]
    by_name = {d["name"]: d for d in citarum}
    assert {"Bendungan Ir. H. Djuanda (Jatiluhur)", "Bendungan Saguling", "Bendungan Cirata"} <= set(by_name)
    saguling, cirata = by_name["Bendungan Saguling"], by_name["Bendungan Cirata"]
    assert (saguling["location"]["district_code"], saguling["height_m"], saguling["year_completed"]) == ("32.17.16", 97.5, 1986)
    assert (cirata["location"]["district_code"], cirata["height_m"], cirata["year_completed"]) == ("32.14.08", 125, 1988)
    today = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date()
    first, last = today - timedelta(days=DEMO_READING_DAYS), today - timedelta(days=1)
    for dam in (saguling, cirata):
        assert "hydropower" in dam["purposes"] and dam["status"] == "operating"
        days = api.get(f"/assets/{dam['id']}/readings?from={first}&to={today}", token=operator).json["items"]
        assert [d["date"] for d in days] == [str(first + timedelta(days=n)) for n in range(DEMO_READING_DAYS)]
        assert str(last) == days[-1]["date"]
        # Every level below waspada: the demo raises no alert by itself.
        assert all(d["level_m"] < dam["thresholds"]["level_m"]["waspada"] for d in days), dam["name"]
        assert all(d["inflow_m3s"] and d["outflow_m3s"] and d["seepage_ls"] for d in days)
    alerts = [n for n in api.get("/notifications?limit=100", token=operator).json["items"] if n["kind"] == "dam_alert"]
    assert alerts == []


def test_the_demo_dams_show_an_overdue_a_met_and_an_open_monitoring_obligation(api, seeded_as_make_run_seeds):
    staff = api.login("registrasi.bendungan@demo.satupintu.id")
    found = {}
    for name in ("jatiluhur", "jatigede", "karian"):
        (dam,) = api.get(f"/assets?q={name}").json["items"]
        answer = api.get(f"/assets/{dam['id']}/obligations", token=staff)
        assert answer.status == 200, answer.text
        found[name] = answer.json["items"]
    assert found["jatiluhur"][0]["status"] == "overdue" and found["jatiluhur"][-1]["status"] == "open"
    met = [o for o in found["jatigede"] if o["status"] == "met"]
    assert len(met) == 1 and met[0]["application_id"]
    director = api.login("direktur.bendungan@demo.satupintu.id")
    report = api.get(f"/applications/{met[0]['application_id']}", token=director)
    assert report.status == 200 and report.json["data"]["period"] == met[0]["period"], report.text
    assert [o["status"] for o in found["karian"]] == ["open"]
    month = found["jatiluhur"][0]["due_at"][:7]
    board = api.get(f"/dashboard/dam-agency?period={month}", token=director).json
    assert board["dam_obligations"]["overdue"] >= 1
