"""Sending what the registries and subscribers are owed, on fakes: retries with backoff within a
run and between runs, a registry that looks down stopping the run, token renewal, records
refused for good; subscribers tried once a run, paused after failures in a row with their owner
told, held while paused, sent again on resume, and closed unsent once deleted."""

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain import integrations as reg
from chalicelib.domain import subscriptions as subs
from chalicelib.domain.errors import NotFound
from chalicelib.domain.people import Grant, Principal
from chalicelib.domain.integrations import Reply
from chalicelib.services.integration_runs import RunPolicy
from chalicelib.services.subscription_deliverer import MAX_DELIVERY_ATTEMPTS
from chalicelib.services.ports import TokenRefused
from tests.fakes import NOW, FakeBios, services

SAVED = Reply(200, {"status": "MSG20003", "message": "tersimpan"})
DOWN = Reply(503, {"status": "MSG50001", "message": "maintenance"})
REFUSED = Reply(400, {"status": "MSG40001", "message": "kolom salah"})
EXPIRED = Reply(401, {"status": "MSG40103", "message": "token kedaluwarsa"})
OPS = Principal("u-ops", "ops@x.id", "Ops", "id", (Grant("ops", "org"),))
ADMIN = Principal("u-admin", "adm@x.id", "Admin", "id", (Grant("admin", "office"),))


def owe(fakes, *keys, dataset=reg.SERVICE_STATISTICS, target=reg.FINANCE_REGISTRY, fields=None):
    fakes.sends.put_records([
        reg.IntegrationRecord(target, dataset, "2026-11-21", key, NOW, fields=fields or {"kd": key}, adds={"jml": 1})
        for key in keys], NOW)


def entry(fakes, key, dataset=reg.SERVICE_STATISTICS, target=reg.FINANCE_REGISTRY):
    return fakes.sends.get(target, dataset, key)


# ---- the finance registry -------------------------------------------------------------------------

def test_a_record_saved_at_the_first_post_is_sent_with_one_attempt(fakes):
    owe(fakes, "a")
    summary = services.integrations(fakes).send_due(reg.FINANCE_REGISTRY)
    assert (summary.sent, summary.retrying, summary.keys) == (1, 0, ["a"])
    assert (entry(fakes, "a").state, entry(fakes, "a").attempts) == (reg.SENT, 1)
    assert fakes.bios.script.calls[0][1] == {"kd": "a", "jml_permohonan": 0, "jml_selesai": 0, "jml": 1}


def test_an_error_is_retried_within_the_run_after_a_backoff_and_each_post_counts(fakes):
    fakes.bios = FakeBios(DOWN, DOWN, SAVED)
    owe(fakes, "a")
    service = services.integrations(fakes, RunPolicy(retry_base_seconds=1, retry_cap_seconds=8))
    assert service.send_due(reg.FINANCE_REGISTRY).sent == 1
    assert entry(fakes, "a").attempts == 3
    first, second = service.slept
    assert 0.5 <= first <= 1 and 1 <= second <= 2


def test_a_record_still_not_saved_after_the_runs_tries_waits_for_a_later_run(fakes):
    fakes.bios = FakeBios(DOWN)
    owe(fakes, "a")
    summary = services.integrations(fakes, RunPolicy(tries_per_run=4, later_base_seconds=60)).send_due(reg.FINANCE_REGISTRY)
    waiting = entry(fakes, "a")
    assert (summary.retrying, waiting.state, waiting.attempts) == (1, reg.PENDING, 4)
    assert NOW + timedelta(seconds=60 * 8 / 2) <= waiting.next_attempt_at <= NOW + timedelta(seconds=60 * 8)
    assert waiting.lease_until is None and waiting.last_code == "MSG50001"
    assert fakes.sends.due(reg.FINANCE_REGISTRY, NOW, 10) == []  # not due again until its backoff has passed


def test_the_wait_between_runs_is_capped(fakes):
    fakes.bios = FakeBios(DOWN)
    owe(fakes, "a")
    service = services.integrations(fakes, RunPolicy(tries_per_run=1, later_base_seconds=60, later_cap_seconds=300))
    for _ in range(6):
        service.send_due(reg.FINANCE_REGISTRY)
        fakes.clock.moment = entry(fakes, "a").next_attempt_at
    assert entry(fakes, "a").attempts == 6
    service.send_due(reg.FINANCE_REGISTRY)
    assert entry(fakes, "a").next_attempt_at - fakes.clock.now() <= timedelta(seconds=300)


