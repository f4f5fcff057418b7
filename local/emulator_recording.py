"""The emulator's call recorder, for the load benchmark (bench/load.py): while on, every AWS call
is kept whole (method, path, query, the headers moto routes by, the body) with its answer's
status, so that a lone application lifecycle's calls can be counted by operation and replayed
against the emulator alone to learn how many lifecycles a second it could serve by itself.

Off by default and costing nothing then; switched on over loopback only
(`POST /_emulator/recording` starts afresh, `GET` reads, `DELETE` stops and forgets).
"""

from __future__ import annotations

import base64
import io
import threading
import time
from typing import Any

# What moto needs to route and parse a call again; the rest (the SDK's user agent, its
# invocation id, the content length) is left out or recomputed by the replayer.
_KEPT_HEADERS = ("CONTENT_TYPE", "HTTP_X_AMZ_TARGET", "HTTP_AUTHORIZATION", "HTTP_HOST", "HTTP_X_AMZ_DATE",
                 "HTTP_X_AMZ_CONTENT_SHA256", "HTTP_X_AMZ_JSON_1_0", "HTTP_X_AMZ_QUERY_MODE")
# Cap: a forgotten recorder must not grow the emulator without bound.
MAX_RECORDED_CALLS = 20_000


class CallRecorder:
    def __init__(self) -> None:
        self._calls: list[dict[str, Any]] | None = None
        self._guard = threading.Lock()

    @property
    def active(self) -> bool:
        return self._calls is not None

    def start(self) -> None:
        with self._guard:
            self._calls = []

    def stop(self) -> None:
        with self._guard:
            self._calls = None

    def calls(self) -> list[dict[str, Any]]:
        with self._guard:
            return list(self._calls or [])

    @staticmethod
    def take_body(environ: dict) -> bytes:
        """The request's body, put back in place for moto."""
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def add(self, operation: str, environ: dict, request_body: bytes, status: str, answer: bytes) -> None:
        with self._guard:
            if self._calls is None or len(self._calls) >= MAX_RECORDED_CALLS:
                return
            self._calls.append({
                "at": time.time(),
                "operation": operation,
                "method": environ.get("REQUEST_METHOD", "GET"),
                "path": environ.get("PATH_INFO", "/"),
                "query": environ.get("QUERY_STRING", ""),
                "headers": {name: environ[name] for name in _KEPT_HEADERS if environ.get(name)},
                "body": base64.b64encode(request_body).decode(),
                "status": int(status.split()[0]) if status else 0,
                # A poll that found nothing is a poller idling (Lambda's, of a queue or the table's
                # stream), not the lifecycle's work.
                "idle_poll": is_idle_poll(operation, answer),
            })


def is_idle_poll(operation: str, answer: bytes) -> bool:
    if operation == "sqs:ReceiveMessage":
        return b"Message" not in answer.replace(b"ReceiveMessageResponse", b"").replace(b"ReceiveMessageResult", b"")
    if operation == "dynamodbstreams:GetRecords":
        return b'"Records": []' in answer or b'"Records":[]' in answer
    return False
