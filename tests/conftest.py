"""Fixtures shared by the suites.

* unit tests need nothing here;
* integration tests run the app in-process through chalice.test.Client against the emulator
  (moto in server mode, serialized, with infra/template.yaml created as a stack on it);
* end-to-end tests start the local stack (`python -m local.run`) and talk HTTP to it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TEST_CATALOG = PROJECT / "tests" / "catalog"
sys.path.insert(0, str(PROJECT))

from tests import aws_calls, log_lines  # noqa: E402 - needs the project on the path

LAST = "test_no_nik_in_logs.py::test_no_log_line_of_the_suite_holds_a_nik"


def pytest_configure(config):
    log_lines.install()
    # `import app` builds the route table for the stage in the environment: the tests are the
    # local stage's (its /_local routes included), whichever module imports the app first.
    os.environ.setdefault("STAGE", "local")
    aws_calls.install()


STACK_DIRECTORIES = ("tests/e2e/", "tests/browser/")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """The browser tests drive the local stack, as the end-to-end tests do (`-m "not e2e"`
    leaves both out). The check of every log line runs after every line was written."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.e2e)
    last = [item for item in items if item.nodeid.endswith(LAST)]
    items[:] = [item for item in items if item not in last] + last


def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`make test` runs two workers): every test that needs the local stack
    runs in one worker, so one stack serves them all, and each other module's tests run together
    in one worker, in its own world (the `aws` fixture), set up once. (xdist's own `loadgroup`
    marks do not reach the scheduler under pytest 9, which no longer reads the node id they set.)"""
    from xdist.scheduler import LoadScopeScheduling

    class StackTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "the local stack" if module.startswith(STACK_DIRECTORIES) else module

    return StackTestsTogether(config, log)


# ---- the log-line check over every worker (pytest-xdist) ----------------------------------------
# Each worker reads only its own lines, in its own last test; the controller, once every worker is
# done, reads what each saw and fails the session if any line anywhere held a NIK.

def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["log_lines"] = log_lines.summary()
        workeroutput["aws_calls"] = aws_calls.summary()
        workeroutput["every_integration_module"] = _every_integration_module(session)
        return
    _check_aws_calls(session)
    seen = getattr(session.config, "log_lines_of_workers", None)
    if not seen:
        return
    found = [line for summary in seen for line in summary["offending"]]
    total = sum(summary["lines"] for summary in seen)
    session.config.log_lines_verdict = (total, found)
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_testnodedown(node, error):
    summary = getattr(node, "workeroutput", {}).get("log_lines")
    if summary is not None:
        node.config.log_lines_of_workers = [*getattr(node.config, "log_lines_of_workers", []), summary]
    calls = getattr(node, "workeroutput", {}).get("aws_calls")
    if calls is not None:
        node.config.aws_calls_of_workers = [*getattr(node.config, "aws_calls_of_workers", []), *calls]
        node.config.every_integration_module = node.workeroutput.get("every_integration_module", False)


def _every_integration_module(session) -> bool:
    """Whether the session runs every in-process integration module (each worker collects them all)."""
    selected = {item.nodeid.split("::", 1)[0] for item in session.items}
    on_disk = {f"tests/integration/{path.name}" for path in (PROJECT / "tests" / "integration").glob("test_*.py")}
    return on_disk <= selected


def _check_aws_calls(session) -> None:
    """Every AWS call a function made anywhere in the session (every worker's, or this process's)
    is allowed by that function's own policy file (tests/aws_calls.py)."""
    config = session.config
    calls = (aws_calls.from_summary(config.aws_calls_of_workers) if hasattr(config, "aws_calls_of_workers")
             else aws_calls.record.calls)
    refused = aws_calls.refused(calls)
    # Nothing more than some test needs: judged only when every module that runs functions ran.
    whole = getattr(config, "every_integration_module", None)
    if whole is None:
        whole = config.every_integration_module = _every_integration_module(session)
    unneeded = aws_calls.unused(calls, aws_calls.not_recorded()) if whole and calls else []
    config.aws_calls_verdict = (len(calls), refused + unneeded)
    if refused or unneeded:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    calls, refused = getattr(config, "aws_calls_verdict", (0, []))
    if refused:
        terminalreporter.section("AWS calls a function's own policy does not allow, or grants no test needed", red=True)
        for line in refused:
            terminalreporter.write_line(line)
    elif calls:
        terminalreporter.write_line(f"AWS calls of the functions recorded: {calls} kinds, each allowed by its function's policy"
                                    + (", and each action of every policy needed by some test"
                                       if getattr(config, "every_integration_module", False) else ""))
    verdict = getattr(config, "log_lines_verdict", None)
    if verdict is None:
        return
    total, found = verdict
    if found:
        terminalreporter.section("log lines holding a NIK", red=True)
        for name, text in found:
            terminalreporter.write_line(f"{name}: {text[:300]}")
    else:
        terminalreporter.write_line(f"log lines of every worker read: {total}, none holds a NIK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.id"


# ---- the emulator and the app in-process --------------------------------------------------

@pytest.fixture(scope="session")
def emulator():
    """The AWS emulator on a free port, with the stack created. Answers its URL."""
    import warnings

    from local.emulator import serve
    from local.stack import REGION

    warnings.filterwarnings("ignore")
    port = free_port()
    server, app = serve("127.0.0.1", port, REGION)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
    })
    server.emulator = app
    server.url = endpoint
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def aws(emulator):
    """A world of its own for each test module: the emulator emptied and the stack created again
    (about a second), so no module reads another's items, queues or mail, and a query over a
    shared partition (the due-time index, the outbox) sees only what its own module wrote."""
    from local.provision import provision
    from local.stack import REGION

    emulator.emulator.reset()
    provision(emulator.url, REGION, {"MailFromAddress": "no-reply@satupintu.local"})
    return emulator


