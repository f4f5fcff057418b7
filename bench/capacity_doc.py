"""docs/CAPACITY.md's generated tables, from a replay (bench/capacity.py): the sections between
`<!-- generated:NAME -->` and `<!-- /generated:NAME -->` are rewritten, the prose around them kept.

Durations and costs are estimates built on the replay's counts: each operation's DynamoDB calls as
recorded, the other AWS calls its code path makes (listed below), a typical latency per call, and
the replay's own CPU time per operation as the compute (an over-estimate: the replay does each
store's work twice, once in the fake and once in the real adapter)."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

# Typical latency inside a region, milliseconds per call (DynamoDB single-item calls are
# single-digit; a transaction commits in two phases).
DYNAMODB_MS = {"GetItem": 5, "Query": 7, "BatchGetItem": 9, "PutItem": 7, "UpdateItem": 7, "DeleteItem": 7,
               "TransactWriteItems": 18, "BatchWriteItem": 12, "TransactGetItems": 10}
# Calls outside DynamoDB each operation's code path makes (not recorded by the replay, whose
# queues, buckets, keys and mail are fakes): (what, count, ms each).
OTHER_CALLS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "POST /applications": (("KMS GenerateDataKey (NIKs sealed)", 1, 12), ("SQS SendMessageBatch", 1, 12)),
    "POST /applications/{id}/submit": (("SQS SendMessageBatch", 1, 12),),
    "POST /applications/{id}/decision": (("SQS SendMessageBatch", 1, 12),),
    "GET /applications/{id}/history": (("KMS Decrypt (a decider sees the NIKs)", 1, 12),),
    "scan": (("S3 GetObject + PutObject + DeleteObject", 3, 25), ("inspection of a ~1.5 MB file", 1, 140)),
    "notify: fan-out": (("SQS SendMessageBatch", 1, 12),),
    "notify: deliver": (("SES SendEmail", 1, 60),),
    "render": (("S3 PutObject", 1, 30), ("rendering a one-page PDF", 1, 400)),
}
# Every API request also passes the request pipeline (Chalice, the authorizer's JWT check, pydantic,
# JSON) and reads its caller's USER# partition (docs/DATA.md #2): neither is in the replay.
API_REQUEST = (("request pipeline: routing, JWT, pydantic, JSON", 1, 10), ("authorizer: Query USER#{caller}", 1, 7))
FUNCTION_OF = {"scan": "scan_upload", "notify: fan-out": "notify", "notify: deliver": "notify", "render": "render_pdf",
               "integration: run": "run_integration"}
# A registry run waits for each post to a subscriber or a registry it makes.
POST_MS = 150
# The scan's inspection: docs/BENCHMARKS.md measured 0.77–0.92 s for a 9.3 MB file (≈ 90 ms a MB).

# Prices: US East (N. Virginia) list prices, USD, as published on aws.amazon.com's pricing pages
# (read 2026-12-05: DynamoDB on-demand after its November 2024 cut). Jakarta (ap-southeast-3)
# list prices could not be read from here; REGION_FACTOR scales every line when they are known.
REGION_FACTOR = 1.0
PRICES = {
    "dynamodb_wru_per_million": 0.625,
    "dynamodb_rru_per_million": 0.125,
    "dynamodb_gb_month": 0.25,
    "lambda_gb_second": 0.0000166667,
    "lambda_requests_per_million": 0.20,
    "api_gateway_rest_per_million": ((333e6, 3.50), (667e6, 2.80), (19e9, 2.38), (math.inf, 1.51)),
    "sqs_requests_per_million": 0.40,
    "ses_per_thousand": 0.10,
    "s3_put_per_thousand": 0.005,
    "s3_get_per_thousand": 0.0004,
    "s3_gb_month": 0.023,
    "kms_per_ten_thousand": 0.03,
}
HOURS_A_MONTH = 730
UPLOAD_MB = 1.5  # a phone photo or a scanned page, re-encoded


def stored_kb_per_lifecycle(replay: Any) -> float:
    """What the table holds per lifecycle once it is done: every item the replay left in the
    shadow, with its copy in each index it is in (DynamoDB's 100 bytes of overhead each)."""
    recorder = replay.recorder
    total = 0
    for key, item in recorder.items.items():
        size = recorder.sizes.get(key, 0) + 100
        total += size
        for index in recorder.indexes:
            if index.partition in item:
                total += 100 + (0 if index.keys_only else size)
    return total / 1024 / max(1, replay.lifecycles)


def _per_second(replay: Any, count: float) -> float:
    return count * replay.every / replay.seconds


def _calls_per_operation(replay: Any) -> dict[str, dict[str, float]]:
    calls: dict[str, dict[str, float]] = defaultdict(dict)
    for (operation, api), count in replay.recorder.calls_by_operation.items():
        runs = replay.operations[operation] * replay.every
        if runs:
            calls[operation][api] = count / runs
    return calls


def operation_rows(replay: Any) -> list[dict[str, Any]]:
    """Per operation: rate, DynamoDB calls, estimated duration and the concurrency it needs."""
    calls = _calls_per_operation(replay)
    rows = []
    render_rate = _per_second(replay, replay.recorder.topics.get("render", 0) / replay.every)
    operations = dict(replay.operations)
    for operation in sorted(operations, key=lambda o: (_function_of(o), o)):
        rate = _per_second(replay, operations[operation])
        dynamo = calls.get(operation, {})
        wait_ms = sum(DYNAMODB_MS.get(api, 8) * n for api, n in dynamo.items())
        wait_ms += sum(n * ms for _what, n, ms in OTHER_CALLS.get(operation, ()))
        if _function_of(operation) == "api_handler":
            wait_ms += sum(n * ms for _what, n, ms in API_REQUEST)
        cpu_ms = 1000 * replay.cpu[operation] / max(1, operations[operation])
        duration = wait_ms + cpu_ms
        rows.append({"operation": operation, "function": _function_of(operation), "rate": rate,
                     "dynamodb_calls": sum(dynamo.values()), "cpu_ms": cpu_ms, "duration_ms": duration,
                     "concurrency": rate * duration / 1000})
    posts = _per_second(replay, replay.registry_posts)
    for row in rows:
        if row["function"] == "run_integration" and row["rate"]:
            row["duration_ms"] += posts / row["rate"] * POST_MS
            row["concurrency"] = row["rate"] * row["duration_ms"] / 1000
    if render_rate:
        wait = sum(n * ms for _what, n, ms in OTHER_CALLS["render"]) + 4 * 7  # claim, read, finish, done
        rows.append({"operation": "render (not replayed: from the outbox entries)", "function": "render_pdf",
                     "rate": render_rate, "dynamodb_calls": 4, "cpu_ms": 0.0, "duration_ms": wait,
                     "concurrency": render_rate * wait / 1000})
    return rows


def _function_of(operation: str) -> str:
    if operation.startswith("stream: "):
        return operation.removeprefix("stream: ")
    return FUNCTION_OF.get(operation, "api_handler")


def lambda_settings() -> dict[str, dict[str, Any]]:
    config = json.loads((Path(__file__).resolve().parent.parent / ".chalice" / "config.json").read_text())
    default = config.get("lambda_memory_size", 128)
    functions = config.get("lambda_functions", {})
    return {name: {"memory": spec.get("lambda_memory_size", default), "reserved": spec.get("reserved_concurrency")}
            for name, spec in functions.items()}


def _tiered(count: float, tiers: tuple[tuple[float, float], ...]) -> float:
    cost, left = 0.0, count
    for size, price in tiers:
        used = min(left, size)
        cost += used / 1e6 * price
        left -= used
        if left <= 0:
            break
    return cost


def monthly_costs(replay: Any, rows: list[dict[str, Any]]) -> list[tuple[str, str, float]]:
    """(line, how it is counted, USD) for a month at the replayed rate around the clock."""
    seconds = HOURS_A_MONTH * 3600
    totals = _table_totals(replay)
    wcu = sum(v[1] for v in totals.values())
    rcu = sum(v[3] for v in totals.values())
    settings = lambda_settings()
    gb_seconds = sum(r["rate"] * r["duration_ms"] / 1000 * settings.get(r["function"], {}).get("memory", 512) / 1024
                     for r in rows) * seconds
    invocations = sum(r["rate"] for r in rows) * seconds
    api_requests = sum(r["rate"] for r in rows if r["function"] == "api_handler") * seconds
    messages = sum(r["rate"] for r in rows if r["function"] != "api_handler") * seconds
    mails = _per_second(replay, replay.mails) * seconds
    uploads = sum(r["rate"] for r in rows if r["operation"] == "scan") * seconds
    renders = sum(r["rate"] for r in rows if r["function"] == "render_pdf") * seconds
    kms = sum(r["rate"] * n for r in rows for what, n, _ms in OTHER_CALLS.get(r["operation"], ()) if what.startswith("KMS"))
    kms *= seconds
    lifecycles = replay.lifecycles * replay.every / replay.seconds * seconds
    stored = stored_kb_per_lifecycle(replay)
    p = PRICES
    lines = [
        ("DynamoDB writes (on-demand)", f"{wcu:,.0f} WRU/s", wcu * seconds / 1e6 * p["dynamodb_wru_per_million"]),
        ("DynamoDB reads (on-demand)", f"{rcu:,.0f} RRU/s", rcu * seconds / 1e6 * p["dynamodb_rru_per_million"]),
        ("DynamoDB storage added in the month", f"{stored:.0f} KB a lifecycle, its index copies included",
         lifecycles * stored / 1024 / 1024 * p["dynamodb_gb_month"]),
        ("Lambda duration", f"{gb_seconds / seconds:,.0f} GB-s a second", gb_seconds * p["lambda_gb_second"]),
        ("Lambda requests", f"{invocations / seconds:,.0f} a second", invocations / 1e6 * p["lambda_requests_per_million"]),
        ("API Gateway (REST API, tiered)", f"{api_requests / seconds:,.0f} requests a second",
         _tiered(api_requests, p["api_gateway_rest_per_million"])),
        ("SQS (send, receive, delete per message)", f"{messages / seconds:,.0f} messages a second",
         3 * messages / 1e6 * p["sqs_requests_per_million"]),
        ("SES", f"{mails / seconds:,.0f} e-mails a second", mails / 1000 * p["ses_per_thousand"]),
        ("S3 requests", "per upload: POST, GET, PUT clean; 3 presigned GETs; per PDF: PUT",
         (uploads * 2 + renders) / 1000 * p["s3_put_per_thousand"] + uploads * 4 / 1000 * p["s3_get_per_thousand"]),
        ("KMS", f"{kms / seconds:,.0f} requests a second: a data key per application, a decrypt per decider's read",
         kms / 10_000 * p["kms_per_ten_thousand"]),
        ("S3 storage added in the month", f"{UPLOAD_MB} MB an upload",
         uploads * UPLOAD_MB / 1024 * p["s3_gb_month"]),
    ]
    return [(name, basis, cost * REGION_FACTOR) for name, basis, cost in lines]


def _table_totals(replay: Any) -> dict[str, tuple[float, float, float, float]]:
    from bench.capacity import per_table

    return per_table(replay.recorder, replay.seconds)


# ---- the sections ------------------------------------------------------------------------------

def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def sections(replay: Any, rates: list[Any]) -> dict[str, str]:
    from bench.capacity import PER_SECOND, RCU_LIMIT, WCU_LIMIT, hottest, key_patterns

    rows = operation_rows(replay)
    over = [r for r in rates if r.over]
    out: dict[str, str] = {}
    misses = ", ".join(f"{name}: {count}" for name, count in sorted(replay.mirror.misses.items())) or "none"
    out["replay"] = "\n".join([
        f"Replayed on {date.today().isoformat()} by `python -m bench.capacity --seconds {replay.seconds} "
        f"--every {replay.every}`: {replay.lifecycles:,} lifecycles replayed, standing for "
        f"{replay.lifecycles * replay.every:,} ({replay.seconds} s of the hour at {PER_SECOND:.1f} a second), "
        f"in {replay.elapsed:.0f} s; {replay.approved:,} reached their final approval.",
        "",
        f"**{len(over)} partition keys over the limits** ({WCU_LIMIT:,} WCU/s, {RCU_LIMIT:,} RCU/s) in their busiest "
        f"second" + (": " + ", ".join(f"`{r.key}` ({r.kind})" for r in hottest(over, len(over))) if over else "") + ".",
        "",
        f"Real-store calls whose answer the shadow could not give (what they sent before failing is counted): {misses}.",
    ])
    out["hot"] = _table(
        ["where", "key", "writes/s", "WCU/s", "reads/s", "RCU/s", "share of the limit"],
        [[r.kind, f"`{r.key}`", f"{r.writes:,}", f"{r.wcu:,.0f}", f"{r.reads:,}", f"{r.rcu:,.0f}",
          f"{max(r.wcu / WCU_LIMIT, r.rcu / RCU_LIMIT):.0%}" + (" **over**" if r.over else "")]
         for r in hottest(rates, 20)])
    out["patterns"] = _table(
        ["where", "key pattern", "keys seen", "hottest key", "hottest: WCU/s", "hottest: RCU/s"],
        [[p.kind, f"`{p.shape}`", f"{p.keys:,}", f"`{p.hottest.key}`", f"{p.hottest.wcu:,.0f}", f"{p.hottest.rcu:,.0f}"]
         for p in key_patterns(rates)[:30]])
    totals = _table_totals(replay)
    out["tables"] = _table(
        ["table / index", "writes/s", "WCU/s", "reads/s", "RCU/s"],
        [[("base table" if kind == "table" else f"index `{kind}`"), f"{w:,.0f}", f"{wcu:,.0f}", f"{r:,.0f}", f"{rcu:,.0f}"]
         for kind, (w, wcu, r, rcu) in totals.items()]
        + [["**all**", *(f"**{sum(v[i] for v in totals.values()):,.0f}**" for i in range(4))]])
    out["operations"] = _table(
        ["operation", "function", "per second", "DynamoDB calls each", "replay CPU each", "est. duration", "concurrency"],
        [[r["operation"], r["function"], f"{r['rate']:,.0f}", f"{r['dynamodb_calls']:.1f}", f"{r['cpu_ms']:.1f} ms",
          f"{r['duration_ms']:.0f} ms", f"{r['concurrency']:,.0f}"] for r in rows])
    out["functions"] = _functions(rows)
    out["queues"] = _queues(replay, rows)
    costs = monthly_costs(replay, rows)
    total = sum(c for _n, _b, c in costs)
    per_million = total / (replay.lifecycles * replay.every / replay.seconds * 3600 * HOURS_A_MONTH / 1e6)
    out["cost"] = _table(["line", "counted as", "USD a month"],
                         [[n, b, f"{c:,.0f}"] for n, b, c in costs] + [["**total**", "", f"**{total:,.0f}**"]]) + (
        f"\n\nThat is **≈ USD {per_million:,.0f} per million applications** (a month at 1,000,000 an hour around "
        f"the clock is {HOURS_A_MONTH * 1_000_000:,} applications); storage lines grow month on month.")
    return out


def _functions(rows: list[dict[str, Any]]) -> str:
    from bench.capacity_stream import queue_concurrency_caps

    settings = lambda_settings()
    caps = queue_concurrency_caps()
    by_function: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        by_function[r["function"]][0] += r["rate"]
        by_function[r["function"]][1] += r["concurrency"]
    table_rows = []
    for name, (rate, concurrency) in sorted(by_function.items(), key=lambda kv: -kv[1][1]):
        spec = settings.get(name, {})
        limits = [limit for limit in (spec.get("reserved"), caps.get(name)) if limit is not None]
        cap = min(limits) if limits else None
        verdict = "no cap" if cap is None else ("**too low**" if concurrency > cap else "enough")
        table_rows.append([f"`{name}`", f"{rate:,.0f}", f"{concurrency:,.0f}", f"{spec.get('memory', '?')} MB",
                           _or_dash(spec.get("reserved")), _or_dash(caps.get(name)), verdict])
    total = sum(c for _r, c in by_function.values())
    table_rows.append(["**all**", "", f"**{total:,.0f}**", "", "", "", "account default: 1,000 a region"])
    return _table(["function", "invocations/s", "concurrency needed", "memory", "reserved (.chalice)",
                   "maximum (app.py, SQS)", "cap"], table_rows)


def _or_dash(value: Any) -> str:
    return "–" if value is None else f"{value:,}"


def _queues(replay: Any, rows: list[dict[str, Any]]) -> str:
    rate = {r["operation"]: r["rate"] for r in rows}
    mails = _per_second(replay, replay.mails)
    lines = [
        ["notifications queue (fan-out jobs)", f"{rate.get('notify: fan-out', 0):,.0f} messages/s"],
        ["notifications queue (delivery jobs)", f"{rate.get('notify: deliver', 0):,.0f} messages/s"],
        ["scan queue (S3 object-created events)", f"{rate.get('scan', 0):,.0f} messages/s"],
        ["render queue", f"{sum(r['rate'] for r in rows if r['function'] == 'render_pdf'):,.0f} messages/s"],
        ["integration queue (runs nudged by changes)",
         f"{sum(r['rate'] for r in rows if r['function'] == 'run_integration'):,.0f} messages/s"],
        ["webhook deliveries owed (subscriptions)",
         f"{_per_second(replay, replay.recorder.topics.get('webhook', 0) / replay.every):,.0f} a second"],
        ["posts to subscribers and the civil registry (the runs)", f"{_per_second(replay, replay.registry_posts):,.0f} a second"],
        ["SES", f"{mails:,.0f} e-mails/s"],
    ]
    return _table(["what", "rate"], lines)


def write_tables(path: Path, replay: Any, rates: list[Any]) -> None:
    text = path.read_text()
    for name, body in sections(replay, rates).items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"{path.name} has no generated:{name} section")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    path.write_text(text)
