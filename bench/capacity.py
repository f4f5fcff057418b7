"""The capacity model's replay: the keys a simulated hour of 1,000,000 applications would write
and read, from the domain's own change-sets, no AWS needed; and the tables of docs/CAPACITY.md.

    python -m bench.capacity            # replay, print the top keys, rewrite CAPACITY.md's tables
    python -m bench.capacity --seconds 4 --no-write

How: the real services (ApplicationService, DocumentService, NotificationService, the
subscriptions' matching, the notification worker's idempotent delivery) run on the in-memory fakes,
each fake store mirrored onto its real DynamoDB store (bench/capacity_world.py), whose requests are
recorded per second instead of sent (bench/capacity_capture.py). Each arrival runs a whole lifecycle
(create, its uploads each scanned, submit, three decisions, each change's notices fanned out and
e-mailed, an inbox and application read per decision, a tracking read, a dashboard read).

Sampling: the hour's arrivals are spread evenly (one every 3.6 ms). The replay takes a window of
`seconds` consecutive seconds of them (seconds × 277.8 lifecycles) and folds each lifecycle's later
events (its decisions come 10, 20 and 30 minutes after filing) into the window modulo its length —
the steady state of the hour, in which every second holds ≈ 278 creates, ≈ 278 submits, ≈ 833
decisions… of different applications at their own offices. Rates are counted per key per second
and the busiest second of the window is reported. Keys shared by many arrivals (an office's, a
service's, a constant) get their full rate; keys of one application get its whole lifecycle within
the window (a pessimistic rate for them, harmless: they are far below any limit)."""

from __future__ import annotations

import argparse
import heapq
import math
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.capacity_capture import TABLE, Recorder, recording, table_indexes
from bench.capacity_world import (
    CIVIL_STAFF, KELURAHAN, KOTA, PERMIT_STAFF, Mirror, bind_models, kelurahan, permit_desk,
)

PER_HOUR = 1_000_000
PER_SECOND = PER_HOUR / 3600
WCU_LIMIT, RCU_LIMIT = 1_000, 3_000  # per partition (and per index partition), per second
WIB = timezone(timedelta(hours=7))
# The month's last working day, 09:00–10:00 WIB: month-end is the seeds' peak.
HOUR_START = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)
# How the busiest office compares: the seeds' busiest office peaks at 10,000 transactions an
# hour; a lifecycle is about 9 transactions (create, 2 uploads, 2 scans, submit, 3 decisions).
BUSIEST_OFFICE_LIFECYCLES = 10_000 / 9
# When in a lifecycle each step happens (seconds after filing).
DECISION_AFTER = (600, 1200, 1800)
SERVICE_MIX = (  # (service, share of arrivals): the programs whose offices cover the country
    ("civil-birth-report", 0.40), ("civil-move-report", 0.25), ("city-business-permit", 0.35),
)


@dataclass
class Replay:
    seconds: int
    recorder: Recorder
    mirror: Mirror
    every: int = 1
    lifecycles: int = 0
    approved: int = 0  # lifecycles that reached their final approval (the replay did not stop short)
    registry_posts: int = 0  # webhook and civil-registry posts the registry runs made
    mails: int = 0
    operations: Counter = field(default_factory=Counter)  # API routes and worker jobs, by name
    cpu: Counter = field(default_factory=Counter)  # the replay's CPU seconds, by operation
    stream_records: dict[str, int] = field(default_factory=dict)  # handed to each stream function
    elapsed: float = 0.0


def office_share(rank: int, offices: int, busiest: float) -> float:
    """Zipf-like weights 1/(rank+1)^s with s chosen so the busiest of `offices` takes `busiest` of
    all arrivals (a national tree: a few busy city offices, a long tail of quiet kelurahan)."""
    exponent = _zipf_exponent(offices, busiest)
    return (rank + 1) ** -exponent / _harmonic(offices, exponent)


def _harmonic(n: int, s: float) -> float:
    # Euler–Maclaurin: exact enough for n in the tens of thousands.
    return (n ** (1 - s) - 1) / (1 - s) + 0.5 * (1 + n ** -s) + s / 12 * (1 - n ** (-s - 1)) if s != 1 else math.log(n) + 0.5772


def _zipf_exponent(offices: int, busiest: float) -> float:
    low, high = 0.0, 0.99
    for _ in range(60):
        middle = (low + high) / 2
        if 1 / _harmonic(offices, middle) > busiest:
            high = middle
        else:
            low = middle
    return (low + high) / 2


