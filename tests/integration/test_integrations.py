"""Sending to the external registries against their stand-ins (local/registries.py), in-process
against the emulator: every record saved exactly once, and a send log that tells what happened."""

import random
from datetime import date, timedelta

import pytest
import requests

from chalicelib.domain import integrations as reg
from tests.conftest import free_port
from tests.support import DEMO_PASSWORD, make_people, upload_document
from tests import files


@pytest.fixture(scope="module")
def standins():
    from local.registries import serve

    server = serve(free_port(), "satker-uji", "kunci-uji")
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


@pytest.fixture
def registries(standins, monkeypatch):
    """The app wired to the stand-ins (set before `deps` builds the container), faults cleared."""
    monkeypatch.setenv("BIOS_BASE_URL", f"{standins.url}/bios")
    monkeypatch.setenv("BIOS_SATKER", "satker-uji")
    monkeypatch.setenv("BIOS_KEY", "kunci-uji")
    monkeypatch.setenv("CIVIL_REGISTRY_BASE_URL", f"{standins.url}/civil")
    monkeypatch.setenv("REGISTRY_RETRY_BASE_SECONDS", "0")
    monkeypatch.setenv("REGISTRY_RETRY_CAP_SECONDS", "0")
    monkeypatch.setenv("REGISTRY_TIMEOUT_SECONDS", "1")
    requests.delete(f"{standins.url}/_standin/faults", timeout=5)
    yield standins
    requests.delete(f"{standins.url}/_standin/faults", timeout=5)


@pytest.fixture
def quiet(registries, api):
    """Nothing of earlier tests still due: a run reads only this test's records (a registry that
    looks down stops a run, and others' leftovers would stop it before ours)."""
    advance(api, 2 * 86400)
    for target in reg.TARGETS:
        for _ in range(20):
            if not api.deps.integrations.send_due(target, 60).keys:
                break
    return registries


def fault(standins, target="bios", **switches):
    answer = requests.post(f"{standins.url}/_standin/faults", json={"target": target, **switches}, timeout=5)
    assert answer.status_code == 200


def registry(standins, target="bios"):
    return requests.get(f"{standins.url}/_standin/records", params={"target": target}, timeout=5).json()


def a_past_day() -> str:
    """Days nobody else's records use, so a test reads only its own."""
    return (date(2001, 1, 1) + timedelta(days=random.randrange(7000))).isoformat()


def owe_expenditures(deps, amounts_by_account: dict[str, int], day: str | None = None) -> list[reg.IntegrationRecord]:
    """What approvals write, written directly: one day's totals per account, due now."""
    from chalicelib.adapters.dynamodb.send_log import add_to_send_log
    from chalicelib.adapters.dynamodb.table import run_transaction

    day = day or a_past_day()
    now = deps.clock.now()
    records = [reg.IntegrationRecord(reg.FINANCE_REGISTRY, reg.EXPENDITURES, day, f"{day}#{account}", now,
                                  fields={"tgl_transaksi": day, "kd_akun": account}, adds={"jumlah": amount})
               for account, amount in amounts_by_account.items()]
    deps._models  # noqa: B018 (bind the models)
    run_transaction(lambda tx: add_to_send_log(tx, records, now))
    return records


def entry(deps, record):
    return deps.send_log_store.get(record.target, record.dataset, record.key)


def saved_row(standins, record):
    return registry(standins)["saved"].get(f"{record.dataset}|{record.day}|{record.fields['kd_akun']}")


def posts(standins, record):
    return registry(standins)["posts"].get(f"{record.dataset}|{record.day}|{record.fields['kd_akun']}", 0)


def advance(api, seconds):
    assert api.post("/_local/clock", {"advance_seconds": seconds}).status == 200


ACCOUNTS = {"525111": 1_000_000, "525112": 2_500_000, "525113": 300_000, "525114": 4_000, "525115": 99_000_000,
            "525119": 12_345}


