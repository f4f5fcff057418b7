"""Every HTTP route: (method, path, view). The table is all that is loaded at cold start; a
view's module (and pydantic, pynamodb, jwt behind it) is imported on its first request.

Each path is registered for every method so that a wrong method reaches the app and answers
405 with `Allow` (API Gateway alone would answer 403 "Missing Authentication Token").
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

from chalice import Chalice, CORSConfig

ROUTES: list[tuple[str, str, str]] = [
    ("GET", "/health", "health:health"),
    ("GET", "/openapi.json", "openapi:document"),
    # accounts
    ("POST", "/auth/register", "auth:register"),
    ("POST", "/auth/verify", "auth:verify"),
    ("POST", "/auth/login", "auth:login"),
    ("POST", "/auth/refresh", "auth:refresh"),
    ("POST", "/auth/logout", "auth:logout"),
    ("POST", "/auth/password/forgot", "auth:forgot_password"),
    ("POST", "/auth/password/reset", "auth:reset_password"),
    ("GET", "/me", "auth:me"),
    ("PATCH", "/me", "auth:update_me"),
    # org tree and staff
    ("GET", "/org/nodes/{id}", "org:get_node"),
    ("POST", "/org/nodes", "org:create_node"),
    ("GET", "/org/nodes/{id}/calendar", "org:get_calendar"),
    ("PUT", "/org/nodes/{id}/calendar", "org:put_calendar"),
    ("DELETE", "/org/nodes/{id}/calendar", "org:delete_calendar"),
    ("POST", "/admin/users", "org:invite_staff"),
    # catalog
    ("GET", "/services", "catalog:list_services"),
    ("GET", "/services/{id}", "catalog:get_service"),
    ("GET", "/services/{id}/offices", "catalog:service_offices"),
    # applications
    ("POST", "/applications", "applications:create"),
    ("GET", "/applications", "applications:list_applications"),
    ("POST", "/applications/by-nik", "applications:by_nik"),
    ("GET", "/applications/{id}", "applications:get"),
    ("PATCH", "/applications/{id}", "applications:patch"),
    ("POST", "/applications/{id}/submit", "applications:submit"),
    ("POST", "/applications/{id}/withdraw", "applications:withdraw"),
    ("POST", "/applications/{id}/decision", "applications:decide"),
    ("GET", "/applications/{id}/history", "applications:history"),
    ("POST", "/applications/{id}/documents", "documents:request_upload"),
    ("GET", "/applications/{id}/documents", "documents:list_documents"),
    ("GET", "/applications/{id}/documents/{document_id}", "documents:download"),
    ("DELETE", "/applications/{id}/documents/{document_id}", "documents:delete"),
    ("POST", "/applications/{id}/suspend", "applications:suspend"),
    ("GET", "/applications/{id}/certificate", "applications:certificate"),
    ("POST", "/applications/{id}/certificate/revoke", "applications:revoke_certificate"),
    ("GET", "/applications/{id}/receipt", "applications:receipt"),
    ("POST", "/applications/{id}/resume", "applications:resume"),
    ("POST", "/applications/{id}/claim", "applications:claim"),
    ("POST", "/applications/{id}/reassign", "applications:reassign"),
    ("POST", "/decisions", "applications:decide_many"),
    ("GET", "/inbox", "applications:inbox"),
    ("POST", "/delegations", "delegations:create"),
    ("GET", "/delegations", "delegations:list_delegations"),
    ("DELETE", "/delegations/{id}", "delegations:end"),
    # notifications
    ("GET", "/notifications", "notifications:list_notifications"),
    ("POST", "/notifications/{id}/read", "notifications:mark_read"),
    ("GET", "/ops/failed-notifications", "notifications:failed"),
    ("GET", "/track/{code}", "applications:track"),
    ("GET", "/verify/{code}", "applications:verify"),
    # budgets, dashboards, reports
    ("PUT", "/budgets/{node_id}/{period}", "budgets:set_budget"),
    ("GET", "/budgets/{node_id}/{period}", "budgets:get_budget"),
    ("PUT", "/budgets/{node_id}/{period}/recommendation", "budgets:set_recommendation"),
    ("GET", "/dashboard/{node_id}", "budgets:dashboard"),
    ("GET", "/dashboard/{node_id}/export.csv", "budgets:export_csv"),
    ("POST", "/reports", "reports:request_report"),
    ("GET", "/reports/{id}", "reports:get_report"),
    # registers and integrations
    ("POST", "/nik/check", "integrations:check_nik"),
    ("POST", "/npwp/check", "integrations:check_npwp"),
    ("GET", "/integrations/sends", "integrations:sends"),
    ("POST", "/integrations/{target}/run", "integrations:run"),
    ("PUT", "/finance/{node_id}/balances/{kind}/{date}", "integrations:set_balance"),
    ("PUT", "/staffing/{node_id}/{date}", "integrations:set_staff"),
    ("POST", "/applications/{id}/survey", "integrations:answer_survey"),
    ("POST", "/subscriptions", "subscriptions:create"),
    ("GET", "/subscriptions", "subscriptions:list_subscriptions"),
    ("GET", "/subscriptions/{id}", "subscriptions:get"),
    ("DELETE", "/subscriptions/{id}", "subscriptions:delete"),
    ("POST", "/subscriptions/{id}/resume", "subscriptions:resume"),
    # the regulations library, and the offices' contact details
    ("GET", "/regulations", "library:list_regulations"),
    ("POST", "/regulations", "library:create_regulation"),
    ("GET", "/regulations/{id}", "library:get_regulation"),
    ("PATCH", "/regulations/{id}", "library:amend_regulation"),
    ("POST", "/regulations/{id}/document", "library:request_document"),
    ("GET", "/org/nodes/{id}/contact", "library:get_contact"),
    ("PUT", "/org/nodes/{id}/contact", "library:put_contact"),
    # the dam register
    ("GET", "/assets", "assets:list_assets"),
    ("POST", "/assets", "assets:create_asset"),
    ("GET", "/assets/{id}", "assets:get_asset"),
    ("PATCH", "/assets/{id}", "assets:patch_asset"),
    ("GET", "/assets/{id}/history", "assets:asset_history"),
    ("PUT", "/assets/{id}/readings/{date}", "assets:put_reading"),
    ("GET", "/assets/{id}/readings", "assets:list_readings"),
    ("POST", "/assets/{id}/readings/import", "assets:import_readings"),
    ("GET", "/assets/{id}/obligations", "obligations:list_obligations"),
    ("POST", "/assets/{id}/documents", "asset_documents:request_upload"),
    ("GET", "/assets/{id}/documents", "asset_documents:list_documents"),
    ("GET", "/assets/{id}/documents/{document_id}", "asset_documents:download"),
    ("GET", "/assets/{id}/inspections", "inspections:list_inspections"),
    ("POST", "/assets/{id}/inspections", "inspections:record_inspection"),
    ("PATCH", "/assets/{id}/inspections/{inspection_id}", "inspections:follow_up"),
    # issue 20: budgets
    ("GET", "/budgets/{node_id}/{period}/reports", "budget_recap:recap"),
    # issue 20: operations
    ("GET", "/integrations/sends/{id}", "integrations:send_record"),
    ("GET", "/ops/queues", "operations:queues"),
    ("POST", "/ops/queues/{name}/redrive", "operations:redrive"),
    ("GET", "/ops/schedules", "operations:schedules"),
    # issue 20: admin
    ("GET", "/org/nodes/{id}/staff", "admin:list_staff"),
    ("POST", "/admin/users/{id}/roles", "admin:grant_role"),
    ("DELETE", "/admin/users/{id}/roles/{role}/{node_id}", "admin:revoke_role"),
    ("POST", "/subscriptions/{id}/pause", "admin:pause_subscription"),
    ("GET", "/subscriptions/{id}/deliveries", "admin:list_deliveries"),
    # issue 20: a dam's permits
    ("GET", "/assets/{id}/applications", "dam_applications:list_dam_applications"),
    # local stage only (404 elsewhere)
    ("GET", "/_local/mail", "local:mail"),
    ("GET", "/_local/demo", "local:demo"),
    ("GET", "/_local/schedules", "local:list_schedules"),
    ("POST", "/_local/schedules/{name}", "local:run_schedule"),
    ("GET", "/_local/clock", "local:get_clock"),
    ("POST", "/_local/clock", "local:advance_clock"),
]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
LOCAL_ONLY_PREFIX = "/_local/"


def served_routes(stage: str) -> list[tuple[str, str, str]]:
    """The routes a stage serves: the local stage's helpers (mailbox, clock, schedules) exist
    nowhere else, not even as a route that answers 404."""
    return [route for route in ROUTES if stage == "local" or not route[1].startswith(LOCAL_ONLY_PREFIX)]


def routes_by_path(stage: str = "local") -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for method, path, target in served_routes(stage):
        table[path][method] = target
    return dict(table)


def cors_config(stage: str, web_base_url: str) -> CORSConfig | None:
    """Bearer tokens, no cookies. A deployed stage answers only its own web app's origin; the
    local stage any (the browser tests serve the web app on whatever port is free). Imported
    outside any stage (no STAGE: a tool, a benchmark), the app answers no browser at all."""
    if not stage:
        return None
    origin = "*" if stage == "local" else web_base_url.rstrip("/")
    if not origin.startswith(("https://", "http://", "*")) or (origin == "*" and stage != "local"):
        raise RuntimeError(f"stage {stage!r} needs WEB_BASE_URL, the web app's origin, for CORS (not {origin!r})")
    return CORSConfig(
        allow_origin=origin,
        allow_headers=["Authorization", "Content-Type", "Accept-Language"],
        expose_headers=["Location", "Retry-After", "WWW-Authenticate"],
        max_age=600,
    )


# Paths that take a body other than JSON (their endpoint's `text_body`): Chalice refuses any
# other media type (415) before our pipeline, so the route must name it. Kept here rather than
# read from the endpoints, so that registering routes imports no view module at cold start.
TEXT_BODIES = {"/assets/{id}/readings/import": ("text/csv",)}


def register_routes(app: Chalice) -> None:
    """The one place configuration is read at import: Chalice builds API Gateway's routes and
    CORS from the app as imported, and `chalice deploy`/`package --stage X` import it with stage
    X's environment variables (as Lambda starts it with them)."""
    stage = os.environ.get("STAGE", "")
    cors = cors_config(stage, os.environ.get("WEB_BASE_URL", ""))
    for path, targets in routes_by_path(stage).items():
        content_types = ["application/json", *TEXT_BODIES.get(path, ())]
        app.route(path, methods=METHODS, cors=cors, content_types=content_types)(_view(app, path, targets))


def _view(app: Chalice, path: str, targets: dict[str, str]):
    def view(**path_params: str):
        from chalicelib.api.http import dispatch

        return dispatch(app, targets, path_params)

    view.__name__ = "route_" + (re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "root")
    return view
