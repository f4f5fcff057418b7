"""`make bench-load` (`python -m bench.load`): the load benchmark, measured from outside with Locust.

For each table size (the demo's, then 100,000 applications), on a local stack of its own started
here on free loopback ports (its output in build/bench-load/stack-<size>.log):

1. setup, not measured: applicants registered through the mailbox, everyone logged in;
2. a lone lifecycle, its AWS calls recorded by the emulator (local/emulator_recording.py) and
   counted by operation — the poller's empty receives counted apart;
3. Locust, headless (bench/locustfile.py), at each target rate of lifecycles a second for a fixed
   time, with a read mix beside; the CPU of the emulator, the API and the worker meanwhile;
4. the emulator's own ceiling: the lone lifecycle's recorded calls replayed against the emulator
   alone (API and worker paused), as fast as one client can send them.

Writes its section of docs/BENCHMARKS.md ("## Load: …"). The other sections are bench/run.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench import lifecycle  # noqa: E402
from bench.shared import free_port as _free_port  # noqa: E402
from bench import shared  # noqa: E402

SECTION = "## Load: application lifecycles at a constant arrival rate (Locust)"
LOG_DIR = PROJECT / "build" / "bench-load"
DEFAULT_RATES = (0.5, 1.0, 2.0)
# At 100,000 applications the bar's rate and the one below: growing the table takes minutes.
DEFAULT_LARGE_RATES = (1.0, 2.0)
DEFAULT_SECONDS = 60
DEFAULT_SIZES = (0, 100_000)
DRAIN_SECONDS = 45
READS_PER_LIFECYCLE = 2.0
APPLICANTS = 24
MAX_REQUESTS = 20_000
REPLAY_SECONDS = 30.0
PASSWORD = "beban uji 12345"
PROCESSES = {"emulator": "local.emulator", "api": "local.api_server", "worker": "local.worker"}


# ---- pure parts -------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between the closest ranks; None when
    there is nothing to rank."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(results: dict, rate: float, seconds: float) -> dict:
    """One Locust run's figures: lifecycles offered and completed (per second of the offering
    window), requests a second, each route's p50/p95/p99 and failures, errors by cause, the
    lifecycle's duration and the scan wait."""
    requests = results["requests"]
    lifecycles = results["lifecycles"]
    done = [record for record in lifecycles if record["ok"]]
    routes: dict[str, dict] = {}
    for name in sorted({r["name"] for r in requests}):
        times = [r["ms"] for r in requests if r["name"] == name]
        failures = sum(1 for r in requests if r["name"] == name and not r["ok"])
        routes[name] = {"count": len(times), "failures": failures, "p50": percentile(times, 50),
                        "p95": percentile(times, 95), "p99": percentile(times, 99)}
    errors: dict[str, int] = {}
    for r in requests:
        if not r["ok"]:
            key = f"{r['name']}: {r['status'] or r['error']}"
            errors[key] = errors.get(key, 0) + 1
    for record in lifecycles:
        if not record["ok"]:
            key = f"lifecycle: {record['error']}"
            errors[key] = errors.get(key, 0) + 1
    span = _span(requests)
    durations = [record["end"] - record["start"] for record in done]
    waits = [wait for record in done for wait in record["scan_waits"]]
    all_times = [r["ms"] for r in requests]
    return {
        "rate": rate, "seconds": seconds, "offered": results["offered"]["lifecycle"], "completed": len(done),
        "offered_per_second": results["offered"]["lifecycle"] / seconds, "completed_per_second": len(done) / seconds,
        "reads_offered": results["offered"]["read"], "requests": len(requests),
        "requests_per_second": len(requests) / span if span else 0.0,
        "failed_requests": sum(1 for r in requests if not r["ok"]), "routes": routes, "errors": errors,
        "p99_all": percentile(all_times, 99), "capped": results.get("capped", False),
        "lifecycle_p50": percentile(durations, 50), "lifecycle_p99": percentile(durations, 99),
        "scan_wait_p50": percentile(waits, 50), "scan_wait_p99": percentile(waits, 99),
    }


