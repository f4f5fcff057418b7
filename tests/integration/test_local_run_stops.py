"""`make run` stops every process it started, even when a second signal arrives while it is
stopping (GNU make forwards a SIGTERM of its own after the one the terminal sent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import PROJECT, free_port

# local.run's main() with the real Stack, whose start() launches two children that hold ports
# and ignore SIGTERM, so stopping them takes stop()'s full grace period and then a kill.
DRIVER = """
import sys, time
from local import run

PORTS = [int(p) for p in sys.argv[1].split(",")]
PID_DIR = sys.argv[2]

def start(self):
    for number, port in enumerate(PORTS):
        self._start(f"child{number}", "tests.stubborn_child", str(port), f"{PID_DIR}/child{number}.pid")
    while not all(__import__("os").path.exists(f"{PID_DIR}/child{n}.pid") for n in range(len(PORTS))):
        time.sleep(0.05)
    return {}

run.Stack.start = start
run.Stack.stop_grace_seconds = 1.5  # still well after the second signal
run.banner = lambda ports, manifest: "ready"
sys.exit(run.main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes: it holds no port.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_two_sigterms_while_stopping_still_stop_every_child_and_free_their_ports(tmp_path):
    ports = [free_port(), free_port()]
    env = {**os.environ, "LOCAL_STATE_DIR": str(tmp_path / "state"), "SATUPINTU_QUIET": "1",
           "API_PORT": str(free_port()), "AWS_EMULATOR_PORT": str(free_port()), "WEB_PORT": str(free_port()),
           "REGISTRY_STANDIN_PORT": str(free_port())}
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, ",".join(map(str, ports)), str(tmp_path)],
                              cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert driver.stdout.readline().startswith("starting")
        assert driver.stdout.readline().strip() == "ready"
        children = [int((tmp_path / f"child{n}.pid").read_text()) for n in range(len(ports))]

        driver.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # inside stop(): the children ignored SIGTERM and are being waited for
        assert driver.poll() is None
        driver.send_signal(signal.SIGTERM)
        output, _ = driver.communicate(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()

    left_running = [pid for pid in children if _alive(pid)]
    for pid in left_running:
        os.kill(pid, signal.SIGKILL)  # so a failure here does not hold ports for the rest of the suite
    assert "Traceback" not in output, output
    assert driver.returncode == 0
    assert left_running == []
    from local.run import _port_free

    assert all(_port_free(port) for port in ports)
