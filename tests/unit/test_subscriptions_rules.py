"""Subscription rules (domain/subscriptions.py) and sealed-value plumbing (domain/pii.py)."""

from datetime import datetime, timezone

import pytest

from chalicelib.domain import integrations as reg, pii, subscriptions as subs


@pytest.mark.parametrize("url, allowed", [
    ("https://hooks.example.org/satupintu", True),
    ("https://203.0.113.10/x", False),  # documentation range: not global
    ("https://8.8.8.8/x", True),
    ("http://hooks.example.org/x", False),
    ("https://localhost/x", False),
    ("https://127.0.0.1/x", False),
    ("https://10.1.2.3/x", False),
    ("https://192.168.0.10/x", False),
    ("https://169.254.169.254/latest/meta-data", False),
    ("https://[::1]/x", False),
    ("https://[fd00::1]/x", False),
    ("https://metadata.google.internal/x", False),
    ("https://user:pw@hooks.example.org/x", False),
    ("ftp://hooks.example.org/x", False),
    ("https:///nohost", False),
])
def test_deployed_stages_post_only_to_public_https_urls(url, allowed):
    assert (subs.check_url(url, allow_loopback=False) == []) is allowed


def test_the_local_stage_may_post_to_loopback_over_http_but_nowhere_else_private():
    assert subs.check_url("http://127.0.0.1:8070/hooks/demo", allow_loopback=True) == []
    assert subs.check_url("http://10.0.0.1/x", allow_loopback=True) != []


def test_a_signature_verifies_only_with_its_secret_its_body_and_in_time():
    at = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    body = subs.body_bytes({"b": 1, "a": "é"})
    assert body == '{"a":"é","b":1}'.encode()
    header = subs.signature("whsec_x", int(at.timestamp()), body)
    assert subs.verify("whsec_x", header, body, at)
    assert not subs.verify("whsec_y", header, body, at)
    assert not subs.verify("whsec_x", header, body.replace(b"1", b"2"), at)
    later = datetime.fromtimestamp(at.timestamp() + subs.SIGNATURE_TOLERANCE_SECONDS + 1, timezone.utc)
    assert not subs.verify("whsec_x", header, body, later)
    assert not subs.verify("whsec_x", "v1=deadbeef", body, at)


def test_only_2xx_is_accepted_and_everything_else_is_retried():
    assert subs.read_reply(reg.Reply(204)).verdict == reg.SAVED
    for reply in (reg.Reply(302), reg.Reply(400), reg.Reply(500), reg.Reply(None, error="no answer: timeout")):
        assert subs.read_reply(reply).verdict == reg.RETRY


def test_sealed_values_are_put_back_where_their_paths_say():
    body = {"nik": "327606********02", "data": {"reporter_nik": "327606********03", "name": "A"}, "type": "birth"}
    filled = reg.with_opened(body, {"nik": "mother_nik", "data.reporter_nik": "reporter_nik"},
                             {"mother_nik": "3276064503900002", "reporter_nik": "3276061708850003"})
    assert filled == {"nik": "3276064503900002", "type": "birth",
                      "data": {"reporter_nik": "3276061708850003", "name": "A"}}
    assert body["data"]["reporter_nik"] == "327606********03"  # the stored body is untouched


def test_sealed_round_trips_and_keeps_only_what_is_asked():
    sealed = pii.Sealed("application/a", "key", {"x": "1", "y": "2"})
    assert pii.Sealed.from_json(sealed.as_json()) == sealed
    assert sealed.only({"y"}).values == {"y": "2"} and pii.Sealed.from_json(None) is None


def test_an_accepted_delivery_changes_a_subscription_only_after_failures_or_a_minute_after_the_last():
    from datetime import timedelta

    at = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
    sub = subs.Subscription("sub_1", "n1", ("n1",), "https://hooks.example/x", ("application.submitted",), "u1", at)
    assert sub.delivery_changes_it(at)  # none on record yet
    delivered = sub.evolve(last_delivered_at=at)
    assert not delivered.delivery_changes_it(at + timedelta(seconds=59))
    assert delivered.delivery_changes_it(at + timedelta(seconds=60))
    assert delivered.evolve(failures_in_a_row=1).delivery_changes_it(at + timedelta(seconds=1))
    assert delivered.delivery_changes_it(at - timedelta(seconds=1))  # the clock went back: written (conditioned)
