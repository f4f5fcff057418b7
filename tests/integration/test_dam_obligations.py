"""A dam's monitoring obligations over the API and the daily watch: an operating dam owes a report
per period; the watch opens the next period's, reminds the operators once, marks it overdue once
and tells the dam's staff; an approved monitoring report meets it; dashboards count them."""

from datetime import timedelta

from tests import files
from tests.support import make_office_tree, make_people, unique_tag, upload_document

DAM = {
    "name": "Bendungan Uji Kewajiban", "river_basin": "Citarum",
    "location": {"province_code": "32", "regency_code": "32.17", "district_code": "32.17.16", "lat": -6.91, "lon": 107.37},
    "type": "rockfill", "purposes": ["hydropower"], "hazard_class": "high", "status": "operating",
}


def new_dam(api, token, node_id, **changes):
    tag = unique_tag()
    created = api.post("/assets", DAM | {"node_id": node_id, "register_code": f"OBL-{tag}",
                                         "name": f"Bendungan Kewajiban {tag}"} | changes, token=token)
    assert created.status == 201, created.text
    return created.json


def obligations(api, token, dam_id):
    answer = api.get(f"/assets/{dam_id}/obligations", token=token)
    assert answer.status == 200, answer.text
    return answer.json["items"]


def told(api, token, kind, dam_name):
    items = api.get("/notifications?limit=100", token=token).json["items"]
    return [n for n in items if n["kind"] == kind and dam_name in n["title"]]


def board(api, token, node_id, month):
    api.settle_counters()  # the figures once the stream's moves are counted
    answer = api.get(f"/dashboard/{node_id}?period={month}", token=token)
    assert answer.status == 200, answer.text
    return answer.json["dam_obligations"]


def test_the_watch_opens_the_next_period_reminds_once_and_marks_overdue_once(api, seeded):
    tree = make_office_tree(api.deps, parent="dam-agency")
    people = make_people(api, {"registrar": [("dam_registrar", tree["office"])],
                               "operator": [("dam_operator", tree["office"])],
                               "inspector": [("dam_inspector", tree["office"])],
                               "head": [("viewer", tree["office"])],
                               "elsewhere": [("dam_operator", "kota-depok")]})
    dam = new_dam(api, people["registrar"], tree["office"], monitoring_every="month")
    (first,) = obligations(api, people["registrar"], dam["id"])
    assert first["status"] == "open" and first["application_id"] is None
    duties = api.deps.dam_duties
    [ob] = duties.obligations.of_dam(dam["id"])
    assert first["period"] == ob.period
    due_month = (ob.due_at - timedelta(seconds=1)).astimezone(api.deps.settings.org_timezone).strftime("%Y-%m")
    assert board(api, people["head"], tree["office"], due_month) == {"open": 1, "overdue": 0, "met": 0}

    # The period ends: the next one's obligation opens; a second run changes nothing.
    duties.watch(ob.ends_at + timedelta(minutes=5))
    duties.watch(ob.ends_at + timedelta(minutes=5))
    listed = obligations(api, people["operator"], dam["id"])
    assert [o["status"] for o in listed] == ["open", "open"] and listed[0]["period"] == ob.period
    assert told(api, people["operator"], "dam_report_due", dam["name"]) == []

    # A week before it is due, the operators (not the inspector, not another office's) are reminded once.
    duties.watch(ob.remind_at + timedelta(minutes=5))
    duties.watch(ob.remind_at + timedelta(minutes=6))
    api.deliver_mail()
    (reminder,) = told(api, people["operator"], "dam_report_due", dam["name"])
    assert ob.period in reminder["title"]
    assert told(api, people["inspector"], "dam_report_due", dam["name"]) == []
    assert told(api, people["elsewhere"], "dam_report_due", dam["name"]) == []
    mail = api.wait_for_mail(people["operator_email"], dam["name"])
    assert ob.period in mail["subject"]

    # Due and not met: overdue once, the dam's staff told once.
    duties.watch(ob.due_at + timedelta(minutes=5))
    duties.watch(ob.due_at + timedelta(minutes=5))
    api.deliver_mail()
    assert obligations(api, people["registrar"], dam["id"])[0]["status"] == "overdue"
    for who in ("registrar", "operator", "inspector"):
        assert len(told(api, people[who], "dam_report_overdue", dam["name"])) == 1, who
    assert told(api, people["elsewhere"], "dam_report_overdue", dam["name"]) == []
    assert board(api, people["head"], tree["office"], due_month) == {"open": 0, "overdue": 1, "met": 0}


