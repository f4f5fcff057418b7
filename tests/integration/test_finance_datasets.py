"""The finance registry's datasets the directorate named (issue 18), in-process against the
emulator and the BIOS stand-in: balances and staff counts entered by finance and HR and pushed
once; the satisfaction survey after a decision, its index on the dashboard and pushed; ops told
at once (in the app and by e-mail) when the registry refuses a record."""

from datetime import timedelta

import pytest
import requests

from chalicelib.domain import integrations as reg
from tests.integration.test_applications import decide, file
from tests.integration.test_integrations import fault, registries, standins  # noqa: F401 (fixtures)
from tests.support import make_office_tree, make_people

SCORES = {"requirements": 4, "procedure": 4, "time": 3, "cost": 3, "product": 4, "competence": 3,
          "behaviour": 3, "complaints": 3, "facilities": 3}


@pytest.fixture
def unit(api, seeded):
    nodes = make_office_tree(api.deps)
    other = make_office_tree(api.deps)
    return {**nodes, "other": other["office"], **make_people(api, {
        "finance": [("finance", nodes["office"])],
        "hr": [("hr", nodes["office"])],
        "elsewhere": [("finance", other["office"]), ("hr", other["office"])],
        "ops": [("ops", nodes["office"])],
        "clerk": [("verifier", nodes["desk"])],
        "desk_verifier": [("verifier", nodes["desk"])],
        "dept_verifier": [("verifier", nodes["department"])],
        "head": [("approver", nodes["office"]), ("viewer", nodes["office"])],
        "applicant": [],
    })}


def yesterday(api) -> str:
    return (api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date() - timedelta(days=1)).isoformat()


def saved(stand_ins, dataset: str, day: str, key: str):
    answer = requests.get(f"{stand_ins.url}/_standin/records", params={"target": "bios"}, timeout=5).json()
    name = f"{dataset}|{day}|{key}"
    return answer["saved"].get(name), answer["posts"].get(name, 0)


def push(api, day):
    """The night's push of `day`, its totals worked out and made due now (as ops' re-run does:
    the clock stays, so the tokens of the test's people stay alive)."""
    api.deps.integrations.total_day(day)
    api.deps.send_log_store.requeue(reg.FINANCE_REGISTRY, day, api.deps.clock.now())
    for _ in range(10):
        if not api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60).keys:
            break


def balance_url(node: str, kind: str, day: str) -> str:
    return f"/finance/{node}/balances/{kind}/{day}"


def test_a_balance_is_finances_per_day_and_account_replaced_when_entered_again_and_saved_once(
        registries, api, unit):  # noqa: F811
    day = yesterday(api)
    url = balance_url(unit["office"], "operasional", day)
    body = {"kdbank": "009", "no_rekening": "1230009876", "unit": "BLU Uji", "saldo_akhir": 125_000_000}
    # Outside reach, or without the role: not there, whatever the body.
    for who in ("elsewhere", "clerk", "hr"):
        assert api.put(url, body, token=unit[who]).status == 404
    assert api.put(balance_url(unit["office"], "giro", day), body, token=unit["finance"]).status == 404
    # Bad input: problem+json naming the field, nothing written.
    missing = api.put(url, {"kdbank": "009", "saldo_akhir": 1}, token=unit["finance"])
    assert missing.status == 422 and missing.headers["Content-Type"].startswith("application/problem+json")
    assert "no_rekening" in {e["field"] for e in missing.json["errors"]}
    assert api.put(url, {**body, "saldo_akhir": -1}, token=unit["finance"]).status == 422
    assert api.put(url, {**body, "no_bilyet": "B-1"}, token=unit["finance"]).status == 422
    future = (api.deps.clock.now().date() + timedelta(days=3)).isoformat()
    assert api.put(balance_url(unit["office"], "operasional", future), body, token=unit["finance"]).status == 422
    for not_a_day in ("2026-02-30", "20260102", "２０２６-01-02"):
        assert api.put(balance_url(unit["office"], "operasional", not_a_day), body,
                       token=unit["finance"]).status == 422, not_a_day

    first = api.put(url, body, token=unit["finance"])
    assert first.status == 200, first.text
    assert (first.json["dataset"], first.json["state"], first.json["changes"]) == (reg.BALANCE_OPERATIONAL, "pending", 1)
    again = api.put(url, {**body, "saldo_akhir": 130_000_000}, token=unit["finance"])
    assert (again.json["key"], again.json["changes"]) == (first.json["key"], 2)  # the same record, replaced
    push(api, day)
    row, posts = saved(registries, reg.BALANCE_OPERATIONAL, day, "1230009876")
    assert (row["saldo_akhir"], row["kdbank"], row["unit"], posts) == ("130000000", "009", "BLU Uji", 1)
    # A second push sends nothing more.
    push(api, day)
    assert saved(registries, reg.BALANCE_OPERATIONAL, day, "1230009876")[1] == 1

    deposit = api.put(balance_url(unit["office"], "pengelolaan-kas", day),
                      {"kdbank": "009", "no_bilyet": "DEP-77", "nilai_deposito": 500_000_000, "nilai_bunga": 1_250_000},
                      token=unit["finance"])
    managed = api.put(balance_url(unit["office"], "dana-kelolaan", day),
                      {"kdbank": "008", "no_rekening": "555000111", "saldo_akhir": 75_000_000}, token=unit["finance"])
    assert (deposit.status, managed.status) == (200, 200)
    push(api, day)
    assert saved(registries, reg.BALANCE_CASH_MANAGEMENT, day, "DEP-77")[0]["nilai_bunga"] == "1250000"
    assert saved(registries, reg.BALANCE_MANAGED_FUNDS, day, "555000111")[0]["saldo_akhir"] == "75000000"


