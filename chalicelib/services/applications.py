"""Applications: filing, editing, submitting, deciding, and the lists people work from."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, replace
from datetime import timezone
from typing import Any, Callable, Mapping

from chalicelib.domain import applications as rules
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.errors import Conflict, DomainError, FieldProblem, InvalidInput, NotFound, Unavailable
from chalicelib.domain import certificates, pii
from chalicelib.domain.budgets import BudgetCheck, filed_on_submission
from chalicelib.domain.messages import msg, status as status_label
from chalicelib.domain.nik import compact_nik, is_nik_shaped
from chalicelib.domain import integrations as reg
from chalicelib.domain.integrations import records_for_change
from chalicelib.domain.ids import (
    new_certificate_code,
    new_id,
    new_tracking_code,
    normalize_certificate_code,
    normalize_tracking_code,
)
from chalicelib.domain.application_state import (
    APPROVED, CERTIFICATE, RECEIPT, REJECTED, Application, ApplicationChange, HistoryEntry,
)
from chalicelib.domain.certificates import Certificate
from chalicelib.domain.org import MAX_TREE_DEPTH, Node
from chalicelib.domain import office_hours, registry_checks, takeover
from chalicelib.domain.dashboard_steps import step_moves
from chalicelib.domain.credentials import normalize_email
from chalicelib.domain.people import APPLICATION_ROLES, DECIDER_ROLES, Principal, User
from chalicelib.services.asset_permits import (
    check_named_dams, obligation_write, permit_move, with_dam_link, with_dam_moved,
)
from chalicelib.services.obligations import duty_terms
from chalicelib.services.ports.assets import AssetStore, ObligationStore, StaleAsset
from chalicelib.services.ports import (
    ApplicationStore, BudgetChecks, Clock, InboxFilter, IntegrationRuns, Metrics, MissingDocuments, OrgStore,
    OutboxPublisher, PdfRecord, PdfStore, SequenceTaken, StaleApplication, StaleBudget, TrackingCodeTaken, Vault,
)

logger = logging.getLogger(__name__)

# A decision that lost a race for what it writes beside the application (the certificate
# series' next number, a budget, a dam) reads again and retries: each round one of the racing
# approvals wins, so this many lets that many approve one series at the same moment before
# anyone is told to try again.
DECISION_ATTEMPTS = 20


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


@dataclass(frozen=True)
class ItemOutcome:
    """One item of a batch: the application as decided, or the error that stopped it."""

    application_id: str
    application: Application | None = None
    error: DomainError | None = None


@dataclass(frozen=True)
class Tracking:
    application: Application
    history: list[HistoryEntry]


class ApplicationService:
    def __init__(self, *, applications: ApplicationStore, org: OrgStore, documents: MissingDocuments,
                 outbox: OutboxPublisher, budgets: BudgetChecks, pdfs: PdfStore, catalog: Catalog, clock: Clock,
                 tz: timezone, account_codes: Callable[[], Mapping[str, str]] = dict,
                 integrations: Callable[[], IntegrationRuns] | None = None, vault: Callable[[], Vault] | None = None,
                 deliveries: Callable[[ApplicationChange], tuple[Any, ...]] | None = None,
                 metrics: Metrics, person_by_email: Callable[[str], User | None] | None = None,
                 assets: AssetStore | None = None, obligations: ObligationStore | None = None) -> None:
        self.applications = applications
        self.obligations = obligations  # a dam's monitoring obligations, opened and met by approvals
        self.assets = assets  # the dam register: forms that name a dam, permits that move one
        self._person_by_email = person_by_email  # an address → the account and its own roles
        self.metrics = metrics
        self._vault = vault  # () -> the PII vault: sealing and opening NIKs, their lookup keys
        self.deliveries = deliveries  # change -> the subscription deliveries it makes
        self.account_codes = account_codes  # read when an approval needs them, not at start
        self.integrations = integrations
        self.org = org
        self.documents = documents
        self.outbox = outbox
        self.budgets = budgets
        self.pdfs = pdfs
        self.catalog = catalog
        self.clock = clock
        self.tz = tz

    # ---- reading -------------------------------------------------------------------------

    def get(self, caller: Principal, app_id: str, read: Application | None = None) -> Application:
        """The application, if the caller may read it. `read`: as this request already read it
        (the route's gate), used instead of reading it again."""
        return rules.require_readable(caller, read if read is not None and read.id == app_id else self.applications.get(app_id),
                                      self.catalog)

    def history_with_application(self, caller: Principal, app_id: str) -> tuple[Application, list[HistoryEntry]]:
        app, history = self.applications.get_with_history(app_id)
        return rules.require_readable(caller, app, self.catalog), history

    def reads_as_staff(self, caller: Principal, app: Application) -> bool:
        """Whether the caller reads the application as staff working on it (its applicant
        alone does not): staff see who acted from where, and a spending report's standing."""
        return rules.reads_as_staff(caller, app, self.catalog.service_of(app))

    def revealed(self, caller: Principal, app: Application) -> Application:
        """The application as the caller may see it: its NIKs opened for those who decide on
        it (one KMS call), masked as stored for everyone else."""
        if app.sealed is None or not app.sealed.values or self._vault is None:
            return app
        if not rules.decides_on(caller, app, self.catalog.require_service_of(app)):
            return app
        opened = self._vault().open(app.sealed)
        return app.evolve(data={**app.data, **{name: value for name, value in opened.items() if name in app.data}})

    def find_by_nik(self, caller: Principal, nik: str, cursor: str | None, limit: int) -> Page:
        """Staff: the applications in their reach that name a NIK (in any NIK field), found
        through its keyed HMAC; the NIK itself is stored nowhere in the clear."""
        self.require_casework(caller)
        if not is_nik_shaped(nik):  # ASCII digits: "٣" × 16 would be looked up and match nothing
            raise InvalidInput("not a NIK", [FieldProblem("nik", "must be 16 digits")])
        normalized = compact_nik(nik)
        found, next_cursor = self.applications.page_by_nik(self._vault().lookup_key(normalized), cursor, limit)
        ids = [app_id for app_id, _field, path in found if caller.reaches(path, roles=APPLICATION_ROLES)]
        apps = self.applications.get_many(ids)
        return Page([apps[i] for i in dict.fromkeys(ids) if i in apps and self._can_read(caller, apps[i])], next_cursor)

    def require_casework(self, caller: Principal) -> None:
        """Staff tools on applications (the NIK look-up): for those who work on applications
        somewhere; to anyone else the route is not there."""
        if not caller.holds_any(APPLICATION_ROLES):
            raise NotFound("nothing here within your reach")

    def _can_read(self, caller: Principal, app: Application) -> bool:
        return rules.can_read(caller, app, self.catalog.service_of(app))

    def list(self, caller: Principal, *, status: str | None, service_id: str | None, node_id: str | None,
             scope: str | None, cursor: str | None, limit: int) -> Page:
        """Applicants see their own; staff who work on applications see everything filed in
        their reach (or, with scope=mine, what they filed themselves). A role that reads one
        program's applications only leaves the others out of its pages (a page may then hold
        fewer than `limit`; the cursor goes on)."""
        filters = {"status": status, "service_id": service_id}
        if scope == "mine" or not caller.holds_any(APPLICATION_ROLES):
            if node_id and caller.is_staff and scope != "mine":
                raise NotFound("no such office")  # staff who read no applications: none is in reach
            if node_id:
                raise InvalidInput("filter not available", [FieldProblem("node_id", "filters staff lists only")])
            return Page(*self.applications.page_for_applicant(caller.user_id, cursor, limit, **filters))
        if node_id:
            node = self.org.get(node_id)
            if node is None or not caller.reaches(node.path, roles=APPLICATION_ROLES):
                raise NotFound("no such office")
            roots = [node]
        else:
            roots = self._reach_roots(caller)
        apps, next_cursor = self.applications.page_in_subtrees(roots, cursor, limit, **filters)
        return Page([a for a in apps if self._can_read(caller, a)], next_cursor)

    def _reach_roots(self, caller: Principal) -> list[Node]:
        """The top nodes of the caller's reach: a grant under another grant adds nothing."""
        nodes = self.org.get_many([g.node_id for g in caller.effective_grants if g.role in APPLICATION_ROLES])
        held = set(nodes)
        return [node for node in nodes.values() if not any(a in held for a in node.path[:-1])]

    def inbox(self, caller: Principal, cursor: str | None, limit: int, *, service_id: str | None = None,
              node_id: str | None = None, sla_state: str | None = None, tracking_code: str | None = None) -> Page:
        """What the caller may decide now, oldest due first; narrowed to one service, the
        applications filed at or below one office, or an SLA state. A tracking code finds the
        one application it names, if the caller may decide it now."""
        if tracking_code is not None:
            return Page(self._inbox_item_by_code(caller, tracking_code), None)
        queues = sorted({(g.node_id, g.role) for g in caller.effective_grants if g.role in DECIDER_ROLES})
        narrowed = InboxFilter(now=self.clock.now(), service_id=service_id, node_id=node_id, sla_state=sla_state)
        apps, next_cursor = self.applications.inbox_page(queues, cursor, limit, narrowed)
        # A step taken over or reassigned is only its assignee's.
        mine = [a for a in apps if a.applicant_id != caller.user_id and a.assignee_id in (None, caller.user_id)]
        return Page(mine, next_cursor)

    def _inbox_item_by_code(self, caller: Principal, code: str) -> list[Application]:
        app_id = self._id_for_tracking_code(code)
        app = self.applications.get(app_id) if app_id else None
        return [app] if app is not None and rules.is_decider(caller, app) else []

    def _id_for_tracking_code(self, code: str) -> str | None:
        """What people type (lower case, spaces, no dashes) → the application it names, if any."""
        normalized = normalize_tracking_code(code)
        return self.applications.id_for_tracking_code(normalized) if normalized else None

    def track(self, code: str) -> Tracking:
        app_id = self._id_for_tracking_code(code)
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
            change = with_dam_link(self._sealed(rules.new_application(
                app_id=new_id("app"), tracking_code=new_tracking_code(), service=service, node=node,
                caller=caller, data=data, now=self.clock.now(), tz=self.tz, origin=origin,
            )), service, None)
            check_named_dams(self.assets, service, change.application.data, node.path, self._today(),
                             self.obligations)
            try:
                self.outbox.publish(self.applications.save(change))
            except TrackingCodeTaken:
                continue  # 1 in 10^15 per application; draw another
            logger.info("application created", extra={"application_id": change.application.id, "service_id": service.id})
            return change.application
        raise Conflict("could not allot a tracking code; try again")

    def patch(self, caller: Principal, app_id: str, data: dict[str, Any], origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        service = self.catalog.require_service_of(app)
        change = rules.patch_data(app, service, caller, data, self.clock.now(), self.tz, origin)
        check_named_dams(self.assets, service, change.application.data, app.node_path, self._today(), self.obligations)
        return self._save(with_dam_link(self._sealed(change), service, app.data))

    def submit(self, caller: Principal, app_id: str, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        service = self.catalog.require_service_of(app)
        node = self.org.get(app.node_id)
        if node is None:
            raise Conflict("the office this application was filed at no longer exists")
        missing = self.documents.missing(app)
        budget_check = self.budgets.check_report(app, service) if not missing else None
        change = rules.submit(app, service, node, caller, missing, self.clock.now(), self.tz, origin, budget_check,
                              calendars=self.calendars(node.path))
        change = replace(change, filed_report=filed_on_submission(change.application, service))
        saved = self._save(change, before=app)
        self.metrics.count("ApplicationsSubmitted", service=saved.service_id)
        return saved

    def withdraw(self, caller: Principal, app_id: str, reason: str | None, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        service = self.catalog.require_service_of(app)
        return self._save(rules.withdraw(app, service, caller, self.clock.now(), self.tz, origin, reason), before=app)

    def decide(self, caller: Principal, app_id: str, action: str, step: int, comment: str | None,
               origin: rules.Origin, read: Application | None = None) -> Application:
        saved = self._decide(caller, self.get(caller, app_id, read), action, step, comment, origin)
        logger.info("decision recorded", extra={"application_id": app_id, "action": action, "step": step})
        return saved

    def _decide(self, caller: Principal, app: Application, action: str, step: int, comment: str | None,
                origin: rules.Origin) -> Application:
        """A final approval that issues a certificate takes the next number of its series in
        the same transaction; when another approval took it first, read the next and retry. One
        that grants a budget writes the budgets it adds to on the versions read, the same way."""
        service = self.catalog.require_service_of(app)
        for attempt in range(DECISION_ATTEMPTS):
            if attempt:
                # Apart a little, so approvals racing for one series do not meet again at once.
                time.sleep(random.uniform(0, 0.02 * attempt))
            now = self.clock.now()
            next_certificate = None
            if action == "approve" and step == app.steps_total and service.on_approval.certificate:
                series = certificates.series_of(app, service, now, self.tz)
                next_certificate = certificates.NextCertificate(
                    new_certificate_code(), self.applications.certificate_sequence(series) + 1)
            # The step left is timed in its office's working time (dashboard_steps), the next one
            # is due in its own: one read for both.
            calendars = self.calendars(app.node_path)
            change = rules.decide(app, service, caller, action, step, comment, now, self.tz, origin, next_certificate,
                                  calendars=calendars)
            if change.application.status == APPROVED and service.on_approval.budget_grant:
                change = replace(change, budget_write=self.budgets.grant_write(change.application, service, caller))
            if change.application.status == APPROVED and self.assets is not None:
                change = with_dam_moved(change, service, permit_move(self.assets, service, change.application, caller, now))
                change = self._with_obligation(change, service, now)
            try:
                saved = self._save(change, before=app, calendars=calendars)
            except (SequenceTaken, StaleBudget, StaleAsset):
                continue
            if saved.status in (APPROVED, REJECTED):
                self.metrics.count("ApplicationsDecided", outcome=saved.status, service=saved.service_id)
            return saved
        raise Conflict("many permits are being approved at this moment; try again")

    def _with_obligation(self, change: ApplicationChange, service, now) -> ApplicationChange:
        if self.obligations is None:
            return change
        write = obligation_write(self.obligations, duty_terms(self.catalog), self.tz, service, change.application,
                                 change.asset_move, now)
        if write is None:
            return change
        return replace(change, obligation_write=write[:2], counters=change.counters + write[2])

    def decide_many(self, caller: Principal, app_ids: list[str], action: str, comment: str | None,
                    steps: dict[str, int], origin: rules.Origin) -> list[ItemOutcome]:
        """Each application decided on its own: one that is stale (its step moved on), not the
        caller's to decide or gone fails alone, with its reason; the others go through."""
        outcomes = []
        for app_id in dict.fromkeys(app_ids):
            try:
                app = self.get(caller, app_id)
                step = steps.get(app_id, app.step)
                if step is None:
                    raise Conflict(msg("the application is {status}, not awaiting a decision", status=status_label(app.status)))
                outcomes.append(ItemOutcome(app_id, application=self._decide(caller, app, action, step, comment, origin)))
            except DomainError as error:
                outcomes.append(ItemOutcome(app_id, error=error))
            except Exception:
                # One item's surprise must not cost the others their decision.
                logger.exception("batch decision item failed", extra={"application_id": app_id})
                outcomes.append(ItemOutcome(app_id, error=Unavailable("this one could not be decided now; try it again")))
        decided = sum(1 for o in outcomes if o.error is None)
        logger.info("batch decision", extra={"action": action, "items": len(outcomes), "decided": decided})
        return outcomes

    def suspend(self, caller: Principal, app_id: str, reason: str | None, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        return self._save(rules.suspend(app, self.catalog.require_service_of(app), caller, reason, self.clock.now(), origin),
                          before=app)

    def resume(self, caller: Principal, app_id: str, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        calendar = self.calendars(app.node_path).get(app.decider_node_id or "")
        return self._save(rules.resume(app, self.catalog.require_service_of(app), caller, self.clock.now(), origin,
                                       calendar), before=app)

    # ---- escalation that can act (domain/takeover.py) -----------------------------------------

    def _today(self):
        """The organisation's calendar day now (a monitoring report's period must have begun)."""
        return self.clock.now().astimezone(self.tz).date()

    def calendars(self, path: tuple[str, ...]) -> rules.Calendars:
        """The working calendar each office on a root→office path keeps (its own or inherited):
        one BatchGet, whatever the tree, and none while this container read them a moment ago."""
        return office_hours.effective(path, self.org.recent_calendars(path))

    def claim(self, caller: Principal, app_id: str, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        change = takeover.claim(app, self.catalog.require_service_of(app), caller, self.clock.now(), self.tz, origin,
                                self.calendars(app.node_path), self._office_names(app))
        saved = self._save(change, before=app)
        logger.info("step taken over", extra={"application_id": app_id, "step": app.step})
        return saved

    def reassign(self, caller: Principal, app_id: str, user_email: str, origin: rules.Origin) -> Application:
        app = self.get(caller, app_id)
        # Checked before the address is looked up: who holds what is told to nobody else.
        takeover.require_reassigner(caller, app)
        found = self._person_by_email(normalize_email(user_email)) if self._person_by_email else None
        person = (found.id, found.name, found.grants) if found is not None and found.is_active else None
        change = takeover.reassign(app, self.catalog.require_service_of(app), caller, person, self.clock.now(), self.tz,
                                   origin, self.calendars(app.node_path), self._office_names(app))
        saved = self._save(change, before=app)
        logger.info("step reassigned", extra={"application_id": app_id, "step": app.step})
        return saved

    def record_nik_check(self, app_id: str, field: str, result: str) -> None:
        """The civil registry's verdict on one of a filed event's NIKs (the registry sender
        calls this before it settles the check's send-log record)."""
        for _ in range(5):
            app = self.applications.get(app_id)
            change = registry_checks.record_nik_check(app, field, result, self.clock.now()) if app else None
            if change is None:
                return
            try:
                self.outbox.publish(self.applications.save(change))
            except StaleApplication:
                continue  # changed meanwhile: read it again
            logger.info("NIK check recorded", extra={"application_id": app_id, "field": field, "result": result})
            return
        raise Conflict("the application kept changing; the NIK check is recorded on the next run")

    def _office_names(self, app: Application) -> dict[str, str]:
        return {node_id: node.name for node_id, node in self.org.get_many(app.node_path).items()}

    # ---- budgets, certificates, receipts ----------------------------------------------------

    def budget_standing(self, caller: Principal, app: Application) -> BudgetCheck | None:
        """For staff reading a spending report: how it stands against its budget now."""
        if not self.reads_as_staff(caller, app):
            return None
        service = self.catalog.service_of(app)
        return self.budgets.check_report(app, service) if service else None

    def certificate(self, caller: Principal, app_id: str) -> tuple[Certificate, PdfRecord | None]:
        app = self.get(caller, app_id)
        cert = self.applications.certificate(app.certificate_code) if app.certificate_code else None
        if cert is None:
            raise NotFound("no certificate has been issued for this application")
        return cert, self.pdfs.get(CERTIFICATE, app.id)

    def receipt(self, caller: Principal, app_id: str) -> tuple[Application, PdfRecord | None]:
        app = self.get(caller, app_id)
        if app.submitted_at is None:
            raise NotFound("a receipt is given once the application is submitted")
        return app, self.pdfs.get(RECEIPT, app.id)

    def revoke_certificate(self, caller: Principal, app_id: str, reason: str | None, origin: rules.Origin) -> Certificate:
        app = self.get(caller, app_id)
        cert = self.applications.certificate(app.certificate_code) if app.certificate_code else None
        change = certificates.revoke(app, cert, self.catalog.require_service_of(app), caller, reason, self.clock.now(),
                                     origin.source_ip, origin.user_agent)
        self._save(change)
        logger.info("certificate revoked", extra={"application_id": app.id})
        assert change.certificate is not None
        return change.certificate

    def verify(self, code: str) -> Certificate:
        normalized = normalize_certificate_code(code)
        cert = self.applications.certificate(normalized) if normalized else None
        if cert is None:
            raise NotFound("no certificate has this code")
        return cert

    # ---- deadlines -----------------------------------------------------------------------

    def escalate_overdue(self, max_escalations: int = 1000) -> int:
        """Every escalation due by now, found through the due-time index (never a scan), each
        written once per step and level. Answers how many were made."""
        now = self.clock.now()
        made, seen = 0, set()
        while made < max_escalations:
            due = [app_id for app_id in self.applications.due_for_escalation(now, 100) if app_id not in seen]
            if not due:
                break
            for app_id in due:
                seen.add(app_id)  # the index lags the table: an id seen is not read again this run
                try:
                    made += self._escalate(app_id, now)
                except Exception:
                    logger.exception("escalation failed; the next sweep tries again", extra={"application_id": app_id})
        logger.info("overdue steps escalated", extra={"escalations": made})
        return made

    def _escalate(self, app_id: str, now) -> int:
        """All levels due for one application (a clock that jumped may have passed several)."""
        made = 0
        for _ in range(MAX_TREE_DEPTH + 2):
            app = self.applications.get(app_id)
            if app is None or app.decider_node_id is None:
                return made
            decider_node = self.org.get(app.decider_node_id)
            if decider_node is None:
                logger.error("deciders' office is gone; cannot escalate", extra={"application_id": app_id})
                return made
            target_id = rules.escalation_target(decider_node, app.escalation_level)
            target = self.org.get(target_id) if target_id else None
            calendar = self.calendars(decider_node.path).get(decider_node.id)
            change = rules.escalate(app, self.catalog.require_service_of(app), decider_node, target, now, self.tz,
                                    calendar)
            if change is None:
                return made
            change = self._with_steps(app, change)
            try:
                self.outbox.publish(self.applications.save(change))
            except StaleApplication:
                continue  # decided or suspended meanwhile: read it again
            made += 1
        return made

    def _sealed(self, change: ApplicationChange) -> ApplicationChange:
        """The form as it is kept: each NIK (and personal field, a KK) written in this change
        encrypted under the application's data key, masked in the form, and each NIK indexed by
        its keyed HMAC; NIKs left
        unchanged stay as they were sealed, and a removed one takes its lookup with it."""
        app = change.application
        fields = self.catalog.require_service_of(app).fields
        names = pii.sealed_fields({f.name: f.type for f in fields}, {f.name for f in fields if f.personal})
        # NIKs are found again by their keyed HMAC (POST /applications/by-nik); a KK is not.
        searchable = pii.nik_fields({f.name: f.type for f in fields})
        fresh = {name: value for name, value in app.data.items() if name in names and not pii.is_masked(value)}
        present = {name for name in names if name in app.data}
        kept = app.sealed.only(present - set(fresh)) if app.sealed is not None else None
        if not fresh and (kept is None or kept == app.sealed):
            return change
        vault = self._vault() if self._vault is not None else None
        if vault is None:
            raise Unavailable("personal data cannot be stored now; try again later")
        sealed = vault.seal(pii.application_record(app.id), fresh, kept) if fresh else kept
        lookups = {name: key for name, key in app.nik_lookups.items() if name in present and name not in fresh}
        lookups.update({name: vault.lookup_key(value) for name, value in fresh.items() if name in searchable})
        dropped = tuple(sorted((name, key) for name, key in app.nik_lookups.items() if lookups.get(name) != key))
        data = {**app.data, **{name: pii.masked(value) for name, value in fresh.items()}}
        return replace(change, application=app.evolve(data=data, sealed=sealed, nik_lookups=lookups),
                       dropped_lookups=dropped)

    def _with_steps(self, before: Application, change: ApplicationChange,
                    calendars: rules.Calendars | None = None) -> ApplicationChange:
        """The dashboard's step counters the change moves (domain/dashboard_steps.py), in its own
        transaction."""
        calendar = (calendars or {}).get(before.decider_node_id or "")
        moves = step_moves(before, change.application, self.catalog.require_service_of(before), change.history.at,
                           self.tz, calendar)
        return replace(change, counters=change.counters + moves) if moves else change

    def _save(self, change: ApplicationChange, before: Application | None = None,
              calendars: rules.Calendars | None = None) -> Application:
        if before is not None:
            change = self._with_steps(before, change, calendars)
        # What the registries and subscribers are owed goes into the change's own transaction
        # (the outbox).
        service = self.catalog.require_service_of(change.application)
        owed = records_for_change(change, service, self.tz, self.account_codes())
        if self.deliveries is not None:
            owed += self.deliveries(change)
        change = replace(change, integration_records=owed)
        try:
            outbox = self.applications.save(change)
        except StaleApplication:
            raise Conflict("the application changed while you were working on it; reload it and try again") from None
        due_now = [r for r in owed if r.due_at <= change.history.at and not r.totalled_at_push]
        # The change's webhooks ride on its fan-out job, sent after its e-mails: no run job of
        # their own (a send, a receive and a delete, 12 of a lifecycle's calls). The registries'
        # records start a run, whose function keeps their few connections at a time.
        webhooks = [[r.dataset, r.key] for r in due_now if r.target == reg.SUBSCRIPTIONS]
        if self.outbox.publish(outbox, webhooks if 0 < len(webhooks) <= reg.RECORDS_PER_JOB else None):
            due_now = [r for r in due_now if r.target != reg.SUBSCRIPTIONS]
        if due_now and self.integrations is not None:
            self.integrations().nudge_records(due_now)
        return change.application