def test_staff_outside_the_dams_reach_and_the_public_get_nothing(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division")
    people = make_people(api, {"city_operator": [("dam_operator", "kota-depok")], "applicant": []})
    assert api.get(f"/assets/{dam['id']}/obligations", token=people["city_operator"]).status == 404
    assert api.get(f"/assets/{dam['id']}/obligations", token=people["applicant"]).status in (403, 404)
    assert api.get(f"/assets/{dam['id']}/obligations").status == 401
    assert api.get("/assets/dam_nothing_here/obligations", token=registrar).status == 404


def test_a_dam_not_yet_operating_owes_nothing(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", status="construction")
    assert obligations(api, registrar, dam["id"]) == []


def report(dam, period):
    return {"company_name": "PT Uji Pengelola", "dam_id": dam["id"], "dam_name": dam["name"], "period": period,
            "inspection_date": "2026-01-05", "reservoir_level_m": 640.2, "seepage_lps": 1.5, "status": "Normal",
            "findings": "Tidak ada temuan berarti."}


def file_and_approve(api, applicant, dam, period):
    filed = api.post("/applications", {"service_id": "dam-monitoring-report", "node_id": "dam-desk",
                                       "data": report(dam, period)}, token=applicant)
    assert filed.status == 201, filed.text
    app = filed.json
    upload_document(api, applicant, app["id"], "monitoring_report", "laporan.pdf", "application/pdf", files.pdf())
    assert api.post(f"/applications/{app['id']}/submit", token=applicant).status == 200
    for step, decider in enumerate(("loket.bendungan", "teknis.bendungan"), start=1):
        answer = api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": step},
                          token=api.login(f"{decider}@demo.satupintu.id"))
        assert answer.status == 200, answer.text
    assert answer.json["status"] == "approved"
    return app["id"]


def test_an_approved_monitoring_report_meets_its_periods_obligation_and_the_first_report_stays(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    director = api.login("direktur.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", monitoring_every="quarter")
    (ob,) = api.deps.dam_duties.obligations.of_dam(dam["id"])
    due_month = (ob.due_at - timedelta(seconds=1)).astimezone(api.deps.settings.org_timezone).strftime("%Y-%m")
    _, applicant = api.register_verified()

    # The period must be one of the dam's schedule, and begun.
    year = int(ob.period[:4])
    for period in (f"{year}-11", f"{year + 1}-Q1", "Q4-2026"):
        bad = api.post("/applications", {"service_id": "dam-monitoring-report", "node_id": "dam-desk",
                                         "data": report(dam, period)}, token=applicant)
        assert bad.status == 422 and [e["field"] for e in bad.json["errors"]] == ["data.period"], (period, bad.text)

    before = board(api, director, "dam-division", due_month)
    first = file_and_approve(api, applicant, dam, ob.period)
    (met,) = obligations(api, registrar, dam["id"])
    assert met == {"period": ob.period, "due_at": met["due_at"], "status": "met", "application_id": first}
    after = board(api, director, "dam-division", due_month)
    assert (after["open"], after["met"]) == (before["open"] - 1, before["met"] + 1)

    # A second report for the met period keeps the first; one for a period before the dam
    # operated is accepted and changes nothing.
    file_and_approve(api, applicant, dam, ob.period)
    earlier = f"{year - 1}-Q4"
    file_and_approve(api, applicant, dam, earlier)
    assert obligations(api, registrar, dam["id"]) == [met]
    assert board(api, director, "dam-division", due_month) == after


def test_the_first_monitoring_report_version_still_files_with_year_and_quarter(api, seeded):
    service = api.deps.catalog.version("dam-monitoring-report", 1)
    assert service is not None and service.monitoring is None
    assert {"period_year", "period_quarter"} <= {f.name for f in service.fields}


def test_the_scheduled_watch_marks_the_seeded_dams_reports_overdue_once_time_has_passed(api, seeded):
    from datetime import datetime

    # Last in the module: it moves the module's clock on by four months.
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    karian = api.get("/assets?q=karian", token=registrar).json["items"][0]
    assert obligations(api, registrar, karian["id"])[0]["status"] in ("open", "overdue")
    assert api.post("/_local/clock", {"advance_seconds": 120 * 86400}).status == 200
    # One run catches up four months at once: each period it opens that is already due is taken too.
    assert api.post("/_local/schedules/watch_dam_duties").status == 200
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    listed = obligations(api, registrar, karian["id"])
    now = api.deps.clock.now()
    past_due = [o for o in listed if datetime.fromisoformat(o["due_at"]) <= now]
    assert past_due and all(o["status"] == "overdue" for o in past_due)
    assert all(o["status"] == "open" for o in listed if o not in past_due)
    assert len(listed) >= 2  # each period opened the next while the dam operates
    api.deliver_mail()
    assert len(told(api, registrar, "dam_report_overdue", "Karian")) == len(past_due)
    # A second run finds nothing left to do: nobody is told twice.
    assert api.post("/_local/schedules/watch_dam_duties").status == 200
    api.deliver_mail()
    assert len(told(api, registrar, "dam_report_overdue", "Karian")) == len(past_due)


def test_one_late_run_of_the_watch_catches_up_every_period_missed(api, seeded):
    """After an outage the watch runs months late: one run opens each period since, and marks
    every one already past its due date overdue, not just the first."""
    tree = make_office_tree(api.deps, parent="dam-agency")
    people = make_people(api, {"registrar": [("dam_registrar", tree["office"])]})
    dam = new_dam(api, people["registrar"], tree["office"], monitoring_every="month")
    duties = api.deps.dam_duties
    [first] = duties.obligations.of_dam(dam["id"])
    late = first.ends_at + timedelta(days=150)
    duties.watch(late)

    listed = duties.obligations.of_dam(dam["id"])
    tz = api.deps.settings.org_timezone
    assert listed[-1].period == late.astimezone(tz).strftime("%Y-%m")  # the current month's is open
    assert len(listed) >= 6
    for ob in listed:
        expected = "overdue" if ob.due_at <= late else "open"
        assert ob.status == expected, (ob.period, ob.status)
    assert sum(ob.status == "overdue" for ob in listed) >= 4
    assert duties.watch(late) == 0  # nothing left: a second run takes no step


def test_a_report_owed_before_the_schedule_changed_can_still_meet_its_obligation(api, seeded):
    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", monitoring_every="month")
    (ob,) = api.deps.dam_duties.obligations.of_dam(dam["id"])
    changed = api.patch(f"/assets/{dam['id']}", {"monitoring_every": "quarter", "version": dam["version"]},
                        token=registrar)
    assert changed.status == 200, changed.text
    _, applicant = api.register_verified()

    # A month the dam owes nothing for is off its (new) schedule; the month it owes is not.
    other_month = f"{int(ob.period[:4]) - 1}-{ob.period[5:]}"
    bad = api.post("/applications", {"service_id": "dam-monitoring-report", "node_id": "dam-desk",
                                     "data": report(dam, other_month)}, token=applicant)
    assert bad.status == 422 and [e["field"] for e in bad.json["errors"]] == ["data.period"], bad.text
    met_by = file_and_approve(api, applicant, dam, ob.period)
    (met,) = obligations(api, registrar, dam["id"])
    assert (met["period"], met["status"], met["application_id"]) == (ob.period, "met", met_by)


def test_a_decommissioned_dam_still_owes_the_period_it_operated_in_and_no_later_one(api, seeded):
    """Decommissioning ends the schedule, not the report on the months the dam still held water:
    that period's obligation stays (and goes overdue unmet); no period after it opens."""
    from dataclasses import replace

    from chalicelib.domain.assets import DamChange

    registrar = api.login("registrasi.bendungan@demo.satupintu.id")
    dam = new_dam(api, registrar, "dam-division", monitoring_every="month")
    duties = api.deps.dam_duties
    (ob,) = duties.obligations.of_dam(dam["id"])
    store = api.deps.asset_store
    before = store.get(dam["id"])
    after = replace(before, status="decommissioned", version=before.version + 1)
    store.update(before, after, DamChange(version=after.version, at=api.deps.clock.now(), actor_id="test",
                                          actor_name="test", action="status",
                                          changes={"status": ["operating", "decommissioned"]}))
    duties.watch(ob.due_at + timedelta(days=90))
    (still,) = duties.obligations.of_dam(dam["id"])
    assert (still.period, still.status, still.next_opened) == (ob.period, "overdue", True)
