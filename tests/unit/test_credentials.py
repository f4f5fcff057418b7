import pytest

from chalicelib.domain import credentials as cred
from chalicelib.domain.errors import InvalidInput

KEYS = cred.KeyRing.from_secret("root-secret-for-tests")


def test_codes_are_six_digits_and_stored_only_as_a_keyed_hash():
    code = cred.new_otp()
    assert len(code) == 6 and code.isdigit()
    stored = cred.hash_code(KEYS, "usr_1", "verify", code)
    assert code not in stored
    assert cred.code_matches(KEYS, "usr_1", "verify", code, stored)
    assert not cred.code_matches(KEYS, "usr_2", "verify", code, stored)  # bound to the user
    assert not cred.code_matches(KEYS, "usr_1", "reset", code, stored)  # and to the purpose
    other_keys = cred.KeyRing.from_secret("another-secret")
    assert not cred.code_matches(other_keys, "usr_1", "verify", code, stored)


def test_refresh_tokens_carry_a_mac_that_a_forger_cannot_make():
    token = cred.encode_refresh_token(KEYS, cred.RefreshToken("fam", 3))
    assert cred.decode_refresh_token(KEYS, token) == cred.RefreshToken("fam", 3)
    family, generation, mac = token.split(".")
    assert cred.decode_refresh_token(KEYS, f"{family}.4.{mac}") is None
    assert cred.decode_refresh_token(KEYS, "garbage") is None
    assert cred.decode_refresh_token(cred.KeyRing.from_secret("x"), token) is None


def test_a_rotated_secret_keeps_what_the_old_key_signed_valid():
    rotated = cred.KeyRing.from_secret('{"current": "new-root", "previous": "root-secret-for-tests"}')
    assert rotated.previous_access_token_key == KEYS.access_token_key
    assert rotated.previous_key_id == KEYS.key_id
    assert rotated.key_id != KEYS.key_id
    old_refresh = cred.encode_refresh_token(KEYS, cred.RefreshToken("fam", 2))
    assert cred.decode_refresh_token(rotated, old_refresh) == cred.RefreshToken("fam", 2)
    old_code = cred.hash_code(KEYS, "usr_1", "reset", "123456")
    assert cred.code_matches(rotated, "usr_1", "reset", "123456", old_code)
    new_refresh = cred.encode_refresh_token(rotated, cred.RefreshToken("fam", 3))
    assert cred.decode_refresh_token(KEYS, new_refresh) is None  # new tokens use the new key


@pytest.mark.parametrize("password,ok", [("1234567", False), ("12345678", True), ("x" * 128, True), ("x" * 129, False)])
def test_passwords_are_8_to_128_characters(password, ok):
    if ok:
        cred.check_password_rules(password)
    else:
        with pytest.raises(InvalidInput):
            cred.check_password_rules(password)


def test_passwords_are_hashed_at_owasps_cost_unless_the_local_stages_tests_ask_for_less():
    from chalicelib.adapters.passwords import Argon2PasswordHasher
    from chalicelib.config import Settings

    required = {"aws_region": "ap-southeast-3", "table_name": "t", "app_secret_id": "s", "mail_from": "a@b.id",
                "web_base_url": "https://x", "uploads_bucket": "u", "quarantine_bucket": "q", "pii_key_id": "k",
                "pii_lookup_secret_id": "l"}
    assert Settings(stage="prod", **required).password_hashing == "owasp"
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in Argon2PasswordHasher().hash("kopi tubruk")
    cheap = Argon2PasswordHasher("test").hash("kopi tubruk")
    assert "$m=8,t=1,p=1$" in cheap
    # Either hasher reads either hash; a real one upgrades a cheap one at the next login.
    assert Argon2PasswordHasher().verify(cheap, "kopi tubruk") and Argon2PasswordHasher().needs_rehash(cheap)
    # Asked for on a deployed stage, a cheap hash is not given.
    assert Settings(stage="prod", password_hash_cost="test", **required).password_hashing == "owasp"
    assert Settings(stage="local", password_hash_cost="test", **required).password_hashing == "test"


@pytest.mark.parametrize("address", ["a\r\nBcc: x@evil.example", "<script>@x.id", "budi@", "@example.id", "budi@@example.id",
                                     "budi example@example.id", "budi@example..id", "budi\x00@example.id"])
def test_an_address_mail_will_go_to_is_refused_unless_it_is_an_address(address):
    from chalicelib.domain.credentials import email_address
    from chalicelib.domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        email_address(address)
    assert [(p.field, p.code) for p in refused.value.problems] == [("email", "email")]


def test_a_real_address_comes_back_normalized():
    from chalicelib.domain.credentials import email_address

    assert email_address("  Budi.Santoso@Example.ID ") == "budi.santoso@example.id"
    assert email_address("warga@kota-depok.go.id") == "warga@kota-depok.go.id"


@pytest.mark.parametrize("name", ["Budi\x00", "Budi\x07Santoso", "\u202eosotnaS", "Bu\ud800di", ""])
def test_a_name_is_plain_text(name):
    from chalicelib.domain.credentials import person_name
    from chalicelib.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        person_name(name)


def test_a_name_keeps_its_letters_and_folds_its_spaces():
    from chalicelib.domain.credentials import person_name

    assert person_name("  Siti   Nurhaliza\n binti  Ahmad ") == "Siti Nurhaliza binti Ahmad"
    assert person_name("Dewi Lestari-Putri O'Neil") == "Dewi Lestari-Putri O'Neil"
