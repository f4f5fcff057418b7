"""The load benchmark's Locust file: application lifecycles arriving at a constant rate (an open
model: a new lifecycle starts every 1/rate seconds whether or not the ones before have finished),
and a read mix beside them (inbox, an application, the dashboard, tracking by code), for a fixed
time, on loopback only. Run by bench/load.py, which starts the stack, registers the applicants and
logs everyone in first (setup is not measured), then reads what this file writes.

    locust -f bench/locustfile.py --headless -u 1 -r 1 --host http://127.0.0.1:<api port> \
        --run-time <seconds + drain + margin>   (with LOAD_CONFIG=<the JSON bench/load.py wrote>)

Bounded in time (the schedule lasts `seconds`, then in-flight lifecycles get `drain_seconds` to
finish; Locust's --run-time bounds the whole) and in requests (no new arrival once
`max_requests` requests were made).
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from gevent.pool import Group
from locust import User, events, task
from locust.clients import HttpSession
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import lifecycle  # noqa: E402  (the project's root is put on the path just above)

RESULTS: dict = {"requests": [], "lifecycles": [], "offered": {"lifecycle": 0, "read": 0}, "capped": False}


def _config() -> dict:
    return json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())


def loopback_only(url: str) -> None:
    """The benchmark talks to this machine only: the API and the emulator on 127.0.0.1."""
    host = urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"the load benchmark runs on loopback only, not against {url}")


@events.request.add_listener
def _keep_sample(request_type, name, response_time, response_length, exception=None, response=None, **_kw):
    RESULTS["requests"].append({
        "name": f"{request_type} {name}", "ms": response_time, "ok": exception is None, "at": time.time(),
        "status": getattr(response, "status_code", None) or 0,
        "error": None if exception is None else type(exception).__name__,
    })


@events.quitting.add_listener
def _write_results(environment, **_kw):
    for record in RESULTS["lifecycles"]:
        if record["end"] is None:
            record["error"] = "not finished when the run ended"
    Path(_config()["results_path"]).write_text(json.dumps(RESULTS))


class Arrivals(User):
    """One user that offers the work on schedule; each lifecycle and each read runs in a greenlet
    of its own, on one shared connection pool."""

    def __init__(self, environment):
        super().__init__(environment)
        self.config = _config()
        loopback_only(self.config["api"])
        self.client = HttpSession(base_url=self.config["api"], request_event=environment.events.request, user=self)
        self.client.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=256))
        self.api = lifecycle.Api(self.client, self.config["api"], named=True)
        self.png = lifecycle.png_bytes()
        self.targets = [self.config["read_target"]]
        self.kinds = lifecycle.read_kinds()

    @task
    def offer_on_schedule(self):
        config = self.config
        started = time.monotonic()
        work = Group()
        schedule = lifecycle.merged_schedule(config["rate"], config["read_rate"], config["seconds"])
        for offset, kind in schedule:
            gevent.sleep(max(0.0, started + offset - time.monotonic()))
            if len(RESULTS["requests"]) >= config["max_requests"]:
                RESULTS["capped"] = True
                break
            RESULTS["offered"][kind] += 1
            work.spawn(self.one_lifecycle if kind == "lifecycle" else self.one_read)
        work.join(timeout=max(0.0, started + config["seconds"] + config["drain_seconds"] - time.monotonic()))
        gevent.spawn(self.environment.runner.quit)
        gevent.sleep(3600)  # the runner's quit stops this user

    def one_lifecycle(self):
        config = self.config
        applicant = next(self._applicants)
        record = {"start": time.time(), "end": None, "ok": False, "error": None, "scan_waits": []}
        RESULTS["lifecycles"].append(record)
        try:
            done = lifecycle.run_lifecycle(self.api, applicant["token"], config["deciders"], self.png,
                                           sleep=gevent.sleep)
        except lifecycle.LifecycleFailed as failure:
            record["error"] = str(failure)
        except Exception as error:  # noqa: BLE001  (a connection refused, a time-out: the run goes on)
            record["error"] = f"{type(error).__name__}: {error}"
        else:
            record.update(ok=True, scan_waits=done["scan_waits"])
            self.targets.append({"id": done["app_id"], "tracking_code": done["tracking_code"],
                                 "token": applicant["token"]})
        record["end"] = time.time()

    @property
    def _applicants(self):
        if not hasattr(self, "_applicant_cycle"):
            self._applicant_cycle = itertools.cycle(self.config["applicants"])
        return self._applicant_cycle

    def one_read(self):
        target = self.targets[-1]
        try:
            lifecycle.read_once(self.api, next(self.kinds), target, self.config["readers"], self.config["period"])
        except Exception:  # noqa: BLE001  (recorded by Locust as the request's failure)
            pass
