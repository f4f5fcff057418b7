"""A civil-registry event's NIKs are checked against the civil registry when it is filed (issue
18), off the request path: the submission owes one send-log record per NIK, the registry sender
asks the registry and the verdict is recorded on the application and in its history; no match
is flagged, an unavailable registry is recorded and asked again on a later run."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import integrations as reg
from chalicelib.domain.application_state import SUBMITTED, Application, ApplicationChange, HistoryEntry
from chalicelib.domain.catalog import CATALOG_DIR, load_catalog
from chalicelib.domain.pii import Sealed
from chalicelib.domain.registry_checks import flagged, record_nik_check
from tests.fakes import NOW, services

WIB = timezone(timedelta(hours=7))
MOTHER, REPORTER = "3276064503900002", "3276061708850003"
BIRTH = load_catalog(CATALOG_DIR).latest("civil-birth-report")


def filed_birth(version=3) -> Application:
    return Application(
        id="app_birth", tracking_code="T", service_id=BIRTH.id, service_version=BIRTH.version, node_id="kel",
        node_path=("org", "kel"), applicant_id="u-clerk", applicant_name="Clerk", status=SUBMITTED, step=1,
        steps_total=3, created_at=NOW, updated_at=NOW, version=version,
        data={"mother_nik": "327606********02", "mother_name": "Rina", "reporter_nik": "327606********03",
              "reporter_name": "Ahmad", "family_card_number": "327606********07", "child_name": "Nadia"},
        sealed=Sealed("application/app_birth", "k", {"mother_nik": MOTHER[::-1], "reporter_nik": REPORTER[::-1],
                                                      "family_card_number": "7000901010606723"}),
    )


def submission(app: Application, action="submit") -> ApplicationChange:
    entry = HistoryEntry(at=NOW, actor_id="u-clerk", actor_name="Clerk", action=action, from_status="draft",
                         to_status=SUBMITTED, step=1)
    return ApplicationChange(app, app.version - 1, entry)


def test_filing_a_birth_owes_one_check_per_nik_with_the_name_beside_it_and_none_for_the_kk():
    records = [r for r in reg.records_for_change(submission(filed_birth()), BIRTH, WIB, {}) if r.dataset == reg.NIK_CHECK]
    assert sorted((r.key, r.fields["name"]) for r in records) == [("app_birth#mother_nik", "Rina"),
                                                                  ("app_birth#reporter_nik", "Ahmad")]
    assert all(r.target == reg.CIVIL_REGISTRY and r.due_at == NOW for r in records)
    for record in records:  # the NIK travels sealed, as the application keeps it
        assert MOTHER not in str(record.fields) and set(record.sealed.values) == {record.fields["field"]}
    decided = HistoryEntry(at=NOW, actor_id="u", actor_name="V", action="approve", from_status=SUBMITTED,
                           to_status="in_review", step=1)
    later = ApplicationChange(filed_birth(), 2, decided)
    assert not [r for r in reg.records_for_change(later, BIRTH, WIB, {}) if r.dataset == reg.NIK_CHECK]


@pytest.mark.parametrize("answer, result, state", [
    (True, reg.NIK_MATCH, reg.SENT), (False, reg.NIK_NO_MATCH, reg.SENT), (None, reg.NIK_UNAVAILABLE, reg.PENDING)])
def test_the_sender_asks_the_registry_and_tells_the_application_before_settling(fakes, answer, result, state):
    fakes.sends.put_records([r for r in reg.records_for_change(submission(filed_birth()), BIRTH, WIB, {})
                             if r.key == "app_birth#mother_nik"], NOW)
    told = []
    fakes.civil.nik_match = answer
    services.integrations(fakes, nik_checked=lambda *args: told.append(args)).send_due(reg.CIVIL_REGISTRY)
    assert told == [("app_birth", "mother_nik", result)]
    assert fakes.sends.get(reg.CIVIL_REGISTRY, reg.NIK_CHECK, "app_birth#mother_nik").state == state


def test_a_verdict_the_application_could_not_take_leaves_the_check_to_retry(fakes):
    fakes.sends.put_records([r for r in reg.records_for_change(submission(filed_birth()), BIRTH, WIB, {})
                             if r.key == "app_birth#mother_nik"], NOW)

    def broken(*_args):
        raise RuntimeError("table busy")

    services.integrations(fakes, nik_checked=broken).send_due(reg.CIVIL_REGISTRY)
    assert fakes.sends.get(reg.CIVIL_REGISTRY, reg.NIK_CHECK, "app_birth#mother_nik").state == reg.PENDING


def test_the_verdict_is_recorded_with_a_history_entry_and_no_match_is_flagged():
    change = record_nik_check(filed_birth(), "mother_nik", reg.NIK_NO_MATCH, NOW)
    app = change.application
    assert app.nik_checks["mother_nik"]["result"] == "no_match" and flagged(app) == ["mother_nik"]
    assert app.status == SUBMITTED and app.step == 1  # filing is not stopped
    assert change.history.action == "nik_check" and "NOT match" in change.history.comment
    assert change.expected_version == 3


def test_an_unavailable_registry_is_written_once_not_at_every_retry():
    first = record_nik_check(filed_birth(), "reporter_nik", reg.NIK_UNAVAILABLE, NOW).application
    assert record_nik_check(first, "reporter_nik", reg.NIK_UNAVAILABLE, NOW + timedelta(minutes=5)) is None
    later = record_nik_check(first, "reporter_nik", reg.NIK_MATCH, NOW + timedelta(minutes=10))
    assert later.application.nik_checks["reporter_nik"]["result"] == "match"


def test_the_service_records_the_verdict_on_the_stored_application(fakes):
    service = services.applications(fakes)
    app = filed_birth(version=1)
    fakes.applications.save(ApplicationChange(app, None, submission(app).history))
    service.record_nik_check("app_birth", "mother_nik", reg.NIK_MATCH)
    stored, history = fakes.applications.get_with_history("app_birth")
    assert stored.nik_checks["mother_nik"]["result"] == "match" and stored.version == 2
    assert history[-1].action == "nik_check"
    service.record_nik_check("app_gone", "mother_nik", reg.NIK_MATCH)  # nothing to tell: nothing happens
    assert isinstance(datetime.fromisoformat(stored.nik_checks["mother_nik"]["checked_at"]), datetime)