def test_a_token_expiring_mid_run_500s_and_200s_that_saved_nothing_still_end_with_each_record_saved_once(
        quiet, api, seeded):
    records = owe_expenditures(api.deps, ACCOUNTS)
    # After two saved records every token expires; then two 500s and one 200 carrying MSG50001.
    fault(quiet, expire_after=2, fail=2, error200=1)
    summary = api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert summary.stopped is None, summary
    mine = [entry(api.deps, r) for r in records]
    assert [e.state for e in mine] == ["sent"] * len(records)
    for record, e in zip(records, mine):
        row = saved_row(quiet, record)
        assert row == {"tgl_transaksi": record.day, "kd_akun": record.fields["kd_akun"], "jumlah": str(record.adds["jumlah"])}
        assert posts(quiet, record) == 1  # saved exactly once
        assert (e.last_code, e.last_http_status, e.sent_version, e.version) == ("MSG20003", 200, 1, 1)
    # The story: one record re-sent after a new token; faults cost three more posts among the rest.
    attempts = sorted(e.attempts for e in mine)
    assert sum(attempts) == len(records) + 1 + 3, attempts
    assert max(attempts) <= 5


def test_a_record_the_registry_refuses_fails_at_once_and_a_rerun_of_its_day_sends_it(quiet, api, seeded):
    people = make_people(api, {"ops": [("ops", "org-demo")], "clerk": [("submitter", "kel-kukusan")]})
    [record] = owe_expenditures(api.deps, {"525112": 750_000})
    fault(quiet, reject=1)
    summary = api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    refused = entry(api.deps, record)
    assert (refused.state, refused.attempts, refused.last_code) == ("failed", 1, "MSG40001")
    assert summary.failed >= 1 and saved_row(quiet, record) is None
    # Not retried by later runs…
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert entry(api.deps, record).attempts == 1
    # …until ops re-run the day: the failed record (and nothing saved) is sent again.
    assert api.post("/integrations/bios/run", {"date": record.day}, token=people["clerk"]).status == 404
    answer = api.post("/integrations/bios/run", {"date": record.day}, token=people["ops"])
    assert answer.status == 202, answer.text
    assert answer.json == {"target": "bios", "date": record.day, "records_due": 1}
    from tests.support import deliver_queue

    assert deliver_queue(api.deps, "run_integration") >= 1
    sent = entry(api.deps, record)
    assert (sent.state, sent.attempts, posts(quiet, record)) == ("sent", 2, 1)


def test_a_registry_that_is_down_stops_the_run_and_what_is_left_is_sent_after_the_backoff(quiet, api, seeded):
    records = owe_expenditures(api.deps, ACCOUNTS)
    fault(quiet, down=True)
    summary = api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert "looks down" in (summary.stopped or "")
    tried = [e for e in (entry(api.deps, r) for r in records) if e.attempts]
    untouched = [e for e in (entry(api.deps, r) for r in records) if not e.attempts]
    assert len(tried) <= 3 and untouched, "the run stopped instead of knocking on every record"
    now = api.deps.clock.now()
    for e in tried:
        assert e.state == "pending" and e.attempts == 4 and e.last_http_status == 503
        assert now < e.next_attempt_at <= now + timedelta(seconds=60 * 8)  # 4th attempt: up to 8 minutes
    requests.delete(f"{quiet.url}/_standin/faults", timeout=5)
    advance(api, 9 * 60)
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert [entry(api.deps, r).state for r in records] == ["sent"] * len(records)
    assert all(posts(quiet, r) == 1 for r in records)


def test_slow_answers_time_out_and_the_resent_total_replaces_what_the_slow_post_saved(quiet, api, seeded):
    [record] = owe_expenditures(api.deps, {"525113": 5_000_000})
    fault(quiet, slow_seconds=1.5)  # saves, then answers after our 1 s time-out
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    timed_out = entry(api.deps, record)
    assert timed_out.state == "pending" and timed_out.last_http_status is None
    assert "no answer" in timed_out.last_message and timed_out.attempts == 4
    requests.delete(f"{quiet.url}/_standin/faults", timeout=5)
    advance(api, 9 * 60)
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    sent = entry(api.deps, record)
    assert sent.state == "sent" and sent.attempts == 5
    # The registry holds one value for the day and account, the right one, however often it came.
    rows = [k for k in registry(quiet)["saved"] if k.startswith(f"{record.dataset}|{record.day}|")]
    assert rows == [f"{record.dataset}|{record.day}|525113"] and saved_row(quiet, record)["jumlah"] == "5000000"


