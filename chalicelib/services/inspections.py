"""A dam's inspections: recorded by its inspectors, read by its staff, their recommendations
followed up; and the daily look at what fell due (`notify_overdue`), which tells the dam's staff
once of each recommendation past its due date and not done, and of a next inspection past its day."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from chalicelib.domain import inspections as rules
from chalicelib.domain.assets import Dam, DamChange
from chalicelib.domain.dam_documents import CLEAN, INSPECTION_PHOTO, REJECTED
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.notifications import Notice
from chalicelib.domain.people import DAM_DOCUMENT_ROLES, DAM_INSPECTOR_ROLES, DAM_STAFF_ROLES, Principal
from chalicelib.services.ports import Clock, OutboxPublisher
from chalicelib.services.ports.assets import AssetStore, DamDocumentStore, InspectionStore, StaleAsset, StaleInspection

logger = logging.getLogger(__name__)

NO_SUCH_DAM = "no such dam"
# The daily look reads what fell due a page at a time.
DUE_PAGE = 100


class InspectionService:
    def __init__(self, *, assets: AssetStore, inspections: InspectionStore, documents: DamDocumentStore,
                 outbox: OutboxPublisher, clock: Clock, tz: timezone) -> None:
        self.assets = assets
        self.inspections = inspections
        self.documents = documents
        self.outbox = outbox
        self.clock = clock
        self.tz = tz

    def record(self, caller: Principal, asset_id: str, fields: dict[str, Any]) -> rules.Inspection:
        """A dam inspector reaching the dam records an inspection; its photos must be the dam's
        own inspection photos. The dam's latest inspection (by its day) sets the next one's due date."""
        dam = self._reached(caller, asset_id, DAM_INSPECTOR_ROLES)
        now = self.clock.now()
        inspection = rules.new_inspection(fields, new_id("insp"), dam.id, caller.user_id, caller.name, now,
                                          now.astimezone(self.tz).date())
        self._check_photos(dam.id, inspection.photos)
        change = DamChange(version=dam.version, at=now, actor_id=caller.user_id, actor_name=caller.name,
                           action="inspection_recorded",
                           comment=f"{inspection.kind} inspection of {inspection.date} ({inspection.id})")
        for _ in range(3):
            current = self.inspections.next_duty(dam.id)
            try:
                self.inspections.record(inspection, change, rules.duties_of(inspection),
                                        rules.next_duty(inspection, current), current)
                return inspection
            except StaleAsset:
                raise NotFound(NO_SUCH_DAM) from None
            except StaleInspection:
                continue  # another inspection of the dam was recorded meanwhile: weigh this one against it
        raise Conflict("the dam's inspections keep changing; try again")

    def _check_photos(self, asset_id: str, photos: tuple[str, ...]) -> None:
        found = self.documents.get_many(asset_id, photos) if photos else {}
        problems = []
        for n, photo in enumerate(photos):
            document = found.get(photo)
            if document is None or document.kind != INSPECTION_PHOTO or document.status == REJECTED:
                problems.append(FieldProblem(f"photos[{n}]", "is not an inspection photo of this dam"))
            elif document.status != CLEAN:
                # The record is read by every staff member reaching the dam: only a file the scan
                # passed may be named in it (a photo still awaited or being scanned is not yet one).
                problems.append(FieldProblem(f"photos[{n}]", "has not passed its scan yet; record the inspection when it has"))
        if problems:
            raise InvalidInput("the inspection is not right", problems)

    def page(self, caller: Principal, asset_id: str, cursor: str | None,
             limit: int) -> tuple[list[rules.Inspection], str | None]:
        """The dam's inspections, newest recorded first, for its staff (one Query a page)."""
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        return self.inspections.page(asset_id, cursor, limit)

    def follow_up(self, caller: Principal, asset_id: str, inspection_id: str,
                  updates: list[tuple[int, str]]) -> rules.Inspection:
        """The dam's registrars, operators and inspectors move recommendations' follow-up status
        (open, in_progress, done); each move records who and when."""
        self._reached(caller, asset_id, DAM_DOCUMENT_ROLES)
        for _ in range(3):
            before = self.inspections.get(asset_id, inspection_id)
            if before is None:
                raise NotFound("no such inspection")
            after, changed = rules.follow_up(before, updates, caller.user_id, caller.name, self.clock.now())
            if not changed:
                return before
            read = self.inspections.duties(asset_id, inspection_id, changed)
            moved = [replace(read[n], done=after.recommendations[n].status == "done") for n in changed if n in read]
            # A duty already told overdue stays out of the due index (it is not told twice), so only
            # its being done touches it; its follow-up is still recorded on the inspection.
            duties = [duty for duty in moved if duty.done or duty.told_at is None]
            try:
                self.inspections.follow_up(before, after, duties)
                return after
            except StaleInspection:
                continue
        raise Conflict("the inspection keeps changing; read it again")

    def notify_overdue(self, now: datetime) -> int:
        """Tell the dam's staff (its registrars, operators and inspectors at its managing office and
        above) of each duty that fell due before today and is neither done nor told: a
        recommendation past its due date, the next inspection past its day. Each is told once: the
        notice is written in the transaction that takes the duty out of the due index. Reads are
        proportional to what is due (the index's DAM-DUE partitions up to today), never every dam.
        Answers how many were told."""
        today = now.astimezone(self.tz).date().isoformat()
        told, dams = 0, {}
        while True:
            due = self.inspections.due(today, DUE_PAGE)
            told_now = 0
            for duty in due:
                if duty.asset_id not in dams:
                    dams[duty.asset_id] = self.assets.get(duty.asset_id)
                dam = dams[duty.asset_id]
                if dam is None:
                    continue
                keys = self.inspections.mark_told(duty, self._overdue(dam, duty), now)
                if keys is not None:
                    self.outbox.publish(keys)
                    told_now += 1
            told += told_now
            if len(due) < DUE_PAGE or told_now == 0:
                break
        if told:
            logger.info("overdue dam duties told", extra={"told": told})
        return told

    @staticmethod
    def _overdue(dam: Dam, duty: rules.Duty) -> Notice:
        if duty.slot == rules.NEXT:
            what, what_en = "Inspeksi berikutnya", "The next inspection"
        else:
            what, what_en = f"Rekomendasi inspeksi: {duty.text}", f"Inspection recommendation: {duty.text}"
        return Notice("dam_overdue", {"dam_name": dam.name, "what": what, "what_en": what_en, "due_date": duty.due_date},
                      to_roles=rules.OVERDUE_ROLES, to_node_path=dam.node_path)

    def _reached(self, caller: Principal, asset_id: str, roles: tuple[str, ...]) -> Dam:
        dam = self.assets.get(asset_id)
        if dam is None or not caller.reaches(dam.node_path, roles=roles):
            raise NotFound(NO_SUCH_DAM)
        return dam