def _span(requests: list[dict]) -> float:
    if not requests:
        return 0.0
    starts = [r["at"] for r in requests]
    return max(starts) - min(starts) or 1.0


def count_calls(recorded: list[dict]) -> dict:
    """A lone lifecycle's recorded calls: the total the lifecycle caused, by operation, and the
    pollers' polls that found nothing (the worker idling, whatever the lifecycle) apart."""
    work = [call for call in recorded if not call["idle_poll"]]
    by_operation: dict[str, int] = {}
    for call in work:
        operation = _operation_label(call["operation"])
        by_operation[operation] = by_operation.get(operation, 0) + 1
    seconds = (recorded[-1]["at"] - recorded[0]["at"]) if recorded else 0.0
    by_caller = {"functions": 0, "pollers": 0, "browser": 0}
    for operation, count in by_operation.items():
        by_caller[_caller(operation)] += count
    return {"total": len(work), "by_operation": dict(sorted(by_operation.items(), key=lambda kv: (-kv[1], kv[0]))),
            "by_caller": by_caller, "idle_polls": len(recorded) - len(work), "seconds": seconds}


# What Lambda's event source mappings call to hand our functions their batches (the local worker
# plays them): the queues' receive and delete, the table stream's reads. No function of ours
# makes these calls; under load a poll takes up to a batch of messages, whoever's they are.
POLLER_OPERATIONS = frozenset({"sqs:ReceiveMessage", "sqs:DeleteMessageBatch", "dynamodbstreams:GetRecords",
                               "dynamodbstreams:GetShardIterator", "dynamodbstreams:DescribeStream"})


def _caller(operation: str) -> str:
    """Who made a call: Lambda's pollers, the browser (its upload through the presigned POST),
    or our functions (the API, the queue functions, the stream's aggregator)."""
    if operation in POLLER_OPERATIONS:
        return "pollers"
    if operation == "s3:POST (presigned upload)":
        return "browser"
    return "functions"


def _operation_label(operation: str) -> str:
    """The emulator's name of an operation, as IAM names it: KMS's JSON target is
    TrentService_20141101.Decrypt; a presigned POST carries no signature naming its service."""
    if operation.startswith("trentservice:"):
        return "kms:" + operation.split(":", 1)[1]
    if operation.startswith("unknown:POST "):
        return "s3:POST (presigned upload)"
    return operation


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} s"


def format_section(sizes: list[dict], meta: dict) -> list[str]:
    """The section of docs/BENCHMARKS.md, from each size's lone lifecycle, runs and replay."""
    lines = [
        SECTION,
        "",
        f"Written by `{meta['command']}` on {meta['date']}, in {meta['elapsed']:.0f} s, on this machine "
        f"({meta['cores']} cores, **shared with other work while it ran**: the figures are a floor, not a "
        "ceiling). Locust " + meta["locust"] + ", headless, on loopback only, against a local stack started for "
        "each table size (emulator, API, worker as `make run` starts them). Each run offers lifecycles at a "
        f"constant arrival rate (an open model: one starts every 1/rate s whatever the others are doing) for "
        f"{meta['seconds']} s, with {READS_PER_LIFECYCLE:g} reads per lifecycle beside them (in turn the front "
        "office's inbox, the application, the office's dashboard, tracking by code); lifecycles still running "
        f"get {DRAIN_SECONDS} s more to finish, then count as not completed. A lifecycle: the micro and small "
        "business permit (`city-business-permit` at the city's front office): create, two PNG uploads through "
        "the presigned POST, waiting for both scans (looking at the documents after 0.5 s, doubling to 4 s), "
        "submit, three approvals (front office, technical review, head of office). Applicants are registered "
        "and everyone logged in before (not measured). Target (issue 21): ≥ 2 lifecycles a second, p99 < 500 ms "
        "per request, 0 errors, on 100,000 applications as on an empty table; ≤ 100 AWS calls per lifecycle.",
        "",
        "Completed/s is lifecycles approved end to end, divided by the offering window. Requests are the API's "
        "and the presigned uploads' (to the emulator's S3), timed by Locust from the client. CPU: each "
        "process's CPU time over the run (Locust's start to its end, drain included) in % of one core; the "
        "worker's includes the ClamAV scans it runs. Machine load: the 1-minute load average before and after "
        "the run — above 2 the two cores were also busy with something else. Logs and raw results: "
        "build/bench-load/.",
        "",
    ]
    for size in sizes:
        lines += _size_lines(size)
    return lines