def test_staff_counts_are_hrs_and_pushed_by_category(registries, api, unit):  # noqa: F811
    day = yesterday(api)
    url = f"/staffing/{unit['office']}/{day}"
    counts = {"pns": 12, "pppk": 4, "non_pns": 7, "kontrak": 3}
    assert api.put(url, counts, token=unit["finance"]).status == 404
    assert api.put(f"/staffing/{unit['other']}/{day}", counts, token=unit["hr"]).status == 404
    assert api.put(url, {**counts, "pns": "12"}, token=unit["hr"]).status == 422
    assert api.put(url, {"pns": 1}, token=unit["hr"]).status == 422
    answer = api.put(url, counts, token=unit["hr"])
    assert answer.status == 200, answer.text
    assert answer.json["record"] == {"tgl_transaksi": day, **counts}
    push(api, day)
    row, posts = saved(registries, reg.STAFF, day, day)
    assert ({k: row[k] for k in counts}, posts) == ({k: str(v) for k, v in counts.items()}, 1)


def decided(api, unit, action="approve"):
    app = file(api, unit["applicant"], unit["desk"], {"title": "Izin survei", "amount": 1_000_000})
    app = api.post(f"/applications/{app['id']}/submit", token=unit["applicant"]).json
    if action == "reject":
        answer = decide(api, unit["desk_verifier"], app, "reject", comment="Berkas tidak lengkap")
    else:
        app = decide(api, unit["desk_verifier"], app).json
        app = decide(api, unit["dept_verifier"], app).json
        answer = decide(api, unit["head"], app)
    assert answer.status == 200, answer.text
    return answer.json


