import json
from pathlib import Path

import pytest

from chalicelib.domain.catalog import CATALOG_DIR, CatalogError, load_catalog

PROGRAMS = {"dam", "civil-registry", "city-permit", "marketing-fee"}


def test_the_demo_catalog_loads_and_covers_every_program():
    catalog = load_catalog()
    services = {s.id: s for s in catalog.current()}
    assert {s.program for s in services.values()} == PROGRAMS
    for permit in ("dam-design-approval", "dam-construction-permit", "dam-impoundment-permit",
                   "dam-operation-permit", "dam-decommissioning", "dam-monitoring-report",
                   "civil-birth-report", "civil-death-report", "civil-move-report",
                   "city-business-permit", "city-building-permit", "marketing-fee-report"):
        assert permit in services


def test_every_service_has_labels_in_both_languages_and_realistic_steps():
    for service in load_catalog().current():
        assert service.name and service.name_en and service.description_en
        assert all(f.label and f.label_en for f in service.fields)
        assert all(d.label and d.label_en and d.max_bytes > 0 for d in service.documents)
        assert all(s.sla_hours > 0 for s in service.steps)


def test_the_marketing_fee_report_posts_a_category_and_an_amount():
    report = load_catalog().latest("marketing-fee-report")
    assert report.on_approval.budget_posting
    assert report.field("category").options == ["ACQUISITION", "OUTLET", "SF", "CB PROGRAM", "REGION CVM & SO"]
    assert report.field("amount").type == "money"


def _write(tmp_path: Path, name: str, data: dict) -> None:
    (tmp_path / name).write_text(json.dumps(data))


def _valid() -> dict:
    return json.loads((CATALOG_DIR / "civil-move-report.json").read_text())


def test_a_bad_file_is_refused_with_its_name_and_what_is_wrong(tmp_path):
    bad = _valid()
    bad["steps"][0]["role"] = "viewer"
    _write(tmp_path, "civil-move-report.json", bad)
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    assert "civil-move-report.json" in str(raised.value)
    assert "verifier, approver" in str(raised.value)


def test_unknown_field_types_and_choices_without_options_are_refused(tmp_path):
    bad = _valid()
    bad["fields"][0]["type"] = "colour"
    bad["fields"][3]["options"] = None
    _write(tmp_path, "civil-move-report.json", bad)
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    assert "colour" in str(raised.value) or "literal_error" in str(raised.value)


def test_older_versions_stay_reachable_beside_the_newest(tmp_path):
    old = _valid()
    old["version"] = 1
    new = _valid()
    new["version"] = 2
    new["steps"] = new["steps"][:1]
    _write(tmp_path, "civil-move-report@1.json", old)
    _write(tmp_path, "civil-move-report.json", new)
    catalog = load_catalog(tmp_path)
    assert catalog.latest("civil-move-report").version == 2
    assert len(catalog.version("civil-move-report", 1).steps) == 3


def test_a_file_named_for_another_service_is_refused(tmp_path):
    _write(tmp_path, "something-else.json", _valid())
    with pytest.raises(CatalogError, match="name it civil-move-report.json"):
        load_catalog(tmp_path)


def test_names_and_kinds_must_be_slugs(tmp_path):
    bad = _valid()
    bad["fields"][0]["name"] = "Head Of Family"
    bad["documents"][0]["name"] = "KK scan"
    bad["steps"][0]["at_kind"] = "Kelurahan"
    _write(tmp_path, "civil-move-report.json", bad)
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    for what in ("field names", "document names", "node kinds"):
        assert what in str(raised.value)


@pytest.mark.parametrize("event, complaint", [
    (None, "a civil-registry push needs on_approval.registry_event"),
    ({"type": "move", "date_field": "reason", "nik_field": "head_of_family_nik"}, "must be a required date field"),
    ({"type": "move", "date_field": "move_date", "nik_field": "head_of_family_name"}, "must be a required NIK field"),
    ({"type": "marriage", "date_field": "move_date", "nik_field": "head_of_family_nik"}, "registry_event.type"),
])
def test_a_civil_registry_push_must_name_its_event_date_and_nik(tmp_path, event, complaint):
    bad = _valid()
    bad["on_approval"]["registry_event"] = event
    _write(tmp_path, "civil-move-report.json", bad)
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    assert complaint in str(raised.value)


def test_the_civil_registry_services_take_two_hours_in_all_as_the_organisation_does():
    catalog = load_catalog(CATALOG_DIR)
    for service_id in ("civil-birth-report", "civil-death-report", "civil-move-report"):
        service = catalog.latest(service_id)
        assert sum(step.sla_hours for step in service.steps) == 2
        assert service.version >= 2 and catalog.version(service_id, 1).steps[0].sla_hours == 48  # filed ones keep theirs


def test_an_sla_is_a_whole_number_of_minutes(tmp_path):
    bad = _valid()
    bad["steps"][0]["sla_hours"] = 0.51
    _write(tmp_path, "civil-move-report.json", bad)
    with pytest.raises(CatalogError, match="whole number of minutes"):
        load_catalog(tmp_path)
