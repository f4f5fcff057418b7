"""One application's lifecycle, as the API and the workers would run it, on the replay's world:
the real services on mirrored fakes (bench/capacity_world.py), the clock set to each step's time
and the recorder to the second it lands in."""

from __future__ import annotations

import functools
import json
import time
import types
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from chalicelib.domain import applications as rules
from chalicelib.domain import documents as docs
from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant, Principal
from chalicelib.domain.pii import Sealed
from chalicelib.domain.subscriptions import EVENTS, Subscription

from bench.capacity_capture import TABLE
from bench.capacity_world import PROVINCES, ROOT, Mirror, Offices, province

ORIGIN = rules.Origin("203.0.113.9", "capacity-replay")
UPLOADS = {
    "civil-birth-report": ("birth_letter", "family_card"),
    "civil-move-report": ("family_card", "cover_letter"),
    "city-business-permit": ("ktp", "npwp_card"),
}
FORMS: dict[str, dict[str, Any]] = {
    "civil-birth-report": {
        "child_name": "Nadia Putri", "child_sex": "Perempuan", "birth_date": "2026-11-24", "birth_place": "Depok",
        "birth_attendant": "Bidan", "mother_nik": "3276064503900002", "mother_name": "Rina Marlina",
        "father_nik": "3276061708850003", "father_name": "Ahmad Hidayat", "family_card_number": "3276060101090007",
        "reporter_nik": "3276061708850003", "reporter_name": "Ahmad Hidayat", "reporter_relation": "Ayah",
    },
    "civil-move-report": {
        "head_of_family_nik": "3276061708850003", "head_of_family_name": "Ahmad Hidayat",
        "family_card_number": "3276060101090007", "move_type": "Antar kabupaten/kota", "reason": "Pekerjaan",
        "destination_address": "Jl. Merdeka No. 10, Kota Bogor", "destination_region": "32.71.01",
        "members_moving": 3, "move_date": "2026-12-01", "reporter_nik": "3276061708850003",
        "reporter_name": "Ahmad Hidayat", "reporter_relation": "Lainnya",
    },
    "city-business-permit": {
        "owner_nik": "3276061708850003", "owner_name": "Dewi Lestari", "owner_npwp": "01.855.081.4-005.000",
        "owner_phone": "081234567890", "business_name": "Kedai Kopi", "business_address": "Jl. Margonda Raya No. 100",
        "kbli": "56303", "business_scale": "Mikro", "capital": 45_000_000, "employees": 4,
    },
}
# (role, the kind of office on the path that decides) per step, as the catalog's steps say.
DECIDERS = {
    "civil-birth-report": (("verifier", "kelurahan"), ("approver", "kecamatan"), ("approver", "kota")),
    "civil-move-report": (("verifier", "kelurahan"), ("approver", "kecamatan"), ("approver", "kota")),
    "city-business-permit": (("verifier", "desk"), ("verifier", "department"), ("approver", "office")),
}
FILER = {"civil-birth-report": ("submitter", "kelurahan"), "civil-move-report": ("submitter", "kelurahan")}
# The organisation's subscribers: a national data warehouse and one system per province.
SUBSCRIBERS = 1 + PROVINCES


def _nik(number: int, salt: int) -> str:
    """A NIK of its own per person (one lookup item each): Beji's region code, a real birth date, a serial."""
    seed = number * 7 + salt
    return f"327606{seed % 28 + 1:02d}{seed // 28 % 12 + 1:02d}{seed // 336 % 80 + 20:02d}{seed % 9999 + 1:04d}"


def _form(service_id: str, number: int) -> dict[str, Any]:
    form = dict(FORMS[service_id])
    for salt, name in enumerate(sorted(name for name in form if name.endswith("_nik"))):
        form[name] = _nik(number, salt)
    return form


@functools.cache
def _pdf() -> bytes:
    from tests import files

    return files.pdf("Dokumen pendukung")


