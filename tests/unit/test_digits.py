"""Identifiers people type as numbers are ASCII digits: other scripts' digits and superscripts
pass str.isdigit() and `\\d`, and then either read as another number or crash int()."""

import pytest

from chalicelib.domain.budgets import check_period
from chalicelib.domain.credentials import KeyRing, RefreshToken, decode_refresh_token, encode_refresh_token
from chalicelib.domain.digits import ascii_digits
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.nik import is_nik_shaped
from chalicelib.domain.npwp import check_npwp
from chalicelib.domain.regions import district_by_compact_code

OTHER_DIGITS = ["٣٢٧٦٠٦", "３２７６０６", "³²⁷⁶⁰⁶", "३२७६०६"]


@pytest.mark.parametrize("text", OTHER_DIGITS)
def test_digits_of_other_scripts_are_not_ascii_digits(text):
    assert text.isdigit() or text.isnumeric()  # what let them through before
    assert not ascii_digits(text)
    assert district_by_compact_code(text) is None


def test_ascii_digits_and_their_length():
    assert ascii_digits("327606") and ascii_digits("327606", 6)
    assert not ascii_digits("327606", 16) and not ascii_digits("") and not ascii_digits(None) and not ascii_digits("32 76")
    assert district_by_compact_code("327606") is not None


@pytest.mark.parametrize("nik", ["٣" * 16, "３" * 16, "3276061708850003".replace("3", "³"), "32760617088500031"])
def test_a_nik_lookup_takes_sixteen_ascii_digits_only(nik):
    assert not is_nik_shaped(nik)
    assert is_nik_shaped("3276 0617 0885 0003")


def test_an_npwp_in_fullwidth_digits_is_not_well_formed():
    assert check_npwp("01.312.166.0-091.000").valid
    fullwidth = check_npwp("０１３１２１６６００９１０００")  # python-stdnum alone reads it as the ASCII one
    assert not fullwidth.valid and fullwidth.code == "npwp_format"


@pytest.mark.parametrize("period", ["٢٠٢٦-01", "２０２６-01", "2026-01\n", "1999-12", "2101-01", "2026-1", None])
def test_a_month_is_yyyy_mm_in_ascii_from_2000_to_2100(period):
    with pytest.raises(InvalidInput):
        check_period(period)
    assert check_period("2026-01") == "2026-01" and check_period("2100-12") == "2100-12"


@pytest.mark.parametrize("generation", ["²", "٣", "３", "9" * 13])
def test_a_refresh_token_whose_generation_is_not_ascii_digits_is_not_ours(generation):
    keys = KeyRing.from_secret("a secret for the tests")
    family = encode_refresh_token(keys, RefreshToken("fam", 3)).split(".")[0]
    assert decode_refresh_token(keys, f"{family}.{generation}.mac") is None
    assert decode_refresh_token(keys, encode_refresh_token(keys, RefreshToken("fam", 3))) == RefreshToken("fam", 3)
