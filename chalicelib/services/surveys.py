"""The public satisfaction survey (IKM, Permenpan RB 14/2017): once an application of a public
service is approved or rejected, its applicant is invited (a notice of the decision's change)
to score the nine elements 1–4, once. Each answer moves the counters of its service and month at
every office above (a dashboard reads the index from them, whatever the number of answers) and
the finance registry's IKM record of that service and month, in one transaction."""

from __future__ import annotations

from datetime import timezone
from typing import Callable, Mapping

from chalicelib.domain import integrations as reg
from chalicelib.domain.application_state import APPROVED, REJECTED, CounterMove
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.people import Principal
from chalicelib.services.ports import ApplicationStore, Clock, IntegrationRuns

# Closed, for the survey: a decision was made. A withdrawn application was not served to the
# end, so its applicant is not asked how the service went.
SURVEYED_STATUSES = (APPROVED, REJECTED)


def ikm_counter(service_id: str, name: str) -> str:
    """`ikm:{service}:responses` and `ikm:{service}:u_{element}` (the sum of its scores)."""
    return f"ikm:{service_id}:{name}"


def satisfaction_from_counters(counters: Mapping[str, int]) -> dict[str, dict]:
    """Per service: the responses, the index (25–100) and its quality letter, from a month's
    counters."""
    figures = {}
    for name, responses in counters.items():
        if not (name.startswith("ikm:") and name.endswith(":responses")) or responses <= 0:
            continue
        service_id = name[len("ikm:"):-len(":responses")]
        sums = {e: counters.get(ikm_counter(service_id, f"u_{e}"), 0) for e in reg.IKM_ELEMENTS}
        index = reg.ikm_index(responses, sums)
        figures[service_id] = {"responses": responses, "index": index, "grade": reg.ikm_grade(index)}
    return figures


class SurveyService:
    def __init__(self, *, surveys, applications: ApplicationStore, catalog: Catalog, clock: Clock, tz: timezone,
                 integrations: Callable[[], IntegrationRuns] | None = None) -> None:
        self.surveys = surveys
        self.applications = applications
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.integrations = integrations

    def answer(self, caller: Principal, app_id: str, scores: Mapping[str, int]) -> dict[str, object]:
        app = self.applications.get(app_id)
        if app is None or app.applicant_id != caller.user_id:
            raise NotFound("no such application")
        service = self.catalog.require_service_of(app)
        if service.filed_by != "public":
            raise NotFound("this application has no satisfaction survey")
        problems = [FieldProblem(f"scores.{e}", "must be a whole number from 1 to 4") for e in reg.IKM_ELEMENTS
                    if not isinstance(scores.get(e), int) or isinstance(scores.get(e), bool) or not 1 <= scores[e] <= 4]
        problems += [FieldProblem(f"scores.{name}", "is not an element of the survey") for name in scores
                     if name not in reg.IKM_ELEMENTS]
        if problems:
            raise InvalidInput("not a survey answer", problems)
        if app.status not in SURVEYED_STATUSES:
            raise Conflict("the survey opens once the application is approved or rejected")
        now = self.clock.now()
        period = now.astimezone(self.tz).strftime("%Y-%m")
        clean = {e: int(scores[e]) for e in reg.IKM_ELEMENTS}
        deltas = {ikm_counter(service.id, "responses"): 1,
                  **{ikm_counter(service.id, f"u_{e}"): clean[e] for e in reg.IKM_ELEMENTS}}
        moves = [CounterMove(node_id, period, dict(deltas)) for node_id in app.node_path]
        record = reg.satisfaction_record(service.id, period, tuple(app.node_path), clean,
                                         reg.next_finance_push(now, self.tz))
        if not self.surveys.add(app.id, service.id, period, clean, now, moves, [record]):
            raise Conflict("this application's survey was answered already")
        index = reg.ikm_index(1, clean)
        return {"application_id": app.id, "service_id": service.id, "period": period, "scores": clean,
                "index": index, "grade": reg.ikm_grade(index)}
