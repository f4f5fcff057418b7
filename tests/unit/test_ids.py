import re

from chalicelib.domain.ids import TRACKING_ALPHABET, new_id, new_tracking_code, normalize_tracking_code


def test_ids_carry_their_prefix_and_sort_by_creation():
    first = new_id("app")
    later = [new_id("app") for _ in range(50)]
    assert first.startswith("app_") and len(first) == 30
    assert all(first[:14] <= other[:14] for other in later)  # the time part never goes back


def test_tracking_codes_are_three_groups_of_four_from_the_read_aloud_alphabet():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
        assert set(code.replace("-", "")) <= set(TRACKING_ALPHABET)


def test_the_alphabet_leaves_out_letters_that_look_or_sound_alike():
    for confusing in "OILZSBGQUVDPTCNJY":
        assert confusing not in TRACKING_ALPHABET


def test_what_people_type_is_read_back_to_the_code():
    code = new_tracking_code()
    assert normalize_tracking_code(code.lower()) == code
    assert normalize_tracking_code(code.replace("-", " ")) == code
    assert normalize_tracking_code("0A1K-2M5W-68XE".replace("0", "O").replace("1", "I").replace("5", "S")) == "0A1K-2M5W-68XE"


def test_text_that_cannot_be_a_code_is_refused():
    for text in ("", "ABCD", "ABCD-EFGH-JKLM-NPQR", "UUUU-UUUU-UUUU", "../../etc"):
        assert normalize_tracking_code(text) is None