def test_a_decided_applicant_is_invited_answers_once_and_the_index_is_on_the_dashboard_and_pushed(
        registries, api, unit):  # noqa: F811
    draft = file(api, unit["applicant"], unit["desk"], {"title": "Belum", "amount": 1})
    assert api.post(f"/applications/{draft['id']}/survey", {"scores": SCORES},
                    token=unit["applicant"]).status == 409  # not decided yet
    approved, rejected = decided(api, unit), decided(api, unit, "reject")
    api.deliver_mail()
    invitations = [n for n in api.get("/notifications", token=unit["applicant"]).json["items"]
                   if n["kind"] == "survey_invitation"]
    assert {n["link"].rsplit("/", 1)[-1] for n in invitations} == {approved["id"], rejected["id"]}
    mails = [m for m in api.mail(unit["applicant_email"]) if "Izin Uji Sederhana" in m["subject"]
             and m["subject"].startswith("Bagaimana layanan")]
    assert {m["subject"].rsplit("(", 1)[-1].rstrip(")") for m in mails} == {
        approved["tracking_code"], rejected["tracking_code"]}

    url = f"/applications/{approved['id']}/survey"
    assert api.post(url, {"scores": SCORES}, token=unit["head"]).status == 404  # only its applicant
    bad = api.post(url, {"scores": {**SCORES, "time": 5}}, token=unit["applicant"])
    assert bad.status == 422 and bad.headers["Content-Type"].startswith("application/problem+json")
    assert api.post(url, {"scores": {k: v for k, v in SCORES.items() if k != "cost"}},
                    token=unit["applicant"]).status == 422
    answer = api.post(url, {"scores": SCORES}, token=unit["applicant"])
    assert answer.status == 201, answer.text
    assert (answer.json["index"], answer.json["grade"]) == (83.33, "B")
    assert api.post(url, {"scores": SCORES}, token=unit["applicant"]).status == 409  # once
    low = {name: 1 for name in SCORES}
    assert api.post(f"/applications/{rejected['id']}/survey", {"scores": low},
                    token=unit["applicant"]).status == 201

    # Two answers: element means (4+1)/2 … → (30 + 9) / 2 / 9 × 25 = 54.17, grade D.
    period = answer.json["period"]
    api.settle_counters()
    board = api.get(f"/dashboard/{unit['office']}?period={period}", token=unit["head"]).json
    assert board["satisfaction"] == [{"service_id": "test-simple-permit", "responses": 2, "index": 54.17,
                                      "grade": "D"}]
    push(api, f"{period}-01")
    row, posts = saved(registries, reg.SATISFACTION, f"{period}-01", "test-simple-permit")
    assert (row["jml_responden"], row["nilai_ikm"], row["mutu"], posts) == ("2", "54.17", "D", 1)


def test_a_record_the_registry_refuses_tells_ops_at_once_in_the_app_and_by_mail(registries, api, unit):  # noqa: F811
    day = yesterday(api)
    assert api.put(f"/staffing/{unit['office']}/{day}", {"pns": 1, "pppk": 0, "non_pns": 0, "kontrak": 0},
                   token=unit["hr"]).status == 200
    api.deps.send_log_store.requeue(reg.FINANCE_REGISTRY, day, api.deps.clock.now())
    fault(registries, reject=1)
    summary = api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert summary.failed == 1
    told = [n for n in api.get("/notifications", token=unit["ops"]).json["items"]
            if n["kind"] == "registry_record_failed"]
    assert len(told) == 1 and "MSG40001" in told[0]["summary"] and reg.STAFF in told[0]["title"]
    api.deliver_mail()
    [mail] = [m for m in api.mail(unit["ops_email"]) if reg.STAFF in m["subject"]]
    assert "MSG40001" in mail["text"] and f'"date": "{day}"' in mail["text"]
    # Nobody outside the record's office is told.
    assert not [n for n in api.get("/notifications", token=unit["elsewhere"]).json["items"]
                if n["kind"] == "registry_record_failed"]


def test_an_approved_applications_fixed_fee_is_that_days_revenue_of_its_account(registries, api, unit, monkeypatch):  # noqa: F811
    from chalicelib.domain.catalog import Fee

    catalog = api.deps.catalog
    service = catalog.latest("test-simple-permit")
    charged = service.model_copy(update={"fee": Fee(free=False, amount=250_000, note="Retribusi uji",
                                                    note_en="A test levy", account="424119")})
    monkeypatch.setitem(catalog._latest, service.id, charged)
    monkeypatch.setitem(catalog._by_key, (service.id, service.version), charged)

    day = api.deps.clock.now().astimezone(api.deps.settings.org_timezone).date().isoformat()
    api.deps.integrations.total_day(day)
    before = api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.REVENUE, f"{day}#424119")
    before_total = before.totals.get("jumlah", 0) if before else 0
    decided(api, unit), decided(api, unit), decided(api, unit, "reject")
    # The day's revenue is worked out at the push from each approval's own fact.
    assert api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.REVENUE, f"{day}#424119") == before
    push(api, day)
    revenue = api.deps.send_log_store.get(reg.FINANCE_REGISTRY, reg.REVENUE, f"{day}#424119")
    assert revenue.body["jumlah"] - before_total == 500_000  # two approvals; a rejection pays nothing
    assert revenue.body["kd_akun"] == "424119" and revenue.node_path[-1] == unit["desk"]
    row, posts = saved(registries, reg.REVENUE, day, "424119")
    assert (int(row["jumlah"]), posts) == (revenue.body["jumlah"], 1)