def test_a_sender_that_dies_after_posting_is_resent_once_its_lease_is_over(quiet, api, seeded):
    records = owe_expenditures(api.deps, {"525111": 10, "525112": 20, "525113": 30})
    dead = api.deps.send_log_store.claim(f"SEND#bios#{reg.EXPENDITURES}#{records[0].key}", api.deps.clock.now(),
                                     timedelta(seconds=120))
    client = api.deps.finance_registry_client
    assert reg.read_finance_registry_reply(client.post(dead.dataset, dead.body, client.token())).verdict == reg.SAVED
    # …and the sender died before writing the answer down. The next run leaves it alone (leased).
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    held = entry(api.deps, records[0])
    assert (held.state, held.attempts) == ("pending", 1)
    assert [entry(api.deps, r).state for r in records[1:]] == ["sent", "sent"]
    advance(api, 121)
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    resumed = entry(api.deps, records[0])
    assert (resumed.state, resumed.attempts) == ("sent", 2)
    assert saved_row(quiet, records[0])["jumlah"] == "10"
    assert all(posts(quiet, r) == 1 for r in records[1:])


def test_an_approval_while_a_total_is_in_flight_keeps_the_record_pending_for_the_new_total(quiet, api, seeded):
    [record] = owe_expenditures(api.deps, {"525115": 1_000})
    pk = f"SEND#bios#{reg.EXPENDITURES}#{record.key}"
    in_flight = api.deps.send_log_store.claim(pk, api.deps.clock.now(), timedelta(seconds=120))
    owe_expenditures(api.deps, {"525115": 500}, day=record.day)  # another approval, same day and account
    settled = api.deps.send_log_store.settle(in_flight, reg.Outcome(reg.SAVED, "MSG20003", "saved"), 200,
                                         api.deps.clock.now(), None)
    assert (settled.state, settled.sent_version, settled.version, settled.totals) == ("pending", 1, 2, {"jumlah": 1_500})
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    done = entry(api.deps, record)
    assert (done.state, done.sent_version) == ("sent", 2) and saved_row(quiet, record)["jumlah"] == "1500"


def test_a_category_without_an_account_code_fails_with_the_reason(quiet, api, seeded):
    day = a_past_day()
    from chalicelib.adapters.dynamodb.send_log import add_to_send_log
    from chalicelib.adapters.dynamodb.table import run_transaction

    now = api.deps.clock.now()
    record = reg.IntegrationRecord(reg.FINANCE_REGISTRY, reg.EXPENDITURES, day, f"{day}#PARTIES", now,
                                fields={"tgl_transaksi": day, "kd_akun": ""}, adds={"jumlah": 5})
    api.deps._models  # noqa: B018 (bind the models)
    run_transaction(lambda tx: add_to_send_log(tx, [record], now))
    api.deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    failed = entry(api.deps, record)
    assert failed.state == "failed" and "no account code (kd_akun) is configured for category PARTIES" in failed.last_message


def test_a_wrong_key_stops_the_run_and_leaves_every_record_pending(quiet, api, seeded, monkeypatch):
    monkeypatch.setenv("BIOS_KEY", "wrong")
    from chalicelib import deps as deps_module

    deps_module.reset()
    deps = deps_module.container()
    records = owe_expenditures(deps, {"525111": 1, "525112": 2})
    summary = deps.integrations.send_due(reg.FINANCE_REGISTRY, 60)
    assert "refused our satker/key" in summary.stopped
    assert [(entry(deps, r).state, entry(deps, r).attempts) for r in records] == [("pending", 0), ("pending", 0)]
    assert "MSG40101" in entry(deps, records[0]).last_message