def _size_lines(size: dict) -> list[str]:
    calls, replay = size["calls"], size.get("replay") or {}
    lines = [f"### {size['label']}", ""]
    if size.get("error"):
        lines += [f"**Not measured to the end**: the benchmark stopped on this table ({size['error']}).", ""]
    if size.get("fill_seconds"):
        lines += [f"The table was grown to this size before the lone lifecycle (bench/run.py's `fill_applications`, "
                  f"{size['fill_seconds']:.0f} s), after the applicants were registered.", ""]
    if calls:
        ops = ", ".join(f"{op} {n}" for op, n in calls["by_operation"].items())
        lines += [
            f"**AWS calls per lifecycle: {calls['total']}** (one lifecycle alone on the stack, after one that "
            "warmed its processes up, counted by the "
            f"emulator from its create to the last call its asynchronous work made, {calls['seconds']:.0f} s; "
            f"the worker's {calls['idle_polls']} polls of the queues and the table's stream that found nothing in "
            f"that time not included: Lambda's pollers idling, whatever the lifecycle): {ops}.",
            "",
            f"By caller: **our functions {calls['by_caller']['functions']}** (the API, including its answers "
            "to the client's looks at the documents, the queue functions and the stream's aggregator), "
            f"Lambda's pollers {calls['by_caller']['pollers']} (a ReceiveMessage and a DeleteMessageBatch for "
            "each message handed on, alone here; under load one poll takes a batch — and the stream's reads), "
            f"the browser {calls['by_caller']['browser']} (its uploads to S3 through the presigned POST).",
            "",
        ]
        if calls.get("failed"):
            lines += [f"The lone lifecycle did not complete ({calls['failed']}): its count is of what it reached.", ""]
    if replay:
        lines += [
            f"**Emulator's own ceiling: {replay['lifecycles_per_second']:.2f} lifecycles a second** — the lone "
            f"lifecycle's {replay['per_lifecycle']} calls replayed against the emulator alone (API and worker "
            f"paused), {REPLAY_CLIENTS} clients at once, as fast as answered: {replay['calls']} calls in "
            f"{replay['seconds']:.1f} s ({replay['calls_per_second']:.0f} calls/s, median {replay['median_ms']:.1f} ms "
            f"a call as a client saw it, slowest operation {replay['slowest_operation']}). "
            f"The emulator had {replay['emulator_cpu_share'] * 100:.0f} % of a core meanwhile; "
            + (f"with a whole core to itself: **{replay['per_core_lifecycles_per_second']:.2f} lifecycles a "
               "second**. " if replay.get("per_core_lifecycles_per_second") else "")
            + f"{replay['refused']} of the replayed calls were refused (a condition no longer true, a message "
            "already deleted): a refused write costs the emulator about what the first one did.",
            "",
        ]
    lines += [
        "| target/s | offered | completed | completed/s | requests/s | failed requests | p99 (all) | "
        "lifecycle p50 / p99 | scan wait p50 / p99 | CPU emulator / API / worker | machine load before → after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in size["runs"]:
        cpu = run.get("cpu", {})
        lines.append(
            f"| {run['rate']:g} | {run['offered']} | {run['completed']} | **{run['completed_per_second']:.2f}** | "
            f"{run['requests_per_second']:.1f} | {run['failed_requests']} | {_ms(run['p99_all'])} | "
            f"{_s(run['lifecycle_p50'])} / {_s(run['lifecycle_p99'])} | "
            f"{_s(run['scan_wait_p50'])} / {_s(run['scan_wait_p99'])} | "
            + " / ".join(f"{cpu.get(name, 0):.0f} %" for name in PROCESSES)
            + " | {:.1f} → {:.1f} |".format(*run.get("load_average", (0.0, 0.0))))
    for run in size["runs"]:
        lines += ["", f"At {run['rate']:g} a second, per route:", "",
                  "| route | requests | failed | p50 | p95 | p99 |", "|---|---|---|---|---|---|"]
        for name, route in run["routes"].items():
            lines.append(f"| `{name}` | {route['count']} | {route['failures']} | {_ms(route['p50'])} | "
                         f"{_ms(route['p95'])} | {_ms(route['p99'])} |")
        if run["errors"]:
            lines += ["", "Errors: " + "; ".join(f"{cause} ×{n}" for cause, n in
                                                 sorted(run["errors"].items(), key=lambda kv: -kv[1]))[:1500] + "."]
        if run.get("locust_failed"):
            lines += ["", "Locust wrote no results for this run (see its log in build/bench-load/)."]
        if run["capped"]:
            lines += ["", f"The run stopped offering work at its request cap ({MAX_REQUESTS:,})."]
    return lines + [""]


def replace_section(report: Path, lines: list[str]) -> None:
    shared.replace_section(report, SECTION, lines)


# ---- the stack --------------------------------------------------------------------------------


class LoadStack:
    """`python -m local.run` on free loopback ports with a state directory of its own, its output
    (and its processes') to a log file."""

    def __init__(self, log_path: Path) -> None:
        from local.stack import Ports

        self.ports = Ports(api=_free_port(), web=_free_port(), emulator=_free_port(), registries=_free_port())
        self.state = Path(tempfile.mkdtemp(prefix="satupintu-load-"))
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.api = f"http://127.0.0.1:{self.ports.api}"
        self.emulator = f"http://127.0.0.1:{self.ports.emulator}"

    def start(self, timeout: float = 240.0) -> None:
        env = {**os.environ, "API_PORT": str(self.ports.api), "WEB_PORT": str(self.ports.web),
               "AWS_EMULATOR_PORT": str(self.ports.emulator), "REGISTRY_STANDIN_PORT": str(self.ports.registries),
               "LOCAL_STATE_DIR": str(self.state), "PYTHONUNBUFFERED": "1"}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=PROJECT, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local stack stopped while starting; see {self.log_path}")
            if re.search(r"^ready$", self.log_path.read_text(errors="replace"), re.MULTILINE):
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the local stack was not ready within {timeout:.0f} s; see {self.log_path}")

    def environment(self) -> dict[str, str]:
        from local.stack import stack_environment

        return stack_environment(self.ports, self.state)

    def pids(self) -> dict[str, int]:
        """The emulator's, the API's and the worker's process ids (children of local.run)."""
        found: dict[str, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            if self.process and ppid == self.process.pid:
                for name, module in PROCESSES.items():
                    if f"-m {module}" in command:
                        found[name] = int(entry.name)
        return found

    def cpu_seconds(self) -> dict[str, tuple[int, float]]:
        """(pid, CPU seconds so far, its reaped children's included: the scanner's clamscan) by name."""
        ticks = os.sysconf("SC_CLK_TCK")
        answer = {}
        for name, pid in self.pids().items():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            answer[name] = (pid, sum(int(f) for f in fields[11:15]) / ticks)
        return answer

    def pause(self, names: tuple[str, ...], paused: bool) -> None:
        for name, pid in self.pids().items():
            if name in names:
                os.kill(pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.pause(tuple(PROCESSES), paused=False)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def cpu_percent(before: dict, after: dict, seconds: float) -> dict[str, float]:
    """Each process's CPU over the window, in % of one core (a process restarted meanwhile is left out)."""
    return {name: 100 * (after[name][1] - before[name][1]) / seconds
            for name in after if name in before and before[name][0] == after[name][0]}


# ---- setup (not measured) ---------------------------------------------------------------------

def _session():
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_maxsize=32))
    return session


def register_applicant(api: lifecycle.Api, email: str, timeout: float = 120.0) -> None:
    """Register, read the code from the local mailbox, verify."""
    api.call("POST", "/auth/register", body={"email": email, "password": PASSWORD, "name": "Pemohon Beban"},
             expect=(202,))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = api.call("GET", "/_local/mail", f"/_local/mail?to={email}")["items"]
        found = re.search(r"\b(\d{6})\b", mails[0]["text"]) if mails else None
        if found:
            api.call("POST", "/auth/verify", body={"email": email, "code": found.group(1)})
            return
        time.sleep(0.5)
    raise RuntimeError(f"no code mailed to {email} within {timeout:.0f} s")


def login(api: lifecycle.Api, email: str, password: str, attempts: int = 5) -> str:
    """A log-in for the setup, tried again a few times: on a slow stack the API times out on the
    emulator now and then, and setup is not what is measured."""
    for attempt in range(attempts):
        try:
            return api.call("POST", "/auth/login", body={"email": email, "password": password})["access_token"]
        except lifecycle.LifecycleFailed:
            if attempt == attempts - 1:
                raise
            time.sleep(2.0)
    raise AssertionError("unreachable")


def setup_people(stack: LoadStack, count: int) -> dict:
    """Applicants registered (in parallel), and a draft application for the read mix."""
    api = lifecycle.Api(_session(), stack.api)
    emails = [f"pemohon.beban{n:03d}@example.id" for n in range(count)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda email: register_applicant(api, email), emails))
    demo_password = api.call("GET", "/_local/demo")["password"]
    token = login(api, emails[0], PASSWORD)
    draft = api.call("POST", "/applications", body={"service_id": lifecycle.SERVICE_ID,
                                                    "node_id": lifecycle.FILING_NODE, "data": lifecycle.FORM},
                     token=token, expect=(201,))
    return {"applicants": emails, "demo_password": demo_password,
            "read_target": {"id": draft["id"], "tracking_code": draft["tracking_code"], "email": emails[0]}}