class OfficePicker:
    """The office arrival i files at: inverse CDF of the Zipf-like shares at a low-discrepancy
    point, so a window's arrivals take each office its share (rank → office spread over the map)."""

    def __init__(self, offices: int, busiest: float) -> None:
        self.offices = offices
        exponent = _zipf_exponent(offices, busiest)
        norm = _harmonic(offices, exponent)
        self.exponent, self.norm = exponent, norm

    def rank(self, point: float) -> int:
        # Inverse of the continuous CDF ((r+1)^(1-s) - 1) / ((1-s) norm).
        s = self.exponent
        rank = (point * (1 - s) * self.norm + 1) ** (1 / (1 - s)) - 1
        return min(self.offices - 1, max(0, int(rank)))

    def office(self, point: float) -> int:
        return (self.rank(point) * 7919) % self.offices  # a prime stride: busy ranks land far apart


def _service_of(point: float) -> str:
    total = 0.0
    for service_id, share in SERVICE_MIX:
        total += share
        if point < total:
            return service_id
    return SERVICE_MIX[-1][0]


def run(seconds: int = 4, every: int = 1) -> Replay:
    """Replay `seconds` seconds of the hour's steady state; answers the recorder with its usage.
    With `every` > 1 only every n-th arrival is replayed, each standing for n (a quicker sample:
    keys shared by many arrivals keep their rate, one application's keys show n times theirs)."""
    from bench import capacity_lifecycle as lifecycle

    import warnings

    # Powertools asks for the Lambda context's remaining time; the replay has none.
    warnings.filterwarnings("ignore", message="Couldn't determine the remaining time")
    bind_models(TABLE)
    from bench.capacity_stream import replay_stream, stream_functions

    recorder = Recorder(indexes=table_indexes(), weight=every)
    recorder.stream = [] if stream_functions() else None
    mirror = Mirror()
    replay = Replay(seconds, recorder, mirror, every)
    started = time.perf_counter()
    with recording(recorder):
        world = lifecycle.World.build(recorder, mirror, HOUR_START, WIB)
        try:
            civil_offices = OfficePicker(KELURAHAN, _busiest_share(KELURAHAN))
            permit_offices = OfficePicker(KOTA, _busiest_share(KOTA))
            count = round(seconds * PER_SECOND)
            golden = (math.sqrt(5) - 1) / 2
            clock = lifecycle.Clock(world, replay)
            due: list[tuple[float, int, Any, str]] = []  # (moment, arrival, its steps, the next step)
            for i in range(0, count, every):
                service_id = _service_of((i * 0.7548776662) % 1.0)
                point = (i * golden) % 1.0
                civil = service_id.startswith("civil")
                office = kelurahan(civil_offices.office(point)) if civil else permit_desk(permit_offices.office(point))
                world.offices.ensure(office, CIVIL_STAFF if civil else PERMIT_STAFF)
                steps = lifecycle.lifecycle(world, replay, i, service_id, office)
                _schedule(due, i / PER_SECOND, i, steps)
            while due:
                moment, i, steps, operation = heapq.heappop(due)
                clock.begin(moment, operation)
                _schedule(due, i / PER_SECOND, i, steps)
            clock.done()
            replay.stream_records = replay_stream(replay, HOUR_START.timestamp())
            replay.lifecycles = len(range(0, count, every))
        finally:
            world.close()
    replay.elapsed = time.perf_counter() - started
    replay.mails = len(world.fakes.mailer.sent)
    replay.registry_posts = sum(len(outside.script.calls) for outside in (world.fakes.webhooks, world.fakes.civil))
    replay.approved = sum(1 for app in world.fakes.applications.apps.values() if app.status == "approved")
    return replay


def _schedule(due: list, arrival: float, number: int, steps: Any) -> None:
    """Run a lifecycle up to its next step and put that step in time order."""
    step = next(steps, None)
    if step is not None:
        offset, operation = step
        heapq.heappush(due, (arrival + offset, number, steps, operation))


def _busiest_share(offices: int) -> float:
    """The busiest office's share of the hour's arrivals, but never below its fair share."""
    return max(BUSIEST_OFFICE_LIFECYCLES / PER_HOUR, 1.5 / offices)


# ---- rates ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyRate:
    kind: str  # "table" or an index's name
    key: str
    writes: int  # in its busiest second
    wcu: float
    reads: int
    rcu: float

    @property
    def over(self) -> bool:
        return self.wcu > WCU_LIMIT or self.rcu > RCU_LIMIT


