"""What the registries are owed by a change, how their answers are read, backoff and the circuit
breaker: no I/O."""

import random
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters.registries import CircuitBreaker
from chalicelib.domain import integrations as reg
from chalicelib.domain.catalog import CATALOG_DIR, load_catalog
from chalicelib.domain.application_state import Application, ApplicationChange, HistoryEntry

WIB = timezone(timedelta(hours=7))
# 23:30 in Jakarta on 22 November: the statistics' day is the 22nd, sent on the 23rd at 01:00.
NOW = datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)
CATALOG = load_catalog(CATALOG_DIR)
CODES = {"OUTLET": "525113", "ACQUISITION": "525112"}


def change(service_id, action, from_status, to_status, data, app_id="app_1"):
    service = CATALOG.latest(service_id)
    app = Application(id=app_id, tracking_code="AAAA-BBBB-CCCC", service_id=service.id, service_version=1,
                      node_id="n", node_path=("root", "n"), applicant_id="u", applicant_name="Staf",
                      status=to_status, step=1, steps_total=3, created_at=NOW, updated_at=NOW, data=data)
    entry = HistoryEntry(at=NOW, actor_id="d", actor_name="Decider", action=action, from_status=from_status,
                         to_status=to_status, step=1)
    return ApplicationChange(app, 1, entry), service


def owed(service_id, action, from_status, to_status, data=None):
    c, service = change(service_id, action, from_status, to_status, data or {})
    return reg.records_for_change(c, service, WIB, CODES)


def test_a_first_submission_counts_as_received_on_the_offices_day_sent_the_next_night():
    [record] = owed("city-business-permit", "submit", "draft", "submitted")
    assert (record.target, record.dataset, record.day) == (reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, "2026-11-22")
    assert record.key == "2026-11-22#city-business-permit" and record.adds == {"jml_permohonan": 1}
    assert record.due_at == datetime(2026, 11, 23, 1, 0, tzinfo=WIB)
    # A resubmission, an intermediate approval, a return or a withdrawal counts nothing.
    assert owed("city-business-permit", "resubmit", "returned", "in_review") == ()
    assert owed("city-business-permit", "approve", "submitted", "in_review") == ()
    assert owed("city-business-permit", "return", "in_review", "returned") == ()
    assert owed("city-business-permit", "withdraw", "in_review", "withdrawn") == ()


def test_a_final_decision_counts_as_completed():
    [record] = owed("city-business-permit", "reject", "in_review", "rejected")
    assert record.adds == {"jml_selesai": 1}


def test_an_approved_service_with_a_fixed_fee_adds_it_to_the_days_revenue_of_its_account():
    fee = CATALOG.latest("city-building-permit").fee
    assert (fee.amount, fee.account) == (1_500_000, "424111")
    statistics, revenue = owed("city-building-permit", "approve", "in_review", "approved")
    assert (revenue.dataset, revenue.day, revenue.key) == (reg.REVENUE, "2026-11-22", "2026-11-22#424111")
    assert revenue.fields == {"tgl_transaksi": "2026-11-22", "kd_akun": "424111"}
    assert revenue.adds == {"jumlah": 1_500_000} and revenue.node_path == ("root", "n")
    assert statistics.node_path == ("root", "n")
    # A free service, and a rejection, owe no revenue.
    assert reg.REVENUE not in {r.dataset for r in owed("city-business-permit", "approve", "in_review", "approved")}
    assert reg.REVENUE not in {r.dataset for r in owed("city-building-permit", "reject", "in_review", "rejected")}


@pytest.mark.parametrize("scores, index, grade", [
    ([4] * 9, 100.0, "A"),
    ([1] * 9, 25.0, "D"),
    ([3] * 9, 75.0, "C"),
    ([4, 4, 3, 3, 4, 3, 3, 3, 3], 83.33, "B"),
])
def test_the_satisfaction_index_is_the_mean_of_the_element_means_times_25_with_its_letter(scores, index, grade):
    sums = dict(zip(reg.IKM_ELEMENTS, scores))
    assert reg.ikm_index(1, sums) == index and reg.ikm_grade(index) == grade


def test_the_ikm_record_posts_the_index_of_its_running_sums():
    one = reg.satisfaction_record("city-building-permit", "2026-11", ("root",), dict.fromkeys(reg.IKM_ELEMENTS, 4), NOW)
    two = reg.satisfaction_record("city-building-permit", "2026-11", ("root",), dict.fromkeys(reg.IKM_ELEMENTS, 2), NOW)
    assert one.key == two.key == "2026-11#city-building-permit" and one.day == "2026-11-01"
    totals = {name: one.adds[name] + two.adds[name] for name in one.adds}
    entry = reg.SendEntry(reg.FINANCE_REGISTRY, reg.SATISFACTION, one.day, one.key, reg.PENDING, dict(one.fields),
                          totals, 2, 0, 0, NOW, NOW)
    # Element means 3.0 → 75.0, grade C; two responses.
    assert entry.body == {"tgl_transaksi": "2026-11-01", "kd_layanan": "city-building-permit", "periode": "2026-11",
                          "jml_responden": 2, "nilai_ikm": 75.0, "mutu": "C"}
    assert reg.ikm_index(0, {}) is None and reg.ikm_grade(None) is None


