from datetime import date

import pytest

from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.forms import check_form

TODAY = date(2026, 11, 22)


def service(**overrides) -> ServiceType:
    fields = [
        {"name": "title", "label": "Judul", "label_en": "Title", "type": "text", "required": True, "max_length": 20},
        {"name": "notes", "label": "Catatan", "label_en": "Notes", "type": "long_text", "required": False},
        {"name": "height", "label": "Tinggi", "label_en": "Height", "type": "number", "required": False, "min": 0, "max": 300},
        {"name": "cost", "label": "Biaya", "label_en": "Cost", "type": "money", "required": False},
        {"name": "born", "label": "Lahir", "label_en": "Born", "type": "date", "required": False, "not_future": True},
        {"name": "nik", "label": "NIK", "label_en": "NIK", "type": "nik", "required": False},
        {"name": "npwp", "label": "NPWP", "label_en": "NPWP", "type": "npwp", "required": False},
        {"name": "email", "label": "E-mail", "label_en": "E-mail", "type": "email", "required": False},
        {"name": "phone", "label": "Telepon", "label_en": "Phone", "type": "phone", "required": False},
        {"name": "scale", "label": "Skala", "label_en": "Scale", "type": "choice", "required": False, "options": ["Mikro", "Kecil"]},
        {"name": "agree", "label": "Setuju", "label_en": "Agree", "type": "boolean", "required": True},
    ]
    data = {
        "id": "test-form", "program": "city-permit", "name": "Uji", "name_en": "Test", "description": "d",
        "description_en": "d", "version": 1, "filed_by": "public", "node_kinds": ["desk"], "fields": fields,
        "documents": [], "steps": [{"name": "s", "label": "s", "label_en": "s", "role": "verifier", "at_kind": "desk", "sla_hours": 1}],
    }
    data.update(overrides)
    return ServiceType.model_validate(data)


def problems(data, complete=False) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        check_form(service(), data, TODAY, complete=complete)
    return {p.field: p.detail for p in raised.value.problems}


def test_good_values_come_back_normalized():
    clean = check_form(service(), {
        "title": "  Toko Kopi ", "height": 12.5, "cost": 15_000_000, "born": "1985-08-17", "nik": "3276061708850003",
        "npwp": "01.312.166.0-091.000", "email": "Budi@Example.ID", "phone": "0812-3456-7890", "scale": "Mikro",
        "agree": True,
    }, TODAY, complete=True)
    assert clean["title"] == "Toko Kopi"
    assert clean["npwp"] == "013121660091000"
    assert clean["email"] == "Budi@example.id"
    assert clean["phone"] == "+6281234567890"


def test_every_bad_field_is_named_at_once():
    found = problems({
        "title": "x" * 21, "height": "12", "cost": 10.5, "born": "2030-01-01", "nik": "1234",
        "npwp": "123", "email": "not-an-address", "phone": "12345", "scale": "Besar", "agree": "yes",
        "unknown": 1,
    })
    assert set(found) == {
        "data.title", "data.height", "data.cost", "data.born", "data.nik", "data.npwp", "data.email", "data.phone",
        "data.scale", "data.agree", "data.unknown",
    }
    assert "at most 20" in found["data.title"]
    assert "not be in the future" in found["data.born"]
    assert "not a field" in found["data.unknown"]


def test_drafts_may_be_incomplete_but_submission_needs_required_fields():
    assert check_form(service(), {"height": 1}, TODAY, complete=False) == {"height": 1}
    found = problems({"height": 1}, complete=True)
    assert set(found) == {"data.title", "data.agree"}


def test_money_is_a_whole_non_negative_number_of_rupiah_and_booleans_are_not_numbers():
    assert "whole number" in problems({"cost": 1.5})["data.cost"]
    assert "negative" in problems({"cost": -1})["data.cost"]
    assert "whole number" in problems({"cost": True})["data.cost"]
    assert "a number" in problems({"height": True})["data.height"]
    assert "at most 300" in problems({"height": 301})["data.height"]


def test_a_single_line_text_refuses_newlines_and_control_characters():
    assert "single line" in problems({"title": "a\nb"})["data.title"]
    assert "control" in problems({"title": "a\x00b"})["data.title"]


def test_dates_must_be_real():
    assert "real date" in problems({"born": "2025-02-30"})["data.born"]
    assert "YYYY-MM-DD" in problems({"born": "17/08/1985"})["data.born"]


@pytest.mark.parametrize("value", [10**400, -(10**400), 10**15 + 1, 1e300, float("inf")])
def test_a_number_too_large_to_be_real_is_refused_not_overflowed(value):
    assert "data.height" in problems({"height": value})


@pytest.mark.parametrize("nik", ["32760617088500０3", "32760617088500²3", "٣٢٧٦٠٦١٧٠٨٨٥٠٠٠٣", "3276O61708850003"])
def test_a_nik_of_anything_but_ascii_digits_is_refused(nik):
    assert "data.nik" in problems({"nik": nik})


def test_the_spaces_people_group_a_nik_with_are_dropped_not_kept():
    clean = check_form(service(), {"nik": "3276 0617 0885 0003\n", "agree": True}, TODAY, complete=False)
    assert clean["nik"] == "3276061708850003"
