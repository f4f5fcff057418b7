"""The AWS emulator of the local stack: moto in server mode on loopback.

Two things are added around moto's WSGI app:

* a lock, so that each request is handled whole before the next starts. moto's backends are
  plain Python objects; served by threads without a lock, two conditional writes to one item
  can both pass their condition, a race real DynamoDB never has. An SQS long poll waits for
  its messages with the lock released (local/sqs_long_poll.py), so it holds up no other call.
  The calls a person waits on (the API's, the browser's) take it before the worker's
  (local/request_lock.py).
* `/_emulator/mail`: the e-mail SES accepted, as the local mailbox, and `/_emulator/calls`:
  how many calls each AWS operation received, for the benchmarks.
* DynamoDB queries that read their partition only, not the whole table
  (local/dynamodb_partitions.py).
* DynamoDB transactions applied in place and idempotent on their ClientRequestToken, as on
  DynamoDB (local/dynamodb_transactions.py; moto copies the whole table per transaction).
* `/_emulator/recording`: every AWS call kept whole while on, for the load benchmark
  (local/emulator_recording.py).
* `/_emulator/faults/ses-reject`: addresses SES refuses (MessageRejected, as SES does for an
  address it will not send to), so that failing deliveries can be seen end to end.

Run: python -m local.emulator --port 4566
"""

from __future__ import annotations

import argparse
import email
import io
import email.policy
import json
import threading
import time
from collections import Counter, OrderedDict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from local import request_lock, sqs_long_poll

_WSGI = Callable[[dict, Callable], Iterable[bytes]]


