"""The org tree: each office's partition holds the office and one link per child, whose sort
key claims the child's name among its siblings. Keys: docs/DATA.md."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Callable, Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import (
    TransactionCancelled, Writes, query_page, run_transaction, whole_partition,
)
from chalicelib.domain.office_hours import OfficeCalendar, parse_calendar
from chalicelib.domain.org import Node
from chalicelib.services.ports import ChildLink, ParentMissing, SiblingNameTaken


def _node_pk(node_id: str) -> str:
    return f"NODE#{node_id}"


def _node_from_item(item: m.NodeItem) -> Node:
    return Node(
        id=item.node_id, kind=item.kind, name=item.name, parent_id=item.parent_id,
        path=tuple(item.path), path_kinds=tuple(item.path_kinds), region_code=item.region_code,
    )


# How long a container goes on using the calendars it read for the deadlines of changes. A
# change reads the calendars of every office on its path (a BatchGet, 4 of a lifecycle's calls);
# offices set their holidays days ahead, so a minute's delay before another container sees one is
# harmless. This container's own writes of a calendar take effect at once, and an office's own
# calendar page reads it fresh (`calendars`).
RECENT_CALENDARS_SECONDS = 60.0


class DynamoOrgStore:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic,
                 recent_for: float = RECENT_CALENDARS_SECONDS) -> None:
        self._monotonic = monotonic
        self._recent_for = recent_for
        # office id → (read at, its own calendar or None): what `recent_calendars` answers from
        self._recent: dict[str, tuple[float, OfficeCalendar | None]] = {}

    def get(self, node_id: str) -> Node | None:
        try:
            return _node_from_item(m.NodeItem.get(_node_pk(node_id), "NODE"))
        except DoesNotExist:
            return None

    def get_many(self, node_ids: Iterable[str]) -> dict[str, Node]:
        keys = [(_node_pk(node_id), "NODE") for node_id in dict.fromkeys(node_ids)]
        if not keys:
            return {}
        return {item.node_id: _node_from_item(item) for item in m.NodeItem.batch_get(keys)}

    def get_with_children(self, node_id: str) -> tuple[Node | None, list[ChildLink]]:
        """The node and its children: its partition (one Query unless it has very many)."""
        node, children = None, []
        for raw in whole_partition(_node_pk(node_id)):
            if raw["sk"]["S"] == "NODE":
                node = _node_from_item(m.NodeItem.from_raw_data(raw))
            elif raw["sk"]["S"].startswith("CHILD#"):
                link = m.ChildLinkItem.from_raw_data(raw)
                children.append(ChildLink(link.child_id, link.kind, link.name))
        return node, children

    def create(self, node: Node, now: datetime) -> None:
        def build(tx: Writes) -> None:
            tx.put(
                "node",
                m.NodeItem(
                    _node_pk(node.id), "NODE",
                    node_id=node.id, kind=node.kind, name=node.name, parent_id=node.parent_id,
                    path=list(node.path), path_kinds=list(node.path_kinds), region_code=node.region_code,
                    created_at=now, kind_key=f"KIND#{node.kind}", name_key=f"{node.name.lower()}#{node.id}",
                ),
                condition=m.NodeItem.pk.does_not_exist(),
            )
            if node.parent_id is not None:
                tx.put(
                    "sibling name",
                    m.ChildLinkItem(_node_pk(node.parent_id), f"CHILD#{node.name.lower()}",
                                    child_id=node.id, kind=node.kind, name=node.name),
                    condition=m.ChildLinkItem.pk.does_not_exist(),
                )
                tx.check("parent", m.NodeItem, _node_pk(node.parent_id), "NODE", condition=m.NodeItem.pk.exists())

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "parent" in cancelled.failed:
                raise ParentMissing(node.parent_id) from None
            if "sibling name" in cancelled.failed:
                raise SiblingNameTaken(node.name) from None
            raise

    def by_kind(self, kind: str, limit: int = 200) -> list[Node]:
        items, _ = query_page(m.NodeItem, hash_key=f"KIND#{kind}", index_name="by_kind", limit=limit)
        return [_node_from_item(m.NodeItem.from_raw_data(raw)) for raw in items]

    # ---- working calendars (domain/office_hours.py) -------------------------------------------

    def calendars(self, node_ids: Iterable[str]) -> dict[str, OfficeCalendar]:
        """The calendars the offices set themselves (one BatchGet); offices without one are
        left out."""
        keys = [(_node_pk(node_id), "CALENDAR") for node_id in dict.fromkeys(node_ids)]
        if not keys:
            return {}
        return {item.pk.removeprefix("NODE#"): _calendar_from_item(item) for item in m.CalendarItem.batch_get(keys)}

    def forget_recent(self) -> None:
        """The next `recent_calendars` reads every office it is asked for again."""
        self._recent.clear()

    def recent_calendars(self, node_ids: Iterable[str]) -> dict[str, OfficeCalendar]:
        """`calendars`, as this container read them in the last RECENT_CALENDARS_SECONDS (the
        offices not read since, in one BatchGet)."""
        now = self._monotonic()
        wanted = list(dict.fromkeys(node_ids))
        stale = [node_id for node_id in wanted
                 if node_id not in self._recent or now - self._recent[node_id][0] >= self._recent_for]
        if stale:
            found = self.calendars(stale)
            self._recent.update({node_id: (now, found.get(node_id)) for node_id in stale})
        answered = {node_id: self._recent[node_id][1] for node_id in wanted}
        return {node_id: calendar for node_id, calendar in answered.items() if calendar is not None}

    def put_calendar(self, node_id: str, calendar: OfficeCalendar) -> None:
        """Replaces the office's calendar whole (the office must exist)."""
        def build(tx: Writes) -> None:
            tx.put("calendar", m.CalendarItem(_node_pk(node_id), "CALENDAR", calendar=calendar.as_dict(),
                                             updated_at=calendar.updated_at, updated_by=calendar.updated_by or ""))
            tx.check("office", m.NodeItem, _node_pk(node_id), "NODE", condition=m.NodeItem.pk.exists())

        self._recent.pop(node_id, None)
        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if "office" in cancelled.failed:
                raise ParentMissing(node_id) from None
            raise

    def delete_calendar(self, node_id: str) -> None:
        self._recent.pop(node_id, None)
        m.CalendarItem(_node_pk(node_id), "CALENDAR").delete()


def _calendar_from_item(item: m.CalendarItem) -> OfficeCalendar:
    return parse_calendar(item.calendar, item.pk.removeprefix("NODE#"), item.updated_at, item.updated_by)