def log_everyone_in(stack: LoadStack, people: dict) -> dict:
    """Fresh tokens (they live 15 minutes) for the applicants, the deciders and the readers."""
    api = lifecycle.Api(_session(), stack.api)
    staff = {who for who, _step in lifecycle.DECIDERS} | {lifecycle.INBOX_READER, lifecycle.DASHBOARD_READER}
    with ThreadPoolExecutor(max_workers=2) as pool:
        applicants = list(pool.map(lambda email: {"email": email, "token": login(api, email, PASSWORD)},
                                   people["applicants"]))
        staff_tokens = dict(zip(staff, pool.map(
            lambda who: login(api, f"{who}@demo.satupintu.id", people["demo_password"]), staff)))
    target = dict(people["read_target"])
    target["token"] = next(a["token"] for a in applicants if a["email"] == target["email"])
    return {"applicants": applicants, "deciders": staff_tokens, "readers": staff_tokens, "read_target": target}


def fill_table(stack: LoadStack, target: int) -> None:
    """Grow the stack's table to `target` applications the way bench/run.py does for its flat-calls
    table (written in batches straight to the emulator, not through the API)."""
    os.environ.update(stack.environment())
    from bench.run import fill_applications
    from chalicelib import deps

    deps.reset()
    fill_applications(deps.container(), target)


