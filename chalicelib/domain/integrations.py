"""What satupintu owes the external registries, and how to read their answers (SPEC.md,
"External registries").

A change that makes something to send (an approved expenditure, a day's service statistics,
an approved civil-registry event) names it as an `IntegrationRecord`; the application store writes
it in the change's own transaction, as the record's send-log entry in state `pending`. Senders
drain what is due and record each answer on the entry.

Finance registry ("BIOS") records are day totals: the registry keeps one value per day and
account (`tgl_transaksi`, `kd_akun`) and a second post replaces the first. So an approval adds
its amount to the (day, account) record and marks it pending again; the sender posts the whole
total. Posting a total twice (after a crash between the post and recording its answer) changes
nothing in the registry; posting single expenditures would have counted one twice.

Civil-registry events are delivered with their event id as the idempotency key: the registry
answers a repeated key with the first answer.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping

from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.application_state import APPROVED, REJECTED, ApplicationChange
from chalicelib.domain.nik import mask_nik
from chalicelib.domain.pii import Sealed

FINANCE_REGISTRY, CIVIL_REGISTRY = "bios", "civil-registry"
# Event subscriptions' deliveries share the send log and its senders (domain/subscriptions.py).
SUBSCRIPTIONS = "subscriptions"
TARGETS = (FINANCE_REGISTRY, CIVIL_REGISTRY, SUBSCRIPTIONS)
# A job names at most this many records to send (a change owes a few: its registry records and
# one delivery per subscription to its event); more, and a run goes through the target's whole due
# index. Well under SQS's 256 KiB a message.
RECORDS_PER_JOB = 100

# The civil registry's NIK check of a filed civil-registry event, one record per NIK field:
# posted off the request path and retried while the registry is unavailable.
NIK_CHECK = "nik/verify"
# What a NIK check found, as the application records it.
NIK_MATCH, NIK_NO_MATCH, NIK_UNAVAILABLE = "match", "no_match", "unavailable"

# Finance registry (BIOS) datasets: the path under {base}/api/ws/ each one is posted to. The
# finance paths and their fields are those BIOS's public clients post to (e.g. the Laravel
# clients' SaldoKeuanganController and sendPenerimaan command, and the Python sheet-to-BIOS
# sync scripts, all posting form fields to {base}/api/ws/keuangan/...): revenue and spending
# per day and account (tgl_transaksi, kd_akun, jumlah); the operational account's balance
# (kdbank, no_rekening, unit, saldo_akhir); cash management, i.e. deposits (kdbank, no_bilyet,
# nilai_deposito, nilai_bunga); managed funds (kdbank, no_rekening, saldo_akhir).
REVENUE = "keuangan/akuntansi/penerimaan"
EXPENDITURES = "keuangan/akuntansi/pengeluaran"
BALANCE_OPERATIONAL = "keuangan/saldo/saldo_operasional"
BALANCE_CASH_MANAGEMENT = "keuangan/saldo/saldo_pengelolaan_kas"
BALANCE_MANAGED_FUNDS = "keuangan/saldo/saldo_dana_kelolaan"
# Staff counts by employment category. BIOS's public clients post them per sector
# (kesehatan/sdm/…, pendidikan/sdm/… with pns, pppk / pegawai_pppk, non_pns, kontrak); a
# general service unit's path is not in any public client, so this one follows their pattern.
STAFF = "layanan/sdm/data_pegawai"
SERVICE_STATISTICS = "layanan/statistik/harian"
# The public satisfaction index (IKM) per service and month, a service indicator.
SATISFACTION = "layanan/ikm/bulanan"

# The running totals each dataset posts: all of them, zero where nothing was added yet.
DATASET_TOTALS = {REVENUE: ("jumlah",), EXPENDITURES: ("jumlah",),
                  SERVICE_STATISTICS: ("jml_permohonan", "jml_selesai")}
# The balances finance staff enter each day: the account kind in the route → its dataset and
# the fields it takes (each a whole number of rupiah but the identifying ones).
BALANCES = {
    "operasional": (BALANCE_OPERATIONAL, ("kdbank", "no_rekening", "unit"), ("saldo_akhir",)),
    "pengelolaan-kas": (BALANCE_CASH_MANAGEMENT, ("kdbank", "no_bilyet"), ("nilai_deposito", "nilai_bunga")),
    "dana-kelolaan": (BALANCE_MANAGED_FUNDS, ("kdbank", "no_rekening"), ("saldo_akhir",)),
}
# Datasets whose day totals are worked out at the push from the day's facts (one small item per
# change, `DayFact`), not added to one item by every change: at a national peak (≈280
# applications a second) a service's day of statistics would take every submission and every
# final decision (≈560 transactional writes a second, over DynamoDB's 1,000 per partition once
# doubled), and a fee account's day of revenue every approval of its services. docs/DATA.md says
# why the expenditure and the satisfaction index keep their running totals.
TOTALLED_AT_PUSH = frozenset({SERVICE_STATISTICS, REVENUE})

# Staff counts HR enters: BIOS's employment categories.
STAFF_CATEGORIES = ("pns", "pppk", "non_pns", "kontrak")

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATES = (PENDING, SENT, FAILED)

# The finance push runs daily at this local hour and sends what changed before that day (H-1).
FINANCE_PUSH_HOUR = 1


@dataclass(frozen=True)
class IntegrationRecord:
    """One record to (re)send, as a change writes it.

    `fields` are set as they are (the record's identity and, for an event, its whole body);
    `adds` are added to running totals (a day's expenditure per account, a day's counts)."""

    target: str
    dataset: str
    day: str  # YYYY-MM-DD: the day the record is about
    key: str  # unique within target and dataset
    due_at: datetime
    fields: Mapping[str, Any] = field(default_factory=dict)
    adds: Mapping[str, int] = field(default_factory=dict)
    # NIKs the body carries masked, sealed under their application's key; `sealed_paths` says
    # where each goes in the body ("nik", "data.father_nik") when the record is sent.
    sealed: Sealed | None = None
    sealed_paths: Mapping[str, str] = field(default_factory=dict)
    # Where the record comes from (root → office): ops at or above it are told if it fails.
    node_path: tuple[str, ...] = ()
    # A change's part of a total worked out at the push (TOTALLED_AT_PUSH): the change that adds
    # it (application and version), so the same change written twice counts once.
    event: str = ""
    # Totals set as they are (a day's totals the push worked out), where `adds` adds to them.
    totals: Mapping[str, int] = field(default_factory=dict)

    @property
    def totalled_at_push(self) -> bool:
        """Written as the day's fact of this change, not added to the record itself."""
        return bool(self.event) and self.target == FINANCE_REGISTRY and self.dataset in TOTALLED_AT_PUSH


@dataclass(frozen=True)
class SendEntry:
    """A record's send-log entry: what to send, and the story of sending it."""

    target: str
    dataset: str
    day: str
    key: str
    state: str
    fields: dict[str, Any]
    totals: dict[str, int]
    version: int  # changes written to the record so far
    sent_version: int  # the change the registry last saved
    attempts: int
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_http_status: int | None = None
    last_code: str | None = None
    last_message: str | None = None
    registry_id: str | None = None
    sent_at: datetime | None = None
    lease_until: datetime | None = None
    sealed: Sealed | None = None  # as IntegrationRecord's
    sealed_paths: Mapping[str, str] = field(default_factory=dict)
    node_path: tuple[str, ...] = ()  # as IntegrationRecord's

    @property
    def body(self) -> dict[str, Any]:
        """What is posted: the fixed fields and the running totals (for the satisfaction index,
        the index worked out from its running sums)."""
        if self.target == FINANCE_REGISTRY and self.dataset == SATISFACTION:
            return {**self.fields, **satisfaction_fields(self.totals)}
        zeros = dict.fromkeys(DATASET_TOTALS.get(self.dataset, ()), 0) if self.target == FINANCE_REGISTRY else {}
        return {**self.fields, **zeros, **self.totals}


# ---- what a change owes ------------------------------------------------------------------------

def next_finance_push(moment: datetime, tz: timezone) -> datetime:
    """The first daily push after the day of `moment` is over (H-1)."""
    local_day = moment.astimezone(tz).date()
    return datetime.combine(local_day + timedelta(days=1), time(FINANCE_PUSH_HOUR), tz)


def records_for_change(change: ApplicationChange, service: ServiceType, tz: timezone,
                       account_codes: Mapping[str, str]) -> tuple[IntegrationRecord, ...]:
    """The registry records a change adds to: the day's service statistics (received on a first
    submission; completed on a final approval or rejection), an approved spending report's
    expenditure, an approved civil-registry event."""
    entry, app = change.history, change.application
    at = entry.at
    day = at.astimezone(tz).date().isoformat()
    finance_due = next_finance_push(at, tz)
    records: list[IntegrationRecord] = []
    event = f"{app.id}#v{app.version}"

    def statistics(counter: str) -> IntegrationRecord:
        return IntegrationRecord(FINANCE_REGISTRY, SERVICE_STATISTICS, day, f"{day}#{service.id}", finance_due,
                              fields={"tgl_transaksi": day, "kd_layanan": service.id}, adds={counter: 1},
                              node_path=tuple(app.node_path), event=event)

    if entry.action == "submit":
        records.append(statistics("jml_permohonan"))
    final = entry.to_status in (APPROVED, REJECTED) and entry.from_status not in (APPROVED, REJECTED)
    if final and entry.action in ("approve", "reject"):
        records.append(statistics("jml_selesai"))
    if entry.action == "approve" and entry.to_status == APPROVED:
        on_approval = service.on_approval
        if on_approval.budget_posting:
            expenditure = _expenditure(app.data, account_codes, finance_due)
            if expenditure:
                records.append(replace(expenditure, node_path=tuple(app.node_path)))
        revenue = _revenue(service, day, finance_due, tuple(app.node_path))
        if revenue:
            records.append(replace(revenue, event=event))
        if on_approval.registry_push == CIVIL_REGISTRY and on_approval.registry_event:
            records.append(replace(_civil_event(app.id, app.data, app.sealed, service, day, at),
                                   node_path=tuple(app.node_path)))
    if entry.action in ("submit", "resubmit") and service.on_approval.registry_push == CIVIL_REGISTRY:
        records.extend(replace(check, node_path=tuple(app.node_path)) for check in nik_checks(change, service, day))
    return tuple(records)


def day_totals(facts: Iterable[IntegrationRecord], due_at: datetime) -> list[IntegrationRecord]:
    """The records a day's facts add up to, each with its whole totals (zero where no fact
    added to one) and due at `due_at`: what the push sets, so working a day out again sets the
    same totals. A fact seen twice (the same change's) counts once."""
    seen: set[tuple[str, str, str, str]] = set()
    grouped: dict[tuple[str, str, str], IntegrationRecord] = {}
    sums: dict[tuple[str, str, str], dict[str, int]] = {}
    for fact in facts:
        identity = (fact.target, fact.dataset, fact.key)
        if (*identity, fact.event) in seen:
            continue
        seen.add((*identity, fact.event))
        grouped[identity] = fact
        totals = sums.setdefault(identity, dict.fromkeys(DATASET_TOTALS.get(fact.dataset, ()), 0))
        for name, delta in fact.adds.items():
            totals[name] = totals.get(name, 0) + int(delta)
    return [replace(fact, due_at=due_at, adds={}, event="", totals=sums[identity])
            for identity, fact in sorted(grouped.items())]


def nik_checks(change: ApplicationChange, service: ServiceType, day: str) -> list[IntegrationRecord]:
    """Each NIK of a filed civil-registry event, to be checked against the registry with the
    name beside it on the form (`mother_nik` → `mother_name`); due at once. The NIK goes sealed,
    as the application keeps it."""
    app, at = change.application, change.history.at
    sealed = app.sealed.values if app.sealed is not None else {}
    records = []
    for spec in service.fields:
        if spec.type != "nik" or spec.name not in sealed or spec.name not in app.data:
            continue
        name = app.data.get(spec.name.removesuffix("_nik") + "_name") or app.applicant_name
        records.append(IntegrationRecord(
            CIVIL_REGISTRY, NIK_CHECK, day, f"{app.id}#{spec.name}", at,
            fields={"application_id": app.id, "field": spec.name, "nik": app.data[spec.name], "name": name},
            sealed=app.sealed.only({spec.name}), sealed_paths={"nik": spec.name}))
    return records


def read_nik_check(match: bool | None) -> Outcome:
    """The registry's verdict on a NIK: saved either way (no match is an answer, flagged to the
    deciders); no answer now is retried later."""
    if match is None:
        return Outcome(RETRY, None, "the civil registry is unavailable; checked again later")
    return Outcome(SAVED, "SESUAI" if match else "TIDAK SESUAI", NIK_MATCH if match else NIK_NO_MATCH)


def _expenditure(data: Mapping[str, Any], account_codes: Mapping[str, str], due: datetime) -> IntegrationRecord | None:
    category, amount, spent_on = data.get("category"), data.get("amount"), data.get("spent_on")
    if not isinstance(category, str) or not isinstance(amount, int) or not isinstance(spent_on, str):
        return None
    # A category without an account code still gets its record: it fails at sending with the
    # reason, in the send log, where ops see it; the approval is not the place to fail.
    account = account_codes.get(category, "")
    return IntegrationRecord(FINANCE_REGISTRY, EXPENDITURES, spent_on, f"{spent_on}#{account or category}", due,
                          fields={"tgl_transaksi": spent_on, "kd_akun": account}, adds={"jumlah": amount})


def _revenue(service: ServiceType, day: str, due: datetime, node_path: tuple[str, ...]) -> IntegrationRecord | None:
    """A fee the service charges is revenue (penerimaan) on the day its application is approved,
    added to that day's total of the fee's revenue account."""
    fee = service.fee
    if fee is None or fee.free or not fee.amount or not fee.account:
        return None
    return IntegrationRecord(FINANCE_REGISTRY, REVENUE, day, f"{day}#{fee.account}", due,
                             fields={"tgl_transaksi": day, "kd_akun": fee.account}, adds={"jumlah": fee.amount},
                             node_path=node_path)


def balance_record(kind: str, day: str, node_path: tuple[str, ...], values: Mapping[str, Any],
                   due: datetime) -> IntegrationRecord:
    """A day's balance of one account, as finance staff entered it: one record per day, account
    kind and account, replaced when entered again (BIOS keeps the last one posted)."""
    dataset, identity, _amounts = BALANCES[kind]
    account = ":".join(str(values[name]) for name in identity if name != "unit")
    return IntegrationRecord(FINANCE_REGISTRY, dataset, day, f"{day}#{account}", due,
                             fields={"tgl_transaksi": day, **values}, node_path=node_path)


def staff_record(day: str, node_path: tuple[str, ...], counts: Mapping[str, int], due: datetime) -> IntegrationRecord:
    """The unit's staff counts by category on a day, as HR entered them (replaced when entered
    again)."""
    return IntegrationRecord(FINANCE_REGISTRY, STAFF, day, day, due,
                             fields={"tgl_transaksi": day, **{c: int(counts.get(c, 0)) for c in STAFF_CATEGORIES}},
                             node_path=node_path)


# ---- the public satisfaction index (IKM; Permenpan RB 14/2017) ------------------------------------

# The nine elements, in the regulation's order, each scored 1 (poor) to 4 (very good).
IKM_ELEMENTS = ("requirements", "procedure", "time", "cost", "product", "competence", "behaviour",
                "complaints", "facilities")


def ikm_index(responses: int, sums: Mapping[str, int]) -> float | None:
    """The index the standard way: each element's mean over the responses, the mean of those
    nine means, times 25 (so 25–100); None without a response."""
    if responses <= 0:
        return None
    means = [sums.get(name, 0) / responses for name in IKM_ELEMENTS]
    return round(sum(means) / len(means) * 25, 2)


def ikm_grade(index: float | None) -> str | None:
    """The quality letter of an index (the regulation's converted bands): A 88.31–100, B
    76.61–88.30, C 65.00–76.60, D 25.00–64.99."""
    if index is None:
        return None
    return "A" if index >= 88.31 else "B" if index >= 76.61 else "C" if index >= 65.0 else "D"


def satisfaction_fields(totals: Mapping[str, int]) -> dict[str, Any]:
    """The IKM record's figures from its running sums (`responses`, `u_{element}`)."""
    responses = int(totals.get("responses", 0))
    index = ikm_index(responses, {name: int(totals.get(f"u_{name}", 0)) for name in IKM_ELEMENTS})
    return {"jml_responden": responses, "nilai_ikm": index if index is not None else 0,
            "mutu": ikm_grade(index) or ""}


def satisfaction_record(service_id: str, month: str, node_path: tuple[str, ...], scores: Mapping[str, int],
                        due: datetime) -> IntegrationRecord:
    """One answered survey added to its service's month (the record's day: the month's first)."""
    day = f"{month}-01"
    return IntegrationRecord(FINANCE_REGISTRY, SATISFACTION, day, f"{month}#{service_id}", due,
                             fields={"tgl_transaksi": day, "kd_layanan": service_id, "periode": month},
                             adds={"responses": 1, **{f"u_{name}": int(scores[name]) for name in IKM_ELEMENTS}},
                             node_path=node_path)


def _civil_event(app_id: str, data: Mapping[str, Any], sealed: Sealed | None, service: ServiceType, day: str,
                 at: datetime) -> IntegrationRecord:
    event = service.on_approval.registry_event
    assert event is not None
    body = {
        "type": event.type,
        "occurred_on": data.get(event.date_field),
        "nik": data.get(event.nik_field),
        "data": {name: value for name, value in data.items() if name not in (event.date_field, event.nik_field)},
    }
    # The registry needs the NIKs themselves: the send log keeps them as the application does,
    # sealed under its key, and the sender opens them only to post.
    paths = {("nik" if name == event.nik_field else f"data.{name}"): name
             for name in (sealed.values if sealed is not None else {}) if name in data}
    return IntegrationRecord(CIVIL_REGISTRY, event.type, day, app_id, at, fields=body,
                          sealed=sealed.only(set(paths.values())) if paths and sealed is not None else None,
                          sealed_paths=paths)


def with_opened(body: Mapping[str, Any], paths: Mapping[str, str], opened: Mapping[str, str]) -> dict[str, Any]:
    """The body to post: each sealed value put back where its path says."""
    filled = {key: dict(value) if isinstance(value, dict) else value for key, value in body.items()}
    for path, name in paths.items():
        if name not in opened:
            continue
        head, _, rest = path.partition(".")
        if rest:
            filled.setdefault(head, {})[rest] = opened[name]
        else:
            filled[head] = opened[name]
    return filled


def failed_record_notice(entry: SendEntry) -> tuple[dict[str, Any], str]:
    """What ops are told of a record refused for good, and the notice's source (the record and
    the change that failed: the same failure is told once)."""
    params = {"target": entry.target, "dataset": entry.dataset, "day": entry.day, "key": entry.key,
              "code": entry.last_code or "", "reason": entry.last_message or "", "attempts": entry.attempts}
    return params, f"SEND#{entry.target}#{entry.dataset}#{entry.key}#v{entry.version}"


# ---- reading the registries' answers ---------------------------------------------------------

SAVED, TOKEN_EXPIRED, REJECTED_RECORD, RETRY = "saved", "token-expired", "rejected", "retry"


@dataclass(frozen=True)
class Reply:
    """What came back from one post: an HTTP status and the parsed JSON body, or no answer."""

    http_status: int | None
    body: Any = None
    error: str | None = None  # no answer: time-out, refused connection, unreadable body


@dataclass(frozen=True)
class Outcome:
    verdict: str  # SAVED | TOKEN_EXPIRED | REJECTED_RECORD | RETRY
    code: str | None
    message: str
    registry_id: str | None = None
    # The registry's answer as it came (its JSON body, or why none came): kept in the record's
    # answers for ops (SendAnswer), never read to decide anything.
    answer: Any = None


def with_answer(outcome: Outcome, reply: Reply) -> Outcome:
    """`outcome` carrying the reply it was read from, any NIK in it masked: a registry that
    echoes what it was sent must not put a NIK in the clear into the send log."""
    return replace(outcome, answer=_masked(reply.body if reply.body is not None else reply.error))


_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        return _SIXTEEN_DIGITS.sub(lambda found: mask_nik(found.group(0)), value)
    return value


@dataclass(frozen=True)
class SendAnswer:
    """One post of a record and what the registry answered to it (`answer`: its body, or why
    there was none), as kept in the record's answers."""

    at: datetime
    verdict: str
    http_status: int | None
    code: str | None
    message: str
    answer: Any = None


def _text(value: Any, limit: int = 300) -> str:
    return str(value)[:limit] if value is not None else ""


def read_finance_registry_reply(reply: Reply) -> Outcome:
    """Only a body saying MSG20003 is saved; MSG40103 asks for a new token; other MSG4… codes
    are the record's own fault; everything else (MSG5…, HTTP 5xx, no answer, a body that is
    not what the protocol says) is the registry's, and retried."""
    if reply.http_status is None:
        return Outcome(RETRY, None, reply.error or "no answer")
    body = reply.body if isinstance(reply.body, dict) else None
    code = body.get("status") if body else None
    message = _text(body.get("message") or body.get("pesan")) if body else _text(reply.error or "body is not JSON")
    if not isinstance(code, str):
        if 400 <= reply.http_status < 500 and reply.http_status not in (408, 429):
            return Outcome(REJECTED_RECORD, None, message or f"HTTP {reply.http_status}")
        return Outcome(RETRY, None, message or f"HTTP {reply.http_status} without a status code")
    if code == "MSG20003":
        return Outcome(SAVED, code, message or "saved")
    if code == "MSG40103":
        return Outcome(TOKEN_EXPIRED, code, message or "token expired")
    if code.startswith("MSG4"):
        return Outcome(REJECTED_RECORD, code, message)
    # MSG5…, or a success code that does not mean "saved" (HTTP 200 alone never does).
    return Outcome(RETRY, code, message or f"{code} is not a saved answer")


def read_civil_reply(reply: Reply) -> Outcome:
    """201 (or 200, a repeated key) with a registry id is accepted; 4xx is the record's fault;
    5xx, time-outs and a success without a registry id are retried."""
    if reply.http_status is None:
        return Outcome(RETRY, None, reply.error or "no answer")
    body = reply.body if isinstance(reply.body, dict) else {}
    message = _text(body.get("message") or body.get("detail") or body.get("error") or reply.error or "")
    if reply.http_status in (200, 201):
        registry_id = body.get("registry_id")
        if isinstance(registry_id, str) and registry_id:
            return Outcome(SAVED, str(reply.http_status), message or "accepted", registry_id=registry_id)
        return Outcome(RETRY, str(reply.http_status), message or "accepted without a registry_id")
    if 400 <= reply.http_status < 500 and reply.http_status not in (408, 409, 425, 429):
        return Outcome(REJECTED_RECORD, str(reply.http_status), message or f"HTTP {reply.http_status}")
    return Outcome(RETRY, str(reply.http_status), message or f"HTTP {reply.http_status}")


# ---- backoff -----------------------------------------------------------------------------------

def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Capped exponential backoff with jitter: attempt 1 waits between base/2 and base, each
    further one twice that, never above `cap`; the jitter spreads retries out instead of having
    every record (and every container) knock again at the same moment."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return (rng or random).uniform(ceiling / 2, ceiling)


def parse_day(text: str) -> date:
    return date.fromisoformat(text)
