"""The local stack's AWS emulator: what a call costs as the table grows, and what idle queues cost.

1. The same calls against the stack's table holding 100 and then 100,000 items: a Query on the
   base table and one on a global index (each answering the same ten items at both sizes),
   with GetItem and TransactWriteItems as controls; median CPU ms of the emulator's own work
   (each call handed to its WSGI app, as waitress hands it one: no network, no client, and no
   other process of a busy machine lengthening it).
   Target: a Query within 2x from 100 to 100,000 items. The same Queries with the partition
   map off (moto reading the whole table, as before local/dynamodb_partitions.py) show the
   difference.
2. The worker with every queue idle: its ReceiveMessage calls a second (issue 21: 25 a second
   when it short-polled).

Run alone: python -m bench.emulator   (writes its own section of docs/BENCHMARKS.md; `make bench`
runs it too).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable
from bench.shared import free_port as _free_port
from bench import shared

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SECTION = "## The emulator: a call's cost by table size, and idle queues"
SIZES = (100, 100_000)
RUNS = 300
# Whole-table Queries at 100,000 items take a large share of a second each: fewer of them.
WHOLE_TABLE_RUNS = {100: 100, 100_000: 7}
IDLE_SECONDS = 60
TABLE = "satupintu"
PROBE = "BENCH#probe"
OFFICES = 1000  # the filler's inbox partitions



def _start() -> tuple[Any, Any, str]:
    from local.emulator import serve
    from local.provision import provision
    from local.stack import REGION

    warnings.filterwarnings("ignore")
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    port = _free_port()
    server, app = serve("127.0.0.1", port, REGION)
    # moto's backends are one per process: under `make bench` an earlier section's emulator left
    # its stack in them, and creating it again would be refused.
    app.reset()
    url = f"http://127.0.0.1:{port}"
    provision(url, REGION, {"MailFromAddress": "no-reply@satupintu.local"})
    return server, app, url


def _table() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from local.stack import REGION

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(TABLE)


def _item(n: int) -> dict[str, Any]:
    """An application-like item in a partition of its own, in one of OFFICES inbox partitions."""
    return {"pk": {"S": f"APP#{n:08d}"}, "sk": {"S": "A"}, "status": {"S": "submitted"},
            "inbox_key": {"S": f"OFFICE#{n % OFFICES:04d}"}, "inbox_sort": {"S": f"2026-12-01T00:00:00#{n:08d}"},
            "created_key": {"S": f"2026-12-01T00:00:00#{n:08d}"}, "title": {"S": f"Application {n}"}}


def _fill_to(size: int) -> None:
    """Filler items written straight into moto's table (through the partition map's hooks): a
    hundred thousand PutItem calls over HTTP would take minutes and measure nothing here."""
    table = _table()
    held = sum(len(members) for members in table.items.values())
    for n in range(held, size):
        table.put_item(_item(n))


def _wsgi_call(app: Any, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """One DynamoDB call handed to the emulator's WSGI app on this thread, as waitress hands it
    one: the emulator's own time (moto parsing, answering and serializing), no network."""
    body = json.dumps(request).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "4566",
        "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1:4566", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/x-amz-json-1.0", "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_AMZ_TARGET": f"DynamoDB_20120810.{operation}",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=local/20260101/ap-southeast-3/dynamodb/aws4_request, "
                              "SignedHeaders=host, Signature=0",
    }
    status: list[str] = []
    answer = b"".join(app(environ, lambda code, headers, *rest: status.append(code)))
    assert status[0].startswith("200"), (status, answer[:300])
    return json.loads(answer)


def _probe_items(app: Any) -> None:
    for n in range(10):
        _wsgi_call(app, "PutItem", {"TableName": TABLE, "Item": {
            "pk": {"S": PROBE}, "sk": {"S": f"D#{n:02d}"}, "count": {"N": "0"},
            "inbox_key": {"S": "OFFICE#probe"}, "inbox_sort": {"S": f"2026-12-0{n % 9 + 1}#{n}"}}})