@dataclass
class World:
    fakes: Any
    offices: Offices
    applications: Any
    documents: Any
    budgets: Any
    notification_worker: Any
    integrations: Any
    start: datetime
    root_viewer: Principal

    def close(self) -> None:
        """Give the notification worker its own composition root back."""
        self.notification_worker.restore()

    @classmethod
    def build(cls, recorder: Any, mirror: Mirror, start: datetime, tz: timezone) -> "World":
        from tests.fakes import Fakes, services

        fakes = Fakes()
        fakes.clock.moment = start
        mirror.attach(fakes)
        offices = Offices(fakes, recorder, start)
        counting, recorder.counting = recorder.counting, False
        subscriptions = services.subscriptions(fakes)
        _subscribe(fakes, start)
        root_viewer = offices.person("usr-viewer-root", Grant("viewer", ROOT.id))
        recorder.counting = counting
        applications = services.applications(fakes, deliveries=_counted(subscriptions.deliveries_for, recorder))
        # The registry runs a change nudges: the civil registry's verdict on a NIK is written back
        # as an application change, as the composition root wires it.
        integrations = services.integrations(
            fakes, nik_checked=lambda app_id, field, result: applications.record_nik_check(app_id, field, result))
        return cls(fakes, offices, applications, services.documents(fakes), services.budgets(fakes),
                   _notification_worker(fakes, integrations), integrations, start, root_viewer)


def _counted(deliveries_for: Any, recorder: Any) -> Any:
    """The subscriptions' matching, counting the webhook deliveries each change owes."""
    def owed(change: Any) -> tuple:
        found = deliveries_for(change)
        recorder.topics["webhook"] += len(found) * recorder.weight
        return found
    return owed


def _subscribe(fakes: Any, now: datetime) -> None:
    for number in range(SUBSCRIBERS):
        node = ROOT if number == 0 else province(number - 1)
        subscription = Subscription(id=f"sub-{number:03d}", node_id=node.id, node_path=node.path,
                                    url=f"https://hooks.example/{number}", events=tuple(EVENTS),
                                    owner_id="usr-ops", created_at=now)
        fakes.subscriptions.add(subscription, Sealed(f"subscription/{subscription.id}", "a2V5", {"secret": "c2Vj"}))