# ---- approvals owe the registries --------------------------------------------------------------

def approve_birth(api, mother_nik="3276064503900002"):
    clerk = api.login("petugas.kukusan@demo.satupintu.id", DEMO_PASSWORD)
    born = (api.deps.clock.now().date() - timedelta(days=3)).isoformat()
    app = api.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan", "data": {
        "child_name": "Bayi Uji", "child_sex": "Laki-laki", "birth_date": born, "birth_place": "Depok",
        "birth_attendant": "Bidan", "mother_nik": mother_nik, "mother_name": "Ibu Uji",
        "family_card_number": "3276060101090007", "reporter_nik": "3276061708850003", "reporter_name": "Ayah Uji",
        "reporter_relation": "Ayah"}}, token=clerk).json
    for requirement in ("birth_letter", "family_card"):
        upload_document(api, clerk, app["id"], requirement, f"{requirement}.png", "image/png", files.png())
    assert api.post(f"/applications/{app['id']}/submit", token=clerk).status == 200
    for step, who in ((1, "verifikator.kukusan"), (2, "camat.beji"), (3, "disdukcapil.depok")):
        token = api.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)
        answer = api.post(f"/applications/{app['id']}/decision", {"action": "approve", "step": step}, token=token)
        assert answer.status == 200, answer.text
    return app


def test_an_approved_birth_is_delivered_at_once_once_and_with_its_registry_id(quiet, api, seeded):
    from tests.support import deliver_queue

    fault(quiet, target="civil", fail=1)
    app = approve_birth(api)
    record = api.deps.send_log_store.get(reg.CIVIL_REGISTRY, "birth", app["id"])
    # The send log keeps the NIKs as the application does: masked in the body, sealed beside it.
    assert record.state == "pending" and record.body["nik"] == "327606********02"
    assert record.body["data"]["reporter_nik"] == "327606********03"
    assert set(record.sealed.values) == {"mother_nik", "reporter_nik", "family_card_number"}  # no father_nik given
    assert record.sealed_paths["nik"] == "mother_nik" and record.sealed.record == f"application/{app['id']}"
    assert "3276064503900002" not in repr(record)
    assert deliver_queue(api.deps, "run_integration") >= 1  # the approval started a run
    sent = api.deps.send_log_store.get(reg.CIVIL_REGISTRY, "birth", app["id"])
    assert (sent.state, sent.attempts, sent.last_code) == ("sent", 2, "201")  # one 500, then accepted
    events = registry(quiet, "civil")
    assert events["saved"][app["id"]]["registry_id"] == sent.registry_id
    assert events["saved"][app["id"]]["event"]["type"] == "birth"
    # The registry got the NIKs themselves, opened only for the post.
    assert events["saved"][app["id"]]["event"]["nik"] == "3276064503900002"
    assert events["saved"][app["id"]]["event"]["data"]["reporter_nik"] == "3276061708850003"
    # Delivered again (a crash before recording the answer): the same answer, still one event.
    again = api.deps.civil_registry_client.send_event(app["id"], sent.body)
    assert (again.http_status, again.body["registry_id"]) == (201, sent.registry_id)
    assert registry(quiet, "civil")["posts"][app["id"]] == 2 and len(
        [k for k in registry(quiet, "civil")["saved"] if k == app["id"]]) == 1