def test_a_registry_that_looks_down_stops_the_run_and_leaves_the_rest_untried(fakes):
    fakes.bios = FakeBios(DOWN)
    owe(fakes, "a", "b", "c", "d", "e")
    summary = services.integrations(fakes, RunPolicy(tries_per_run=1)).send_due(reg.FINANCE_REGISTRY)
    assert summary.retrying == 3 and "looks down" in summary.stopped
    assert sorted(k for k in "abcde" if entry(fakes, k).attempts == 0) == ["d", "e"]


def test_a_refused_record_fails_at_once_and_the_run_goes_on(fakes):
    fakes.bios = FakeBios(REFUSED, SAVED)
    owe(fakes, "a", "b")
    summary = services.integrations(fakes).send_due(reg.FINANCE_REGISTRY)
    assert (summary.failed, summary.sent) == (1, 1)
    assert [entry(fakes, k).state for k in "ab"] == [reg.FAILED, reg.SENT]
    assert entry(fakes, "a").attempts == 1


def test_ops_are_told_of_each_record_that_ends_failed_and_of_nothing_else(fakes):
    fakes.bios = FakeBios(REFUSED, SAVED, DOWN)
    owe(fakes, "a", "b", "c")
    service = services.integrations(fakes, RunPolicy(tries_per_run=1))
    service.send_due(reg.FINANCE_REGISTRY)
    assert [(e.key, e.state, e.last_code) for e in service.told_ops] == [("a", reg.FAILED, "MSG40001")]
    params, source = reg.failed_record_notice(service.told_ops[0])
    assert params["code"] == "MSG40001" and params["reason"] == "kolom salah" and source.endswith("#a#v1")


def test_a_failure_to_tell_ops_leaves_the_record_failed_in_the_log(fakes):
    from chalicelib.services.integration_runs import Run

    fakes.bios = FakeBios(REFUSED)
    owe(fakes, "a")
    run = Run(reg.FINANCE_REGISTRY, sends=fakes.sends, clock=fakes.clock, policy=RunPolicy(), monotonic=lambda: 0,
              seconds=60, post_timeout=1, on_failed=lambda entry: 1 / 0)
    claimed = run.claim(next(run.due()))
    run.settle(claimed, reg.Outcome(reg.REJECTED_RECORD, "MSG40001", "kolom salah"), 200, 1)
    assert entry(fakes, "a").state == reg.FAILED


def test_an_expired_token_is_renewed_once_and_the_record_resent(fakes):
    fakes.bios = FakeBios(EXPIRED, SAVED)
    owe(fakes, "a")
    assert services.integrations(fakes).send_due(reg.FINANCE_REGISTRY).sent == 1
    assert [call[2] for call in fakes.bios.script.calls] == ["token-1", "token-2"]
    assert entry(fakes, "a").attempts == 2


def test_a_token_expiring_again_right_after_renewal_is_retried_later(fakes):
    fakes.bios = FakeBios(EXPIRED)
    owe(fakes, "a")
    summary = services.integrations(fakes, RunPolicy(tries_per_run=1)).send_due(reg.FINANCE_REGISTRY)
    assert summary.retrying == 1 and "again right after renewal" in entry(fakes, "a").last_message


def test_a_wrong_key_stops_the_run_and_gives_the_claim_back_unspent(fakes):
    fakes.bios = FakeBios(token_error=TokenRefused("MSG40101 satker salah", retryable=False, http_status=401))
    owe(fakes, "a", "b")
    summary = services.integrations(fakes).send_due(reg.FINANCE_REGISTRY)
    assert "BIOS_SATKER" in summary.stopped
    for key in "ab":
        assert (entry(fakes, key).state, entry(fakes, key).attempts, entry(fakes, key).lease_until) == (reg.PENDING, 0, None)


def test_a_token_the_registry_cannot_give_now_is_retried(fakes):
    fakes.bios = FakeBios(token_error=TokenRefused("down", retryable=True, http_status=503))
    owe(fakes, "a")
    summary = services.integrations(fakes, RunPolicy(tries_per_run=2)).send_due(reg.FINANCE_REGISTRY)
    assert summary.retrying == 1 and entry(fakes, "a").last_http_status == 503


def test_an_expenditure_without_an_account_code_fails_without_a_post(fakes):
    owe(fakes, "2026-11-21#OUTLET", dataset=reg.EXPENDITURES, fields={"kd_akun": ""})
    summary = services.integrations(fakes).send_due(reg.FINANCE_REGISTRY)
    assert summary.failed == 1 and fakes.bios.script.calls == []
    assert "OUTLET" in entry(fakes, "2026-11-21#OUTLET", dataset=reg.EXPENDITURES).last_message


