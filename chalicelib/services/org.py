"""The org tree: offices as nodes, reach as "the node where a role is held and all below"."""

from __future__ import annotations

import re

from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg
from chalicelib.domain.office_hours import OfficeCalendar, effective, parse_calendar
from chalicelib.domain.org import MAX_TREE_DEPTH, Node
from chalicelib.domain.people import ADMIN_ROLES, STAFF_ROLES, Principal
from chalicelib.domain.regions import office_region_problem
from chalicelib.services.ports import ChildLink, Clock, OrgStore, ParentMissing, SiblingNameTaken

# Matched whole (fullmatch: "$" would let a final "\n" through); ASCII digits, as `\d` takes "٣٢".
_KIND = re.compile(r"[a-z][a-z0-9_]{1,30}")
_REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")


class OrgService:
    def __init__(self, *, org: OrgStore, clock: Clock) -> None:
        self.org = org
        self.clock = clock

    def node_for_staff(self, caller: Principal, node_id: str) -> tuple[Node, list[ChildLink]]:
        node, children = self.org.get_with_children(node_id)
        if node is None or not caller.reaches(node.path, roles=STAFF_ROLES):
            raise NotFound("no such office")
        return node, sorted(children, key=lambda c: c.name.lower())

    def ancestors_in_reach(self, caller: Principal, node: Node) -> list[Node]:
        """issue 20: admin — the offices above `node` the caller reaches, root first (one batch read)."""
        above = self.org.get_many(node.path[:-1])
        return [above[i] for i in node.path[:-1] if i in above and caller.reaches(above[i].path, roles=STAFF_ROLES)]

    def create_node(self, caller: Principal, parent_id: str, kind: str, name: str, region_code: str | None = None,
                    node_id: str | None = None) -> Node:
        parent = self.org.get(parent_id)
        if parent is None or not caller.reaches(parent.path, roles=ADMIN_ROLES):
            raise NotFound("no such parent office")
        problems = []
        if not _KIND.fullmatch(kind):
            problems.append(FieldProblem("kind", "must be a lower-case word such as kelurahan or cluster"))
        clean_name = " ".join(name.split())
        if not clean_name or len(clean_name) > 120:
            problems.append(FieldProblem("name", "must be 1 to 120 characters"))
        if region_code is not None and not _REGION_CODE.fullmatch(region_code):
            problems.append(FieldProblem("region_code", "must look like 32, 32.76, 32.76.06 or 32.76.06.1002"))
        elif _KIND.fullmatch(kind):
            # issue 20: admin — a real code of the office's level, inside its parent's
            wrong = office_region_problem(kind, region_code, parent.region_code)
            if wrong is not None:
                problems.append(FieldProblem("region_code", msg(wrong[0], **wrong[2]), wrong[1], wrong[2]))
        if problems:
            raise InvalidInput("the office is not right", problems)
        if parent.depth + 1 > MAX_TREE_DEPTH:
            raise InvalidInput(
                "the tree is too deep",
                [FieldProblem("parent_id", msg("offices nest at most {limit} levels below the root", limit=MAX_TREE_DEPTH))],
            )
        new_node_id = node_id or new_id("node")
        node = Node(
            id=new_node_id, kind=kind, name=clean_name, parent_id=parent.id,
            path=parent.path + (new_node_id,), path_kinds=parent.path_kinds + (kind,), region_code=region_code,
        )
        try:
            self.org.create(node, self.clock.now())
        except SiblingNameTaken:
            raise Conflict(msg("{parent} already has an office named {name}", parent=parent.name, name=clean_name)) from None
        except ParentMissing:
            raise NotFound("no such parent office") from None
        return node

    def create_root(self, node_id: str, kind: str, name: str) -> Node:
        """The organisation itself; made once when a deployment is set up (and by the demo seed)."""
        node = Node(id=node_id, kind=kind, name=name, parent_id=None, path=(node_id,), path_kinds=(kind,))
        self.org.create(node, self.clock.now())
        return node

    def offices_for(self, service: ServiceType) -> list[Node]:
        """Offices of the kinds a service is filed at, and only those under which every one of
        its steps finds its deciders (a "desk" of the dam agency cannot take a city permit)."""
        offices = [
            node for kind in service.node_kinds for node in self.org.by_kind(kind)
            if all(node.nearest(step.at_kind) for step in service.steps)
        ]
        return sorted(offices, key=lambda n: n.name.lower())

    def nodes(self, node_ids: list[str]) -> dict[str, Node]:
        return self.org.get_many(node_ids)

    # ---- working calendars (domain/office_hours.py) --------------------------------------------

    def calendar(self, caller: Principal, node_id: str) -> tuple[Node, OfficeCalendar | None]:
        """The calendar an office keeps: its own, else the nearest above it (None: wall clock)."""
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=STAFF_ROLES):
            raise NotFound("no such office")
        return node, effective(node.path, self.org.calendars(node.path))[node.id]

    def set_calendar(self, caller: Principal, node_id: str, body: dict) -> tuple[Node, OfficeCalendar]:
        """An admin of the office (or above) sets its own calendar, whole; offices below
        without their own follow it. Steps already running keep the due time they were given."""
        node = self._administered(caller, node_id)
        calendar = parse_calendar(body, node.id, self.clock.now(), caller.user_id)
        try:
            self.org.put_calendar(node.id, calendar)
        except ParentMissing:
            raise NotFound("no such office") from None
        return node, calendar

    def drop_calendar(self, caller: Principal, node_id: str) -> None:
        """The office follows the calendar above it again (or wall-clock hours)."""
        self.org.delete_calendar(self._administered(caller, node_id).id)

    def _administered(self, caller: Principal, node_id: str) -> Node:
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=ADMIN_ROLES):
            raise NotFound("no such office")
        return node
