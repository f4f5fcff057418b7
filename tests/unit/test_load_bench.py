"""The load benchmark's pure parts (bench/load.py, bench/lifecycle.py, the emulator's call
recorder): percentiles, the arrival schedule, the scan backoff, the figures of a run, the count
of a lone lifecycle's calls and the report. The benchmark itself runs with `make bench-load`."""

from __future__ import annotations

import io
import itertools
import json

import pytest

from bench import lifecycle, load
from local.emulator_recording import CallRecorder


# ---- percentiles -------------------------------------------------------------------------------

def test_a_percentile_interpolates_between_the_closest_ranks():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert load.percentile(values, 50) == pytest.approx(55)
    assert load.percentile(values, 95) == pytest.approx(95.5)
    assert load.percentile(values, 99) == pytest.approx(99.1)
    assert load.percentile(values, 0) == 10 and load.percentile(values, 100) == 100


def test_a_percentile_does_not_depend_on_the_order_of_the_values():
    assert load.percentile([5, 1, 4, 2, 3], 50) == 3


def test_a_percentile_of_one_value_is_that_value_and_of_none_is_none():
    assert load.percentile([7.5], 99) == 7.5
    assert load.percentile([], 50) is None


# ---- the arrival schedule and the backoff ------------------------------------------------------

def test_arrivals_come_evenly_at_the_rate_for_the_whole_time():
    assert load.lifecycle.arrival_schedule(2, 3) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert lifecycle.arrival_schedule(0.5, 10) == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_a_rate_whose_count_is_whole_gives_exactly_that_many_arrivals():
    # 0.1 × 30 is 3.0000000000000004 in floating point, 0.3 × 10 is 2.9999999999999996
    assert len(lifecycle.arrival_schedule(0.1, 30)) == 3
    assert len(lifecycle.arrival_schedule(0.3, 10)) == 3


def test_no_rate_or_no_time_offers_nothing():
    assert lifecycle.arrival_schedule(0, 60) == [] and lifecycle.arrival_schedule(2, 0) == []


def test_lifecycles_and_reads_share_one_time_line_earliest_first():
    merged = lifecycle.merged_schedule(1, 2, 2)
    assert merged == [(0.0, "lifecycle"), (0.0, "read"), (0.5, "read"), (1.0, "lifecycle"), (1.0, "read"),
                      (1.5, "read")]


def test_a_client_waiting_for_a_scan_backs_off_from_half_a_second_to_four():
    assert list(itertools.islice(lifecycle.scan_backoff(), 7)) == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_the_read_mix_takes_each_kind_in_turn():
    assert list(itertools.islice(lifecycle.read_kinds(), 5)) == ["inbox", "application", "dashboard", "track", "inbox"]


# ---- waiting for the scans over a scripted API ---------------------------------------------------

class _Answer:
    def __init__(self, status: int, payload) -> None:
        self.status_code = status
        self.content = json.dumps(payload).encode()
        self._payload = payload

    def json(self):
        return self._payload


class _ScriptedSession:
    """Answers each documents look with the next statuses of the script."""

    def __init__(self, looks: list[dict[str, str]]) -> None:
        self.looks = iter(looks)
        self.urls: list[str] = []

    def request(self, method, url, **_kw):
        self.urls.append(url)
        statuses = next(self.looks)
        return _Answer(200, {"items": [{"document_id": d, "status": s} for d, s in statuses.items()]})


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def test_each_documents_wait_runs_from_its_upload_to_the_look_that_saw_it_clean():
    clock = _Clock()
    session = _ScriptedSession([{"d1": "scanning", "d2": "scanning"}, {"d1": "clean", "d2": "scanning"},
                                {"d1": "clean", "d2": "clean"}])
    api = lifecycle.Api(session, "http://127.0.0.1:9")
    waits = lifecycle.wait_for_scans(api, "t", "app_1", {"d1": 100.0, "d2": 100.25}, clock.sleep, lambda: clock.now)
    assert clock.pauses == [0.5, 1.0, 2.0]
    assert waits == [pytest.approx(1.5), pytest.approx(3.25)]
    assert session.urls[0] == "http://127.0.0.1:9/applications/app_1/documents"


def test_a_scan_not_done_within_the_deadline_fails_the_lifecycle():
    clock = _Clock()
    api = lifecycle.Api(_ScriptedSession(itertools.repeat({"d1": "scanning"})), "http://127.0.0.1:9")
    with pytest.raises(lifecycle.LifecycleFailed, match="within 120 s"):
        lifecycle.wait_for_scans(api, "t", "a", {"d1": 100.0}, clock.sleep, lambda: clock.now)
    assert 120 < clock.now - 100 <= 124  # looked every 4 s at most, gave up at the first look past it


def test_a_rejected_document_fails_the_lifecycle_at_once():
    clock = _Clock()
    api = lifecycle.Api(_ScriptedSession([{"d1": "rejected"}]), "http://127.0.0.1:9")
    with pytest.raises(lifecycle.LifecycleFailed, match="rejected"):
        lifecycle.wait_for_scans(api, "t", "a", {"d1": 100.0}, clock.sleep, lambda: clock.now)


