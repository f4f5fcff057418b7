"""Accounts over the API, in-process against the emulator."""

import jwt
import pytest

from tests.support import deliver_queue, make_user, read_code, unique_email

PASSWORD = "correct horse 1"


def test_register_verify_login_and_me(api):
    email = unique_email()
    answer = api.post("/auth/register", {"email": email, "password": PASSWORD, "name": "Budi", "language": "en"})
    assert answer.status == 202
    mail = api.wait_for_mail(email, "verification code")
    assert "valid for 10 minutes" in mail["text"]
    verified = api.post("/auth/verify", {"email": email.upper(), "code": read_code(mail)})
    assert verified.status == 200, verified.text
    assert verified.json["user"]["email"] == email
    token = api.login(email, PASSWORD)
    me = api.get("/me", token=token).json
    assert me == {"id": verified.json["user"]["id"], "email": email, "name": "Budi", "language": "en", "roles": [],
                  "delegated_roles": []}


def test_people_change_their_own_name_and_the_language_their_mail_comes_in(api):
    email, token = api.register_verified(language="id")
    changed = api.patch("/me", {"language": "en", "name": "  Budi   Santoso "}, token=token)
    assert changed.status == 200, changed.text
    assert (changed.json["language"], changed.json["name"]) == ("en", "Budi Santoso")
    token = api.login(email, "correct horse 1")
    assert api.get("/me", token=token).json["language"] == "en"
    api.post("/auth/password/forgot", {"email": email})
    assert api.wait_for_mail(email, "password reset code")["text"].startswith("Hello Budi Santoso")  # now in English
    assert api.patch("/me", {"language": "fr"}, token=token).status == 422
    assert api.patch("/me", {"name": ""}, token=token).json["errors"][0]["field"] == "name"
    assert api.patch("/me", {"language": "id"}).status == 401


def test_registering_a_taken_address_answers_the_same_and_tells_the_owner(api):
    email, _ = api.register_verified()
    again = api.post("/auth/register", {"email": email, "password": "another pass 2", "name": "Mallory"})
    fresh = api.post("/auth/register", {"email": unique_email(), "password": PASSWORD, "name": "Siti"})
    assert (again.status, again.json) == (fresh.status, fresh.json)
    notice = api.wait_for_mail(email, "mencoba mendaftar")
    assert "sudah memiliki akun" in notice["text"]
    assert api.login(email, PASSWORD)  # the owner's password did not change


def test_forgot_password_answers_the_same_for_unknown_addresses(api):
    known, _ = api.register_verified()
    assert api.post("/auth/password/forgot", {"email": known}).json == \
        api.post("/auth/password/forgot", {"email": unique_email()}).json


