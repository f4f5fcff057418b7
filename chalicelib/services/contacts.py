"""Contact and help: the contact details an office publishes (address, e-mail, phone, opening
hours), and which office a service's page tells people to ask."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.credentials import email_address
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.org import Node
from chalicelib.domain.people import ADMIN_ROLES, Principal
from chalicelib.services.ports import OrgStore
from chalicelib.services.ports.library import LibraryStore

FIELDS = ("address", "email", "phone", "hours")


class ContactService:
    def __init__(self, *, org: OrgStore, store: LibraryStore) -> None:
        self.org = org
        self.store = store

    def contact(self, node_id: str) -> tuple[Node, dict[str, Any] | None, str | None]:
        """(the office, the contact people should use, the office it is from): its own, else the
        nearest office above it that publishes one (one BatchGet of the path's contacts)."""
        node = self.org.get(node_id)
        if node is None:
            raise NotFound("no such office")
        return (node, *self._nearest(node, self.store.contacts(node.path)))

    def set_contact(self, caller: Principal, node_id: str, contact: dict[str, Any]) -> tuple[Node, dict[str, Any]]:
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=ADMIN_ROLES):
            raise NotFound("no such office")
        clean = {k: " ".join(str(contact.get(k) or "").split()) or None for k in FIELDS}
        if clean["email"] is not None:
            clean["email"] = email_address(clean["email"])
        if not any(clean.values()):
            raise InvalidInput("the contact is not right", [FieldProblem("address", "give at least one way to reach "
                                                                                   "the office")])
        self.store.put_contact(node.id, clean)
        return node, clean

    def offices_to_ask(self, offices: list[Node]) -> list[tuple[Node, dict[str, Any] | None, str | None]]:
        """Each office a service is filed at, with its contact (its own or from above)."""
        contacts = self.store.contacts({n for office in offices for n in office.path})
        return [(office, *self._nearest(office, contacts)) for office in offices]

    @staticmethod
    def _nearest(node: Node, contacts: dict[str, dict[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
        for node_id in reversed(node.path):
            if node_id in contacts:
                return contacts[node_id], node_id
        return None, None