def test_an_unconfigured_registry_sends_nothing(fakes):
    owe(fakes, "a")
    fakes.bios = None
    service = services.integrations(fakes)
    assert "not configured" in service.send_due(reg.FINANCE_REGISTRY).stopped
    assert entry(fakes, "a").attempts == 0


def test_a_run_without_time_left_claims_nothing(fakes):
    owe(fakes, "a")
    summary = services.integrations(fakes).send_due(reg.FINANCE_REGISTRY, seconds=fakes.bios.timeout)
    assert summary.stopped.startswith("out of time") and entry(fakes, "a").attempts == 0


def test_the_send_log_and_reruns_are_for_ops(fakes):
    fakes.bios = FakeBios(REFUSED)
    owe(fakes, "a")
    service = services.integrations(fakes)
    service.send_due(reg.FINANCE_REGISTRY)
    with pytest.raises(NotFound):  # out of reach, as everywhere: not a 403 saying it is there
        service.log(ADMIN, None, None, None, None, 10)
    with pytest.raises(NotFound):
        service.request_run(ADMIN, reg.FINANCE_REGISTRY, None)
    assert [e.key for e in service.log(OPS, reg.FINANCE_REGISTRY, reg.FAILED, None, None, 10)[0]] == ["a"]
    assert service.request_run(OPS, reg.FINANCE_REGISTRY, None) == ("2026-11-21", 1)  # yesterday's, in WIB
    # The request only counts and queues the run (the same calls however many records there
    # are); the run makes the day's records due and sends them.
    assert entry(fakes, "a").state == reg.FAILED
    assert fakes.jobs.jobs[-1] == {"type": "run", "target": reg.FINANCE_REGISTRY, "day": "2026-11-21", "requeue": True}
    fakes.bios = FakeBios(SAVED)
    assert service.run_requested(reg.FINANCE_REGISTRY, "2026-11-21").keys == ["a"]
    assert entry(fakes, "a").state == reg.SENT


# ---- subscriptions ------------------------------------------------------------------------------------

def subscribe(fakes, subscription_id="sub_1"):
    sealed = fakes.vault.seal(f"subscription/{subscription_id}", {"secret": "whsec_test"})
    fakes.subscriptions.add(subs.Subscription(subscription_id, "office", ("org", "office"), "https://hooks.example/in",
                                              ("application.submitted",), ADMIN.user_id, NOW), sealed)


def deliver(fakes, *numbers, subscription_id="sub_1"):
    owe(fakes, *[f"{subscription_id}#evt_app_{n}_2" for n in numbers], target=reg.SUBSCRIPTIONS,
        dataset="application.submitted")


def delivery(fakes, number, subscription_id="sub_1"):
    return entry(fakes, f"{subscription_id}#evt_app_{number}_2", dataset="application.submitted",
                 target=reg.SUBSCRIPTIONS)


def test_a_delivery_is_posted_signed_and_accepted(fakes):
    subscribe(fakes)
    deliver(fakes, 1)
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS).sent == 1
    url, body, headers = fakes.webhooks.script.calls[0]
    timestamp = int(NOW.timestamp())
    assert url == "https://hooks.example/in" and headers["Satupintu-Event"] == "application.submitted"
    assert subs.verify("whsec_test", headers["Satupintu-Signature"], body, NOW) and str(timestamp) in headers["Satupintu-Signature"]
    assert fakes.subscriptions.get("sub_1")[0].last_delivered_at == NOW


def test_a_run_naming_a_changes_records_sends_those_by_key_without_reading_the_due_index(fakes, monkeypatch):
    subscribe(fakes)
    deliver(fakes, 1, 2)
    named = [("application.submitted", "sub_1#evt_app_1_2")]

    def no_due_index(*_args):
        raise AssertionError("a named run must not read the due index")

    monkeypatch.setattr(fakes.sends, "due", no_due_index)
    summary = services.integrations(fakes).send_due(reg.SUBSCRIPTIONS, records=named)
    assert (summary.sent, [call[2]["Satupintu-Event"] for call in fakes.webhooks.script.calls]) == (1, ["application.submitted"])
    assert (delivery(fakes, 1).state, delivery(fakes, 2).state) == (reg.SENT, reg.PENDING)  # the other: the sweep's
    # Named again (a repeated job, or the sweep was first): the claim passes it over, nothing is posted twice.
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS, records=named).sent == 0
    assert len(fakes.webhooks.script.calls) == 1


