"""Event subscriptions (API.md: /subscriptions): made and removed by admins, matched against
every change that makes an event, delivered by an integration run of target `subscriptions`
(services/subscription_deliverer.py). The rules: domain/subscriptions.py."""

from __future__ import annotations

import logging
import secrets
from datetime import timezone
from typing import Callable

from chalicelib.domain import subscriptions as rules
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.application_state import ApplicationChange
from chalicelib.domain.people import ADMIN_ROLES, Principal, require_any
from chalicelib.domain.integrations import IntegrationRecord
from chalicelib.services.ports import Clock, IntegrationRuns, OrgStore, SendStore, SubscriptionStore, Vault

logger = logging.getLogger(__name__)

SECRET_NAME = "secret"


class SubscriptionService:
    def __init__(self, *, subscriptions: SubscriptionStore, org: OrgStore, vault: Callable[[], Vault], sends: SendStore,
                 integrations: Callable[[], IntegrationRuns], clock: Clock, tz: timezone, allow_loopback: bool) -> None:
        self.subscriptions = subscriptions
        self.org = org
        self._vault = vault
        self.sends = sends
        self._integrations = integrations
        self.clock = clock
        self.tz = tz
        self.allow_loopback = allow_loopback

    # ---- admins ----------------------------------------------------------------------------

    def create(self, caller: Principal, url: str, events: list[str], node_id: str | None,
               description: str | None) -> tuple[rules.Subscription, str]:
        """Answers the subscription and its signing secret: shown this once, kept sealed. The
        office comes first: to anyone but its admins it does not exist, whatever else is sent."""
        node = self._node(caller, node_id)
        problems = rules.check_url(url, self.allow_loopback) + rules.check_events(events)
        if not events:
            problems.append(FieldProblem("events", "name at least one event"))
        if problems:
            raise InvalidInput("the subscription cannot be made", problems)
        subscription_id = new_id("sub")
        secret = "whsec_" + secrets.token_urlsafe(32)
        sealed = self._vault().seal(f"subscription/{subscription_id}", {SECRET_NAME: secret})
        subscription = rules.Subscription(
            id=subscription_id, node_id=node.id, node_path=node.path, url=url, events=tuple(dict.fromkeys(events)),
            owner_id=caller.user_id, created_at=self.clock.now(), description=description,
        )
        self.subscriptions.add(subscription, sealed)
        logger.info("subscription created", extra={"subscription_id": subscription_id, "node_id": node.id,
                                                   "by": caller.user_id})
        return subscription, secret

    def _node(self, caller: Principal, node_id: str | None):
        """The office whose events are sent: one the caller administers (at or below a node
        where they are admin); any other, or none at all, is 404 to them alike."""
        require_any(caller, ADMIN_ROLES)
        if node_id is None:
            admin_at = [g.node_id for g in caller.grants if g.role in ADMIN_ROLES]
            if len(admin_at) != 1:
                raise InvalidInput("which office?", [FieldProblem(
                    "node_id", "is required: name the office whose applications' events to send")])
            node_id = admin_at[0]
        node = self.org.get(node_id)
        if node is None or not caller.reaches(node.path, roles=ADMIN_ROLES):
            raise NotFound("no such office among those you administer")
        return node

    def page(self, caller: Principal, cursor: str | None, limit: int) -> tuple[list[rules.Subscription], str | None]:
        require_any(caller, ADMIN_ROLES)
        # The partition is small (an organisation's handful); what is outside the caller's
        # reach is left out of the page rather than refused.
        items, next_cursor = self.subscriptions.page(cursor, limit)
        return [s for s in items if caller.reaches(s.node_path, roles=ADMIN_ROLES)], next_cursor

    def _owned(self, caller: Principal, subscription_id: str) -> rules.Subscription:
        found = self.subscriptions.get(subscription_id)
        if found is None or not caller.reaches(found[0].node_path, roles=ADMIN_ROLES):
            raise NotFound("no such subscription")
        return found[0]

    def get(self, caller: Principal, subscription_id: str) -> rules.Subscription:
        return self._owned(caller, subscription_id)

    def delete(self, caller: Principal, subscription_id: str) -> None:
        """Gone at once; deliveries still waiting are closed as not sent when their turn comes."""
        self._owned(caller, subscription_id)
        if not self.subscriptions.delete(subscription_id):
            raise NotFound("no such subscription")
        logger.info("subscription deleted", extra={"subscription_id": subscription_id, "by": caller.user_id})

    def resume(self, caller: Principal, subscription_id: str) -> rules.Subscription:
        """A paused subscription sends again, starting with the deliveries that waited."""
        self._owned(caller, subscription_id)
        resumed = self.subscriptions.resume(subscription_id)
        if resumed is None:
            raise NotFound("no such subscription")
        self.sends.requeue(rules.SUBSCRIPTIONS, None, self.clock.now(), key_prefix=rules.deliveries_prefix(subscription_id))
        self._integrations().nudge({rules.SUBSCRIPTIONS})
        logger.info("subscription resumed", extra={"subscription_id": subscription_id, "by": caller.user_id})
        return resumed

    def pause(self, caller: Principal, subscription_id: str) -> rules.Subscription:
        """issue 20: admin — an admin holds its deliveries (resume sends them); pausing a paused
        one changes nothing."""
        self._owned(caller, subscription_id)
        self.subscriptions.pause(subscription_id, self.clock.now(), "paused by an admin")
        logger.info("subscription paused", extra={"subscription_id": subscription_id, "by": caller.user_id})
        return self._owned(caller, subscription_id)

    # ---- changes -----------------------------------------------------------------------------

    def deliveries_for(self, change: ApplicationChange) -> tuple[IntegrationRecord, ...]:
        """One delivery per subscription that wants the change's event, due at once. Paused
        subscriptions get theirs too: held, and sent when it is resumed."""
        event = rules.event_of(change)
        if event is None:
            return ()
        app = change.application
        day = change.history.at.astimezone(self.tz).date().isoformat()
        return tuple(
            IntegrationRecord(rules.SUBSCRIPTIONS, event, day, rules.delivery_key(s.id, change), change.history.at,
                           fields=rules.payload(change, event, s.id))
            for s in self.subscriptions.all() if s.wants(event, app.node_path)
        )
