"""The dam register's rules: region codes that nest, coordinates, rising thresholds, the alert a
level reaches, and the status each permit moves a dam to."""

from datetime import datetime, timezone

import pytest

from chalicelib.domain.assets import (
    alert_level, edited, new_dam, proposal_problems, proposed_dam, status_after_permit,
)
from chalicelib.domain.errors import Conflict, InvalidInput

NOW = datetime(2026, 12, 3, tzinfo=timezone.utc)
JATILUHUR = {
    "node_id": "dam-division", "name": "Jatiluhur", "register_code": "BDG-1", "river_basin": "Citarum",
    "location": {"province_code": "32", "regency_code": "32.14", "district_code": "32.14.03", "lat": -6.52, "lon": 107.39},
    "type": "rockfill", "purposes": ["irrigation"], "hazard_class": "very_high", "status": "operating",
    "thresholds": {"level_m": {"waspada": 107.0, "siaga": 109.5, "awas": 111.6}},
}


def problems_of(fields):
    with pytest.raises(InvalidInput) as raised:
        new_dam(fields, "dam_1", ("org", "dam-division"), NOW)
    return {p.field for p in raised.value.problems}


def test_a_dam_in_the_master_data_regions_is_entered_with_unknown_figures_null():
    dam = new_dam(JATILUHUR, "dam_1", ("org", "dam-division"), NOW)
    assert dam.height_m is None and dam.year_completed is None and dam.monitoring_every == "quarter"
    assert dam.public() == {"id": "dam_1", "name": "Jatiluhur", "location": JATILUHUR["location"], "type": "rockfill",
                            "status": "operating", "purposes": ("irrigation",)}


def test_region_codes_must_exist_and_nest_and_coordinates_lie_on_earth():
    location = {"province_code": "99", "regency_code": "32.14", "district_code": "32.11.26", "village_code": "32.14.03.2001",
                "lat": -91, "lon": 181}
    assert problems_of(JATILUHUR | {"location": location}) == {
        "location.province_code", "location.regency_code", "location.district_code", "location.village_code",
        "location.lat", "location.lon"}


def test_a_village_code_is_optional_but_must_lie_in_the_district():
    inside = JATILUHUR["location"] | {"village_code": "32.14.03.2001"}
    assert new_dam(JATILUHUR | {"location": inside}, "d", ("o",), NOW).location["village_code"] == "32.14.03.2001"


def test_thresholds_must_rise_waspada_siaga_awas():
    falling = {"level_m": {"waspada": 110.0, "siaga": 109.0, "awas": 111.0}}
    assert problems_of(JATILUHUR | {"thresholds": falling}) == {"thresholds.level_m"}


@pytest.mark.parametrize(("level", "alert"), [(106.9, None), (107.0, "waspada"), (110.0, "siaga"), (111.6, "awas"),
                                              (None, None)])
def test_the_alert_is_the_highest_threshold_reached(level, alert):
    assert alert_level(JATILUHUR["thresholds"], level) == alert


def test_no_thresholds_no_alert():
    assert alert_level({}, 500.0) is None


@pytest.mark.parametrize(("service", "before", "after"), [
    ("dam-design-approval", None, "design"),
    ("dam-design-approval", "design", "design"),
    ("dam-construction-permit", "design", "construction"),
    ("dam-impoundment-permit", "construction", "impoundment"),
    ("dam-operation-permit", "impoundment", "operating"),
    ("dam-decommissioning", "operating", "decommissioned"),
])
def test_each_permit_moves_a_dam_one_status_on(service, before, after):
    assert status_after_permit(service, before) == after


@pytest.mark.parametrize(("service", "before"), [
    ("dam-construction-permit", "operating"), ("dam-operation-permit", "design"), ("dam-decommissioning", "decommissioned"),
    ("dam-construction-permit", None), ("dam-design-approval", "operating"),
])
def test_a_permit_for_a_dam_elsewhere_in_its_life_is_refused(service, before):
    with pytest.raises(Conflict):
        status_after_permit(service, before)


def test_an_edit_names_what_changed_and_may_not_touch_the_status():
    dam = new_dam(JATILUHUR, "dam_1", ("org",), NOW)
    after, diff = edited(dam, {"height_m": 105.0, "purposes": ["irrigation"]}, NOW)
    assert diff == {"height_m": [None, 105.0]} and after.version == 2
    with pytest.raises(InvalidInput):
        edited(dam, {"status": "decommissioned"}, NOW)
    with pytest.raises(InvalidInput):
        edited(dam, {"name": None}, NOW)