# ---- measuring --------------------------------------------------------------------------------

def _get_json(url: str, method: str = "GET", timeout: float = 120.0) -> Any:
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=timeout) as answer:
        return json.loads(answer.read())


def wait_until_quiet(stack: LoadStack, quiet_for: float = 4.0, timeout: float = 180.0) -> None:
    """Until the emulator has had no call but queue and stream polls for `quiet_for` seconds (a
    stream poll that finds records follows a write, which counts)."""
    def work_calls() -> int | None:
        try:
            calls = _get_json(f"{stack.emulator}/_emulator/calls", timeout=10.0)["calls"]
        except OSError:  # the count waits behind the calls being served: the emulator is busy
            return None
        return sum(n for op, n in calls.items() if op not in ("sqs:ReceiveMessage", "dynamodbstreams:GetRecords"))

    last, since, deadline = work_calls(), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = work_calls()
        if now is None or now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            return


def lone_lifecycle(stack: LoadStack, tokens: dict) -> tuple[dict, list[dict]]:
    """One lifecycle alone on a quiet stack, every AWS call it causes recorded (its asynchronous
    tail included: notifications, e-mails, the receipt and the certificate). A lifecycle that
    fails is counted as far as it went, and says why."""
    api = lifecycle.Api(_session(), stack.api, timeout=60.0)
    try:
        # First a lifecycle that warms the processes up as a running Lambda is (queue URLs, keys
        # read once per container), not recorded.
        lifecycle.run_lifecycle(api, tokens["applicants"][-1]["token"], tokens["deciders"], lifecycle.png_bytes())
    except Exception:  # noqa: BLE001  (an overwhelmed stack: the recorded one will say why)
        pass
    wait_until_quiet(stack)
    _get_json(f"{stack.emulator}/_emulator/recording", "POST")
    failed = None
    try:
        try:
            lifecycle.run_lifecycle(api, tokens["applicants"][0]["token"], tokens["deciders"], lifecycle.png_bytes())
        except Exception as error:  # noqa: BLE001  (an overwhelmed stack: recorded, the benchmark goes on)
            failed = f"{type(error).__name__}: {error}"
        wait_until_quiet(stack, quiet_for=6.0)
        recorded = _get_json(f"{stack.emulator}/_emulator/recording")["calls"]
    finally:
        _get_json(f"{stack.emulator}/_emulator/recording", "DELETE")
    work = [call for call in recorded if not call["idle_poll"]]
    # The recording ends at the lifecycle's last work call, not after the quiet wait's idle polls.
    last = work[-1]["at"] if work else 0.0
    counted = count_calls([call for call in recorded if call["at"] <= last])
    counted["failed"] = failed
    return counted, work