def test_a_changes_run_job_names_its_records_by_target_once_each_and_a_crowd_becomes_a_plain_run(fakes):
    from chalicelib.domain.integrations import RECORDS_PER_JOB

    def record(target, dataset, key):
        return reg.IntegrationRecord(target, dataset, "2026-11-21", key, NOW)

    service = services.integrations(fakes)
    service.nudge_records([record(reg.SUBSCRIPTIONS, "application.approved", "sub_1#e"),
                           record(reg.CIVIL_REGISTRY, "birth", "app_1"),
                           record(reg.SUBSCRIPTIONS, "application.approved", "sub_2#e"),
                           record(reg.SUBSCRIPTIONS, "application.approved", "sub_1#e")])
    assert fakes.jobs.jobs[-2:] == [
        {"type": "run", "target": reg.CIVIL_REGISTRY, "records": [["birth", "app_1"]]},
        {"type": "run", "target": reg.SUBSCRIPTIONS,
         "records": [["application.approved", "sub_1#e"], ["application.approved", "sub_2#e"]]}]
    service.nudge_records([record(reg.SUBSCRIPTIONS, "application.approved", f"sub_{n}#e")
                           for n in range(RECORDS_PER_JOB + 1)])
    assert fakes.jobs.jobs[-1] == {"type": "run", "target": reg.SUBSCRIPTIONS}


def test_a_containers_runs_open_a_signing_secret_once_in_five_minutes_and_a_new_secret_at_once(fakes, monkeypatch):
    from chalicelib.services.subscription_deliverer import OPENED_SECRET_SECONDS

    subscribe(fakes)
    opened = []
    real_open = fakes.vault.open
    monkeypatch.setattr(fakes.vault, "open", lambda sealed: opened.append(sealed.record) or real_open(sealed))
    now = [0.0]
    service = services.integrations(fakes, monotonic=lambda: now[0])
    for number in (1, 2):  # two changes, two runs
        deliver(fakes, number)
        assert service.send_due(reg.SUBSCRIPTIONS, records=[("application.submitted", f"sub_1#evt_app_{number}_2")]).sent == 1
    assert opened == ["subscription/sub_1"]
    now[0] += OPENED_SECRET_SECONDS
    deliver(fakes, 3)
    service.send_due(reg.SUBSCRIPTIONS)
    assert opened == ["subscription/sub_1"] * 2
    # A new secret (rotated): its own ciphertext, opened at once and used to sign.
    subscription, _old = fakes.subscriptions.get("sub_1")
    fakes.subscriptions.delete("sub_1")
    fakes.subscriptions.add(subscription, fakes.vault.seal("subscription/sub_1", {"secret": "whsec_new"}))
    deliver(fakes, 4)
    service.send_due(reg.SUBSCRIPTIONS)
    _url, body, headers = fakes.webhooks.script.calls[-1]
    assert len(opened) == 3 and subs.verify("whsec_new", headers["Satupintu-Signature"], body, NOW)


def test_a_failing_receiver_is_tried_once_a_run_then_paused_and_its_owner_told_once(fakes):
    fakes.webhooks.script.replies = [Reply(503)]
    subscribe(fakes)
    deliver(fakes, *range(subs.PAUSE_AFTER_FAILURES + 2))
    summary = services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    paused = fakes.subscriptions.get("sub_1")[0]
    assert paused.state == subs.PAUSED and "503" in paused.paused_reason
    assert summary.retrying == subs.PAUSE_AFTER_FAILURES  # the rest were held, not tried
    assert len(fakes.webhooks.script.calls) == subs.PAUSE_AFTER_FAILURES
    assert [(who, kind) for who, kind, _p, _s in fakes.notifier.sent] == [(ADMIN.user_id, "subscription_paused")]
    held = [delivery(fakes, n) for n in range(subs.PAUSE_AFTER_FAILURES, subs.PAUSE_AFTER_FAILURES + 2)]
    assert all(d.attempts == 0 and "paused" in d.last_message for d in held)


