"""Applications: filing, editing, submitting, deciding, and the lists people work from."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from chalicelib.domain import applications as rules
from chalicelib.domain.catalog import Catalog, ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id, new_tracking_code, normalize_tracking_code
from chalicelib.domain.model import DECIDER_ROLES, Application, ApplicationChange, HistoryEntry, Node, Principal
from chalicelib.services.ports import Clock, StaleApplication, TrackingCodeTaken

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


@dataclass(frozen=True)
class Tracking:
    application: Application
    history: list[HistoryEntry]


class ApplicationService:
    def __init__(self, *, applications, org, documents, catalog: Catalog, clock: Clock, tz: timezone) -> None:
        self.applications = applications
        self.org = org
        self.documents = documents
        self.catalog = catalog
        self.clock = clock
        self.tz = tz

    # ---- reading -------------------------------------------------------------------------

    def service_of(self, app: Application) -> ServiceType:
        service = self.catalog.version(app.service_id, app.service_version)
        if service is None:
            # A deployment dropped a catalog version that applications still follow.
            raise Conflict(f"service {app.service_id} version {app.service_version} is no longer in the catalog")
        return service

    def get(self, caller: Principal, app_id: str) -> Application:
        return rules.require_readable(caller, self.applications.get(app_id))

    def history_with_application(self, caller: Principal, app_id: str) -> tuple[Application, list[HistoryEntry]]:
        app, history = self.applications.get_with_history(app_id)
        return rules.require_readable(caller, app), history

    def list(self, caller: Principal, *, status: str | None, service_id: str | None, node_id: str | None,
             scope: str | None, cursor: str | None, limit: int) -> Page:
        """Applicants see their own; staff see everything filed in their reach (or, with
        scope=mine, what they filed themselves)."""
        filters = {"status": status, "service_id": service_id}
        if scope == "mine" or not caller.is_staff:
            if node_id:
                raise InvalidInput("filter not available", [FieldProblem("node_id", "filters staff lists only")])
            return Page(*self.applications.page_for_applicant(caller.user_id, cursor, limit, **filters))
        if node_id:
            node = self.org.get(node_id)
            if node is None or not caller.reaches(node.path):
                raise NotFound("no such office")
            roots = [node]
        else:
            roots = self._reach_roots(caller)
        return Page(*self.applications.page_in_subtrees(roots, cursor, limit, **filters))

    def _reach_roots(self, caller: Principal) -> list[Node]:
        """The top nodes of the caller's reach: a grant under another grant adds nothing."""
        nodes = self.org.get_many([g.node_id for g in caller.grants])
        held = set(nodes)
        return [node for node in nodes.values() if not any(a in held for a in node.path[:-1])]

    def inbox(self, caller: Principal, cursor: str | None, limit: int) -> Page:
        """What the caller may decide now, oldest due first."""
        queues = sorted({(g.node_id, g.role) for g in caller.grants if g.role in DECIDER_ROLES})
        apps, next_cursor = self.applications.inbox_page(queues, cursor, limit)
        return Page([a for a in apps if a.applicant_id != caller.user_id], next_cursor)

    def track(self, code: str) -> Tracking:
        normalized = normalize_tracking_code(code)
        app_id = self.applications.id_for_tracking_code(normalized) if normalized else None
        app, history = self.applications.get_with_history(app_id) if app_id else (None, [])
        if app is None:
            raise NotFound("no application has this tracking code")
        return Tracking(app, history)

    # ---- changing ------------------------------------------------------------------------

    def create(self, caller: Principal, service_id: str, node_id: str, data: dict[str, Any],
               origin: rules.Origin) -> Application:
        service = self.catalog.latest(service_id)
        if service is None:
            raise InvalidInput("unknown service", [FieldProblem("service_id", "is not a service in the catalog")])
        node = self.org.get(node_id)
        if node is None:
            raise InvalidInput("unknown office", [FieldProblem("node_id", "is not an office")])
        for _ in range(3):
            change = rules.new_application(
                app_id=new_id("app"), tracking_code=new_tracking_code(), service=service, node=node,
                caller=caller, data=data, now=self.clock.now(), tz=self.tz, origin=origin,
            )
            try:
                self.applications.save(change)
            except TrackingCodeTaken:
                continue  # 1 in 10^15 per application; draw another
            logger.info("application created", extra={"application_id": change.application.id, "service_id": service.id})
            return change.application
        raise Conflict("could not allot a tracking code; try again")

    def patch(self, caller: Principal, app_id: str, data: dict[str, Any], origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        change = rules.patch_data(app, self.service_of(app), caller, data, self.clock.now(), self.tz, origin)
        return self._save(change)

    def submit(self, caller: Principal, app_id: str, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        service = self.service_of(app)
        node = self.org.get(app.node_id)
        if node is None:
            raise Conflict("the office this application was filed at no longer exists")
        change = rules.submit(app, service, node, caller, self.documents.missing(app), self.clock.now(), self.tz, origin)
        return self._save(change)

    def withdraw(self, caller: Principal, app_id: str, reason: str | None, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        return self._save(rules.withdraw(app, caller, self.clock.now(), self.tz, origin, reason))

    def decide(self, caller: Principal, app_id: str, action: str, step: int, comment: str | None,
               origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        change = rules.decide(app, self.service_of(app), caller, action, step, comment, self.clock.now(), self.tz, origin)
        saved = self._save(change)
        logger.info("decision recorded", extra={"application_id": app.id, "action": action, "step": step})
        return saved

    def _save(self, change: ApplicationChange) -> Application:
        try:
            self.applications.save(change)
        except StaleApplication:
            raise Conflict("the application changed while you were working on it; reload it and try again") from None
        return change.application
