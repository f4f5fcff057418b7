"""Business metrics, counted where the events happen (services, through the Metrics port, on
fakes), and the AWS adapter's output: one CloudWatch embedded-metric line per count."""

import json
from datetime import datetime

import pytest

from chalicelib.domain import integrations as reg
from chalicelib.domain.notifications import Notification
from chalicelib.services.notifications import DeliveryFailed, DeliveryJob
from tests.fakes import FakeBios, services
from tests.unit.test_integration_service import REFUSED, SAVED, owe
from tests.unit.test_notification_service import owner
from tests.unit.test_workflow_service import office, submitted  # noqa: F401 - the fixture
from tests.unit.test_application_rules import desk_verifier, ORIGIN


def test_a_submission_and_a_final_decision_are_counted_and_a_step_decision_is_not(fakes, office):  # noqa: F811
    app = submitted(office)
    assert fakes.metrics.counted == [("ApplicationsSubmitted", 1, {"service": "test-simple-permit"})]
    office.decide(desk_verifier, app.id, "reject", 1, "Tidak lengkap", ORIGIN)
    assert fakes.metrics.counted[-1] == ("ApplicationsDecided", 1, {"outcome": "rejected", "service": "test-simple-permit"})
    other = submitted(office)
    office.decide(desk_verifier, other.id, "approve", 1, None, ORIGIN)  # step 1 of 3: not decided yet
    assert fakes.metrics.names().count("ApplicationsDecided") == 1


def test_a_notification_is_counted_failed_on_its_last_attempt_only(fakes):
    user = owner(fakes)
    fakes.mailer.broken = True
    service = services.notifications(fakes)
    job = DeliveryJob(Notification(id="ntf_0123456789", user_id=user.id, kind="submitted", params={},
                                   created_at=datetime(2026, 11, 22), application_id=None), {})
    for attempt in (4, 5):
        with pytest.raises(DeliveryFailed):
            service.deliver(job, attempt)
    assert fakes.metrics.counted == [("NotificationsFailed", 1, {"kind": "submitted"})]


def test_a_registry_send_that_is_not_saved_is_counted_failed(fakes):
    fakes.bios = FakeBios(REFUSED, SAVED)
    owe(fakes, "a", "b")
    services.integrations(fakes).send_due(reg.FINANCE_REGISTRY)
    assert fakes.metrics.counted == [("RegistrySendsFailed", 1, {"target": reg.FINANCE_REGISTRY, "verdict": "rejected"})]


def test_on_aws_each_count_is_one_embedded_metric_line(capsys):
    from chalicelib.adapters.metrics import EmfMetrics

    EmfMetrics("prod").count("UploadsRejected", reason="malware")
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines() if text.startswith("{")]
    [directive] = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "satupintu"
    assert directive["Metrics"] == [{"Name": "UploadsRejected", "Unit": "Count"}]
    assert set(directive["Dimensions"][0]) == {"service", "stage", "reason"}
    assert (line["UploadsRejected"], line["reason"], line["stage"]) == ([1.0], "malware", "prod")