def test_a_filed_births_niks_are_checked_off_the_request_path_and_the_verdict_shown_to_its_deciders(
        quiet, api, seeded):
    from tests.support import deliver_queue

    clerk = api.login("petugas.kukusan@demo.satupintu.id", DEMO_PASSWORD)
    # The registry is down when the birth is filed, and answers later (no match: unit-tested on fakes).
    fault(quiet, target="civil", down=True)
    app = api.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan", "data": {
        "child_name": "Bayi Cek", "child_sex": "Laki-laki", "birth_date": "2026-11-01", "birth_place": "Depok",
        "birth_attendant": "Bidan", "mother_nik": "3276064503900002", "mother_name": "Ibu Cek",
        "family_card_number": "3276060101090007", "reporter_nik": "3276061708850003", "reporter_name": "Ayah Cek",
        "reporter_relation": "Ayah"}}, token=clerk).json
    for requirement in ("birth_letter", "family_card"):
        upload_document(api, clerk, app["id"], requirement, f"{requirement}.png", "image/png", files.png())
    assert api.post(f"/applications/{app['id']}/submit", token=clerk).status == 200  # not held up by the registry
    assert deliver_queue(api.deps, "run_integration") >= 1  # the submission started a run
    verifier = api.login("verifikator.kukusan@demo.satupintu.id", DEMO_PASSWORD)
    shown = api.get(f"/applications/{app['id']}", token=verifier).json
    assert {f: c["result"] for f, c in shown["nik_checks"].items()} == {"mother_nik": "unavailable",
                                                                        "reporter_nik": "unavailable"}
    check = api.deps.send_log_store.get(reg.CIVIL_REGISTRY, reg.NIK_CHECK, f"{app['id']}#mother_nik")
    assert check.state == "pending" and "3276064503900002" not in repr(check)  # kept for a later run

    requests.delete(f"{quiet.url}/_standin/faults", timeout=5)
    api.deps.civil_registry_client.breaker._open_until = 0.0  # its 30 s cool-off (wall clock) is over
    advance(api, 3600)
    assert api.post("/_local/schedules/retry_registry_sends").status == 200  # the retry schedule asks again
    verifier = api.login("verifikator.kukusan@demo.satupintu.id", DEMO_PASSWORD)
    shown = api.get(f"/applications/{app['id']}", token=verifier).json
    assert {f: c["result"] for f, c in shown["nik_checks"].items()} == {"mother_nik": "match", "reporter_nik": "match"}
    assert shown["nik_flagged"] == [] and shown["status"] == "submitted"
    history = api.get(f"/applications/{app['id']}/history", token=verifier).json["items"]
    assert [h["action"] for h in history].count("nik_check") == 4  # unavailable, then match, for each NIK


def test_the_send_log_is_for_ops_filters_and_masks_niks(quiet, api, seeded):
    people = make_people(api, {"ops": [("ops", "org-demo")], "admin": [("admin", "org-demo")]})
    app = approve_birth(api)
    assert api.get("/integrations/sends", token=people["admin"]).status == 404  # ops' only: not there for others
    answer = api.get("/integrations/sends?target=civil-registry&status=pending", token=people["ops"])
    assert answer.status == 200, answer.text
    mine = [i for i in answer.json["items"] if i["key"] == app["id"]]
    assert len(mine) == 1 and mine[0]["dataset"] == "birth" and mine[0]["state"] == "pending"
    assert mine[0]["record"]["nik"] == "327606********02"
    assert "3276061708850003" not in answer.text and "3276064503900002" not in answer.text
    assert all(i["target"] == "civil-registry" and i["state"] == "pending" for i in answer.json["items"])
    # Filters that match nothing, bad ones, an unknown target.
    assert api.get("/integrations/sends?target=civil-registry&status=sent&date=2001-01-01",
                   token=people["ops"]).json["items"] == []
    assert api.get("/integrations/sends?date=2026-13-01", token=people["ops"]).status == 422
    assert api.get("/integrations/sends?target=nowhere", token=people["ops"]).status == 422
    assert api.post("/integrations/nowhere/run", {}, token=people["ops"]).status == 404
    assert api.post("/integrations/bios/run", {"date": "2999-01-01"}, token=people["ops"]).status == 422
    assert api.post("/integrations/bios/run", {"date": "2026-02-30"}, token=people["ops"]).status == 422