@pytest.fixture(scope="session")
def stage_env(emulator):
    from local.stack import chalice_stage_environment

    env = chalice_stage_environment("local")
    env.update({
        "LOCAL_MAILBOX_URL": f"{emulator.url}/_emulator/mail",
        "EXTRA_CATALOG_DIR": str(TEST_CATALOG),
        "WEB_BASE_URL": "http://127.0.0.1:8080",
        "CLAMAV_DATABASE": str(PROJECT / "local" / "clamav"),
        "PASSWORD_HASH_COST": "test",  # argon2id at its least cost: see adapters/passwords.py
    })
    return env


@pytest.fixture
def deps(aws, stage_env, tmp_path, monkeypatch):
    """A fresh composition root for one test, with its own clock (LOCAL_STATE_DIR)."""
    from chalicelib import deps as deps_module

    for key, value in stage_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LOCAL_STATE_DIR", str(tmp_path))
    deps_module.reset()
    yield deps_module.container()
    deps_module.reset()


@pytest.fixture(scope="session")
def chalice_app(stage_env):
    import app as app_module

    return app_module.app


@pytest.fixture
def api(deps, chalice_app):
    from tests.support import Api

    from chalice.test import Client

    with Client(chalice_app, stage_name="local", project_dir=str(PROJECT)) as client:
        yield Api(client, deps)


def _seed(stage_env: dict[str, str], state: Path, sample_applications: bool) -> dict:
    from chalicelib import deps as deps_module
    from local.seed import seed_demo

    saved = dict(os.environ)
    os.environ.update(stage_env)
    os.environ["LOCAL_STATE_DIR"] = str(state)
    deps_module.reset()
    try:
        return seed_demo(state / "demo.json", sample_applications=sample_applications)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        deps_module.reset()


@pytest.fixture(scope="module")
def seeded(aws, stage_env, tmp_path_factory):
    """The demo organisation and its accounts, seeded into the module's world for its integration
    tests (without the sample applications `make run` adds: each test makes what it reads)."""
    return _seed(stage_env, tmp_path_factory.mktemp("seed"), sample_applications=False)


@pytest.fixture(scope="module")
def seeded_as_make_run_seeds(aws, stage_env, tmp_path_factory):
    """The demo as `make run` seeds it, sample applications included."""
    return _seed(stage_env, tmp_path_factory.mktemp("seed"), sample_applications=True)


# ---- the local stack, over HTTP -------------------------------------------------------------

# A port picked free may be taken before the stack binds it (the other pytest worker's servers
# and every outgoing connection draw from the same ephemeral range): start again on others.
PORT_TAKEN = ("Address already in use", "is already in use by another program")


def _start_stack(workdir: Path, attempt: int):
    """One try at `python -m local.run` on freshly picked ports. Answers (process, log, ports),
    or None when a port was taken meanwhile."""
    state = workdir / "state"
    ports = {"API_PORT": free_port(), "AWS_EMULATOR_PORT": free_port(), "WEB_PORT": free_port(),
             "REGISTRY_STANDIN_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "LOCAL_STATE_DIR": str(state),
           "EXTRA_CATALOG_DIR": str(TEST_CATALOG), "NOTIFICATION_RETRY_BASE_SECONDS": "1"}
    for key in ("AWS_ENDPOINT_URL", "STAGE", "TABLE_NAME", "BIOS_BASE_URL", "CIVIL_REGISTRY_BASE_URL"):
        env.pop(key, None)
    log_path = workdir / f"run-{attempt}.log"
    log = open(log_path, "w+")
    log_lines.stack_logs.append(log_path)
    process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=PROJECT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    # The first start may build the web app (npm ci and the build: about a minute on 2 cores).
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        log.seek(0)
        output = log.read()
        if re.search(r"^ready$", output, re.M):
            return process, log, log_path, ports, state
        if process.poll() is not None:
            log.close()
            if any(taken in output for taken in PORT_TAKEN):
                return None
            pytest.fail(f"the local stack did not start:\n{output}")
        time.sleep(0.2)
    process.kill()
    pytest.fail("the local stack did not print 'ready' in time")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """`python -m local.run` on free ports, as `make run` starts it. Answers its base URL."""
    workdir = tmp_path_factory.mktemp("stack")
    for attempt in range(3):
        started = _start_stack(workdir, attempt)
        if started is not None:
            break
    else:
        pytest.fail("the local stack found a port taken three times over")
    process, log, log_path, ports, state = started
    base = f"http://127.0.0.1:{ports['API_PORT']}"
    yield type("Stack", (), {"url": base, "process": process, "log": log_path, "state": state, "ports": ports})
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def http(stack):
    from tests.support import HttpApi

    return HttpApi(stack.url, f"http://127.0.0.1:{stack.ports['AWS_EMULATOR_PORT']}")
