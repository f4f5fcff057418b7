"""problem+json (RFC 9457) for every error, whoever produced it.

Kept free of heavy imports: app.py's middleware imports this module at cold start to rewrite
the errors Chalice itself answers (405, 415, its catch-all 500) in the same shape as ours.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib.domain import messages

PROBLEM_CONTENT_TYPE = "application/problem+json"

# slug → title; the type URI is /problems/<slug> (docs/API-ERRORS.md explains each). The titles
# said in the reader's language are messages.TITLES.
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
                 errors: list[dict[str, str]] | None = None, extra: dict[str, Any] | None = None,
                 language: str = messages.DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The problem document itself (also one item's failure inside a batch answer). Its title
    and detail in `language`, from the one catalogue of messages (chalicelib/domain/messages.py);
    a sentence the catalogue lacks falls back to the title, never to another language."""
    default_slug, default_title = TITLES.get(status, ("error", "Error"))
    slug = slug or default_slug
    named = messages.TITLES.get(slug)
    worded_title = named.in_(language) if named else (title or default_title)
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": worded_title,
        "status": status,
        "detail": messages.say(detail, language) or worded_title,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None,
            extra: dict[str, Any] | None = None, language: str = messages.DEFAULT_LANGUAGE) -> Response:
    body = problem_body(status, detail, slug=slug, title=title, errors=errors, extra=extra, language=language)
    all_headers = {"Content-Type": PROBLEM_CONTENT_TYPE, "Content-Language": language, **SECURITY_HEADERS,
                   **(headers or {})}
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=all_headers)


def _content_type(response: Response) -> str:
    for name, value in response.headers.items():
        if name.lower() == "content-type":
            return value
    return "application/json"


def finish(response: Response, accept_language: str | None = None) -> Response:
    """Every answer leaves with the security headers; an error Chalice produced on its own
    (its 405, 415 or catch-all 500 bodies look like {"Code", "Message"}) leaves as problem+json,
    in the language the request's Accept-Language prefers (no account is known there)."""
    if response.status_code >= 400 and not _content_type(response).startswith(PROBLEM_CONTENT_TYPE):
        detail: str = messages.msg("the request could not be handled")
        if isinstance(response.body, dict) and "Message" in response.body:
            said = str(response.body["Message"])
            media = said.partition("Unsupported media type: ")[2]
            detail = messages.msg("Unsupported media type: {type}", type=media) if media else said
        if response.status_code >= 500:
            detail = messages.msg("something went wrong on our side; it has been logged")
        kept = {k: v for k, v in response.headers.items() if k.lower() in ("allow", "retry-after", "www-authenticate")}
        return problem(response.status_code, detail, headers=kept, language=messages.choose(None, accept_language))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
