"""What a cold function loads, checked on every test run (the bench measures how long it takes):
`import app` is the route table only, every route's view resolves, and a first `GET /services`
builds the catalogue's bodies, not every model of the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS = {"STAGE": "bench", "TABLE_NAME": "satupintu", "APP_SECRET_ID": "x", "MAIL_FROM": "a@b.id",
            "WEB_BASE_URL": "http://127.0.0.1", "AWS_DEFAULT_REGION": "ap-southeast-3", "UPLOADS_BUCKET": "u",
            "QUARANTINE_BUCKET": "q", "PII_KEY_ID": "alias/k", "PII_LOOKUP_SECRET_ID": "s"}
FIRST_SERVICES = """
import json, sys
import app
at_import = sorted(sys.modules)
event = {"resource": "/services", "path": "/services", "httpMethod": "GET", "headers": {}, "multiValueHeaders": {},
         "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
         "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/services", "httpMethod": "GET", "path": "/api/services",
                            "stage": "api", "identity": {"sourceIp": "127.0.0.1"}}}
answer = app.app(event, None)
print(json.dumps({"status": answer["statusCode"], "at_import": at_import, "after": sorted(sys.modules)}))
"""


def _cold_services() -> dict:
    result = subprocess.run([sys.executable, "-c", FIRST_SERVICES], cwd=PROJECT, capture_output=True, text=True,
                            check=True, env={**os.environ, **SETTINGS})
    return json.loads(result.stdout.splitlines()[-1])


def _loaded(modules: list[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


def test_import_app_leaves_pydantic_pynamodb_and_fpdf2_unloaded_and_the_first_services_answer_stays_light():
    seen = _cold_services()

    assert seen["status"] == 200
    for heavy in ("pydantic", "pynamodb", "fpdf", "PIL", "jwt"):
        assert not _loaded(seen["at_import"], heavy), f"import app loads {heavy}"
    # The first catalogue answer needs pydantic and the catalogue's bodies, and nothing of the
    # data layer, the PDF function or the other themes' bodies.
    assert _loaded(seen["after"], "pydantic")
    for unneeded in ("pynamodb", "fpdf", "chalicelib.api.schemas.applications", "chalicelib.api.schemas.budgets",
                     "chalicelib.domain.applications"):
        assert not _loaded(seen["after"], unneeded), f"GET /services loads {unneeded}"


def test_every_route_resolves_to_a_view_that_is_an_endpoint():
    from chalicelib.api.http import Endpoint, resolve
    from chalicelib.api.routes import ROUTES

    unresolved = [(method, path, target) for method, path, target in ROUTES
                  if not isinstance(resolve(target), Endpoint)]
    assert unresolved == []
    assert len(ROUTES) > 60


def test_every_schema_body_a_view_names_exists():
    from chalicelib.api import schemas

    bodies = [getattr(schemas, name) for name in schemas.__all__]
    classes = [body for body in bodies if isinstance(body, type)]
    assert len(classes) > 80
    assert [body.__name__ for body in classes] == [name for name in schemas.__all__ if isinstance(getattr(schemas, name), type)]