def test_a_balance_is_one_record_per_day_and_account_and_staff_counts_one_per_day():
    values = {"kdbank": "009", "no_rekening": "1234567890", "unit": "BLU", "saldo_akhir": 5_000_000}
    record = reg.balance_record("operasional", "2026-11-21", ("root",), values, NOW)
    assert (record.dataset, record.key) == (reg.BALANCE_OPERATIONAL, "2026-11-21#009:1234567890")
    assert record.fields == {"tgl_transaksi": "2026-11-21", **values} and not record.adds
    deposit = reg.balance_record("pengelolaan-kas", "2026-11-21", ("root",),
                                 {"kdbank": "009", "no_bilyet": "B-1", "nilai_deposito": 10, "nilai_bunga": 1}, NOW)
    assert (deposit.dataset, deposit.key) == (reg.BALANCE_CASH_MANAGEMENT, "2026-11-21#009:B-1")
    staff = reg.staff_record("2026-11-21", ("root",), {"pns": 3, "kontrak": 2}, NOW)
    assert (staff.dataset, staff.key) == (reg.STAFF, "2026-11-21")
    assert staff.fields == {"tgl_transaksi": "2026-11-21", "pns": 3, "pppk": 0, "non_pns": 0, "kontrak": 2}


def test_an_approved_spending_report_adds_to_its_spending_days_account_total():
    data = {"category": "OUTLET", "amount": 7_500_000, "spent_on": "2026-11-03"}
    stats, expenditure = owed("marketing-fee-report", "approve", "submitted", "approved", data)
    assert stats.adds == {"jml_selesai": 1}
    assert (expenditure.dataset, expenditure.day, expenditure.key) == (reg.EXPENDITURES, "2026-11-03", "2026-11-03#525113")
    assert expenditure.fields == {"tgl_transaksi": "2026-11-03", "kd_akun": "525113"}
    assert expenditure.adds == {"jumlah": 7_500_000}
    assert expenditure.due_at == datetime(2026, 11, 23, 1, 0, tzinfo=WIB)  # H-1 of the approval, not of the spending
    # A category without a code still owes its record (it fails at sending, where ops see why).
    unmapped = owed("marketing-fee-report", "approve", "submitted", "approved", {**data, "category": "SF"})[1]
    assert unmapped.fields["kd_akun"] == "" and unmapped.key == "2026-11-03#SF"


@pytest.mark.parametrize("service_id, event_type, date_field, nik_field", [
    ("civil-birth-report", "birth", "birth_date", "mother_nik"),
    ("civil-death-report", "death", "death_date", "deceased_nik"),
    ("civil-move-report", "move", "move_date", "head_of_family_nik"),
])
def test_an_approved_civil_event_is_owed_at_once_keyed_by_its_application(service_id, event_type, date_field, nik_field):
    data = {date_field: "2026-11-20", nik_field: "3276064503900002", "reporter_name": "Ahmad"}
    stats, event = owed(service_id, "approve", "in_review", "approved", data)
    assert (event.target, event.dataset, event.key, event.due_at) == (reg.CIVIL_REGISTRY, event_type, "app_1", NOW)
    assert event.fields == {"type": event_type, "occurred_on": "2026-11-20", "nik": "3276064503900002",
                            "data": {"reporter_name": "Ahmad"}}
    assert owed(service_id, "reject", "in_review", "rejected", data)[0].adds == {"jml_selesai": 1}
    assert len(owed(service_id, "reject", "in_review", "rejected", data)) == 1  # no event for a rejection


def test_a_statistics_record_posts_both_counts_even_when_one_is_still_zero():
    entry = reg.SendEntry(target=reg.FINANCE_REGISTRY, dataset=reg.SERVICE_STATISTICS, day="2026-11-22", key="k", state="pending",
                          fields={"tgl_transaksi": "2026-11-22", "kd_layanan": "x"}, totals={"jml_permohonan": 4},
                          version=4, sent_version=0, attempts=0, created_at=NOW, updated_at=NOW)
    assert entry.body == {"tgl_transaksi": "2026-11-22", "kd_layanan": "x", "jml_permohonan": 4, "jml_selesai": 0}


@pytest.mark.parametrize("status, body, verdict", [
    (200, {"status": "MSG20003", "message": "Data berhasil disimpan"}, reg.SAVED),
    (200, {"status": "MSG50001", "message": "gagal menyimpan"}, reg.RETRY),  # a 200 that saved nothing
    (200, {"status": "MSG40103", "message": "token expired"}, reg.TOKEN_EXPIRED),
    (200, {"status": "MSG40001", "message": "kd_akun wajib"}, reg.REJECTED_RECORD),
    (400, {"status": "MSG40002"}, reg.REJECTED_RECORD),
    (200, {"status": "MSG20004", "token": "t"}, reg.RETRY),  # a success that is not "saved"
    (200, {"message": "ok"}, reg.RETRY),  # no status at all
    (200, None, reg.RETRY),  # not JSON
    (500, None, reg.RETRY),
    (503, {"message": "down"}, reg.RETRY),
    (422, None, reg.REJECTED_RECORD),
    (429, None, reg.RETRY),
    (None, None, reg.RETRY),  # time-out
])
def test_only_the_finance_registrys_own_saved_code_means_saved(status, body, verdict):
    outcome = reg.read_finance_registry_reply(reg.Reply(status, body, error=None if status else "timed out"))
    assert outcome.verdict == verdict
    if isinstance(body, dict) and "status" in body:
        assert outcome.code == body["status"]


