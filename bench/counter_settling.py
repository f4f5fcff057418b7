"""How long the counters take to follow a change on the local stack (docs/DATA.md "Counters,
counted from the stream").

Starts `python -m local.run` on free ports (its own state directory), then, one change at a time:
an applicant files a draft (a change that moves the office's `status:draft` counter at every
office above it), and the office's head reads the dashboard every 20 ms until the draft is
counted. The time from the filing's answer to the first dashboard that counts it is the
settling time; p50 and max are printed.

Run: .venv/bin/python -m bench.counter_settling [--changes 30]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from bench.shared import free_port as _free_port

PROJECT = Path(__file__).resolve().parent.parent
OFFICE = "dpmptsp-front-office"
PASSWORD = "satupintu-demo"
FORM = {"owner_nik": "3276061708850003", "owner_name": "Bench Pemilik", "owner_npwp": "01.855.081.4-005.000",
        "owner_phone": "081234567890", "business_name": "Usaha Bench", "business_address": "Jl. Bench 1",
        "kbli": "56303", "business_scale": "Mikro", "capital": 10_000_000, "employees": 2}



def start_stack(workdir: Path) -> tuple[subprocess.Popen, str, str]:
    ports = {"API_PORT": _free_port(), "AWS_EMULATOR_PORT": _free_port(), "WEB_PORT": _free_port(),
             "REGISTRY_STANDIN_PORT": _free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "LOCAL_STATE_DIR": str(workdir / "state"),
           "SATUPINTU_QUIET": "1"}
    for key in ("AWS_ENDPOINT_URL", "STAGE", "TABLE_NAME"):
        env.pop(key, None)
    log = open(workdir / "stack.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=PROJECT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        log.seek(0)
        if re.search(r"^ready$", log.read(), re.M):
            return process, f"http://127.0.0.1:{ports['API_PORT']}", f"http://127.0.0.1:{ports['AWS_EMULATOR_PORT']}"
        if process.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the local stack did not start:\n{log.read()[-3000:]}")
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the local stack did not print 'ready' in time")


def wait_for_the_seed_to_be_counted(emulator: str) -> float:
    """The demo seed's changes counted first (no counter-moves item left), so that each change
    measured waits only for itself; answers how long that took."""
    import boto3

    from chalicelib.adapters.dynamodb.counters import MOVE_LANES, MOVES_PREFIX

    dynamodb = boto3.client("dynamodb", region_name="ap-southeast-3", endpoint_url=emulator,
                            aws_access_key_id="local", aws_secret_access_key="local")
    started = time.monotonic()
    while any(dynamodb.query(TableName="satupintu", KeyConditionExpression="pk = :lane", Limit=1,
                             ExpressionAttributeValues={":lane": {"S": f"{MOVES_PREFIX}{lane:02d}"}})["Items"]
              for lane in range(MOVE_LANES)):
        if time.monotonic() - started > 300:
            raise SystemExit("the seed's changes were not counted within 5 minutes")
        time.sleep(0.5)
    return time.monotonic() - started


def login(api: str, who: str) -> str:
    answer = requests.post(f"{api}/auth/login", json={"email": f"{who}@demo.satupintu.id", "password": PASSWORD},
                           timeout=30)
    answer.raise_for_status()
    return answer.json()["access_token"]


def drafts(api: str, token: str, period: str) -> int:
    answer = requests.get(f"{api}/dashboard/{OFFICE}", params={"period": period},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["by_status"]["draft"]


def settling_times(api: str, changes: int, pause: float) -> list[float]:
    applicant, head = login(api, "warga"), login(api, "kepala.dpmptsp")
    period = (datetime.now(timezone.utc) + timedelta(hours=7)).strftime("%Y-%m")  # the org's month (WIB)
    times = []
    for _ in range(changes):
        before = drafts(api, head, period)
        filed = requests.post(f"{api}/applications", json={"service_id": "city-business-permit", "node_id": OFFICE,
                                                           "data": FORM},
                              headers={"Authorization": f"Bearer {applicant}"}, timeout=30)
        filed.raise_for_status()
        answered = time.monotonic()
        while drafts(api, head, period) <= before:
            if time.monotonic() - answered > 60:
                raise SystemExit("a draft was not counted within 60 s")
            time.sleep(0.02)
        times.append(time.monotonic() - answered)
        time.sleep(pause)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between changes")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="satupintu-settling-"))
    process, api, emulator = start_stack(workdir)
    try:
        backlog = wait_for_the_seed_to_be_counted(emulator)
        times = settling_times(api, args.changes, args.pause)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    times.sort()
    print(f"the seed's changes counted {backlog:.1f} s after the stack was ready; load average {os.getloadavg()[0]:.1f}")
    print(f"changes: {len(times)}  settling p50: {statistics.median(times):.2f} s  "
          f"p90: {times[int(0.9 * (len(times) - 1))]:.2f} s  max: {times[-1]:.2f} s")


if __name__ == "__main__":
    main()
