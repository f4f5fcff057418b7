"""The applications that name a dam, beside it: a link `ASSET#{dam}` / `APP#{filed time}#{app}`
written in the application's own transaction whenever it comes to name the dam (filed naming
it, patched to name it, an approved design that put it in the register) and deleted when it
names another. A page is one Query of the links and one BatchGetItem of the applications, so
what is shown is their state now. Keys: docs/DATA.md."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.asset_models import DamApplicationItem
from chalicelib.adapters.dynamodb.table import Writes, batch_get_raw, key_time, query_page
from chalicelib.domain.application_state import Application, ApplicationChange

LINK_PREFIX = "APP#"


def _pk(dam_id: str) -> str:
    return f"ASSET#{dam_id}"


def link_sort_key(app: Application) -> str:
    return f"{LINK_PREFIX}{key_time(app.created_at)}#{app.id}"


def put_dam_link(tx: Writes, change: ApplicationChange) -> None:
    """The application's link moved from the dam it named to the one it names now."""
    if change.dam_link is None:
        return
    before, after = change.dam_link
    app = change.application
    sort_key = link_sort_key(app)
    if before:
        tx.delete("dam link before", DamApplicationItem(_pk(before), sort_key))
    if after:
        tx.put("dam link", DamApplicationItem(_pk(after), sort_key, application_id=app.id))


class DynamoDamApplicationStore:
    def page(self, dam_id: str, after: str | None, limit: int) -> tuple[list[Application], str | None]:
        """Newest filed first: one Query of `limit` links after the cursor (a link's sort key),
        one BatchGetItem of their applications (a link whose application is gone is skipped)."""
        from chalicelib.adapters.dynamodb.applications import app_from_raw, application_pk

        query: dict[str, Any] = {"hash_key": _pk(dam_id), "range_key_condition": DamApplicationItem.sk.startswith(LINK_PREFIX),
                                 "scan_index_forward": False, "consistent_read": True, "limit": limit}
        if after:
            query["exclusive_start_key"] = {"pk": {"S": _pk(dam_id)}, "sk": {"S": after}}
        items, last = query_page(DamApplicationItem, **query)
        ids = [raw["application_id"]["S"] for raw in items]
        found = batch_get_raw([(application_pk(app_id), "A") for app_id in ids]) if ids else {}
        apps = {pk.removeprefix("APP#"): app_from_raw(raw) for (pk, _sk), raw in found.items()}
        return [apps[app_id] for app_id in ids if app_id in apps], last["sk"]["S"] if last else None