class _Shim(types.SimpleNamespace):
    """The worker module's composition root for the replay: what it is given, else a clear error."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the capacity replay's notification worker has no {name!r}; add it in capacity_lifecycle")


def _notification_worker(fakes: Any, integrations: Any):
    """The notification function's own per-record handler (workers/notifications.py), with its
    composition root giving it the fakes' notification service, the replay's integrations (a
    fan-out sends its change's webhooks) and the container's real Powertools idempotency store:
    each queued job runs as the Lambda would run it."""
    from tests.fakes import services

    from chalicelib import deps
    from chalicelib.workers import notifications as worker

    settings = types.SimpleNamespace(table_name=TABLE, aws_region="ap-southeast-3", aws_endpoint_url="http://127.0.0.1:9")
    container = deps.Container.__new__(deps.Container)
    container.settings = settings
    shim = _Shim(notification_idempotency_store=container.notification_idempotency_store,
                 notifications=services.notifications(fakes), integrations=integrations,
                 notification_jobs=types.SimpleNamespace(delay_redelivery=lambda *_args: None))
    own_root = worker.container
    worker.container = lambda: shim  # the worker module's composition root, until the replay ends
    worker._idempotent_deliver.cache_clear()

    def handle(job: dict[str, Any]) -> None:
        record = types.SimpleNamespace(body=json.dumps(job, default=str), receipt_handle="replay", message_id="replay",
                                       attributes=types.SimpleNamespace(approximate_receive_count="1"), raw_event={})
        worker._handle_record(record)

    def restore() -> None:
        worker.container = own_root
        worker._idempotent_deliver.cache_clear()

    handle.restore = restore  # type: ignore[attr-defined]
    return handle


@dataclass
class Clock:
    """Sets the clock and the recorder's second for each step, and times each step (the replay's
    own CPU time: the fakes' work and the real adapters' alike)."""

    world: World
    replay: Any
    current: str | None = None
    started: float = 0.0

    def done(self) -> None:
        if self.current is not None:
            self.replay.cpu[self.current] += time.process_time() - self.started
            self.current = None

    def begin(self, moment: float, operation: str) -> None:
        """The step `operation` (an API route, a worker's job) at `moment` seconds into the hour."""
        self.done()
        self.current, self.started = operation, time.process_time()
        self.replay.operations[operation] += 1
        self.replay.recorder.operation = operation
        self.replay.recorder.second = int(moment % self.replay.seconds)
        self.world.fakes.clock.moment = self.world.start + timedelta(seconds=moment)


# A lifecycle is a generator: it yields (seconds after filing, operation) before each step, and
# the replay's scheduler resumes it at that moment, so steps of all lifecycles run in time order
# (the clock never goes back: caches that age with it age as they would).
Steps = Iterator[tuple[float, str]]


def lifecycle(world: World, replay: Any, number: int, service_id: str, office: Node) -> Steps:
    filer = _filer(world, service_id, office, number)
    yield 0, "POST /applications"
    app = world.applications.create(filer, service_id, office.id, _form(service_id, number), ORIGIN)
    yield from _work_the_queues(world, replay, 0)
    for n, requirement in enumerate(UPLOADS[service_id]):
        yield 10 + 10 * n, "POST /applications/{id}/documents"
        upload = world.documents.request_upload(filer, app.id, requirement, f"{requirement}.pdf", "application/pdf",
                                                len(_pdf()), ORIGIN)
        key = docs.incoming_key(app.id, upload.document.id)
        world.fakes.storage.objects[key] = _pdf()
        yield 15 + 10 * n, "scan"
        world.documents.scan(key, "etag", "v1")
        yield from _work_the_queues(world, replay, 15 + 10 * n)
    yield 40, "POST /applications/{id}/submit"
    world.applications.submit(filer, app.id, ORIGIN)
    yield from _work_the_queues(world, replay, 40)
    for number_of_step, (after, (role, kind)) in enumerate(zip(_decisions(), DECIDERS[service_id]), start=1):
        decider = world.offices.holder(office, role, kind)
        yield after - 5, "GET /inbox"
        world.applications.inbox(decider, None, 20)
        yield after - 4, "GET /applications/{id}/history"
        world.applications.history_with_application(decider, app.id)
        yield after - 3, "GET /applications/{id}/documents"
        world.documents.list(decider, app.id)
        yield after, "POST /applications/{id}/decision"
        world.applications.decide(decider, app.id, "approve", number_of_step, "Sesuai", ORIGIN)
        yield from _work_the_queues(world, replay, after)
    yield 900, "GET /track/{code}"
    world.applications.track(app.tracking_code)
    yield from _dashboards(world, number, office)


def _decisions() -> tuple[int, ...]:
    from bench.capacity import DECISION_AFTER

    return DECISION_AFTER


def _filer(world: World, service_id: str, office: Node, number: int) -> Principal:
    if service_id in FILER:
        role, kind = FILER[service_id]
        return world.offices.holder(office, role, kind)
    counting, world.offices.recorder.counting = world.offices.recorder.counting, False
    try:
        return world.offices.person(f"usr-warga-{number:07d}")
    finally:
        world.offices.recorder.counting = counting


def _dashboards(world: World, number: int, office: Node) -> Steps:
    """Figures are read far less than cases are worked: an office's dashboard once per 20
    lifecycles filed under its kota, the national one once a second."""
    if number % 20 == 0:
        yield 1000, "GET /dashboard/{node_id}"
        viewer = world.offices.staff.get((office.nearest("kota") or "", "viewer"))
        if viewer is not None:
            world.budgets.dashboard(viewer, office.nearest("kota"), _month(world))
    if number % 278 == 0:
        yield 1100, "GET /dashboard/{node_id}"
        world.budgets.dashboard(world.root_viewer, ROOT.id, _month(world))


def _month(world: World) -> str:
    return world.fakes.clock.moment.astimezone(timezone(timedelta(hours=7))).strftime("%Y-%m")


def _work_the_queues(world: World, replay: Any, changed_at: float) -> Steps:
    """What the workers do with the jobs the step at `changed_at` just queued (and the jobs those
    queue in turn), each by the function's own code: a notification job a second later; a
    registry run at once (its poller takes it within milliseconds; a run a change starts claims
    the records it names, a plain one every record due). The step's jobs are taken off the
    shared queue at once: other lifecycles' steps run before these jobs do."""
    queued = list(world.fakes.jobs.jobs)
    world.fakes.jobs.jobs.clear()
    for job in queued:
        if job.get("type") == "run":
            yield changed_at + 0.001, "integration: run"
            named = job.get("records")
            world.integrations.send_due(job["target"], 60.0, [tuple(pair) for pair in named] if named else None)
            yield from _work_the_queues(world, replay, changed_at + 0.001)
        else:
            kind = {"fanout": "fan-out"}.get(job.get("type"), job.get("type"))
            yield changed_at + 1, f"notify: {kind}"
            world.notification_worker(job)
            yield from _work_the_queues(world, replay, changed_at + 1)