def key_rates(recorder: Recorder) -> list[KeyRate]:
    """Each key's busiest second (writes and reads each at their own busiest second)."""
    rates = []
    for (kind, key), per_second in recorder.usage.items():
        seconds = per_second.values()
        rates.append(KeyRate(kind, key, max(u.writes for u in seconds), max(u.wcu for u in seconds),
                             max(u.reads for u in seconds), max(u.rcu for u in seconds)))
    return rates


def hottest(rates: list[KeyRate], count: int = 10) -> list[KeyRate]:
    return sorted(rates, key=_share, reverse=True)[:count]


def key_shape(key: str) -> str:
    """A key with its ids replaced by their kind and a trailing shard number by `#{shard}`, so the
    keys of one pattern (every shard of `SENDS#subscriptions#pending`, every office's `COUNT#`) group
    together."""
    import re

    # Codes first: a tracking or certificate code may hold digits a date pattern would take.
    shape = re.sub(r"^(TRACK|CERT)#[0-9A-Z]+(?:-[0-9A-Z]+)+", r"\1#{code}", key)
    shape = re.sub(r"^NIK#[\w-]+", "NIK#{nik}", shape)
    shape = re.sub(r"(app|doc|usr|sub|ntf)[-_][\w-]+", r"{\1}", shape)
    shape = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.]+Z", "{time}", shape)
    shape = re.sub(r"\d{4}-\d{2}-\d{2}", "{day}", shape)
    shape = re.sub(r"\d{4}-\d{2}", "{month}", shape)
    shape = re.sub(r"(kel|kec|kota|prov|ptsp)-\d+", r"{\1}", shape)
    return re.sub(r"#\d+$", "#{shard}", shape)


@dataclass(frozen=True)
class KeyPattern:
    kind: str
    shape: str
    keys: int
    hottest: KeyRate  # the pattern's key nearest its limit


def key_patterns(rates: list[KeyRate]) -> list[KeyPattern]:
    """Keys grouped by their shape, each pattern with its hottest key; hottest pattern first."""
    grouped: dict[tuple[str, str], list[KeyRate]] = defaultdict(list)
    for rate in rates:
        grouped[(rate.kind, key_shape(rate.key))].append(rate)
    patterns = [KeyPattern(kind, shape, len(found), hottest(found, 1)[0]) for (kind, shape), found in grouped.items()]
    return sorted(patterns, key=lambda p: -_share(p.hottest))


def _share(rate: KeyRate) -> float:
    return max(rate.wcu / WCU_LIMIT, rate.rcu / RCU_LIMIT)


def per_table(recorder: Recorder, seconds: int) -> dict[str, tuple[float, float, float, float]]:
    """Mean writes, WCU, reads and RCU per second, by table / index."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for (kind, _key), per_second in recorder.usage.items():
        for usage in per_second.values():
            row = totals[kind]
            row[0] += usage.writes
            row[1] += usage.wcu
            row[2] += usage.reads
            row[3] += usage.rcu
    return {kind: tuple(v / seconds for v in row) for kind, row in sorted(totals.items())}  # type: ignore[misc]


def format_top(rates: list[KeyRate], count: int = 10) -> str:
    lines = [f"{'where':<12} {'key':<58} {'writes/s':>9} {'WCU/s':>8} {'reads/s':>8} {'RCU/s':>8}"]
    for rate in hottest(rates, count):
        flag = "  OVER" if rate.over else ""
        lines.append(f"{rate.kind:<12} {rate.key[:58]:<58} {rate.writes:>9} {rate.wcu:>8.0f} {rate.reads:>8} "
                     f"{rate.rcu:>8.1f}{flag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=4, help="seconds of the hour's steady state to replay")
    parser.add_argument("--every", type=int, default=1, help="replay every n-th arrival, each standing for n")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/CAPACITY.md alone")
    args = parser.parse_args(argv)
    replay = run(args.seconds, args.every)
    rates = key_rates(replay.recorder)
    print(f"replayed {replay.lifecycles} lifecycles ({args.seconds} s at {PER_SECOND:.1f}/s) in {replay.elapsed:.1f} s")
    print(format_top(rates, 10))
    if replay.mirror.misses:
        print("real-store calls the shadow could not answer:", dict(replay.mirror.misses))
    if not args.no_write:
        from bench.capacity_doc import write_tables

        path = Path(__file__).resolve().parent.parent / "docs" / "CAPACITY.md"
        write_tables(path, replay, rates)
        print(f"wrote {path}")
    return 1 if any(r.over for r in rates) else 0


if __name__ == "__main__":
    sys.exit(main())