@pytest.mark.parametrize("status, body, verdict", [
    (201, {"registry_id": "DKP-1"}, reg.SAVED),
    (200, {"registry_id": "DKP-1"}, reg.SAVED),  # a repeated key's answer
    (200, {"error": "antrian penuh"}, reg.RETRY),
    (422, {"message": "incomplete"}, reg.REJECTED_RECORD),
    (400, None, reg.REJECTED_RECORD),
    (409, None, reg.RETRY),  # the same key still in progress at the registry
    (429, None, reg.RETRY),
    (500, None, reg.RETRY),
    (None, None, reg.RETRY),
])
def test_the_civil_registry_accepts_only_with_a_registry_id(status, body, verdict):
    outcome = reg.read_civil_reply(reg.Reply(status, body))
    assert outcome.verdict == verdict
    assert outcome.registry_id == (body or {}).get("registry_id") if verdict == reg.SAVED else outcome.registry_id is None


def test_backoff_doubles_up_to_its_cap_with_jitter():
    rng = random.Random(7)
    waits = [[reg.backoff(n, 60, 3600, rng) for _ in range(50)] for n in range(1, 10)]
    for n, samples in enumerate(waits, start=1):
        ceiling = min(3600, 60 * 2 ** (n - 1))
        assert all(ceiling / 2 <= w <= ceiling for w in samples)
        assert len({round(w, 3) for w in samples}) > 10  # spread, not one instant
    assert max(waits[-1]) <= 3600


def test_the_breaker_opens_after_repeated_failures_and_lets_one_try_after_cooling_off():
    clock = [0.0]
    breaker = CircuitBreaker(threshold=3, cool_off=30, now=lambda: clock[0])
    for _ in range(2):
        breaker.record(False)
    assert breaker.allow()
    breaker.record(False)
    assert not breaker.allow()
    clock[0] = 29.9
    assert not breaker.allow()
    clock[0] = 30.0
    assert breaker.allow()  # one try
    breaker.record(False)
    assert not breaker.allow()  # failed again: open for another cool-off
    clock[0] = 61
    breaker.record(True)
    assert breaker.allow()


def test_statistics_and_revenue_are_a_changes_own_facts_and_the_rest_running_totals():
    """Issue 21: no item per service or account and day takes every change."""
    statistics, revenue = owed("city-building-permit", "approve", "in_review", "approved")
    assert statistics.totalled_at_push and revenue.totalled_at_push
    assert statistics.event == revenue.event == "app_1#v1"  # the application and its version
    [expenditure] = [r for r in owed("marketing-fee-report", "approve", "in_review", "approved",
                                     {"category": "OUTLET", "amount": 5_000, "spent_on": "2026-11-20"})
                     if r.dataset == reg.EXPENDITURES]
    assert not expenditure.totalled_at_push  # its day is the day spent: a running total
    survey = reg.satisfaction_record("city-building-permit", "2026-11", ("root",), dict.fromkeys(reg.IKM_ELEMENTS, 3), NOW)
    assert not survey.totalled_at_push


def test_a_days_facts_add_up_per_record_with_zeros_and_each_change_once():
    def fact(service, counter, event, day="2026-11-22"):
        return reg.IntegrationRecord(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, day, f"{day}#{service}", NOW,
                                     fields={"tgl_transaksi": day, "kd_layanan": service}, adds={counter: 1},
                                     node_path=("root",), event=event)

    facts = [fact("a", "jml_permohonan", "x#v2"), fact("a", "jml_permohonan", "y#v2"), fact("a", "jml_selesai", "x#v5"),
             fact("a", "jml_permohonan", "x#v2"),  # the same change again
             fact("b", "jml_selesai", "z#v4")]
    due = NOW + timedelta(hours=3)
    a, b = reg.day_totals(facts, due)
    assert (a.key, a.totals, a.due_at, a.adds, a.event) == ("2026-11-22#a", {"jml_permohonan": 2, "jml_selesai": 1},
                                                           due, {}, "")
    assert b.totals == {"jml_permohonan": 0, "jml_selesai": 1} and not b.totalled_at_push
    entry = reg.SendEntry(reg.FINANCE_REGISTRY, reg.SERVICE_STATISTICS, b.day, b.key, reg.PENDING, dict(b.fields),
                          dict(b.totals), 1, 0, 0, NOW, NOW)
    assert entry.body == {"tgl_transaksi": "2026-11-22", "kd_layanan": "b", "jml_permohonan": 0, "jml_selesai": 1}
    assert reg.day_totals(list(reversed(facts)), due) == [a, b]  # in any order, the same totals
