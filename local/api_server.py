"""The API on 127.0.0.1:$API_PORT: Chalice's local server with the `local` stage's
configuration. Where API Gateway answers on its own (an unknown route), this server answers
what the deployed gateway is configured to answer (infra/gateway-responses.json).

Run: python -m local.api_server   (the environment comes from local/run.py)
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer, LocalGatewayException

from local.stack import PROJECT_DIR

GATEWAY_RESPONSES = json.loads((PROJECT_DIR / "infra" / "gateway-responses.json").read_text())


def gateway_problem(kind: str, method: str, path: str, status: int | None = None) -> tuple[int, bytes]:
    """The gateway's answer of this kind; a DEFAULT_* kind keeps the status it was given."""
    spec = GATEWAY_RESPONSES[kind]
    status = spec["status"] or status or 500
    detail = spec["detail"].replace("$context.httpMethod", method).replace("$context.path", path.split("?")[0])
    if "$context.error" in detail:
        detail = "the request was refused before it reached the service"  # nothing of the request echoed
    body = {"type": f"/problems/{spec['slug']}", "title": spec["title"], "status": status, "detail": detail}
    return status, json.dumps(body).encode()


def gateway_error(code: int, body: bytes, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """What the deployed gateway answers where Chalice's local one refused a request (code and
    body as Chalice made them): (status, headers, problem+json body). Also used by the tests
    that call the app in-process (tests/integration/test_schemathesis.py)."""
    if code == 403 and b"Missing Authentication Token" in body:
        kind = "MISSING_AUTHENTICATION_TOKEN"
    elif code == 403 and body.startswith(b'{"message": "Authorization header requires'):
        kind = "INCOMPLETE_SIGNATURE"
    else:
        kind = "DEFAULT_5XX" if code >= 500 else "DEFAULT_4XX"
    status, problem = gateway_problem(kind, method, path, code)
    headers = {"Content-Type": "application/problem+json", "Access-Control-Allow-Origin": "*",
               "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
    return status, headers, problem


class GatewayLikeRequestHandler(ChaliceRequestHandler):
    """Chalice's local gateway answers its own errors as AWS's SDK-style JSON, and for an
    unknown route sent with an Authorization header echoes the header back in a signature
    complaint. Every such answer here is what the deployed gateway is configured to send
    (infra/gateway-responses.json): problem+json, nothing echoed."""

    def _send_error_response(self, error: LocalGatewayException) -> None:
        self._send_http_response(*gateway_error(error.CODE, error.body or b"", self.command, self.path))

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        sys.stderr.write("api: %s\n" % (format % args))


def main() -> None:
    from chalice.cli.factory import CLIFactory

    port = int(os.environ.get("API_PORT", "8000"))
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(message)s")
    factory = CLIFactory(str(PROJECT_DIR))
    config = factory.create_config_obj(chalice_stage_name="local")
    app = config.chalice_app
    # What chalice.local.create_local_server does before serving: the app keeps its current
    # request per thread, since the local server answers requests on threads.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, config, "127.0.0.1", port, handler_cls=GatewayLikeRequestHandler)
    print(f"api: serving on http://127.0.0.1:{port}", flush=True)
    server.server.serve_forever()  # LocalDevServer.serve_forever would print the same again


if __name__ == "__main__":
    sys.path.insert(0, str(Path(PROJECT_DIR)))
    main()
