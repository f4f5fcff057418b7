from datetime import date

from chalicelib.domain.nik import check_nik, mask_nik

TODAY = date(2026, 11, 22)


def test_a_well_formed_nik_gives_region_birth_date_and_sex():
    result = check_nik("3276061708850003", TODAY)
    assert result.valid, result.problems
    assert result.district.name == "Beji"
    assert result.district.regency_name == "Kota Depok"
    assert result.district.province_name == "Jawa Barat"
    assert result.birth_date == date(1985, 8, 17)
    assert result.sex == "M"


def test_a_woman_has_forty_added_to_her_birth_day():
    result = check_nik("3276065708850003", TODAY)
    assert result.valid
    assert result.birth_date == date(1985, 8, 17)
    assert result.sex == "F"


def test_the_century_is_the_latest_that_is_not_in_the_future():
    assert check_nik("3276060101200001", TODAY).birth_date == date(2020, 1, 1)
    assert check_nik("3276060101300001", TODAY).birth_date == date(1930, 1, 1)
    # 29 February 2000 exists, 1900 did not
    assert check_nik("3276062902000001", TODAY).birth_date == date(2000, 2, 29)


def test_a_region_code_missing_from_the_master_data_is_refused():
    result = check_nik("9999991708850003", TODAY)
    assert not result.valid
    assert any("region code 99.99.99" in p for p in result.problems)


def test_an_impossible_date_is_refused():
    result = check_nik("3276063102850003", TODAY)  # 31 February
    assert not result.valid
    assert any("not a real date" in p for p in result.problems)
    assert not check_nik("3276063508850003", TODAY).valid  # day 35: neither a man's nor a woman's


def test_serial_0000_is_refused():
    result = check_nik("3276061708850000", TODAY)
    assert not result.valid
    assert result.problems == ["serial number 0000 is never issued"]


def test_wrong_length_or_letters_are_refused_with_one_problem():
    for text in ("327606170885000", "32760617088500031", "32760617O8850003", ""):
        result = check_nik(text, TODAY)
        assert not result.valid
        assert result.problems == ["a NIK is exactly 16 digits"]


def test_regency_codes_with_a_trailing_zero_are_read_from_the_district_strings():
    # kabupaten.json stores 11.10 as the number 11.1; the regency name must still be found.
    result = check_nik("1110010101800001", TODAY)
    assert result.district is not None
    assert result.district.regency_code == "11.10"
    assert result.district.regency_name.startswith("Kabupaten")


def test_masking_keeps_the_region_and_the_last_two_digits():
    assert mask_nik("3276061708850003") == "327606********03"
