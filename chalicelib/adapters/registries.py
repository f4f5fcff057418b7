"""HTTP to the external registries, as their protocols are written in SPEC.md. These adapters
only carry bytes: each post answers a `Reply` (status and parsed body, or why there was no
answer), and services/integrations.py decides what it means. Standard library HTTP: one
request at a time, with a time-out, is all a sender needs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from chalicelib.domain.integrations import Reply
from chalicelib.services.ports import TokenRefused

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 64 * 1024


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Accept": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (configured https URL)
            status, raw = answer.status, answer.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(MAX_ANSWER_BYTES) if error.fp else b""
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Reply(None, error=f"no answer: {type(reason).__name__}: {reason}"[:300])
    try:
        return Reply(status, json.loads(raw.decode("utf-8")) if raw else None,
                     error=None if raw else "empty body")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Reply(status, None, error=f"body is not JSON: {raw[:80]!r}")


class FinanceRegistryClient:
    """The finance registry ("BIOS"): a token from {base}/api/token, then one post per record to
    {base}/api/ws/{dataset} with the token in a `token` header. Fields go form-encoded, as the
    registry's public clients send them. The token is kept for the life of the process."""

    def __init__(self, base_url: str, satker: str, key_source, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.satker = satker
        self._key_source = key_source  # () -> str: read when first needed (Secrets Manager on AWS)
        self.timeout = timeout
        self._token: str | None = None
        self._lock = threading.Lock()

    def _new_token(self) -> str:
        form = urllib.parse.urlencode({"satker": self.satker, "key": self._key_source()}).encode()
        reply = _post(f"{self.base_url}/api/token", form, {"Content-Type": "application/x-www-form-urlencoded"},
                      self.timeout)
        body = reply.body if isinstance(reply.body, dict) else {}
        if body.get("status") == "MSG20004" and isinstance(body.get("token"), str) and body["token"]:
            return body["token"]
        code = body.get("status") if isinstance(body.get("status"), str) else None
        message = f"token refused: {code or reply.http_status or ''} {body.get('message') or reply.error or ''}".strip()
        # A MSG4… answer to the token request means our satker or key is wrong: sending again
        # will not help until ops fix the configuration. Anything else is the registry's trouble.
        refused_for_good = bool(code and code.startswith("MSG4")) or reply.http_status in (401, 403)
        raise TokenRefused(message, retryable=not refused_for_good, http_status=reply.http_status)

    def token(self, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None:
                self._token = self._new_token()
            return self._token

    def post(self, dataset: str, fields: dict[str, Any], token: str) -> Reply:
        form = urllib.parse.urlencode({name: _form_value(value) for name, value in fields.items()}).encode()
        return _post(f"{self.base_url}/api/ws/{dataset}", form,
                     {"Content-Type": "application/x-www-form-urlencoded", "token": token}, self.timeout)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


class CircuitOpen(Exception):
    pass


class CircuitBreaker:
    """After `threshold` failures in a row, calls fail at once for `cool_off` seconds; then one
    call is let through, and its result closes or re-opens the circuit. Per process: each Lambda
    container learns on its own, which costs at most `threshold` slow calls per container."""

    def __init__(self, threshold: int = 3, cool_off: float = 30.0, now=time.monotonic) -> None:
        self.threshold = threshold
        self.cool_off = cool_off
        self._now = now
        self._failures = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            return self._failures < self.threshold or self._now() >= self._open_until

    def record(self, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures = 0
                return
            self._failures += 1
            if self._failures >= self.threshold:
                self._open_until = self._now() + self.cool_off


class CivilRegistryClient:
    """The national civil registry, as satupintu speaks to it (an adapter per real registry maps
    it): NIK matches, and events with an idempotency key."""

    def __init__(self, base_url: str, timeout: float, nik_check_timeout: float, breaker: CircuitBreaker) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.nik_check_timeout = nik_check_timeout
        self.breaker = breaker

    def send_event(self, idempotency_key: str, body: dict[str, Any]) -> Reply:
        return _post(f"{self.base_url}/events", json.dumps(body, ensure_ascii=False).encode(),
                     {"Content-Type": "application/json", "Idempotency-Key": idempotency_key}, self.timeout)

    def verify_nik(self, nik: str, name: str, birth_date: str) -> bool | None:
        """True (SESUAI) or False (TIDAK SESUAI); None when the registry could not answer now
        (down, slow, or the circuit is open after repeated failures)."""
        if not self.breaker.allow():
            return None
        reply = _post(f"{self.base_url}/nik/verify",
                      json.dumps({"nik": nik, "name": name, "birth_date": birth_date}).encode(),
                      {"Content-Type": "application/json"}, self.nik_check_timeout)
        result = reply.body.get("result") if isinstance(reply.body, dict) else None
        if reply.http_status == 200 and result in ("SESUAI", "TIDAK SESUAI"):
            self.breaker.record(True)
            return result == "SESUAI"
        self.breaker.record(False)
        logger.warning("civil registry NIK check unavailable",
                       extra={"http_status": reply.http_status, "error": reply.error})
        return None
