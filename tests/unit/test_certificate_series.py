"""Certificate series per issuing office (the catalog's `certificate_series_depth`): depth 0
keeps the organisation's one series and its numbers; a deeper one numbers each office apart and
prints the office in the number. On fakes, as the application service uses them."""

import pytest

from chalicelib.domain import applications as rules
from chalicelib.domain import certificates
from chalicelib.domain.ids import new_tracking_code
from chalicelib.domain.people import Grant, Principal
from tests.fakes import services
from tests.unit.test_application_rules import DEPT, DESK, NOW, OFFICE, ORIGIN, OTHER_DESK, ROOT, SERVICE, WIB, applicant
from tests.unit.test_workflow_service import dept_verifier, desk_verifier, head


def with_depth(service, depth):
    return service.model_copy(update={"on_approval": service.on_approval.model_copy(
        update={"certificate_series_depth": depth})})


def application_at(node):
    change = rules.new_application(app_id="app_1", tracking_code=new_tracking_code(), service=SERVICE, node=node,
                                   caller=applicant, data={"title": "Izin"}, now=NOW, tz=WIB, origin=ORIGIN)
    return change.application


def test_depth_zero_keeps_one_series_for_the_organisation_and_its_numbers():
    app = application_at(DESK)
    assert certificates.series_of(app, SERVICE, NOW, WIB) == "test-simple-permit:2026"
    assert certificates.number_of(app, SERVICE, 12, NOW, WIB).endswith("/2026")
    assert certificates.number_of(app, SERVICE, 12, NOW, WIB).count("/") == 2


def test_a_deeper_series_is_the_offices_at_that_depth_and_its_number_names_the_office():
    per_department = with_depth(SERVICE, 2)
    app = application_at(DESK)
    assert certificates.series_of(app, per_department, NOW, WIB) == "test-simple-permit:dept:2026"
    number = certificates.number_of(app, per_department, 12, NOW, WIB)
    assert number.startswith("00012/") and number.endswith("/dept/2026")


def test_a_path_shorter_than_the_depth_numbers_in_the_filing_offices_series():
    app = application_at(DESK).evolve(node_id=OFFICE.id, node_path=OFFICE.path)
    assert certificates.series_of(app, with_depth(SERVICE, 4), NOW, WIB) == "test-simple-permit:office:2026"


def test_two_offices_count_their_certificates_each_from_one(fakes, monkeypatch):
    for node in (ROOT, OFFICE, DEPT, DESK, OTHER_DESK):
        fakes.org.add(node)
    office = services.applications(fakes)
    real = office.catalog.require_service_of
    monkeypatch.setattr(office.catalog, "require_service_of", lambda app: with_depth(real(app), 3))
    issued = []
    for desk in ("desk", "desk2", "desk"):
        app = office.submit(applicant, office.create(applicant, "test-simple-permit", desk, {"title": "Izin"},
                                                     ORIGIN).id, ORIGIN)
        verifier = desk_verifier if desk == "desk" else Principal("u-desk2", "e@x.id", "Desk 2", "id",
                                                                  (Grant("verifier", "desk2"),))
        office.decide(verifier, app.id, "approve", 1, None, ORIGIN)
        office.decide(dept_verifier, app.id, "approve", 2, None, ORIGIN)
        decided = office.decide(head, app.id, "approve", 3, None, ORIGIN)
        issued.append(fakes.applications.certificate(decided.certificate_code))
    assert [(c.series, c.sequence) for c in issued] == [
        ("test-simple-permit:desk:2026", 1), ("test-simple-permit:desk2:2026", 1), ("test-simple-permit:desk:2026", 2)]
    assert issued[0].number != issued[1].number


@pytest.mark.parametrize("depth", [-1, 6])
def test_a_series_depth_outside_the_tree_is_refused_by_the_catalog(depth):
    with pytest.raises(ValueError):
        SERVICE.on_approval.model_validate({**SERVICE.on_approval.model_dump(), "certificate_series_depth": depth})
