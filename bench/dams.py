"""`make bench`, the dam register and the regulations library: the dam routes' AWS calls with 100
and with 100,000 days of readings held by the demo's dams, and a search over the library's 1,000
entries timed (bench/run.py calls these; the sized data goes straight into the table)."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import date, timedelta

# The demo's dams, by register code (local/seed.py): the loaded readings are spread over them.
DAMS = ("BDG-32.14-001", "BDG-32.11-001", "BDG-36.02-001", "BDG-32.17-001", "BDG-32.14-002")
# Loaded days end this many days before today, each dam's going back from there: the days
# between are left empty for what the measured requests enter (a new window each size).
LOADED_BEFORE = 100
MEASURED_DAM = "BDG-32.14-001"  # Jatiluhur
SEARCH_RUNS = 20


def _ids(bench) -> dict[str, str]:
    from chalicelib.adapters.dynamodb import asset_models as a

    if not hasattr(bench, "dam_ids"):
        codes = {code: a.AssetCodeItem.get(f"ASSETCODE#{code}", "C").asset_id for code in DAMS}
        bench.dam_ids, bench.dam_days, bench.dam_round = codes, dict.fromkeys(DAMS, 0), 0
        bench.readings_held = _demo_days()
    return bench.dam_ids


def _demo_days() -> int:
    from local.seed import DEMO_READING_DAYS, DEMO_READINGS

    return DEMO_READING_DAYS * len(DEMO_READINGS)


def _today(bench) -> date:
    return bench.deps.clock.now().astimezone(bench.deps.settings.org_timezone).date()


def load_readings(bench, target: int) -> None:
    """Days of readings up to `target` in all (the demo's weeks included), round-robin over the
    demo's dams, each dam's going back a day at a time from LOADED_BEFORE days ago; written in
    batches, as the applications are (only the partitions' sizes matter here)."""
    from chalicelib.adapters.dynamodb import asset_models as a

    ids, newest = _ids(bench), _today(bench) - timedelta(days=LOADED_BEFORE)
    now = bench.deps.clock.now()
    with a.ReadingItem.batch_write() as batch:
        for n in range(max(0, target - bench.readings_held)):
            code = DAMS[n % len(DAMS)]
            day = newest - timedelta(days=bench.dam_days[code])
            bench.dam_days[code] += 1
            values = {"level_m": 100.0 + (n % 50) / 10, "inflow_m3s": 40.0, "outflow_m3s": 45.5, "rainfall_mm": n % 30,
                      "seepage_ls": 4.2}
            batch.save(a.ReadingItem(f"ASSET#{ids[code]}", f"R#{day.isoformat()}", values=values,
                                     entered_by="usr_bench", entered_at=now))
    bench.readings_held = max(target, bench.readings_held)


def measure(bench, record, results) -> None:
    """One request per dam route. Each size enters its own empty days (a 30-day import, then one
    day), so both sizes do the same work; the month read is one of the loaded months."""
    ids = _ids(bench)
    dam_id, window = ids[MEASURED_DAM], bench.dam_round
    bench.dam_round += 1
    today = _today(bench)
    registrar, operator = bench.login("registrasi.bendungan"), bench.login("operator.bendungan")
    record("GET", "/assets", *bench.counted("GET", "/assets?limit=20")[:2])
    results[("GET", "/assets?q=citarum (staff)")] = bench.counted("GET", "/assets?q=citarum&limit=20",
                                                                  token=operator)[:2]
    record("GET", "/assets/{id}", *bench.counted("GET", f"/assets/{dam_id}")[:2])
    results[("GET", "/assets/{id} (staff)")] = bench.counted("GET", f"/assets/{dam_id}", token=operator)[:2]
    month_end = today - timedelta(days=LOADED_BEFORE)
    record("GET", "/assets/{id}/readings", *bench.counted(
        "GET", f"/assets/{dam_id}/readings?from={month_end - timedelta(days=29)}&to={month_end}", token=operator)[:2])
    first = today - timedelta(days=LOADED_BEFORE - 1 - 31 * window)
    rows = "".join(f"{first + timedelta(days=n)},101.{n % 10},40,45.5,{n % 7},4.2\n" for n in range(30))
    status, calls, imported = _counted_csv(bench, f"/assets/{dam_id}/readings/import",
                                           "date,level_m,inflow_m3s,outflow_m3s,rainfall_mm,seepage_ls\n" + rows, operator)
    assert status == 200 and imported["imported"] == 30, imported
    record("POST", "/assets/{id}/readings/import", status, calls)
    record("PUT", "/assets/{id}/readings/{date}", *bench.counted(
        "PUT", f"/assets/{dam_id}/readings/{first + timedelta(days=30)}", {"level_m": 101.5, "rainfall_mm": 3},
        token=operator)[:2])
    status, calls, made = bench.counted("POST", "/assets", {
        "node_id": "dam-division", "name": f"Bendungan Bench {uuid.uuid4().hex[:6]}",
        "register_code": f"BENCH-{uuid.uuid4().hex[:8]}", "river_basin": "Citarum", "type": "earthfill",
        "location": {"province_code": "32", "regency_code": "32.14", "district_code": "32.14.03", "lat": -6.5,
                     "lon": 107.4},
        "purposes": ["irrigation"], "hazard_class": "low", "status": "operating"}, token=registrar)
    record("POST", "/assets", status, calls)
    record("PATCH", "/assets/{id}", *bench.counted("PATCH", f"/assets/{made['id']}", {"version": 1, "height_m": 21},
                                                   token=registrar)[:2])
    record("GET", "/assets/{id}/history", *bench.counted("GET", f"/assets/{made['id']}/history", token=registrar)[:2])
    _measure_duties(bench, record, dam_id, today, registrar, operator)


def _measure_duties(bench, record, dam_id: str, today: date, registrar: str, operator: str) -> None:
    """The dam's documents, inspections and monitoring obligations: one request each, the same
    work at each size (a new document, a new inspection, its follow-up)."""
    inspector = bench.login("inspektur.bendungan")
    drawing = {"kind": "drawing", "filename": "denah-pelimpah.pdf", "content_type": "application/pdf", "size": 120_000}
    # The uploader's daily upload counter opens its window on the day's first upload (one more
    # write): warmed, so both sizes measure an upload like every later one that day.
    bench.call("POST", f"/assets/{dam_id}/documents", drawing, token=registrar)
    record("POST", "/assets/{id}/documents", *bench.counted("POST", f"/assets/{dam_id}/documents", drawing,
                                                            token=registrar)[:2])
    record("GET", "/assets/{id}/documents", *bench.counted("GET", f"/assets/{dam_id}/documents?limit=20",
                                                           token=operator)[:2])
    status, calls, inspection = bench.counted("POST", f"/assets/{dam_id}/inspections", {
        "kind": "routine", "date": str(today), "inspectors": ["Wati"], "findings": [{"text": "Baik", "severity": "low"}],
        "recommendations": [{"text": "Bersihkan drainase", "due_date": str(today + timedelta(days=30))}],
        "next_due": str(today + timedelta(days=180))}, token=inspector)
    record("POST", "/assets/{id}/inspections", status, calls)
    record("GET", "/assets/{id}/inspections", *bench.counted("GET", f"/assets/{dam_id}/inspections?limit=20",
                                                             token=operator)[:2])
    record("PATCH", "/assets/{id}/inspections/{inspection_id}", *bench.counted(
        "PATCH", f"/assets/{dam_id}/inspections/{inspection['id']}",
        {"recommendations": [{"index": 0, "status": "in_progress"}]}, token=operator)[:2])
    record("GET", "/assets/{id}/obligations", *bench.counted("GET", f"/assets/{dam_id}/obligations",
                                                             token=operator)[:2])
    record("GET", "/assets/{id}/applications", *bench.counted("GET", f"/assets/{dam_id}/applications?limit=20",
                                                              token=operator)[:2])


def _counted_csv(bench, path: str, text: str, token: str) -> tuple[int, int, dict]:
    """bench.counted for a text/csv body."""
    import json

    bench.deps.keys.get()
    before = sum(bench.emulator.calls.values())
    response = bench.client.http.request("POST", path, body=text.encode(), headers={
        "Content-Type": "text/csv", "Authorization": f"Bearer {token}"})
    calls = sum(bench.emulator.calls.values()) - before
    return response.status_code, calls, json.loads(response.body)


# ---- the regulations library: a search over 1,000 entries ------------------------------------

SEARCHES = (
    ("bendungan keamanan", "two words most entries hold"),
    ("waduk", "one word most entries hold"),
    ("27/PRT/M/2015", "a demo regulation's number"),
    ("kata500", "a word one entry's PDF text holds"),
)


def time_searches(bench, entries: int) -> dict:
    """Each search SEARCH_RUNS times, in-process against the emulator: its AWS calls (the same
    every run) and its time, median and slowest. `entries` is how many the library holds."""
    rows = []
    for q, what in SEARCHES:
        path = f"/regulations?q={q.replace(' ', '+')}&limit=20"
        bench.call("GET", path)  # warm: the view's module and its imports loaded once
        runs = []
        for _ in range(SEARCH_RUNS):
            started = time.perf_counter()
            status, calls, answer = bench.counted("GET", path)
            runs.append((time.perf_counter() - started, calls, status, len(answer["items"])))
        times = sorted(r[0] for r in runs)
        rows.append({"q": q, "what": what, "status": runs[0][2], "calls": sorted({r[1] for r in runs}),
                     "found": runs[0][3], "median_ms": statistics.median(times) * 1000, "slowest_ms": times[-1] * 1000})
    return {"entries": entries, "runs": SEARCH_RUNS, "rows": rows}


def search_section(result: dict) -> list[str]:
    lines = [
        f"## The regulations library: a search over {result['entries']:,} entries",
        "",
        f"With the demo's entries and {result['entries']:,} more in the library (most holding the common words; "
        "each its own number and a word of its own, `kata<n>`, in its PDF text), each search made "
        f"{result['runs']} times in-process against the emulator (the request through the app's pipeline and "
        "the emulator's DynamoDB over loopback); AWS calls counted by the emulator. No target is set for the "
        "time; the calls must not grow with the library (the table above has the same search at 10 entries).",
        "",
        "| search | what it matches | status | entries on the page | AWS calls | median | slowest |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        calls = ", ".join(str(c) for c in row["calls"])
        lines.append(f"| `q={row['q']}` | {row['what']} | {row['status']} | {row['found']} | {calls} | "
                     f"{row['median_ms']:.0f} ms | {row['slowest_ms']:.0f} ms |")
    return lines + [""]
