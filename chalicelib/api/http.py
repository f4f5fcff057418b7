"""The request pipeline every route goes through: find the view, find the caller, ask the route's
gate whether the caller may use it at all, read and validate the body and query with pydantic,
call the view, shape the answer, and turn every error (domain, validation, or one nobody
expected) into problem+json. Views stay a few lines each.

The gate comes before anything of the request is read: a caller without the right gets the
404 of something out of reach whatever they send, never a 422 telling what would be valid.
"""

from __future__ import annotations

import importlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from chalicelib import correlation, logs, tracing
from chalicelib.api.problems import problem, problem_body
from chalicelib.config import ConfigurationError
from chalicelib.deps import Container, container
from chalicelib.domain import errors, messages
from chalicelib.domain.application_state import Application, Origin
from chalicelib.domain.people import Principal

logger = logging.getLogger("satupintu.api")


@dataclass
class Result:
    """A view's answer when the default (200 with the returned model) is not right."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RequestContext:
    app: Chalice
    request: Any  # chalice.app.Request
    deps: Container
    caller: Principal | None = None
    # The application the route's gate read (gates.application), handed to the use case so that
    # one request reads it once; the use case checks the caller's reach on it again.
    application: Application | None = None

    @property
    def origin(self) -> Origin:
        identity = (self.request.context or {}).get("identity") or {}
        return Origin(source_ip=identity.get("sourceIp"), user_agent=self.request.headers.get("user-agent"))

    @property
    def language(self) -> str:
        """Problem details' language: the caller's account's, else Accept-Language's, else Indonesian."""
        return language_of(self.request, self.caller)

    def user(self) -> Principal:
        assert self.caller is not None, "endpoint declared without auth"
        return self.caller

    def api_time(self, moment: datetime | None) -> str | None:
        """Times leave in the organisation's own offset (WIB for the demo), ISO 8601."""
        if moment is None:
            return None
        return moment.astimezone(self.deps.settings.org_timezone).isoformat(timespec="seconds")


@dataclass
class Endpoint:
    """A view and what the pipeline and the OpenAPI document need to know about it."""

    view: Callable[..., Any]
    summary: str
    auth: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    tags: tuple[str, ...]
    errors: tuple[int, ...]
    local_only: bool
    # (ctx, **path params) -> None, raising NotFound for a caller who may not use the route
    # here; asked before the query and body are read. Only what is known without the body.
    gate: Callable[..., None] | None = None
    # A media type other than JSON the route takes (text/csv): the view gets the body as text.
    # The route's path must list it in routes.py TEXT_BODIES too, for Chalice to let it in.
    text_body: str | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(*args, **kwargs)


def endpoint(*, summary: str, auth: bool = True, body: type[BaseModel] | None = None,
             query: type[BaseModel] | None = None, response: type[BaseModel] | None = None, status: int = 200,
             tags: tuple[str, ...] = (), errors: tuple[int, ...] = (), local_only: bool = False,
             gate: Callable[..., None] | None = None, text_body: str | None = None):
    def wrap(view: Callable[..., Any]) -> Endpoint:
        return Endpoint(view, summary, auth, body, query, response, status, tags, errors, local_only, gate, text_body)

    return wrap


# ---- dispatch ------------------------------------------------------------------------------

def dispatch(app: Chalice, targets: dict[str, str], path_params: dict[str, str]) -> Response:
    logs.configure()
    request = app.current_request
    target = targets.get(request.method)
    if target is None:
        allowed = ", ".join(sorted(targets))
        return problem(405, messages.msg("{method} is not allowed here; use {allowed}", method=request.method,
                                         allowed=allowed), headers={"Allow": allowed}, language=language_of(request))
    try:
        with tracing.traced(f"## {request.method} {(request.context or {}).get('resourcePath', '')[:80]}",
                            correlation.current()):
            return _handle(app, request, resolve(target), path_params)
    except Exception:  # the last line of defence: never a traceback to a client
        logger.exception("unhandled error", extra={"path": request.path, "method": request.method})
        return problem(500, "something went wrong on our side; it has been logged", language=language_of(request))


def language_of(request: Any, caller: Principal | None = None) -> str:
    """Problem details' language: the caller's account's, else Accept-Language's, else Indonesian."""
    return messages.choose(caller.language if caller else None, (request.headers or {}).get("accept-language"))


def resolve(target: str) -> Endpoint:
    module_name, name = target.split(":")
    return getattr(importlib.import_module(f"chalicelib.api.views.{module_name}"), name)