class SerializedEmulator:
    def __init__(self, region: str, clock_offset_file: str | None = None) -> None:
        from local import (
            dynamodb_partitions, dynamodb_transactions, emulator_speedups, emulator_streams, s3_events, sqs_long_poll,
        )
        from local.emulator_recording import CallRecorder

        dynamodb_transactions.install()
        emulator_speedups.install()
        emulator_streams.install()
        dynamodb_partitions.install()
        sqs_long_poll.install()
        s3_events.install()
        self._tokens = dynamodb_transactions.RequestTokens()
        self._moto: _WSGI = DomainDispatcherApplication(create_backend_app)
        self._lock = request_lock.RequestLock()
        self._region = region
        self._clock_offset_file = Path(clock_offset_file) if clock_offset_file else None
        self._mail_seen_at: list[str] = []
        self.calls: Counter[str] = Counter()
        # The SDK's retries of a call (same amz-sdk-invocation-id), counted apart: on a busy
        # emulator a call can time out and be sent again, which says nothing of the code.
        self.retries: Counter[str] = Counter()
        self._invocations: OrderedDict[str, None] = OrderedDict()
        self.rejected_recipients: set[str] = set()
        self.recorder = CallRecorder()

    def reset(self) -> None:
        """Forget every resource and everything recorded, as a freshly started emulator would
        (the tests give each module a world of its own this way)."""
        from moto.moto_api._internal.models import moto_api_backend

        with self._lock:
            moto_api_backend.reset()
            self._tokens = type(self._tokens)()
            self._mail_seen_at.clear()
            self.calls.clear()
            self.retries.clear()
            self._invocations.clear()
            self.rejected_recipients.clear()

    def _count(self, environ: dict) -> None:
        operation = _operation_name(environ)
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if invocation and invocation in self._invocations:
            self.retries[operation] += 1
            return
        self.calls[operation] += 1
        if invocation:
            self._invocations[invocation] = None
            if len(self._invocations) > 10_000:
                self._invocations.popitem(last=False)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator/"):
            return self._own_route(path, environ, start_response)
        if self.rejected_recipients and path.startswith("/v2/email/outbound-emails"):
            refused = self._refused_mail(environ)
            if refused:
                return refused(start_response)
        transaction = environ.get("HTTP_X_AMZ_TARGET") == "DynamoDB_20120810.TransactWriteItems"
        request = _peek_json(environ) if transaction else None
        recorded_body = self.recorder.take_body(environ) if self.recorder.active else b""
        urgent = not request_lock.is_background(environ.get("HTTP_USER_AGENT", ""))
        with self._lock.held(urgent):
            self._count(environ)
            if request is not None:
                done = self._tokens.already_done(request)
                if done is not None:
                    return _repeated_transaction(start_response, done)
            status: list[str] = []

            def capture(code: str, headers: list, *rest: Any) -> Any:
                status.append(code)
                return start_response(code, headers, *rest)

            # The whole body is produced inside the lock: moto may build it lazily. A long poll
            # waits with the lock released (local/sqs_long_poll.py).
            try:
                with sqs_long_poll.serving(self._lock, environ.get("waitress.client_disconnected")):
                    body = b"".join(self._moto(environ, capture))
            except sqs_long_poll.ClientGone:
                return _json(start_response, {}, "499 Client Closed Request")
            if request is not None and status and status[0].startswith("200"):
                self._tokens.remember(request)
            self._stamp_new_mail()
            if self.recorder.active:
                self.recorder.add(_operation_name(environ), environ, recorded_body, status[0] if status else "", body)
        return [body]

    # ---- the emulator's own routes -----------------------------------------------------

    def _own_route(self, path: str, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_emulator/mail" and method == "GET":
            return _json(start_response, {"items": self.mailbox()})
        if path == "/_emulator/calls" and method == "GET":
            with self._lock:
                return _json(start_response, {"calls": dict(self.calls), "total": sum(self.calls.values()),
                                              "retries": dict(self.retries)})
        if path == "/_emulator/calls" and method == "DELETE":
            with self._lock:
                self.calls.clear()
                self.retries.clear()
            return _json(start_response, {"calls": {}, "total": 0})
        if path == "/_emulator/recording" and environ.get("REMOTE_ADDR") in ("127.0.0.1", "::1"):
            {"POST": self.recorder.start, "DELETE": self.recorder.stop}.get(method, lambda: None)()
            return _json(start_response, {"recording": self.recorder.active, "calls": self.recorder.calls()})
        if path == "/_emulator/faults/ses-reject":
            if method == "POST":
                self.rejected_recipients.add(_read_json(environ).get("address", "").lower())
            elif method == "DELETE":
                self.rejected_recipients.clear()
            return _json(start_response, {"addresses": sorted(self.rejected_recipients)})
        if path == "/_emulator/health":
            return _json(start_response, {"status": "ok"})
        return _json(start_response, {"error": "no such emulator route"}, "404 Not Found")

    def _refused_mail(self, environ: dict) -> Callable | None:
        """SESv2 SendEmail to a refused address answers as SES does; the request body is put
        back for moto otherwise."""
        destinations = _peek_json(environ).get("Destination", {}).get("ToAddresses", [])
        if not any(address.lower() in self.rejected_recipients for address in destinations):
            return None

        def answer(start_response: Callable) -> list[bytes]:
            payload = json.dumps({"message": "Email address is not verified."}).encode()
            start_response("400 Bad Request", [("Content-Type", "application/json"),
                                               ("X-Amzn-ErrorType", "MessageRejected"),
                                               ("Content-Length", str(len(payload)))])
            return [payload]

        return answer

    def _sent_messages(self) -> list[Any]:
        from moto.ses.models import ses_backends

        return ses_backends[DEFAULT_ACCOUNT_ID][self._region].sent_messages

    def _now(self) -> datetime:
        offset = 0.0
        if self._clock_offset_file is not None:
            try:
                offset = float(self._clock_offset_file.read_text() or 0)
            except (OSError, ValueError):
                offset = 0.0
        return datetime.now(timezone.utc) + timedelta(seconds=offset)

    def _stamp_new_mail(self) -> None:
        sent = self._sent_messages()
        while len(self._mail_seen_at) < len(sent):
            self._mail_seen_at.append(self._now().isoformat(timespec="seconds"))

    def mailbox(self) -> list[dict[str, Any]]:
        with self._lock:
            messages = list(zip(self._sent_messages(), self._mail_seen_at))
        items = []
        for message, at in messages:
            raw = getattr(message, "raw_data", None)
            if raw is not None:
                # From bytes: parsed from a str, an 8-bit body's non-ASCII text comes back
                # escaped (\u2014 for a dash).
                data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
                parsed = email.message_from_bytes(data, policy=email.policy.default)
                text_part = parsed.get_body(preferencelist=("plain",))
                html_part = parsed.get_body(preferencelist=("html",))
                items.append({
                    "to": [addr.addr_spec for addr in parsed["To"].addresses] if parsed["To"] else [],
                    "subject": str(parsed["Subject"] or ""),
                    "text": text_part.get_content() if text_part else "",
                    "html": html_part.get_content() if html_part else None,
                    "at": at,
                })
            else:
                destinations = getattr(message, "destinations", {}) or {}
                items.append({
                    "to": list(destinations.get("ToAddresses", [])),
                    "subject": getattr(message, "subject", ""),
                    "text": getattr(message, "body", ""),
                    "html": None,
                    "at": at,
                })
        items.reverse()  # newest first
        return items


def _operation_name(environ: dict) -> str:
    """DynamoDB_20120810.Query → dynamodb:Query; AmazonSQS.SendMessage → sqs:SendMessage; REST
    calls (S3, SESv2) by method and first path segment."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        prefix, _, action = target.partition(".")
        service = prefix.split("_")[0].lower().replace("amazon", "")
        return f"{service}:{action}"
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = "unknown"
    if "Credential=" in auth:
        try:
            service = auth.split("Credential=")[1].split("/")[3]
        except IndexError:
            pass
    return f"{service}:{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '').split('/')[1] if environ.get('PATH_INFO', '/') != '/' else '/'}"


def _peek_json(environ: dict) -> dict[str, Any]:
    """The request's JSON body, leaving it in place for moto."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}


def _repeated_transaction(start_response: Callable, same: bool) -> list[bytes]:
    """DynamoDB's answer to a transaction retried with its token: success again, or a mismatch."""
    if same:
        return _json(start_response, {})
    payload = {"__type": "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
               "message": "the ClientRequestToken was used with other items"}
    return _json(start_response, payload, "400 Bad Request")


def _read_json(environ: dict) -> dict[str, Any]:
    try:
        return json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    except ValueError:
        return {}


def _json(start_response: Callable, payload: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


SERVER_THREADS = 96


class EmulatorServer:
    """The emulator served over HTTP/1.1 with keep-alive (waitress): an SDK client keeps its
    connections, where werkzeug's development server closed each one after a single request and
    started a thread for the next, which cost a third of the emulator's time."""

    def __init__(self, app: SerializedEmulator, host: str, port: int) -> None:
        from waitress.server import create_server

        self.app = app
        # Requests are served one at a time anyway (SerializedEmulator's lock); the threads keep a
        # slow client from holding up the others while it sends or reads, and each SQS long poll
        # holds one while it waits: the worker's pollers (local/worker.py, five a queue) and the
        # API's and tests' calls must all find one. A lookahead of one request keeps reading each
        # connection while its request is served, so a long poll learns its client is gone.
        self._server = create_server(app, host=host, port=port, threads=SERVER_THREADS, ident="satupintu-emulator",
                                     clear_untrusted_proxy_headers=False, channel_timeout=300,
                                     channel_request_lookahead=1)
        self._thread = threading.Thread(target=self._server.run, name="emulator", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        def close_everything() -> None:
            for channel in list(self._server._map.values()):
                channel.close()  # the listening socket and every open connection: the loop ends

        # In the server's own loop: closed from this thread, a socket the loop is selecting on
        # (every connection, with the lookahead) fails its select with a bad file descriptor.
        self._server.trigger.pull_trigger(close_everything)
        self._thread.join(timeout=5)
        self._server.task_dispatcher.shutdown()


def serve(host: str, port: int, region: str, clock_offset_file: str | None = None) -> tuple[EmulatorServer, SerializedEmulator]:
    """Start serving in a thread; answers the server (call .shutdown() to stop)."""
    app = SerializedEmulator(region, clock_offset_file)
    return EmulatorServer(app, host, port), app


def main() -> None:
    import logging
    import warnings

    # moto warns about each resource type its CloudFormation skips; local/provision.py creates them.
    warnings.filterwarnings("ignore")
    logging.getLogger("moto").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--region", default="ap-southeast-3")
    parser.add_argument("--clock-offset-file")
    args = parser.parse_args()
    server, _ = serve(args.host, args.port, args.region, args.clock_offset_file)
    print(f"emulator listening on http://{args.host}:{args.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