def test_an_answer_the_step_does_not_expect_names_the_route_and_the_status():
    class Refusing:
        def request(self, *_a, **_kw):
            return _Answer(500, {"title": "boom"})

    with pytest.raises(lifecycle.LifecycleFailed, match=r"POST /applications/\{id\}/submit answered 500"):
        lifecycle.Api(Refusing(), "http://127.0.0.1:9").call("POST", "/applications/{id}/submit", "/applications/a/submit")


# ---- the figures of a run ----------------------------------------------------------------------

def _run_results() -> dict:
    requests = [{"name": "POST /applications", "ms": ms, "ok": True, "at": 1000.0 + i, "status": 201, "error": None}
                for i, ms in enumerate([100, 200, 300, 400])]
    requests.append({"name": "GET /inbox", "ms": 50, "ok": False, "at": 1010.0, "status": 500, "error": "HTTPError"})
    lifecycles = [
        {"start": 0.0, "end": 10.0, "ok": True, "error": None, "scan_waits": [1.0, 2.0]},
        {"start": 1.0, "end": 31.0, "ok": True, "error": None, "scan_waits": [3.0, 4.0]},
        {"start": 2.0, "end": 5.0, "ok": False, "error": "scans not done within 120 s", "scan_waits": []},
    ]
    return {"requests": requests, "lifecycles": lifecycles, "offered": {"lifecycle": 3, "read": 6}, "capped": False}


def test_a_run_counts_completed_lifecycles_against_those_offered_per_second_of_the_window():
    summary = load.summarize(_run_results(), rate=0.5, seconds=6)
    assert (summary["offered"], summary["completed"]) == (3, 2)
    assert summary["offered_per_second"] == pytest.approx(0.5)
    assert summary["completed_per_second"] == pytest.approx(2 / 6)


def test_a_run_gives_each_routes_percentiles_and_failures_and_the_errors_by_cause():
    summary = load.summarize(_run_results(), rate=0.5, seconds=6)
    route = summary["routes"]["POST /applications"]
    assert (route["count"], route["failures"], route["p50"]) == (4, 0, pytest.approx(250))
    assert summary["routes"]["GET /inbox"]["failures"] == 1
    assert summary["errors"] == {"GET /inbox: 500": 1, "lifecycle: scans not done within 120 s": 1}
    assert summary["failed_requests"] == 1
    assert summary["requests_per_second"] == pytest.approx(5 / 10)  # five requests over ten seconds


def test_a_run_takes_lifecycle_times_and_scan_waits_from_completed_lifecycles_only():
    summary = load.summarize(_run_results(), rate=0.5, seconds=6)
    assert summary["lifecycle_p50"] == pytest.approx(20)  # 10 s and 30 s; the failed one left out
    assert summary["scan_wait_p50"] == pytest.approx(2.5)


def test_cpu_is_a_share_of_one_core_over_the_window_and_leaves_out_a_restarted_process():
    before = {"emulator": (10, 5.0), "worker": (11, 1.0)}
    after = {"emulator": (10, 35.0), "worker": (12, 0.5)}
    assert load.cpu_percent(before, after, 60) == {"emulator": pytest.approx(50.0)}


# ---- a lone lifecycle's calls ------------------------------------------------------------------

def _call(operation: str, at: float, empty: bool = False) -> dict:
    return {"operation": operation, "at": at, "idle_poll": empty}


def test_a_lone_lifecycles_calls_are_counted_by_operation_without_the_pollers_idle_polls():
    recorded = [_call("dynamodb:Query", 1), _call("sqs:ReceiveMessage", 2, empty=True), _call("dynamodb:Query", 3),
                _call("sqs:ReceiveMessage", 4), _call("trentservice:Decrypt", 5),
                _call("unknown:POST satupintu-local-uploads", 5)]
    counted = load.count_calls(recorded)
    assert counted["total"] == 5 and counted["idle_polls"] == 1
    assert counted["by_operation"] == {"dynamodb:Query": 2, "kms:Decrypt": 1, "s3:POST (presigned upload)": 1,
                                       "sqs:ReceiveMessage": 1}
    assert list(counted["by_operation"])[0] == "dynamodb:Query"  # the most frequent first
    assert counted["seconds"] == 4
    assert counted["by_caller"] == {"functions": 3, "pollers": 1, "browser": 1}


def test_a_replayed_transaction_gets_a_fresh_token_and_a_replayed_poll_does_not_wait():
    transaction = json.dumps({"TransactItems": [], "ClientRequestToken": "abc"}).encode()
    assert json.loads(load._fresh("dynamodb:TransactWriteItems", transaction))["ClientRequestToken"] != "abc"
    poll = json.dumps({"QueueUrl": "q", "WaitTimeSeconds": 20}).encode()
    assert json.loads(load._fresh("sqs:ReceiveMessage", poll))["WaitTimeSeconds"] == 0
    assert load._fresh("dynamodb:Query", b'{"ClientRequestToken": "kept"}') == b'{"ClientRequestToken": "kept"}'


