"""The local web server (`make run` on WEB_PORT) does what CloudFront does on AWS: the app's
routes answer index.html, config.json names the API, and every answer carries the headers of
infra/web_policy.py."""

import gzip
import threading
import urllib.error
import urllib.request

import pytest

from infra.web_policy import security_headers
from local.web_server import serve
from tests.conftest import free_port

API = "http://127.0.0.1:8000"
STORAGE = "http://127.0.0.1:4566"


@pytest.fixture
def site(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('x');" * 200)
    (tmp_path / "favicon.svg").write_text("<svg/>")
    port = free_port()
    server = serve(port, API, [STORAGE], dist=tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_apps_own_routes_answer_index_html(site):
    for path in ("/", "/applications/app_123", "/verify/ABCD-EFGH", "/set-password"):
        status, headers, body = fetch(site + path)
        assert status == 200 and b"<title>app</title>" in body, path
        assert headers["Cache-Control"] == "no-cache"


def test_config_json_names_the_api(site):
    status, headers, body = fetch(site + "/config.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert body == b'{"api_url": "http://127.0.0.1:8000"}'


def test_hashed_assets_are_kept_for_a_year_and_gzipped_for_browsers_that_ask(site):
    status, headers, body = fetch(site + "/assets/index-abc123.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("text/javascript") and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"console.log")


def test_a_missing_file_is_404_not_the_app_and_nothing_outside_dist_is_served(site):
    assert fetch(site + "/assets/gone-123.js")[0] == 404
    assert fetch(site + "/../index.html")[0] == 404
    assert fetch(site + "/assets/a%00b.js")[0] == 404
    status, _headers, body = fetch(site + "/%2e%2e/%2e%2e/etc/passwd")
    assert status == 404 and b"root:" not in body


def test_every_answer_carries_the_security_headers_with_a_csp_that_allows_the_api_and_storage(site):
    _status, headers, _body = fetch(site + "/inbox")
    wanted = security_headers(API, [STORAGE], https=False)
    for name, value in wanted.items():
        assert headers[name] == value, name
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert f"connect-src 'self' {API} {STORAGE}" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http locally