def test_a_paused_subscription_is_not_tried_and_resuming_sends_what_waited(fakes):
    fakes.webhooks.script.replies = [Reply(None, error="no answer")]
    subscribe(fakes)
    deliver(fakes, *range(subs.PAUSE_AFTER_FAILURES))
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    tried = len(fakes.webhooks.script.calls)
    fakes.clock.advance(days=1)
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert len(fakes.webhooks.script.calls) == tried
    fakes.webhooks.script.replies = [Reply(204)]
    fakes.webhooks.script.calls.clear()
    resumed = services.subscriptions(fakes).resume(ADMIN, "sub_1")
    assert (resumed.state, resumed.failures_in_a_row) == (subs.ACTIVE, 0)
    assert fakes.jobs.jobs[-1] == {"type": "run", "target": reg.SUBSCRIPTIONS}
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS).sent == subs.PAUSE_AFTER_FAILURES


def test_one_accepted_delivery_resets_the_failures_in_a_row(fakes):
    fakes.webhooks.script.replies = [Reply(500)] * (subs.PAUSE_AFTER_FAILURES - 1) + [Reply(200), Reply(500)]
    subscribe(fakes)
    deliver(fakes, *range(subs.PAUSE_AFTER_FAILURES + 1))
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert fakes.subscriptions.get("sub_1")[0].state == subs.ACTIVE
    assert fakes.subscriptions.get("sub_1")[0].failures_in_a_row == 1


def test_a_delivery_is_given_up_after_its_last_attempt(fakes):
    fakes.webhooks.script.replies = [Reply(503)]
    subscribe(fakes)
    deliver(fakes, 1)
    pk = "SEND#subscriptions#application.submitted#sub_1#evt_app_1_2"
    fakes.sends.entries[pk] = replace(fakes.sends.entries[pk], attempts=MAX_DELIVERY_ATTEMPTS - 1)
    summary = services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert summary.failed == 1 and delivery(fakes, 1).state == reg.FAILED
    assert "given up after 15 attempts" in delivery(fakes, 1).last_message


def test_a_deleted_subscriptions_deliveries_close_unsent(fakes):
    subscribe(fakes)
    deliver(fakes, 1)
    fakes.subscriptions.delete("sub_1")
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert (delivery(fakes, 1).state, delivery(fakes, 1).attempts) == (reg.FAILED, 0)
    assert fakes.webhooks.script.calls == []


def counted_writes(fakes, monkeypatch):
    """The deliverer's writes of the subscription's item, as (kind, subscription) in order."""
    writes = []
    store = fakes.subscriptions
    for name in ("delivered", "not_delivered"):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *args, _real=real, _name=name: writes.append(_name) or _real(*args))
    return writes


def test_accepted_deliveries_write_their_subscription_once_a_minute_not_once_each(fakes, monkeypatch):
    subscribe(fakes)
    writes = counted_writes(fakes, monkeypatch)
    deliver(fakes, 1, 2, 3)
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS).sent == 3
    assert writes == ["delivered"]  # the first: no delivery was on record
    fakes.clock.advance(seconds=30)
    deliver(fakes, 4, 5)
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert writes == ["delivered"] and fakes.subscriptions.get("sub_1")[0].last_delivered_at == NOW
    fakes.clock.advance(seconds=31)
    deliver(fakes, 6)
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert writes == ["delivered"] * 2  # the time on record is a minute old


def test_the_first_accepted_delivery_after_a_failure_ends_the_streak_at_once(fakes, monkeypatch):
    fakes.webhooks.script.replies = [Reply(204), Reply(500), Reply(204), Reply(204)]
    subscribe(fakes)
    writes = counted_writes(fakes, monkeypatch)
    deliver(fakes, 1, 2, 3, 4)
    services.integrations(fakes).send_due(reg.SUBSCRIPTIONS)
    assert writes == ["delivered", "not_delivered", "delivered"]  # the fourth changes nothing shown
    assert fakes.subscriptions.get("sub_1")[0].failures_in_a_row == 0


def test_receivers_come_from_the_containers_list_and_one_it_shows_paused_is_read_from_its_item(fakes, monkeypatch):
    subscribe(fakes)
    read = []
    real_get = fakes.subscriptions.get
    monkeypatch.setattr(fakes.subscriptions, "get", lambda sid: read.append(sid) or real_get(sid))
    deliver(fakes, 1, 2)
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS).sent == 2
    assert read == []  # active in the list: no read of the item
    # The list, a minute old, still shows it paused; it was resumed since: the item says so.
    current = real_get("sub_1")
    monkeypatch.setattr(fakes.subscriptions, "listed",
                        lambda sid: (current[0].evolve(state=subs.PAUSED), current[1]))
    deliver(fakes, 3, 4)
    assert services.integrations(fakes).send_due(reg.SUBSCRIPTIONS).sent == 2
    assert read == ["sub_1"]  # once a run