def test_the_recorder_keeps_nothing_until_started_and_tells_an_empty_poll_from_one_with_messages():
    recorder = CallRecorder()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "HTTP_X_AMZ_TARGET": "AmazonSQS.ReceiveMessage",
               "HTTP_USER_AGENT": "boto3", "wsgi.input": io.BytesIO(b'{"QueueUrl": "q"}'), "CONTENT_LENGTH": "17"}
    recorder.add("sqs:ReceiveMessage", environ, b"", "200 OK", b"{}")
    assert not recorder.active and recorder.calls() == []
    recorder.start()
    body = recorder.take_body(environ)
    assert body == b'{"QueueUrl": "q"}' and environ["wsgi.input"].read() == body  # put back for moto
    recorder.add("sqs:ReceiveMessage", environ, body, "200 OK", b"{}")
    recorder.add("sqs:ReceiveMessage", environ, body, "200 OK", b'{"Messages": [{"Body": "x"}]}')
    first, second = recorder.calls()
    assert first["idle_poll"] and not second["idle_poll"]
    recorder.add("dynamodbstreams:GetRecords", environ, body, "200 OK", b'{"Records": [], "NextShardIterator": "i"}')
    recorder.add("dynamodbstreams:GetRecords", environ, body, "200 OK", b'{"Records": [{"eventName": "INSERT"}]}')
    assert [call["idle_poll"] for call in recorder.calls()[2:]] == [True, False]
    assert first["status"] == 200 and first["headers"] == {"HTTP_X_AMZ_TARGET": "AmazonSQS.ReceiveMessage"}
    recorder.stop()
    assert recorder.calls() == []


# ---- the report --------------------------------------------------------------------------------

def _size() -> dict:
    run = load.summarize(_run_results(), rate=0.5, seconds=6)
    run.update(cpu={"emulator": 97.0, "api": 12.0, "worker": 8.0}, load_average=(1.0, 3.5))
    return {"label": "The demo's table", "fill_seconds": None, "runs": [run],
            "calls": {"total": 179, "by_operation": {"dynamodb:Query": 40}, "idle_polls": 25, "seconds": 12.0,
                      "by_caller": {"functions": 150, "pollers": 27, "browser": 2}, "failed": None},
            "replay": {"lifecycles_per_second": 1.25, "per_lifecycle": 179, "calls": 2000, "seconds": 8.9, "refused": 12, "emulator_cpu_share": 0.5, "per_core_lifecycles_per_second": 2.5,
                       "calls_per_second": 224.7, "median_ms": 3.2, "slowest_operation": "dynamodb:Query 14 ms"}}


def test_the_report_names_the_calls_per_lifecycle_the_ceiling_and_each_runs_figures():
    text = "\n".join(load.format_section([_size()], {"command": "make bench-load", "date": "2026-12-05",
                                                     "elapsed": 900, "cores": 2, "locust": "2.47.0", "seconds": 60}))
    assert text.startswith(load.SECTION)
    assert "**AWS calls per lifecycle: 179**" in text and "dynamodb:Query 40" in text
    assert "By caller: **our functions 150**" in text and "Lambda's pollers 27" in text and "the browser 2" in text
    assert "**Emulator's own ceiling: 1.25 lifecycles a second**" in text
    assert "50 % of a core meanwhile; with a whole core to itself: **2.50 lifecycles a second**" in text
    assert "| 0.5 | 3 | 2 | **0.33** |" in text
    assert "97 % / 12 % / 8 %" in text and "1.0 → 3.5" in text
    assert "| `POST /applications` | 4 | 0 | 250 ms |" in text
    assert "GET /inbox: 500 ×1" in text and "`make bench-load`" in text and "Locust 2.47.0" in text


def test_the_section_replaces_its_previous_version_and_leaves_the_others(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(f"# Benchmarks\n\n## Cold start\n\nfast\n\n{load.SECTION}\n\nold figures\n\n## The web app\n\nsmall\n")
    load.replace_section(report, [load.SECTION, "", "new figures"])
    text = report.read_text()
    assert "old figures" not in text and text.count(load.SECTION) == 1
    assert text.index("## Cold start") < text.index("## The web app") < text.index("new figures")


def test_a_size_the_stack_could_not_get_through_says_why_and_shows_what_was_measured():
    stopped = {"label": "100,000 applications in the table", "fill_seconds": 420.0, "runs": [], "calls": None,
               "replay": None, "error": "LifecycleFailed: POST /auth/login answered 500"}
    text = "\n".join(load.format_section([_size(), stopped], {"command": "make bench-load", "date": "2026-12-05",
                                                              "elapsed": 900, "cores": 2, "locust": "2.47.0",
                                                              "seconds": 60}))
    assert "**Not measured to the end**: the benchmark stopped on this table (LifecycleFailed: POST /auth/login" in text
    assert "fill_applications`, 420 s" in text
    assert text.count("**AWS calls per lifecycle") == 1  # the demo table's only