def _median_ms(call: Callable[[], Any], runs: int) -> float:
    """Median CPU time of this thread per call: what the emulator spends on it, which the other
    processes of a busy 2-core machine do not lengthen as they lengthen wall time."""
    times = []
    for _ in range(runs):
        started = time.thread_time()
        call()
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def _calls(app: Any) -> dict[str, Callable[[], Any]]:
    def base_query() -> None:
        found = _wsgi_call(app, "Query", {"TableName": TABLE, "KeyConditionExpression": "pk = :p",
                                          "ExpressionAttributeValues": {":p": {"S": PROBE}}})
        assert found["Count"] == 10, found["Count"]

    def index_query() -> None:
        found = _wsgi_call(app, "Query", {
            "TableName": TABLE, "IndexName": "inbox", "KeyConditionExpression": "inbox_key = :k",
            "ExpressionAttributeValues": {":k": {"S": "OFFICE#probe"}}, "ScanIndexForward": False, "Limit": 20})
        assert found["Count"] == 10, found["Count"]

    def get_item() -> None:
        assert "Item" in _wsgi_call(app, "GetItem", {"TableName": TABLE, "Key": {"pk": {"S": PROBE}, "sk": {"S": "D#00"}}})

    def transaction() -> None:
        _wsgi_call(app, "TransactWriteItems", {"TransactItems": [
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": PROBE}, "sk": {"S": f"D#{n:02d}"}},
                        "UpdateExpression": "ADD #c :one", "ExpressionAttributeNames": {"#c": "count"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}} for n in (1, 2)]})

    return {"Query, base table (10 items)": base_query, "Query, `inbox` index (10 items)": index_query,
            "GetItem": get_item, "TransactWriteItems (2 updates)": transaction}


def measure_calls(app: Any) -> dict[str, Any]:
    from local import dynamodb_partitions

    _probe_items(app)
    calls = _calls(app)
    result: dict[str, Any] = {"sizes": SIZES, "partitioned": {}, "whole_table": {}, "first_index_query": {}}
    for size in SIZES:
        print(f"  {size:,} items…", flush=True)
        _fill_to(size)
        _table().__dict__.pop("_satupintu_partitions", None)  # the map built anew, as after a restart
        started = time.thread_time()
        calls["Query, `inbox` index (10 items)"]()
        result["first_index_query"][size] = (time.thread_time() - started) * 1000
        for name, call in calls.items():
            call()  # warm
            result["partitioned"][(name, size)] = _median_ms(call, RUNS)
        dynamodb_partitions.enabled = False
        try:
            for name, call in list(calls.items())[:2]:
                result["whole_table"][(name, size)] = _median_ms(call, WHOLE_TABLE_RUNS[size])
        finally:
            dynamodb_partitions.enabled = True
    return result


