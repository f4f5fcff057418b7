"""The NIK index: one item per (NIK, application, field), keyed by the NIK's keyed HMAC (never the
NIK), kept in step with the application's form in the transaction that changes it. Keys:
docs/DATA.md."""

from __future__ import annotations

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, query_page
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor
from chalicelib.domain.application_state import ApplicationChange


def nik_lookup_pk(lookup: str) -> str:
    return f"NIK#{lookup}"


def put_nik_lookups(tx: Writes, change: ApplicationChange) -> None:
    """The application's NIK lookup items follow its form: new ones written (a put of one that
    exists rewrites the same item), dropped ones deleted, in the change's transaction."""
    app = change.application
    for name, lookup in change.dropped_lookups:
        tx.delete("nik lookup", m.NikLookupItem(nik_lookup_pk(lookup), f"APP#{app.id}#{name}"))
    if change.history.action not in ("create", "update"):
        return  # only filing and editing change the form
    for name, lookup in sorted(app.nik_lookups.items()):
        tx.put("nik lookup", m.NikLookupItem(nik_lookup_pk(lookup), f"APP#{app.id}#{name}", application_id=app.id,
                                             field_name=name, service_id=app.service_id, node_path=list(app.node_path),
                                             created_at=app.created_at))


def nik_lookup_page(lookup: str, cursor: str | None, limit: int) -> tuple[list[tuple[str, str, tuple[str, ...]]], str | None]:
    """(application, field, office path) of the applications that name the NIK whose keyed
    HMAC is `lookup`: one Query."""
    after = decode_cursor(cursor)
    items, last = query_page(m.NikLookupItem, hash_key=nik_lookup_pk(lookup), limit=limit,
                             range_key_condition=m.NikLookupItem.sk > after if after else None)
    found = [(raw["application_id"]["S"], raw["field_name"]["S"], tuple(v["S"] for v in raw["node_path"]["L"]))
             for raw in items]
    return found, encode_cursor(last["sk"]["S"]) if last else None