def _handle(app: Chalice, request: Any, ep: Endpoint, path_params: dict[str, str]) -> Response:
    ctx: RequestContext | None = None
    try:
        deps = container()
        if ep.local_only and not deps.settings.is_local_stage:
            raise errors.NotFound("no such route")
        ctx = RequestContext(app=app, request=request, deps=deps)
        if ep.auth:
            ctx.caller = _authenticate(request, deps)
        elif request.headers.get("authorization"):
            ctx.caller = _caller_if_any(request, deps)
        if ep.gate is not None:
            ep.gate(ctx, **path_params)
        kwargs: dict[str, Any] = dict(path_params)
        if ep.query is not None:
            kwargs["query"] = _parse_query(request, ep.query)
        elif request.query_params:
            raise errors.InvalidInput(
                "unknown query parameters",
                [errors.FieldProblem(name, "is not a parameter of this route") for name in sorted(request.query_params)],
            )
        if ep.text_body is not None:
            kwargs["body"] = _text_body(request, ep.text_body, deps.settings.max_body_bytes)
        elif ep.body is not None:
            kwargs["body"] = _parse_body(request, ep.body, deps.settings.max_body_bytes)
        elif request.raw_body:
            raise _BadRequest("this route takes no request body")
        result = ep.view(ctx, **kwargs)
    except _BadRequest as bad:
        return problem(bad.status, bad.detail, language=language_of(request, ctx and ctx.caller))
    except ValidationError as invalid:
        language = language_of(request, ctx and ctx.caller)
        return problem(422, "some fields are not right", errors=pydantic_problems(invalid, language), language=language)
    except errors.DomainError as error:
        return domain_problem(error, language_of(request, ctx and ctx.caller))
    except ConfigurationError:
        logger.exception("configuration error")
        return problem(503, "the service is not configured; operators have been told",
                       language=language_of(request, ctx and ctx.caller))
    return _render(result, ep)