def run_locust(stack: LoadStack, tokens: dict, rate: float, seconds: int, out_dir: Path) -> dict:
    """One headless Locust run at `rate` lifecycles a second; its results with the processes' CPU."""
    results_path = out_dir / f"locust-{rate:g}.json"
    config = {"api": stack.api, "rate": rate, "read_rate": rate * READS_PER_LIFECYCLE, "seconds": seconds,
              "drain_seconds": DRAIN_SECONDS, "max_requests": MAX_REQUESTS, "results_path": str(results_path),
              "period": datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m"), **tokens}
    config_path = out_dir / f"locust-{rate:g}.config.json"
    config_path.write_text(json.dumps(config))
    bound = seconds + DRAIN_SECONDS + 30
    load_before = os.getloadavg()[0]
    before, started = stack.cpu_seconds(), time.monotonic()
    results_path.unlink(missing_ok=True)
    with (out_dir / f"locust-{rate:g}.log").open("w") as log:
        locust = subprocess.Popen([sys.executable, "-m", "locust", "-f", str(PROJECT / "bench" / "locustfile.py"),
                                   "--headless", "-u", "1", "-r", "1", "--host", stack.api, "--run-time", f"{bound}s",
                                   "--stop-timeout", "5", "--only-summary", "--loglevel", "WARNING"],
                                  cwd=PROJECT, env={**os.environ, "LOAD_CONFIG": str(config_path)}, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            locust.wait(timeout=bound + 60)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
    elapsed = time.monotonic() - started
    results = json.loads(results_path.read_text()) if results_path.exists() else {
        "requests": [], "lifecycles": [], "offered": {"lifecycle": 0, "read": 0}, "capped": False}
    summary = summarize(results, rate, seconds)
    summary["locust_failed"] = not results_path.exists()
    summary["cpu"] = cpu_percent(before, stack.cpu_seconds(), elapsed)
    # The machine's 1-minute load average before and after: what else was running shows here.
    summary["load_average"] = (load_before, os.getloadavg()[0])
    return summary


REPLAY_CLIENTS = 4


def replay(stack: LoadStack, work: list[dict], seconds: float = REPLAY_SECONDS) -> dict | None:
    """The lone lifecycle's calls sent again to the emulator alone (API and worker paused) by
    REPLAY_CLIENTS clients at once, each in order over its kept-alive connection, until `seconds`
    have passed: the emulator serves one call at a time, so it is never left waiting for a client.
    Transactions get a fresh ClientRequestToken (the emulator would answer a known one without
    doing the work); queue polls do not wait."""
    import statistics
    import threading

    deadline = time.monotonic() + seconds
    samples: list[tuple[str, float, int]] = []  # (operation, seconds, status); list.append is atomic
    stack.pause(("api", "worker"), paused=True)
    cpu_before, started = stack.cpu_seconds(), time.monotonic()
    try:
        clients = [threading.Thread(target=_replay_client, args=(stack.ports.emulator, work, deadline, samples))
                   for _ in range(REPLAY_CLIENTS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    finally:
        stack.pause(("api", "worker"), paused=False)
    elapsed = time.monotonic() - started
    # On a shared machine the emulator may not get a whole core: its CPU time says what it spent.
    emulator_cpu = cpu_percent(cpu_before, stack.cpu_seconds(), elapsed).get("emulator", 0.0) / 100 * elapsed
    if not samples:
        return None  # not one call answered within the time: no ceiling to tell
    by_operation: dict[str, list[float]] = {}
    for operation, took, _status in samples:
        by_operation.setdefault(operation, []).append(took)
    slowest = max(by_operation.items(), key=lambda kv: statistics.median(kv[1]))
    return {"calls": len(samples), "seconds": elapsed, "calls_per_second": len(samples) / elapsed,
            "per_lifecycle": len(work), "lifecycles_per_second": len(samples) / elapsed / max(1, len(work)),
            "refused": sum(1 for *_, status in samples if status >= 400),
            "emulator_cpu_share": emulator_cpu / elapsed,
            "per_core_lifecycles_per_second": len(samples) / emulator_cpu / max(1, len(work)) if emulator_cpu else None,
            "median_ms": statistics.median(took for _op, took, _st in samples) * 1000,
            "slowest_operation": f"{_operation_label(slowest[0])} {statistics.median(slowest[1]) * 1000:.0f} ms"}


def _replay_client(port: int, work: list[dict], deadline: float, samples: list) -> None:
    import base64
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1.0, deadline - time.monotonic()))
    try:
        while time.monotonic() < deadline:
            for call in work:
                body = _fresh(call["operation"], base64.b64decode(call["body"]))
                headers = {_header_name(k): v for k, v in call["headers"].items()}
                path = call["path"] + (f"?{call['query']}" if call["query"] else "")
                began = time.perf_counter()
                connection.request(call["method"], path, body=body, headers=headers)
                answer = connection.getresponse()
                answer.read()
                samples.append((call["operation"], time.perf_counter() - began, answer.status))
                if time.monotonic() >= deadline:
                    return
    except OSError:  # a call still unanswered at the deadline: this client is done
        return
    finally:
        connection.close()


def _header_name(environ_key: str) -> str:
    name = environ_key[5:] if environ_key.startswith("HTTP_") else environ_key
    return name.replace("_", "-").title()


def _fresh(operation: str, body: bytes) -> bytes:
    """A transaction's token made new, a queue poll made not to wait (JSON protocol)."""
    import uuid

    if operation not in ("dynamodb:TransactWriteItems", "sqs:ReceiveMessage"):
        return body
    try:
        request = json.loads(body)
    except ValueError:
        return body
    if "ClientRequestToken" in request:
        request["ClientRequestToken"] = str(uuid.uuid4())
    if "WaitTimeSeconds" in request:
        request["WaitTimeSeconds"] = 0
    return json.dumps(request).encode()


def measure_size(label: str, applications: int | None, rates: tuple[float, ...], seconds: int,
                 progress: Callable[[str], None]) -> dict:
    """One table size on a stack of its own. A step the stack cannot get through (an emulator so
    slow that even the setup's log-ins time out) ends the size, which then says why."""
    out_dir = LOG_DIR / (str(applications) if applications else "demo")
    out_dir.mkdir(parents=True, exist_ok=True)
    stack = LoadStack(out_dir / "stack.log")
    measured: dict[str, Any] = {"label": label, "calls": None, "runs": [], "replay": None, "fill_seconds": None,
                                "error": None}
    progress(f"{label}: starting the local stack (log: {stack.log_path})")
    try:
        stack.start()
        _measure_on(stack, measured, applications, rates, seconds, out_dir, progress)
    except Exception as error:  # noqa: BLE001  (the size says why it stopped; the others are still measured)
        measured["error"] = f"{type(error).__name__}: {error}"
        progress(f"  stopped: {measured['error']}")
    finally:
        stack.stop()
    return measured


def _measure_on(stack: LoadStack, measured: dict, applications: int | None, rates: tuple[float, ...], seconds: int,
                out_dir: Path, progress: Callable[[str], None]) -> None:
    label = measured["label"]
    progress(f"{label}: registering {APPLICANTS} applicants")
    people = setup_people(stack, APPLICANTS)
    if applications:
        progress(f"{label}: filling the table to {applications:,} applications")
        began = time.monotonic()
        fill_table(stack, applications)
        measured["fill_seconds"] = time.monotonic() - began
    tokens = log_everyone_in(stack, people)
    progress(f"{label}: a lone lifecycle, its AWS calls recorded")
    measured["calls"], work = lone_lifecycle(stack, tokens)
    (out_dir / "lone-lifecycle-calls.json").write_text(json.dumps(
        [{k: call[k] for k in ("at", "operation", "method", "path", "status")} for call in work], indent=1))
    progress(f"  {measured['calls']['total']} AWS calls")
    for rate in rates:
        # What the run before left queued is worked off first, as far as a minute allows.
        wait_until_quiet(stack, quiet_for=3.0, timeout=60.0)
        progress(f"{label}: Locust at {rate:g} lifecycles/s for {seconds} s")
        tokens = log_everyone_in(stack, people)
        measured["runs"].append(run := run_locust(stack, tokens, rate, seconds, out_dir))
        progress(f"  completed {run['completed']}/{run['offered']} ({run['completed_per_second']:.2f}/s), "
                 f"{run['failed_requests']} failed requests, p99 {_ms(run['p99_all'])}, CPU {run['cpu']}")
    if work:
        progress(f"{label}: replaying the lone lifecycle's calls against the emulator alone")
        measured["replay"] = replay(stack, work)
        if measured["replay"]:
            progress(f"  {measured['replay']['lifecycles_per_second']:.2f} lifecycles/s")


def measure_and_write(output: Path, rates: tuple[float, ...], seconds: int, sizes: tuple[int, ...], command: str,
                      large_rates: tuple[float, ...] = DEFAULT_LARGE_RATES) -> None:
    """Each size measured in turn; the section written again after each, so that what was measured
    is kept if a later size is stopped."""
    import locust

    started = time.monotonic()
    measured = []
    for applications in sizes:
        label = (f"{applications:,} applications in the table" if applications
                 else "The demo's table (a few dozen applications)")
        measured.append(measure_size(label, applications, large_rates if applications else rates, seconds,
                                     lambda line: print(line, flush=True)))
        meta = {"command": command, "date": time.strftime("%Y-%m-%d"), "elapsed": time.monotonic() - started,
                "cores": os.cpu_count(), "locust": locust.__version__, "seconds": seconds}
        replace_section(output, format_section(measured, meta))
    print(f"wrote its section of {output}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default=",".join(f"{r:g}" for r in DEFAULT_RATES),
                        help="lifecycles a second offered on the demo's table")
    parser.add_argument("--large-rates", default=",".join(f"{r:g}" for r in DEFAULT_LARGE_RATES),
                        help="lifecycles a second offered on the grown table")
    parser.add_argument("--seconds", type=int, default=DEFAULT_SECONDS)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="applications in the table; 0: the demo's own")
    parser.add_argument("--output", default=str(PROJECT / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    measure_and_write(Path(args.output), tuple(float(r) for r in args.rates.split(",")), args.seconds,
                      tuple(int(s) for s in args.sizes.split(",")),
                      "python -m bench.load" + (f" {' '.join(given)}" if given else " (make bench-load)"),
                      tuple(float(r) for r in args.large_rates.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