def test_an_alert_is_raised_only_on_crossing_into_a_higher_band():
    from chalicelib.domain.assets import raised_alert

    t = {"level_m": {"waspada": 10.0, "siaga": 20.0, "awas": 30.0}}
    assert raised_alert(t, 5.0, {}, {"2026-01-02": 21.0}) == ("siaga", "2026-01-02", 21.0)
    assert raised_alert(t, 21.0, {}, {"2026-01-02": 22.0}) is None  # stays in siaga
    assert raised_alert(t, 21.0, {}, {"2026-01-02": 12.0}) is None  # falls
    assert raised_alert(t, None, {"2026-01-02": 25.0}, {"2026-01-02": 26.0}) is None  # the day sent again
    # An import: the highest band reached among the crossings, once.
    days = {"2026-01-01": 11.0, "2026-01-02": 31.0, "2026-01-03": 5.0, "2026-01-04": 21.0}
    assert raised_alert(t, None, {}, days) == ("awas", "2026-01-02", 31.0)
    # A stored day between entered ones counts as the day before; a day without a level is passed over.
    assert raised_alert(t, None, {"2026-01-02": 22.0}, {"2026-01-01": 1.0, "2026-01-03": 23.0}) is None
    assert raised_alert(t, 22.0, {}, {"2026-01-02": None, "2026-01-03": 23.0}) is None
    assert raised_alert({}, None, {}, {"2026-01-02": 99.0}) is None  # no thresholds, no alarm


def test_permits_name_the_dam_with_an_asset_field_and_older_versions_are_kept():
    from chalicelib.domain.catalog import load_catalog

    catalog = load_catalog()
    for permit in ("dam-construction-permit", "dam-impoundment-permit", "dam-operation-permit", "dam-decommissioning",
                   "dam-monitoring-report"):
        latest = catalog.latest(permit)
        assert latest.version == 2 and latest.field("dam_id").type == "asset" and latest.field("dam_id").required
        assert catalog.version(permit, 1).field("dam_id") is None  # filed ones keep following v1
    assert catalog.latest("dam-design-approval").field("dam_id").required is False  # it may propose a new dam


def test_an_asset_field_holds_a_dams_id_and_only_dam_services_have_one():
    import pytest
    from pydantic import ValidationError

    from chalicelib.domain.catalog import ServiceType, load_catalog
    from chalicelib.domain.errors import InvalidInput
    from chalicelib.domain.forms import check_form

    service = load_catalog().latest("dam-operation-permit")
    with pytest.raises(InvalidInput) as bad:
        check_form(service, {"dam_id": "Jatiluhur"}, NOW.date(), complete=False)
    assert [p.field for p in bad.value.problems] == ["data.dam_id"]
    assert check_form(service, {"dam_id": "dam_" + "0" * 26}, NOW.date(), complete=False) == {"dam_id": "dam_" + "0" * 26}
    other = load_catalog().latest("city-business-permit").model_dump()
    other["fields"].append({"name": "dam_id", "label": "x", "label_en": "x", "type": "asset", "required": False})
    with pytest.raises(ValidationError, match="only dam services"):
        ServiceType.model_validate(other)


DESIGN_FORM = {"dam_name": "Bendungan Usulan", "river_basin": "Ciliwung-Cisadane", "district_code": "32.01.09",
               "latitude": -6.59, "longitude": 107.02, "dam_type": "Beton komposit", "height_m": 48.5,
               "crest_length_m": 410, "reservoir_capacity_mcm": 2.25, "main_purpose": "Air baku",
               "hazard_class": "Sangat tinggi"}


def test_a_proposed_dam_takes_its_region_from_the_district_and_the_registers_terms_from_the_form():
    dam = proposed_dam(DESIGN_FORM, "dam_9", ("org", "dam-division"), "USUL-X", NOW)
    assert (dam.node_id, dam.status, dam.register_code) == ("dam-division", "design", "USUL-X")
    assert dam.location == {"province_code": "32", "regency_code": "32.01", "district_code": "32.01.09",
                            "lat": -6.59, "lon": 107.02}
    assert (dam.type, dam.purposes, dam.hazard_class) == ("composite", ("water_supply",), "very_high")
    assert dam.reservoir_volume_m3 == 2_250_000


def test_a_proposed_site_must_be_a_real_district_and_a_draft_without_one_is_not_judged_yet():
    assert proposal_problems({}) == []
    assert proposal_problems({"district_code": "32.01.09"}) == []
    assert [p.field for p in proposal_problems({"district_code": "32.01.99"})] == ["data.district_code"]
    assert [p.field for p in proposal_problems({"district_code": "32.01"})] == ["data.district_code"]