class _BadRequest(Exception):
    def __init__(self, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _parse_body(request: Any, model: type[BaseModel], max_bytes: int) -> BaseModel:
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise _BadRequest(messages.msg("the body is {size} bytes; at most {limit} are accepted", size=len(raw),
                                       limit=max_bytes), 413)
    if not raw.strip():
        # No body (or Content-Length: 0) where every field is optional is the empty object:
        # `POST …/withdraw` needs no reason, so a client need not send `{}` for none.
        empty = _empty_body(model)
        if empty is None:
            raise _BadRequest("a JSON body is required")
        return empty
    try:
        return model.model_validate_json(raw)
    except ValidationError as invalid:
        if any(e["type"] == "json_invalid" for e in invalid.errors()):
            raise _BadRequest("the body is not valid JSON") from None
        if any(e["type"] == "model_type" and not e["loc"] for e in invalid.errors()):
            raise errors.InvalidInput("the body must be a JSON object", [errors.FieldProblem("body", "must be an object")]) from None
        raise


def _text_body(request: Any, media_type: str, max_bytes: int) -> str:
    sent = (request.headers or {}).get("content-type", "").split(";")[0].strip().lower()
    if sent != media_type:
        raise _BadRequest(messages.msg("send the body as {media_type}", media_type=media_type), 415)
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise _BadRequest(messages.msg("the body is {size} bytes; at most {limit} are accepted", size=len(raw),
                                       limit=max_bytes), 413)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadRequest("the body is not UTF-8 text") from None


def _empty_body(model: type[BaseModel]) -> BaseModel | None:
    """The model of `{}`, or None when the route's body has required fields."""
    try:
        return model.model_validate({})
    except ValidationError:
        return None


def _parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    params = dict(request.query_params or {})
    return model.model_validate(params)


def _authenticate(request: Any, deps: Container) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.NotAuthenticated("send an access token: Authorization: Bearer <token>")
    return deps.accounts.authenticate(token.strip())


def _caller_if_any(request: Any, deps: Container) -> Principal | None:
    """A public route answers everyone the same; a signed-in caller may be shown a little more
    (a librarian the replacement PDF being scanned). A token that does not hold is no caller,
    never a refusal of what the public may read."""
    try:
        return _authenticate(request, deps)
    except errors.NotAuthenticated:
        return None


# pydantic's error types → the rule codes domain FieldProblems use, with the numbers that go
# with each (the web app words them in its user's language).
_PYDANTIC_CODES: dict[str, tuple[str, str | None]] = {
    "missing": ("required", None),
    "extra_forbidden": ("unknown_field", None),
    "string_too_long": ("max_length", "max_length"),
    "string_too_short": ("min_length", "min_length"),
    "too_long": ("max_items", "max_length"),
    "too_short": ("min_items", "min_length"),
    "greater_than_equal": ("min", "ge"),
    "greater_than": ("min", "gt"),
    "less_than_equal": ("max", "le"),
    "less_than": ("max", "lt"),
    "literal_error": ("choice", None),
    "enum": ("choice", None),
    "string_pattern_mismatch": ("format", None),
    "timezone_aware": ("timezone", None),
}


def pydantic_problems(invalid: ValidationError, language: str = messages.DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """Each of pydantic's complaints as our field problems, worded from the rule's code (pydantic's
    own sentences are English only)."""
    found = []
    for error in invalid.errors(include_url=False):
        location = ".".join(str(part) for part in error["loc"]) or "body"
        code, param = _PYDANTIC_CODES.get(error["type"], ("type" if error["type"].endswith("_type") else "invalid", None))
        params: dict[str, Any] = {}
        context = error.get("ctx") or {}
        if param and param in context:
            params = {"limit" if code.endswith(("_length", "_items")) else code: context[param]}
        elif code == "choice" and "expected" in context:
            params = {"options": str(context["expected"])}
        problem: dict[str, Any] = {"field": location, "detail": _rule(code, params, language), "code": code,
                                   "pointer": "#/" + "/".join(str(p) for p in error["loc"])}
        if params:
            problem["params"] = params
        found.append(problem)
    return found


def _rule(code: str, params: dict[str, Any], language: str) -> str:
    template = messages.RULES.get(code, messages.RULES["invalid"])
    if messages.placeholders(template) - set(params):
        template = messages.RULES["invalid"]
    worded = {k: v for k, v in params.items() if k in messages.placeholders(template)}
    return messages.say(messages.msg(template, **worded), language) or template


def _field_problem(found: errors.FieldProblem, language: str = messages.DEFAULT_LANGUAGE) -> dict[str, Any]:
    detail = messages.say(found.detail, language) or _rule(found.code, found.params, language)
    if found.label is not None and "{label}" not in getattr(found.detail, "template", ""):
        detail = f"{found.label.in_(language)} {detail}"
    listed: dict[str, Any] = {"field": found.field, "detail": detail, "code": found.code,
                              "pointer": "#/" + found.field.replace(".", "/")}
    if found.params:
        listed["params"] = found.params
    return listed


def _problem_of(error: errors.DomainError, language: str) -> tuple[int, str, dict[str, Any], dict[str, str]]:
    """(status, detail, problem fields, headers): the one mapping of domain errors to HTTP."""
    if isinstance(error, errors.InvalidInput):
        listed = [_field_problem(p, language) for p in error.problems]
        return 422, error.detail, {"errors": listed}, {}
    if isinstance(error, errors.NotAuthenticated):
        challenge = 'Bearer realm="satupintu"'
        if not isinstance(error, errors.InvalidCredentials):
            challenge += ', error="invalid_token"'
        return 401, error.detail, {}, {"WWW-Authenticate": challenge}
    if isinstance(error, errors.AccountNotVerified):
        return 403, error.detail, {"slug": "account-not-verified", "title": "E-mail address not verified"}, {}
    if isinstance(error, errors.TooManyAttempts):
        return 429, error.detail, {}, {"Retry-After": str(error.retry_after_seconds)}
    status = {
        errors.Forbidden: 403,
        errors.NotFound: 404,
        errors.Conflict: 409,
        errors.Unavailable: 503,
    }.get(type(error), 400)
    return status, error.detail, {}, {}


def domain_problem(error: errors.DomainError, language: str = messages.DEFAULT_LANGUAGE) -> Response:
    status, detail, fields, headers = _problem_of(error, language)
    return problem(status, detail, headers=headers, language=language, **fields)


def domain_problem_body(error: errors.DomainError, language: str = messages.DEFAULT_LANGUAGE) -> dict[str, Any]:
    status, detail, fields, _headers = _problem_of(error, language)
    return problem_body(status, detail, language=language, **fields)


def _render(result: Any, ep: Endpoint) -> Response:
    status, headers, body = ep.status, {}, result
    if isinstance(result, Result):
        status, headers, body = result.status, result.headers, result.body
    if status == 204 or body is None:
        return Response(body="", status_code=204 if status in (200, 204) else status, headers=headers)
    if isinstance(body, str):
        # Text a view shaped itself (CSV, a page): it names its own Content-Type.
        return Response(body=body, status_code=status, headers=headers)
    if isinstance(body, BaseModel):
        payload = body.model_dump(mode="json")
    else:
        payload = body
    return Response(
        body=json.dumps(payload, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", **headers},
    )
