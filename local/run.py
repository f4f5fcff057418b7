"""`make run`: the whole system on this machine, no cloud account.

Builds the web app if its sources changed, starts the AWS emulator, creates
infra/template.yaml as a stack on it, seeds the demo data, then starts the API, the worker and
the web app; prints where everything is and `ready` once requests will succeed. Ctrl-C or SIGTERM stops every process it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from local.stack import (
    PROJECT_DIR, REGION, STANDIN_KEY, STANDIN_SATKER, Ports, stack_environment, state_dir, uses_registry_standins,
    write_pid_file,
)

PID_FILE_NAME = "run.pid"


class StartupError(RuntimeError):
    pass


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _already_running(state: Path) -> int | None:
    pid_file = state / PID_FILE_NAME
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def _wait_for(url: str, what: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"{what} exited during start-up (code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise StartupError(f"{what} did not answer at {url} within {timeout:.0f} s")


class Stack:
    def __init__(self, ports: Ports, state: Path, quiet: bool = False) -> None:
        self.ports = ports
        self.state = state
        self.quiet = quiet
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.commands: dict[str, tuple[str, ...]] = {}  # name → module and arguments, to restart
        # Decided before the stack's own environment names the stand-ins' URLs.
        self.standins = uses_registry_standins()
        self.env = {**os.environ, **stack_environment(ports, state), "PYTHONUNBUFFERED": "1"}

    def _start(self, name: str, module: str, *args: str) -> subprocess.Popen:
        self.commands[name] = (module, *args)
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args], cwd=PROJECT_DIR, env=self.env,
            stdout=subprocess.DEVNULL if self.quiet else None, stderr=subprocess.DEVNULL if self.quiet else None,
            start_new_session=True,  # Ctrl-C reaches us; we stop the children in order
        )
        self.processes.append((name, process))
        return process

    def start(self) -> dict:
        wanted = [("API", self.ports.api, "API_PORT"), ("AWS emulator", self.ports.emulator, "AWS_EMULATOR_PORT"),
                  ("web app", self.ports.web, "WEB_PORT")]
        if self.standins:
            wanted.append(("registry stand-ins", self.ports.registries, "REGISTRY_STANDIN_PORT"))
        for label, port, variable in wanted:
            if not _port_free(port):
                raise StartupError(
                    f"port {port} ({label}) is already in use by another program; free it or set {variable} to another port"
                )
        # Before anything listens: a build that fails stops here, with npm's own words.
        from local.web_build import WebBuildError, ensure_built

        try:
            ensure_built(log=lambda line: print(line, flush=True))
        except WebBuildError as error:
            raise StartupError(f"the web app did not build: {error}") from None
        # A fresh emulator starts empty: what the last run left (its clock, its demo list) goes.
        self.state.mkdir(parents=True, exist_ok=True)
        for leftover in ("clock", "demo.json"):
            (self.state / leftover).unlink(missing_ok=True)
        write_pid_file(self.state / PID_FILE_NAME, f"{os.getpid()} {self.ports.api}\n")

        emulator = self._start("emulator", "local.emulator", "--port", str(self.ports.emulator), "--region", REGION,
                               "--clock-offset-file", str(self.state / "clock"))
        _wait_for(f"http://127.0.0.1:{self.ports.emulator}/_emulator/health", "the AWS emulator", emulator)

        os.environ.update(stack_environment(self.ports, self.state))
        from local.provision import provision

        provision(os.environ["AWS_ENDPOINT_URL"], REGION, {"MailFromAddress": _mail_from_address(self.env)})
        from local.seed import seed_demo

        manifest = seed_demo(self.state / "demo.json")

        if self.standins:
            standins = self._start("registries", "local.registries", "--port", str(self.ports.registries),
                                   "--satker", STANDIN_SATKER, "--key", STANDIN_KEY)
            _wait_for(f"http://127.0.0.1:{self.ports.registries}/_standin/health", "the registry stand-ins", standins)

        api = self._start("api", "local.api_server")
        _wait_for(f"http://127.0.0.1:{self.ports.api}/health", "the API", api)
        self._start("worker", "local.worker")
        web = self._start("web", "local.web_server", "--port", str(self.ports.web),
                          "--api-url", f"http://127.0.0.1:{self.ports.api}",
                          "--storage-url", f"http://127.0.0.1:{self.ports.emulator}")
        _wait_for(f"http://127.0.0.1:{self.ports.web}/config.json", "the web app", web)
        return manifest

    # How long stopped processes get to finish what they hold before they are killed.
    stop_grace_seconds = 5.0

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + self.stop_grace_seconds
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        try:
            (self.state / PID_FILE_NAME).unlink()
        except FileNotFoundError:
            pass

    def first_exited(self) -> tuple[str, int] | None:
        for name, process in self.processes:
            if process.poll() is not None:
                return name, process.returncode
        return None

    def restart(self, name: str) -> None:
        """Start a stopped process again, as Lambda runs the next invocation after a crash."""
        self.processes = [(n, p) for n, p in self.processes if n != name]
        self._start(name, *self.commands[name])


def _mail_from_address(env: dict[str, str]) -> str:
    from email.utils import parseaddr

    return parseaddr(env["MAIL_FROM"])[1]


def banner(ports: Ports, manifest: dict) -> str:
    api = f"http://127.0.0.1:{ports.api}"
    lines = [
        "",
        "satupintu is running locally (no cloud account; AWS is emulated on loopback)",
        f"  web app        http://127.0.0.1:{ports.web}            (the public portal and the staff workspace)",
        f"  API            {api}            (OpenAPI: {api}/openapi.json)",
        f"  mailbox        {api}/_local/mail    (every e-mail the system sent)",
        f"  demo data      {api}/_local/demo",
        f"  schedules      {api}/_local/schedules",
        f"  AWS emulator   http://127.0.0.1:{ports.emulator}",
        f"  registries     {os.environ.get('BIOS_BASE_URL')} (finance, BIOS), {os.environ.get('CIVIL_REGISTRY_BASE_URL')} (civil)",
    ]
    if manifest.get("subscription"):
        sub = manifest["subscription"]
        lines.append(f"  subscriber     {sub['url']} (every event, signed; what arrived: "
                     f"{sub['url'].split('/hooks/')[0]}/_standin/records?target=hooks)")
    lines += [
        "",
        f"  demo accounts (password: {manifest['password']})",
    ]
    for account in manifest["accounts"]:
        roles = ", ".join(f"{r['role']}@{r['node_id']}" for r in account["roles"]) or "applicant"
        lines.append(f"    {account['email']:<42} {roles}")
    lines += ["", "  Ctrl-C stops everything.", "", "ready"]
    return "\n".join(lines)


def main() -> int:
    ports = Ports.from_environment()
    state = state_dir()
    running = _already_running(state)
    if running is not None:
        print(
            f"satupintu is already running (pid {running}, API at http://127.0.0.1:{ports.api}).\n"
            f"Stop it with Ctrl-C in its terminal, or: kill {running}",
            file=sys.stderr,
        )
        return 1

    stack = Stack(ports, state, quiet=os.environ.get("SATUPINTU_QUIET") == "1")
    stopping = {"signal": None}

    def on_signal(signum, _frame):
        if stopping["signal"] is not None:
            return  # already stopping: GNU make forwards a second SIGTERM of its own; stop() must finish
        stopping["signal"] = signum
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        print("starting: web app build, AWS emulator, stack, demo data, registry stand-ins, API, worker, web app…", flush=True)
        manifest = stack.start()
        print(banner(ports, manifest), flush=True)
        worker_restarts: list[float] = []
        while True:
            exited = stack.first_exited()
            if exited is not None and exited[0] == "worker":
                # A crashed worker is what a crashed Lambda is: the messages it held come back
                # after their visibility timeout, and the next one picks them up.
                worker_restarts = [t for t in worker_restarts if time.monotonic() - t < 60] + [time.monotonic()]
                if len(worker_restarts) <= 5:
                    print(f"the worker stopped (exit code {exited[1]}); starting it again", file=sys.stderr, flush=True)
                    stack.restart("worker")
                    continue
            if exited is not None:
                print(f"\nthe {exited[0]} process stopped (exit code {exited[1]}); stopping the rest", file=sys.stderr)
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except StartupError as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    finally:
        # Whatever brought us here, stopping is not to be interrupted: a signal raised inside stop()
        # would leave the emulator, the stand-ins, the API and the worker running with their ports held.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    sys.exit(main())
