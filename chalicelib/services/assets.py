"""The dam register's use cases: register a dam, read it (the public part, or all of it for staff
within reach), edit it with a version check, list the register, read a dam's history."""

from __future__ import annotations

from datetime import date, timezone
from typing import Any, Callable

from chalicelib.domain import obligations

from chalicelib.domain.assets import (
    ALERT_LABELS_EN, ALERT_ROLES, Dam, DamChange, edited, new_dam, raised_alert,
    readings_from_csv,
)
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg
from chalicelib.domain.notifications import Notice
from chalicelib.domain.obligations import DutyTerms
from chalicelib.domain.people import DAM_OPERATOR_ROLES, DAM_REGISTRAR_ROLES, DAM_STAFF_ROLES, Principal
from chalicelib.services.ports import Clock, OrgStore
from chalicelib.services.ports.assets import AssetStore, OfficeMissing, RegisterCodeTaken, StaleAsset
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

NO_SUCH_DAM = "no such dam"
MAX_READING_DAYS = 366


def _real_day(day: str, name: str) -> date:
    try:
        return date.fromisoformat(day) if len(day) == 10 else date.fromisoformat("invalid")
    except ValueError:
        raise InvalidInput("bad date", [FieldProblem(name, "is not a real date")]) from None


class AssetService:
    def __init__(self, *, assets: AssetStore, org: OrgStore, clock: Clock, readings=None, outbox=None,
                 duty_terms: Callable[[], DutyTerms] | None = None, tz: timezone = timezone.utc) -> None:
        self.assets = assets
        # A dam entered as operating owes its first monitoring report at once (domain/obligations.py).
        self.duty_terms = duty_terms
        self.tz = tz
        self.outbox = outbox
        self.readings = readings
        self.org = org
        self.clock = clock

    def register(self, caller: Principal, fields: dict[str, Any]) -> Dam:
        """A registrar at or above the managing office enters a dam. An existing dam comes with
        the status it has reached; from then on only approved permits move it."""
        node = self.org.get(fields["node_id"])
        if node is None or not caller.reaches(node.path, roles=DAM_REGISTRAR_ROLES):
            raise NotFound("no such office")
        now = self.clock.now()
        dam = new_dam(fields, new_id("dam"), node.path, now)
        change = DamChange(version=1, at=now, actor_id=caller.user_id, actor_name=caller.name, action="registered",
                           changes={"status": [None, dam.status]})
        first = obligations.first_of(dam, now, self.duty_terms(), self.tz) if self.duty_terms else None
        try:
            self.assets.create(dam, change, first, obligations.opened_moves(first, self.tz) if first else ())
        except RegisterCodeTaken:
            raise Conflict(msg("another dam holds register code {code}", code=dam.register_code)) from None
        except OfficeMissing:
            raise NotFound("no such office") from None
        return dam

    def read(self, caller: Principal | None, asset_id: str) -> tuple[Dam, bool]:
        """The dam, and whether the caller sees all of it (staff within reach) or its public part."""
        dam = self.assets.get(asset_id)
        if dam is None:
            raise NotFound(NO_SUCH_DAM)
        return dam, self._staff_of(caller, dam)

    def edit(self, caller: Principal, asset_id: str, version: int, changes: dict[str, Any]) -> Dam:
        """A registrar reaching the dam changes its record; `version` is the one they read
        (409 when someone changed it since). The history keeps each field's before and after."""
        before = self._reached(caller, asset_id, DAM_REGISTRAR_ROLES)
        if before.version != version:
            raise Conflict(msg("the dam changed since you read it (version {version} now); read it again",
                               version=before.version))
        after, diff = edited(before, changes, self.clock.now())
        if not diff:
            return before
        change = DamChange(version=after.version, at=after.updated_at, actor_id=caller.user_id,
                           actor_name=caller.name, action="edited", changes=diff)
        try:
            self.assets.update(before, after, change)
        except StaleAsset:
            raise Conflict("the dam changed since you read it; read it again") from None
        except RegisterCodeTaken:
            raise Conflict(msg("another dam holds register code {code}", code=after.register_code)) from None
        return after

    def history(self, caller: Principal, asset_id: str, cursor: str | None = None, limit: int = 100,
                newest_first: bool = False) -> tuple[list[DamChange], str | None]:
        """A page of the dam's history, oldest (or newest) first, and the next page's cursor."""
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        after = decode_cursor(cursor, prefix="H#")
        changes, last = self.assets.history_page(asset_id, after, limit, newest_first)
        return changes, encode_cursor(last) if last else None

    def page(self, caller: Principal | None, *, q: str | None, status: str | None, node_id: str | None,
             province_code: str | None, cursor: str | None, limit: int) -> tuple[list[tuple[Dam, bool]], str | None]:
        """The register by name. `node_id` narrows it to dams managed at or below an office the
        caller reaches as dam staff (the managing office is not public: 404 otherwise)."""
        if node_id is not None:
            node = self.org.get(node_id)
            if node is None or caller is None or not caller.reaches(node.path, roles=DAM_STAFF_ROLES):
                raise NotFound("no such office")
        if q is not None and not q.strip():
            raise InvalidInput("bad filter", [FieldProblem("q", "must not be blank")])
        words = q.strip().lower() if q else None
        dams, next_cursor = self.assets.page(status=status, province_code=province_code, node_id=node_id,
                                             q=words, after=decode_cursor(cursor), limit=limit)
        found = [(dam, self._staff_of(caller, dam)) for dam in dams]
        # The search also reads the register code and the river basin, which are staff-only: a
        # dam found by them alone is kept from whoever may not read them (the page may be short,
        # as a filtered page is; the cursor goes on).
        if words:
            found = [(dam, staff) for dam, staff in found if staff or words in dam.name.lower()]
        return found, next_cursor

    # ---- daily readings ----------------------------------------------------------------------

    def put_reading(self, caller: Principal, asset_id: str, day: str, values: dict[str, float]) -> dict[str, float]:
        """An operator reaching the dam enters one day's readings (sent again, they replace it)."""
        dam = self._reached(caller, asset_id, DAM_OPERATOR_ROLES)
        _real_day(day, "date")
        self._enter_days(caller, dam, {day: values})
        return values

    def import_readings(self, caller: Principal, asset_id: str, text: str) -> tuple[list[str], str | None]:
        """An operator reaching the dam imports days from a CSV file: every row checked first
        (a bad one named, nothing written), then all days in one transaction (so at most
        MAX_IMPORT_ROWS of them, within a year). At most one alert, the highest band reached.
        Answers the days written, oldest first, and that band."""
        dam = self._reached(caller, asset_id, DAM_OPERATOR_ROLES)
        days = readings_from_csv(text)
        span = (date.fromisoformat(max(days)) - date.fromisoformat(min(days))).days
        if span >= MAX_READING_DAYS:
            raise InvalidInput("the file is not right", [FieldProblem("body", msg(
                "spans {days} days; an import covers at most {limit}", days=span + 1, limit=MAX_READING_DAYS))])
        return sorted(days), self._enter_days(caller, dam, days)

    def _enter_days(self, caller: Principal, dam: Dam, days: dict[str, dict[str, float]]) -> str | None:
        """Write the days, with the alert they raise in the same transaction (the outbox), and
        hand the alert on once committed. Answers the band raised, if any."""
        first, last = min(days), max(days)
        stored = {d: v.get("level_m") for d, v in self.readings.days(dam.id, first, last)}
        raised = raised_alert(dam.thresholds, self.readings.latest_level_before(dam.id, first), stored,
                              {d: v.get("level_m") for d, v in days.items()})
        notices = [] if raised is None else [self._alert(dam, *raised)]
        self.outbox.publish(self.readings.put_days(dam.id, days, caller.user_id, self.clock.now(), notices))
        return raised[0] if raised else None

    @staticmethod
    def _alert(dam: Dam, band: str, day: str, level_m: float) -> Notice:
        threshold = dam.thresholds["level_m"][band]
        return Notice("dam_alert", {"dam_name": dam.name, "level": band.upper(), "level_en": ALERT_LABELS_EN[band],
                                    "day": day, "level_m": level_m, "threshold_m": threshold},
                      to_roles=ALERT_ROLES, to_node_path=dam.node_path)

    def readings_between(self, caller: Principal, asset_id: str, first: str, last: str) -> list[tuple[str, dict]]:
        """Staff reaching the dam read a range of days, oldest first: at most a year a request."""
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        start, end = _real_day(first, "from"), _real_day(last, "to")
        if not 0 <= (end - start).days < MAX_READING_DAYS:
            raise InvalidInput("bad range", [FieldProblem("to", msg("must be on or after from, within {limit} days",
                                                                    limit=MAX_READING_DAYS))])
        return self.readings.days(asset_id, first, last)

    def _reached(self, caller: Principal, asset_id: str, roles: tuple[str, ...]) -> Dam:
        dam = self.assets.get(asset_id)
        if dam is None or not caller.reaches(dam.node_path, roles=roles):
            raise NotFound(NO_SUCH_DAM)
        return dam

    @staticmethod
    def _staff_of(caller: Principal | None, dam: Dam) -> bool:
        return caller is not None and caller.reaches(dam.node_path, roles=DAM_STAFF_ROLES)