def measure_idle(app: Any, url: str) -> dict[str, Any]:
    """The worker against the emulator with every queue empty: ReceiveMessage calls a second."""
    from local.stack import Ports, stack_environment

    with tempfile.TemporaryDirectory() as state:
        ports = Ports(api=_free_port(), web=_free_port(), emulator=int(url.rsplit(":", 1)[1]), registries=_free_port())
        env = {**os.environ, **stack_environment(ports, Path(state)), "PYTHONUNBUFFERED": "1"}
        worker = subprocess.Popen([sys.executable, "-m", "local.worker"], cwd=PROJECT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = worker.stdout.readline()
            while line and not line.startswith("worker:"):
                line = worker.stdout.readline()
            time.sleep(3)  # every poller in its first long poll
            before = app.calls.get("sqs:ReceiveMessage", 0)
            time.sleep(IDLE_SECONDS)
            received = app.calls.get("sqs:ReceiveMessage", 0) - before
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    from local.worker import LONG_POLL_SECONDS, POLLERS_PER_QUEUE

    return {"per_second": received / IDLE_SECONDS, "calls": received, "seconds": IDLE_SECONDS,
            "started": line.strip(), "long_poll": LONG_POLL_SECONDS, "pollers": POLLERS_PER_QUEUE}


def measure() -> dict[str, Any]:
    server, app, url = _start()
    try:
        print(f"the worker's idle queues ({IDLE_SECONDS} s)…", flush=True)
        idle = measure_idle(app, url)
        print(f"  {idle['per_second']:.2f} ReceiveMessage calls a second", flush=True)
        print("calls by table size…", flush=True)
        result = measure_calls(app)
    finally:
        server.shutdown()
    result["idle"] = idle
    return result


def section(result: dict[str, Any]) -> list[str]:
    small, large = result["sizes"]
    idle = result["idle"]
    lines = [
        SECTION,
        "",
        f"Measured by `make bench` (alone: `python -m bench.emulator`) on {time.strftime('%Y-%m-%d')}: the emulator "
        "of `make run` (local/emulator.py with its patches) and the stack's table from infra/template.yaml; each "
        "call is the emulator's own work, its DynamoDB JSON request handed to its WSGI app as waitress hands it "
        "one (moto parsing, answering and serializing; no network, no client, which add the same at any size), "
        f"timed as the CPU time of the thread (a busy machine's other processes do not lengthen it); median of {RUNS} "
        f"calls. The table holds {small:,} and then {large:,} application-like "
        f"items (each its own partition, spread over {OFFICES:,} inbox partitions); each Query answers the same "
        "ten items at both sizes. Target: a Query within 2x from the smaller table to the larger.",
        "",
        f"| call | {small:,} items | {large:,} items | ratio | moto's whole table, {small:,} | "
        f"moto's whole table, {large:,} |",
        "|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(n for n, _ in result["partitioned"]):
        a, b = result["partitioned"][(name, small)], result["partitioned"][(name, large)]
        whole = [result["whole_table"].get((name, size)) for size in (small, large)]
        shown = [f"{w:.1f} ms" if w is not None else "" for w in whole]
        ratio = b / a
        mark = f"**{ratio:.2f}**" if name.startswith("Query") else f"{ratio:.2f}"
        lines.append(f"| {name} | {a:.1f} ms | {b:.1f} ms | {mark} | {shown[0]} | {shown[1]} |")
    lines += [
        "",
        "A Query reads only its partition (local/dynamodb_partitions.py: per index, partition value → items, kept by "
        "every write), and the data calls' answers are written with json.dumps (local/emulator_speedups.py; "
        "moto's own serializer took most of a ten-item Query's time); the last two columns are the same Queries "
        "with the partition map off, moto sorting and reading the "
        f"whole table ({WHOLE_TABLE_RUNS[large]} calls at {large:,}). The first Query of an index after the emulator "
        "starts builds that index's map from the table: "
        f"{result['first_index_query'][small]:.0f} ms at {small:,} items, {result['first_index_query'][large]:.0f} ms "
        f"at {large:,}, once.",
        "",
        "### Idle queues",
        "",
        f"The worker (`python -m local.worker`, started as `make run` starts it: {idle['started'].removeprefix('worker: ')}) "
        f"with every queue empty, for {idle['seconds']} s: **{idle['per_second']:.2f} ReceiveMessage calls a second** "
        f"({idle['calls']} calls; issue 21 counted 25 a second when it short-polled every 0.2 s). Each queue has "
        f"{idle['pollers']} pollers (fewer where the function's maximum_concurrency says so), each long-polling "
        f"{idle['long_poll']} s as Lambda's do; the emulator waits a long poll with its lock released, so a waiting "
        "poll holds up no other call, and a message is handed over as it is sent.",
        "",
    ]
    return lines


def replace_section(report: Path, lines: list[str]) -> None:
    shared.replace_section(report, SECTION, lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=str(PROJECT / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args()
    lines = section(measure())
    print("\n".join(lines))
    replace_section(Path(args.output), lines)
    print(f"wrote the emulator's section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