def test_the_send_log_pages_newest_day_first_without_repeats(quiet, api, seeded):
    people = make_people(api, {"ops": [("ops", "org-demo")]})
    days = sorted({a_past_day() for _ in range(4)}, reverse=True)
    for day in days:
        owe_expenditures(api.deps, {"525111": 1, "525112": 2}, day=day)
    seen, cursor = [], None
    for _ in range(20):
        query = "/integrations/sends?target=bios&status=pending&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(query, token=people["ops"]).json
        seen += [(i["date"], i["key"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    mine = [s for s in seen if s[0] in days]
    assert len(mine) == len(set(mine)) == 2 * len(days)
    assert [d for d, _ in seen] == sorted((d for d, _ in seen), reverse=True)


def test_one_day_of_the_send_log_pages_one_record_at_a_time_without_repeats(quiet, api, seeded):
    people = make_people(api, {"ops": [("ops", "org-demo")]})
    day = a_past_day()
    owe_expenditures(api.deps, {"525111": 1, "525112": 2, "525113": 3}, day=day)
    seen, cursor = [], None
    for _ in range(10):
        query = f"/integrations/sends?target=bios&status=pending&date={day}&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(query, token=people["ops"]).json
        assert len(page["items"]) <= 1
        seen += [i["key"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 3


# ---- NIK checks ------------------------------------------------------------------------------------

def test_a_nik_check_gives_its_structure_and_asks_the_registry_when_told_who(quiet, api, seeded):
    people = make_people(api, {"clerk": [("submitter", "kel-kukusan")], "nobody": []})
    assert api.post("/nik/check", {"nik": "3276064503900002"}, token=people["nobody"]).status == 404
    bad = api.post("/nik/check", {"nik": "9999993502000000"}, token=people["clerk"]).json
    assert bad["valid"] is False and len(bad["problems"]) == 3 and bad["registry"]["checked"] is False
    good = api.post("/nik/check", {"nik": "3276 0645 0390 0002", "name": "Rina", "birth_date": "1990-03-05"},
                    token=people["clerk"]).json
    assert (good["valid"], good["sex"], good["birth_date"], good["regency"]) == (True, "F", "1990-03-05", "Kota Depok")
    assert good["registry"] == {"checked": True, "match": True, "reason": None}
    other = api.post("/nik/check", {"nik": "3276064503900002", "name": "Rina", "birth_date": "1990-03-06"},
                     token=people["clerk"]).json
    assert other["registry"] == {"checked": True, "match": False, "reason": None}
    assert api.post("/nik/check", {"nik": 3276064503900002}, token=people["clerk"]).status == 422


def test_a_nik_check_still_answers_when_the_registry_is_down_and_stops_asking_it(quiet, api, seeded):
    people = make_people(api, {"clerk": [("submitter", "kel-kukusan")]})
    fault(quiet, target="civil", down=True)
    asks = [api.post("/nik/check", {"nik": "3276064503900002", "name": "Rina", "birth_date": "1990-03-05"},
                     token=people["clerk"]).json for _ in range(5)]
    assert all(a["valid"] and a["registry"]["checked"] is False and "unavailable" in a["registry"]["reason"]
               for a in asks)
    breaker = api.deps.civil_registry_client.breaker
    assert not breaker.allow()  # open: the registry is not asked again until it cools off


def test_an_npwp_check_gives_its_structure_with_the_check_digit(api, seeded):
    people = make_people(api, {"clerk": [("verifier", "kel-kukusan")], "nobody": []})
    assert api.post("/npwp/check", {"npwp": "01.312.166.0-091.000"}, token=people["nobody"]).status == 404
    good = api.post("/npwp/check", {"npwp": "013121660091000"}, token=people["clerk"]).json
    assert good == {"valid": True, "problems": [], "npwp": "013121660091000", "formatted": "01.312.166.0-091.000"}
    swapped = api.post("/npwp/check", {"npwp": "01.321.166.0-091.000"}, token=people["clerk"]).json
    assert swapped["valid"] is False and "check digit" in swapped["problems"][0]
    short = api.post("/npwp/check", {"npwp": "12345"}, token=people["clerk"]).json
    assert short["valid"] is False and "15 digits" in short["problems"][0]
    assert api.post("/npwp/check", {"npwp": 13121660091000}, token=people["clerk"]).status == 422
