"""problem+json (RFC 9457) for every error, whoever produced it.

Kept free of heavy imports: app.py's middleware imports this module at cold start to rewrite
the errors Chalice itself answers (405, 415, its catch-all 500) in the same shape as ours.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"

# slug → title; the type URI is /problems/<slug> (docs/API-ERRORS.md explains each).
TITLES = {
    400: ("malformed-request", "Malformed request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "The request has invalid fields"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def problem_body(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
                 errors: list[dict[str, str]] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The problem document itself (also one item's failure inside a batch answer)."""
    default_slug, default_title = TITLES.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": f"/problems/{slug or default_slug}",
        "title": title or default_title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None,
            extra: dict[str, Any] | None = None) -> Response:
    body = problem_body(status, detail, slug=slug, title=title, errors=errors, extra=extra)
    all_headers = {"Content-Type": PROBLEM_CONTENT_TYPE, **SECURITY_HEADERS, **(headers or {})}
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=all_headers)


def _content_type(response: Response) -> str:
    for name, value in response.headers.items():
        if name.lower() == "content-type":
            return value
    return "application/json"


def finish(response: Response) -> Response:
    """Every answer leaves with the security headers; an error Chalice produced on its own
    (its 405, 415 or catch-all 500 bodies look like {"Code", "Message"}) leaves as problem+json."""
    if response.status_code >= 400 and not _content_type(response).startswith(PROBLEM_CONTENT_TYPE):
        detail = "the request could not be handled"
        if isinstance(response.body, dict) and "Message" in response.body:
            detail = str(response.body["Message"])
        if response.status_code >= 500:
            detail = "something went wrong on our side; it has been logged"
        kept = {k: v for k, v in response.headers.items() if k.lower() in ("allow", "retry-after", "www-authenticate")}
        return problem(response.status_code, detail, headers=kept)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
