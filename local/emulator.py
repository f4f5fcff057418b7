"""The AWS emulator of the local stack: moto in server mode on loopback.

Two things are added around moto's WSGI app:

* a lock, so that each request is handled whole before the next starts. moto's backends are
  plain Python objects; served by threads without a lock, two conditional writes to one item
  can both pass their condition, a race real DynamoDB never has. (The worker short-polls SQS,
  so no request holds the lock waiting.)
* `/_emulator/mail`: the e-mail SES accepted, as the local mailbox, and `/_emulator/calls`:
  how many calls each AWS operation received, for the benchmarks.

Run: python -m local.emulator --port 4566
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

_WSGI = Callable[[dict, Callable], Iterable[bytes]]


class SerializedEmulator:
    def __init__(self, region: str, clock_offset_file: str | None = None) -> None:
        self._moto: _WSGI = DomainDispatcherApplication(create_backend_app)
        self._lock = threading.Lock()
        self._region = region
        self._clock_offset_file = Path(clock_offset_file) if clock_offset_file else None
        self._mail_seen_at: list[str] = []
        self.calls: Counter[str] = Counter()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator/"):
            return self._own_route(path, environ, start_response)
        with self._lock:
            self.calls[_operation_name(environ)] += 1
            # The whole body is produced inside the lock: moto may build it lazily.
            body = b"".join(self._moto(environ, start_response))
            self._stamp_new_mail()
        return [body]

    # ---- the emulator's own routes -----------------------------------------------------

    def _own_route(self, path: str, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_emulator/mail" and method == "GET":
            return _json(start_response, {"items": self.mailbox()})
        if path == "/_emulator/calls" and method == "GET":
            with self._lock:
                return _json(start_response, {"calls": dict(self.calls), "total": sum(self.calls.values())})
        if path == "/_emulator/calls" and method == "DELETE":
            with self._lock:
                self.calls.clear()
            return _json(start_response, {"calls": {}, "total": 0})
        if path == "/_emulator/health":
            return _json(start_response, {"status": "ok"})
        return _json(start_response, {"error": "no such emulator route"}, "404 Not Found")

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
                parsed = email.message_from_string(raw, policy=email.policy.default)
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


def _json(start_response: Callable, payload: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class QuietRequestHandler(MotoRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per AWS call drowns the rest
        pass


def serve(host: str, port: int, region: str, clock_offset_file: str | None = None):
    """Start serving in a thread; answers the server (call .shutdown() to stop)."""
    app = SerializedEmulator(region, clock_offset_file)
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="emulator", daemon=True)
    thread.start()
    return server, app


def main() -> None:
    import logging
    import warnings

    # moto warns about each resource type its CloudFormation skips; local/provision.py creates them.
    warnings.filterwarnings("ignore")
    logging.getLogger("moto").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
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
