"""The web app as `make run` serves it on WEB_PORT: the built files of web/dist, what CloudFront
does on AWS (infra/web.yaml) done the same way here.

* `/config.json` names the API (API_PORT), so one build serves every stage;
* any path without a file extension is the app's own route (`/applications/…`, `/verify/…`)
  and gets index.html, as CloudFront's viewer-request function does;
* every answer carries the security headers of infra/web_policy.py (the CSP lets the page talk
  to the API and to the emulator's S3 only), hashed assets are cached for a year and the rest
  revalidated, and text is gzipped when the browser asks.

Run: python -m local.web_server --port 8080 --api-url http://127.0.0.1:8000 --storage-url http://127.0.0.1:4566
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from infra.web_policy import cache_control_for, content_type_for, origin_of, security_headers

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")

logger = logging.getLogger("satupintu.web")


class WebApp:
    def __init__(self, dist: Path, api_url: str, storage_origins: list[str]) -> None:
        self.dist = dist.resolve()
        self.config = json.dumps({"api_url": api_url.rstrip("/")}).encode()
        self.headers = security_headers(api_url, [origin_of(url) for url in storage_origins], https=False)

    def resolve(self, raw_path: str) -> tuple[int, Path | None, str]:
        """(status, file, path served) for a request path."""
        path = unquote(urlsplit(raw_path).path)
        if path == "/config.json":
            return 200, None, path
        relative = PurePosixPath(path.lstrip("/"))
        if ".." in relative.parts:
            return 404, None, path
        try:
            candidate = (self.dist / relative).resolve()
            found = candidate.is_file() and self.dist in candidate.parents
        except (OSError, ValueError):  # a NUL byte or a name the file system refuses
            return 404, None, path
        if found:
            return 200, candidate, path
        if not relative.suffix:
            return 200, self.dist / "index.html", "/index.html"  # the app's own route
        return 404, None, path


@lru_cache(maxsize=512)
def _compressed(path: Path, mtime: float) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6)


def make_handler(app: WebApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "satupintu-web"
        sys_version = ""

        def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's naming
            self._serve(body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            status, file, served = app.resolve(self.path)
            if status != 200:
                self._send(404, b"not found\n", "text/plain; charset=utf-8", "no-cache", body)
                return
            if file is None:
                self._send(200, app.config, "application/json", "no-cache", body)
                return
            content_type = content_type_for(served)
            data = file.read_bytes()
            encoding = None
            if "gzip" in self.headers.get("Accept-Encoding", "") and content_type.startswith(_COMPRESSIBLE) and len(data) > 1024:
                data, encoding = _compressed(file, file.stat().st_mtime), "gzip"
            self._send(200, data, content_type, cache_control_for(served), body, encoding)

        def _send(self, status: int, data: bytes, content_type: str, cache: str, body: bool,
                  encoding: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", cache)
            self.send_header("Vary", "Accept-Encoding")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            for name, value in app.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
            pass  # the browser's requests are not the stack's news

    return Handler


def serve(port: int, api_url: str, storage_origins: list[str], dist: Path = DIST) -> ThreadingHTTPServer:
    if not (dist / "index.html").exists():
        raise SystemExit(f"{dist} has no index.html: build the web app first (python -m local.web_build)")
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(WebApp(dist, api_url, storage_origins)))
    server.daemon_threads = True
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description="serve web/dist as the local stack's web app")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--storage-url", action="append", default=[], help="where presigned uploads go (repeatable)")
    args = parser.parse_args()
    server = serve(args.port, args.api_url, args.storage_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
