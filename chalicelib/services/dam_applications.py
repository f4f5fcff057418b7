"""A dam's applications: those whose form names it (catalog fields of type `asset`), newest
filed first, for the dam's staff; each with whether the caller may open it. The store keeps a
link beside the dam, moved in the application's own transaction (adapters/dynamodb/dam_applications.py),
so a page costs the same whatever the dam's history."""

from __future__ import annotations

from typing import Protocol

from chalicelib.domain.application_state import Application
from chalicelib.domain.applications import can_read
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.errors import NotFound
from chalicelib.domain.people import DAM_STAFF_ROLES, Principal
from chalicelib.services.ports.assets import AssetStore
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor

LINK_PREFIX = "APP#"


class DamApplicationStore(Protocol):
    def page(self, dam_id: str, after: str | None, limit: int) -> tuple[list[Application], str | None]: ...


class DamApplicationService:
    def __init__(self, *, assets: AssetStore, links: DamApplicationStore, catalog: Catalog) -> None:
        self.assets = assets
        self.links = links
        self.catalog = catalog

    def page(self, caller: Principal, dam_id: str, cursor: str | None,
             limit: int) -> tuple[list[tuple[Application, bool]], str | None]:
        """One page of the dam's applications as (application, the caller may open it), and the
        next page's cursor. 404 outside the caller's reach, 422 for a cursor not of this list."""
        dam = self.assets.get(dam_id)
        if dam is None or not caller.reaches(dam.node_path, roles=DAM_STAFF_ROLES):
            raise NotFound("no such dam")
        after = decode_cursor(cursor, prefix=LINK_PREFIX)
        apps, last = self.links.page(dam_id, after, limit)
        shown = [(app, can_read(caller, app, self.catalog.service_of(app))) for app in apps]
        return shown, encode_cursor(last) if last else None
