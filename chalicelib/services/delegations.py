"""Delegations: lending a role for a while, listing what one has given and received, ending it."""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain import delegations as rules
from chalicelib.domain.credentials import normalize_email
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.delegations import Delegation
from chalicelib.domain.people import STAFF_ROLES, Principal
from chalicelib.services.ports import Clock, DelegationStore, OrgStore, UserStore

logger = logging.getLogger(__name__)


class DelegationService:
    def __init__(self, *, delegations: DelegationStore, users: UserStore, org: OrgStore, clock: Clock) -> None:
        self.delegations = delegations
        self.users = users
        self.org = org
        self.clock = clock

    def create(self, caller: Principal, role: str, node_id: str, delegate_email: str, starts_at: datetime,
               ends_at: datetime) -> Delegation:
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=STAFF_ROLES):
            raise NotFound("no such office")
        delegate_id = self.users.user_id_for_email(normalize_email(delegate_email))
        delegate = self.users.get(delegate_id) if delegate_id else None
        delegation = rules.plan_delegation(
            delegation_id=new_id("dlg"), caller=caller, role=role, node_id=node.id, delegate=delegate,
            starts_at=starts_at, ends_at=ends_at, now=self.clock.now(),
        )
        self.delegations.create(delegation)
        logger.info("role delegated", extra={"delegation_id": delegation.id, "role": role, "node_id": node.id})
        return delegation

    def of(self, caller: Principal) -> list[Delegation]:
        return self.delegations.of_user(caller.user_id)

    def end(self, caller: Principal, delegation_id: str) -> None:
        """Either party ends it: the delegator coming back early, or a delegate declining."""
        found = next((d for d in self.delegations.of_user(caller.user_id) if d.id == delegation_id), None)
        delegation = rules.require_party(caller, found)
        self.delegations.delete(delegation)
        logger.info("delegation ended", extra={"delegation_id": delegation.id})
