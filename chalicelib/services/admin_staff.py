"""issue 20: admin — an office's staff roll, and an admin granting and revoking roles at the
offices they administer. Revoking ends the delegations that lent the role (domain/staff_roles.py)."""

from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.domain import staff_roles as rules
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.errors import NotFound
from chalicelib.domain.org import Node
from chalicelib.domain.people import ADMIN_ROLES, Grant, Principal, User
from chalicelib.services.ports import Clock, DelegationStore, OrgStore, UserStore
from chalicelib.services.ports.people import DirectNotifier, StaffStore

logger = logging.getLogger(__name__)


class StaffService:
    def __init__(self, *, staff: StaffStore, users: UserStore, delegations: DelegationStore, org: OrgStore,
                 notifications: DirectNotifier, clock: Clock, web_base_url: str) -> None:
        self.staff = staff
        self.users = users
        self.delegations = delegations
        self.org = org
        self.notifications = notifications
        self.clock = clock
        self.web_base_url = web_base_url.rstrip("/")

    def administered(self, caller: Principal, node_id: str) -> Node:
        """An office the caller is admin at or above; any other is 404 to them."""
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=ADMIN_ROLES):
            raise NotFound("no such office")
        return node

    def roll(self, caller: Principal, node_id: str, cursor: str | None,
             limit: int) -> tuple[list[rules.StaffMember], str | None]:
        """Who holds which role at the office: one Query of its roll, one batch read of names."""
        node = self.administered(caller, node_id)
        entries, next_cursor = self.staff.page(node.id, cursor, limit)
        people = self.staff.profiles({e.user_id for e in entries})
        members = [rules.StaffMember(e, *people[e.user_id]) for e in entries if e.user_id in people]
        return members, next_cursor

    def grant(self, caller: Principal, user_id: str, role: str, node_id: str) -> User:
        """A role at an office the caller administers, to an account; its owner gets a note."""
        node = self.administered(caller, node_id)
        grant = Grant(role, node.id)
        user = rules.check_grant(self.users.get(user_id), grant)
        self.users.add_grants(user.id, [grant], caller.user_id, self.clock.now())
        self.notifications.send_direct(user.id, "roles_granted", {"roles": f"{role} — {node.name}",
                                                                  "link": f"{self.web_base_url}/"})
        logger.info("role granted", extra={"user_id": user.id, "role": role, "node_id": node.id, "by": caller.user_id})
        return replace(user, grants=tuple(sorted({*user.grants, grant}, key=lambda g: (g.node_id, g.role))))

    def revoke(self, caller: Principal, user_id: str, role: str, node_id: str) -> list[Delegation]:
        """The role goes, with the delegations the person gave out of it: answers those ended."""
        node = self.administered(caller, node_id)
        grant = Grant(role, node.id)
        user = rules.check_revocation(caller, self.users.get(user_id), grant)
        ended = rules.resting_on(self.delegations.of_user(user.id), user.id, grant)
        if not self.staff.revoke(user.id, grant, ended):
            raise NotFound("this person does not hold that role at this office")
        logger.info("role revoked", extra={"user_id": user.id, "role": role, "node_id": node.id, "by": caller.user_id,
                                           "delegations_ended": len(ended)})
        return ended
