"""The dam register's use cases: register a dam, read it (the public part, or all of it for staff
within reach), edit it with a version check, list the register, read a dam's history."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.assets import Dam, DamChange, edited, new_dam
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg
from chalicelib.domain.people import DAM_REGISTRAR_ROLES, DAM_STAFF_ROLES, Principal
from chalicelib.services.ports import Clock, OrgStore
from chalicelib.services.ports.assets import AssetStore, OfficeMissing, RegisterCodeTaken, StaleAsset
from chalicelib.services.ports.cursors import decode_cursor

NO_SUCH_DAM = "no such dam"


class AssetService:
    def __init__(self, *, assets: AssetStore, org: OrgStore, clock: Clock) -> None:
        self.assets = assets
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
        try:
            self.assets.create(dam, change)
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

    def history(self, caller: Principal, asset_id: str) -> list[DamChange]:
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        return self.assets.history(asset_id)

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
        dams, next_cursor = self.assets.page(status=status, province_code=province_code, node_id=node_id,
                                             q=q.strip() if q else None, after=decode_cursor(cursor), limit=limit)
        return [(dam, self._staff_of(caller, dam)) for dam in dams], next_cursor

    def _reached(self, caller: Principal, asset_id: str, roles: tuple[str, ...]) -> Dam:
        dam = self.assets.get(asset_id)
        if dam is None or not caller.reaches(dam.node_path, roles=roles):
            raise NotFound(NO_SUCH_DAM)
        return dam

    @staticmethod
    def _staff_of(caller: Principal | None, dam: Dam) -> bool:
        return caller is not None and caller.reaches(dam.node_path, roles=DAM_STAFF_ROLES)
