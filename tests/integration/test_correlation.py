"""One request's story in the logs: the correlation id a request came with (or its request id)
is answered, kept on the outbox entries its change wrote, carried on the queue messages, and on
every line the workers log for the notification and the PDF that request caused."""

import pytest

from chalicelib.adapters.dynamodb import models as m
from tests import log_lines
from tests.integration.test_applications import file
from tests.support import deliver_queue, make_office_tree, make_people


@pytest.fixture
def office(api, seeded):
    nodes = make_office_tree(api.deps)
    return {**nodes, **make_people(api, {"desk_verifier": [("verifier", nodes["desk"])], "applicant": []})}


def lines_with(marker: str, since: int) -> list[tuple[str, str]]:
    return [(name, text) for name, text in log_lines.records[since:] if f"correlation_id={marker!r}" in text]


def test_a_submissions_correlation_id_is_on_the_workers_lines_for_its_notification_and_its_receipt(api, office):
    app = file(api, office["applicant"], office["desk"], {"title": "Izin reklame", "amount": 1_250_000})
    since = len(log_lines.records)
    submitted = api.post(f"/applications/{app['id']}/submit", token=office["applicant"],
                         headers={"X-Correlation-Id": "req-7f3a9c21-submit"})
    assert submitted.status == 200 and submitted.header("X-Correlation-Id") == "req-7f3a9c21-submit"
    entries = list(m.OutboxItem.query(f"APP#{app['id']}", m.OutboxItem.sk.startswith("OUT#")))
    assert entries and {entry.correlation_id for entry in entries} == {"req-7f3a9c21-submit"}

    assert deliver_queue(api.deps, "notify") >= 1  # the fan-out of the change's notices, which mails them too
    assert deliver_queue(api.deps, "render_pdf") >= 1
    found = lines_with("req-7f3a9c21-submit", since)
    said = {text.split(" ", 2)[0:2][0] + " " + text.split(" ", 2)[1] for _name, text in found}
    assert {"notice fanned", "notification sent", "pdf rendered"} <= said, found
    assert {name for name, _text in found} >= {"chalicelib.services.notifications", "chalicelib.services.rendering"}


def test_without_a_valid_header_the_request_id_is_the_correlation_id(api, office):
    answer = api.get("/notifications", token=office["applicant"],
                     headers={"X-Correlation-Id": "bad id with spaces"})
    assert answer.status == 200
    assert answer.header("X-Correlation-Id") not in (None, "bad id with spaces")
    sixteen = api.get("/notifications", token=office["applicant"], headers={"X-Correlation-Id": "3276011708850003"})
    assert sixteen.header("X-Correlation-Id") != "3276011708850003"  # a NIK-shaped id is never logged
