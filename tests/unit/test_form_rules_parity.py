"""The web app checks forms as people type, by the same rules as the server: both run the cases
in web/tests/form-rules.cases.json (the browser side in web/tests/rules.test.ts) and must give
the same rule code for each."""

import json
from datetime import date

import pytest

from chalicelib.domain.catalog import FieldSpec, ServiceType
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.forms import check_form
from tests.conftest import PROJECT

CASES = json.loads((PROJECT / "web" / "tests" / "form-rules.cases.json").read_text(encoding="utf-8"))


def _service(spec: FieldSpec) -> ServiceType:
    return ServiceType(
        id="parity-check", program="city-permit", name="x", name_en="x", description="x", description_en="x",
        version=1, filed_by="public", node_kinds=["desk"], fields=[spec], documents=[],
        steps=[{"name": "s", "label": "s", "label_en": "s", "role": "verifier", "at_kind": "desk", "sla_hours": 1}],
    )


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: f"{c['type']}:{c['value']!r}")
def test_the_server_gives_the_rule_code_the_browser_gives(case):
    spec = FieldSpec(name="x", label="X", label_en="X", type=case["type"], required=False, **case["spec"])
    try:
        check_form(_service(spec), {"x": case["value"]}, date.fromisoformat(CASES["today"]), complete=False)
        found = None
    except InvalidInput as invalid:
        found = invalid.problems[0].code
    assert found == case["code"]