def test_a_verification_code_expires_after_ten_minutes(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": PASSWORD, "name": "Ani"})
    code = read_code(api.wait_for_mail(email))
    api.deps.clock.advance(10 * 60 + 1)
    answer = api.post("/auth/verify", {"email": email, "code": code})
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "code"


def test_five_wrong_codes_kill_the_code(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": PASSWORD, "name": "Ani"})
    code = read_code(api.wait_for_mail(email))
    wrong = "000000" if code != "000000" else "111111"
    statuses = [api.post("/auth/verify", {"email": email, "code": wrong}).status for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 422]
    assert api.post("/auth/verify", {"email": email, "code": code}).status == 422  # spent


def test_wrong_codes_answer_the_same_whether_or_not_a_code_was_sent(api):
    """An address that was sent a reset code and one without an account see the same answers,
    try after try, until the daily lock they share (a 429 for a spent code told them apart)."""
    known, _ = api.register_verified()
    unknown = unique_email()
    for email in (known, unknown):
        assert api.post("/auth/password/forgot", {"email": email}).status == 202
    api.wait_for_mail(known, "atur ulang")

    def answers(email):
        sent = [api.post("/auth/password/reset", {"email": email, "code": "000000", "new_password": "x" * 10})
                for _ in range(11)]
        return [(a.status, a.json["detail"], [e.get("code") for e in a.json.get("errors", [])]) for a in sent]

    assert answers(known) == answers(unknown)


def test_wrong_codes_are_capped_per_address_per_day_across_codes(api):
    email, _ = api.register_verified()
    statuses = []
    for round_ in range(3):
        api.post("/auth/password/forgot", {"email": email})
        code = read_code(api.wait_for_mail(email, "atur ulang", known=round_))
        wrong = "000000" if code != "000000" else "111111"
        statuses += [api.post("/auth/password/reset", {"email": email, "code": wrong, "new_password": "x" * 10}).status
                     for _ in range(4)]
    assert statuses[:9] == [422] * 9
    assert statuses[9:] == [429, 429, 429]  # the tenth wrong code of the day locks the address
    fresh = read_code(api.wait_for_mail(email, "atur ulang", known=2))
    locked = api.post("/auth/password/reset", {"email": email, "code": fresh, "new_password": "new password"})
    assert locked.status == 429  # even the right code waits until tomorrow
    api.deps.clock.advance(24 * 3600 + 1)
    api.post("/auth/password/forgot", {"email": email})
    newest = read_code(api.wait_for_mail(email, "atur ulang", known=3))
    assert api.post("/auth/password/reset", {"email": email, "code": newest, "new_password": "new password"}).status == 200


def test_a_new_registration_of_an_unverified_address_binds_the_new_password(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": "first password", "name": "Ani"})
    api.wait_for_mail(email)
    api.post("/auth/register", {"email": email, "password": "second password", "name": "Ani"})
    newest = api.wait_for_mail(email, known=1)
    assert api.post("/auth/verify", {"email": email, "code": read_code(newest)}).status == 200
    assert api.post("/auth/login", {"email": email, "password": "first password"}).status == 401
    assert api.login(email, "second password")


def test_logging_in_before_verifying_says_so_only_to_someone_with_the_password(api):
    email = unique_email()
    api.post("/auth/register", {"email": email, "password": PASSWORD, "name": "Ani"})
    api.wait_for_mail(email)
    unverified = api.post("/auth/login", {"email": email, "password": PASSWORD})
    assert unverified.status == 403
    assert unverified.json["type"] == "/problems/account-not-verified"
    assert api.post("/auth/login", {"email": email, "password": "not the password"}).status == 401


def test_five_failed_logins_lock_the_address_for_fifteen_minutes(api):
    email, _ = api.register_verified()
    answers = [api.post("/auth/login", {"email": email, "password": "wrong password"}) for _ in range(5)]
    assert [a.status for a in answers] == [401, 401, 401, 401, 429]
    locked = api.post("/auth/login", {"email": email, "password": PASSWORD})
    assert locked.status == 429 and 0 < int(locked.header("Retry-After")) <= 900
    api.deps.clock.advance(15 * 60 + 1)
    assert api.login(email, PASSWORD)


def test_unknown_addresses_are_locked_the_same_way(api):
    email = unique_email()
    answers = [api.post("/auth/login", {"email": email, "password": "wrong password"}).status for _ in range(6)]
    assert answers == [401, 401, 401, 401, 429, 429]


def test_passwords_must_be_8_to_128_characters(api):
    for password, status in (("short", 422), ("x" * 129, 422), ("x" * 128, 202), ("12345678", 202)):
        answer = api.post("/auth/register", {"email": unique_email(), "password": password, "name": "A"})
        assert answer.status == status, (len(password), answer.text)


def test_access_tokens_are_short_lived_pinned_jwts_with_the_required_claims(api):
    _, token = api.register_verified()
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert {"exp", "iat", "sub", "iss", "aud"} <= set(claims)
    assert claims["exp"] - claims["iat"] <= 900
    api.deps.clock.advance(901)
    expired = api.get("/me", token=token)
    assert expired.status == 401
    assert "invalid_token" in expired.header("WWW-Authenticate")


def test_tampered_or_unsigned_tokens_are_refused(api):
    _, token = api.register_verified()
    claims = jwt.decode(token, options={"verify_signature": False})
    unsigned = jwt.encode(claims, key=None, algorithm="none") if hasattr(jwt, "encode") else ""
    forged = jwt.encode({**claims, "sub": "usr_someone_else"}, "a-guessed-key-that-is-long-enough-32b", algorithm="HS256")
    for bad in (unsigned, forged, token[:-2] + "xx", "not-a-token"):
        assert api.get("/me", token=bad).status == 401
    assert api.get("/me").status == 401


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(api):
    email, _ = api.register_verified()
    first = api.post("/auth/login", {"email": email, "password": PASSWORD}).json
    second = api.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    replay = api.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert replay.status == 401
    # the whole family is gone, the thief's and the owner's newest token alike, access tokens too
    assert api.post("/auth/refresh", {"refresh_token": second.json["refresh_token"]}).status == 401
    assert api.get("/me", token=second.json["access_token"]).status == 401
    assert api.get("/me", token=first["access_token"]).status == 401


def test_logout_ends_the_session(api):
    email, _ = api.register_verified()
    pair = api.post("/auth/login", {"email": email, "password": PASSWORD}).json
    other_device = api.post("/auth/login", {"email": email, "password": PASSWORD}).json
    assert api.get("/me", token=pair["access_token"]).status == 200
    assert api.post("/auth/logout", {"refresh_token": pair["refresh_token"]}, token=pair["access_token"]).status == 204
    assert api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).status == 401
    # Its access token stops at once, not when it expires; the other device's session goes on.
    assert api.get("/me", token=pair["access_token"]).status == 401
    assert api.get("/me", token=other_device["access_token"]).status == 200


def test_logout_ends_the_asking_session_even_without_its_refresh_token(api):
    email, _ = api.register_verified()
    pair = api.post("/auth/login", {"email": email, "password": PASSWORD}).json
    assert api.post("/auth/logout", {"refresh_token": "not.a.token"}, token=pair["access_token"]).status == 204
    assert api.get("/me", token=pair["access_token"]).status == 401
    assert api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).status == 401


def test_a_password_reset_ends_every_session(api):
    email, old_token = api.register_verified()
    pair = api.post("/auth/login", {"email": email, "password": PASSWORD}).json
    assert api.post("/auth/password/forgot", {"email": email}).status == 202
    code = read_code(api.wait_for_mail(email, "atur ulang"))
    reset = api.post("/auth/password/reset", {"email": email, "code": code, "new_password": "brand new pass"})
    assert reset.status == 200, reset.text
    assert api.get("/me", token=old_token).status == 401
    assert api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).status == 401
    assert api.post("/auth/login", {"email": email, "password": PASSWORD}).status == 401
    assert api.login(email, "brand new pass")
    # a code works once
    assert api.post("/auth/password/reset", {"email": email, "code": code, "new_password": "again again"}).status == 422


