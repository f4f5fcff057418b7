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


def gateway_problem(kind: str, method: str, path: str) -> tuple[int, bytes]:
    spec = GATEWAY_RESPONSES[kind]
    detail = spec["detail"].replace("$context.httpMethod", method).replace("$context.path", path.split("?")[0])
    body = {"type": f"/problems/{spec['slug']}", "title": spec["title"], "status": spec["status"], "detail": detail}
    return spec["status"], json.dumps(body).encode()


class GatewayLikeRequestHandler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if error.CODE == 403 and b"Missing Authentication Token" in (error.body or b""):
            status, body = gateway_problem("MISSING_AUTHENTICATION_TOKEN", self.command, self.path)
            self._send_http_response(
                status,
                {"Content-Type": "application/problem+json", "Access-Control-Allow-Origin": "*",
                 "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
                body,
            )
            return
        super()._send_error_response(error)

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