def test_code_sending_is_limited_per_address_per_hour(api):
    email, _ = api.register_verified()
    for _ in range(8):
        api.post("/auth/password/forgot", {"email": email})
    api.deliver_mail()
    resets = [m for m in api.mail(email) if "atur ulang" in m["subject"]]
    assert len(resets) == 4  # 5 sends an hour, one of which was the registration code


def test_a_deleted_or_unknown_user_behind_a_valid_token_is_refused(api):
    user, password = make_user(api.deps)
    token = api.login(user.email, password)
    api.deps.users.save(type(user)(**{**user.__dict__, "status": "pending", "version": 1}), 0)
    assert api.get("/me", token=token).status == 401


@pytest.mark.parametrize("body, field", [
    ({"email": "a\r\nBcc: x@evil.example", "name": "Budi"}, "email"),
    ({"email": "<script>@x.id", "name": "Budi"}, "email"),
    ({"name": "Budi\x00Santoso"}, "name"),
    ({"name": "\u202eosotnaS"}, "name"),
])
def test_a_registration_that_is_not_an_address_or_not_a_name_is_refused_and_nothing_is_sent(api, body, field):
    api.deliver_mail()  # what earlier tests queued
    answer = api.post("/auth/register", {"email": unique_email(), "password": PASSWORD, **body})
    assert answer.status == 422, answer.text
    assert answer.content_type == "application/problem+json"
    assert [e["field"] for e in answer.json["errors"]] == [field]
    assert deliver_queue(api.deps, "carry_out_account_requests") == 0  # nothing queued for anyone
    assert deliver_queue(api.deps, "notify") == 0


def test_thirty_guesses_at_once_are_never_more_than_five_compared_and_the_code_then_is_spent(api, monkeypatch):
    """Each guess takes its try before its code is compared, so guesses sent at the same moment
    cannot slip past the limit while the failures are counted (a probe won with 30 at once)."""
    from chalicelib.domain import credentials

    email, _token = api.register_verified()
    assert api.post("/auth/password/forgot", {"email": email}).status == 202
    code = read_code(api.wait_for_mail(email, "atur ulang"))
    real_compare = credentials.code_matches
    compared = counting_calls(monkeypatch, credentials, "code_matches")
    accounts = api.deps.accounts
    wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 31)]
    outcomes = all_at_once(lambda attempt: accounts.reset_password(email, attempt, "a whole new pass"), wrong)
    assert "accepted" not in outcomes
    assert len(compared) <= 5, (len(compared), outcomes)
    # The fifth try spent the code: the right one is no good any more.
    monkeypatch.setattr(credentials, "code_matches", real_compare)
    late = api.post("/auth/password/reset", {"email": email, "code": code, "new_password": "a whole new pass"})
    assert late.status in (422, 429), late.text


def test_thirty_passwords_at_once_are_never_more_than_five_compared(api, monkeypatch):
    """A login's try is taken before its password is compared: guesses sent at the same moment
    cannot slip past the limit (a probe's 30 at once were all compared while the failures were
    counted afterwards, and the counter gave up under contention)."""
    email, _token = api.register_verified()
    compared = counting_calls(monkeypatch, api.deps.password_hasher, "verify")
    accounts = api.deps.accounts
    guesses = [f"wrong guess {n}" for n in range(29)] + [PASSWORD]
    outcomes = all_at_once(lambda password: accounts.login(email, password), guesses)
    assert len(compared) <= 5, (len(compared), outcomes)
    assert outcomes.count("TooManyAttempts") >= 25
    # Locked now for everyone, the owner included, until the window is over.
    assert api.post("/auth/login", {"email": email, "password": PASSWORD}).status == 429


def counting_calls(monkeypatch, owner, name: str) -> list:
    """`owner.name` still does its work; the list grows by one per call, from any thread."""
    import threading

    calls, lock, real = [], threading.Lock(), getattr(owner, name)

    def counted(*args, **kwargs):
        with lock:
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def all_at_once(attempt, guesses: list[str]) -> list[str]:
    """Each guess in its own thread, all sent together: "accepted", or the refusal's exception
    name (422, 429, 401, or 409 under contention: each a refusal)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(guess: str) -> str:
        try:
            attempt(guess)
            return "accepted"
        except Exception as refused:  # noqa: BLE001 - every refusal counts as one
            return type(refused).__name__

    with ThreadPoolExecutor(max_workers=len(guesses)) as pool:
        return list(pool.map(one, guesses))
