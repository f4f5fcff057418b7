"""The account service's rules on fakes: attempt limits and lockouts for logins, codes and code
sending; rotating refresh tokens; sessions ended by a reset; housekeeping."""

import pytest

from chalicelib.domain import credentials as cred
from chalicelib.domain.errors import AccountNotVerified, InvalidCredentials, InvalidInput, NotAuthenticated, TooManyAttempts
from chalicelib.domain.people import Principal
from tests.fakes import services

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(fakes):
    return services.accounts(fakes)


def last_code(fakes, email_owner_kind="verify_code"):
    user_id, kind, _params, secret = fakes.notifier.sent[-1]
    assert kind == email_owner_kind
    return secret["code"]


def active_user(fakes, accounts, email="ani@example.id"):
    accounts.register(email, PASSWORD, "Ani", "id")
    return accounts.verify(email, last_code(fakes))


# ---- logins ----------------------------------------------------------------------------------

def test_four_failed_logins_are_wrong_passwords_and_the_fifth_locks_the_address(fakes, accounts):
    active_user(fakes, accounts)
    for _ in range(cred.LOGIN_MAX_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            accounts.login("ani@example.id", "wrong password")
    with pytest.raises(TooManyAttempts) as locked:
        accounts.login("ani@example.id", "wrong password")
    assert locked.value.retry_after_seconds == cred.LOGIN_LOCK_SECONDS


def test_a_locked_address_refuses_even_the_right_password_until_the_lock_ends(fakes, accounts):
    active_user(fakes, accounts)
    for _ in range(cred.LOGIN_MAX_FAILURES):
        with pytest.raises((InvalidCredentials, TooManyAttempts)):
            accounts.login("ani@example.id", "wrong password")
    fakes.clock.advance(seconds=cred.LOGIN_LOCK_SECONDS - 1)
    with pytest.raises(TooManyAttempts) as still:
        accounts.login("ani@example.id", PASSWORD)
    assert still.value.retry_after_seconds == 1
    fakes.clock.advance(seconds=1)
    assert accounts.login("ani@example.id", PASSWORD).access_token


def test_a_good_login_forgets_the_failures_before_it(fakes, accounts):
    active_user(fakes, accounts)
    for _ in range(2):
        for _ in range(cred.LOGIN_MAX_FAILURES - 1):
            with pytest.raises(InvalidCredentials):
                accounts.login("ani@example.id", "wrong password")
        accounts.login("ani@example.id", PASSWORD)


def test_failures_older_than_the_window_do_not_count(fakes, accounts):
    active_user(fakes, accounts)
    for _ in range(cred.LOGIN_MAX_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            accounts.login("ani@example.id", "wrong password")
    fakes.clock.advance(seconds=cred.LOGIN_LOCK_SECONDS)
    with pytest.raises(InvalidCredentials):
        accounts.login("ani@example.id", "wrong password")


def test_an_unknown_address_spends_the_hashing_time_and_locks_the_same_way(fakes, accounts):
    for _ in range(cred.LOGIN_MAX_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            accounts.login("nobody@example.id", PASSWORD)
    with pytest.raises(TooManyAttempts):
        accounts.login("nobody@example.id", PASSWORD)
    assert fakes.hasher.burnt == cred.LOGIN_MAX_FAILURES


def test_logging_in_before_verifying_says_so_only_with_the_right_password(fakes, accounts):
    accounts.register("budi@example.id", PASSWORD, "Budi", None)
    with pytest.raises(InvalidCredentials):
        accounts.login("budi@example.id", "not the password")
    with pytest.raises(AccountNotVerified):
        accounts.login("budi@example.id", PASSWORD)


# ---- codes -------------------------------------------------------------------------------------

def test_five_wrong_codes_kill_the_code_and_the_right_one_no_longer_works(fakes, accounts):
    accounts.register("citra@example.id", PASSWORD, "Citra", "en")
    code = last_code(fakes)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(cred.OTP_MAX_ATTEMPTS):  # the last one too: a 429 would say a code was sent
        with pytest.raises(InvalidInput):
            accounts.verify("citra@example.id", wrong)
    user_id = fakes.users.user_id_for_email("citra@example.id")
    assert "verify" not in fakes.users.codes[user_id]
    with pytest.raises(InvalidInput):
        accounts.verify("citra@example.id", code)


def test_an_expired_code_is_refused(fakes, accounts):
    accounts.register("dewi@example.id", PASSWORD, "Dewi", None)
    code = last_code(fakes)
    fakes.clock.advance(seconds=cred.OTP_LIFETIME_SECONDS)
    with pytest.raises(InvalidInput):
        accounts.verify("dewi@example.id", code)


def test_wrong_codes_are_capped_per_address_per_day_across_codes(fakes, accounts):
    accounts.register("eko@example.id", PASSWORD, "Eko", None)
    failures = 0
    with pytest.raises(TooManyAttempts) as capped:
        while failures < 50:
            code = last_code(fakes)
            for _ in range(cred.OTP_MAX_ATTEMPTS - 1):
                failures += 1
                with pytest.raises(InvalidInput):
                    accounts.verify("eko@example.id", "999999" if code != "999999" else "888888")
            fakes.clock.advance(hours=1)  # past the hourly cap on code sends
            accounts.register("eko@example.id", PASSWORD, "Eko", None)
    assert failures == cred.CODE_FAILURES_PER_DAY
    assert "tomorrow" in str(capped.value)
    fakes.clock.advance(days=1)
    accounts.register("eko@example.id", PASSWORD, "Eko", None)
    assert accounts.verify("eko@example.id", last_code(fakes)).is_active


def test_codes_are_sent_at_most_five_times_an_hour_per_address(fakes, accounts):
    for _ in range(cred.CODE_SENDS_PER_HOUR + 2):
        accounts.register("fajar@example.id", PASSWORD, "Fajar", None)
    assert fakes.notifier.kinds().count("verify_code") == cred.CODE_SENDS_PER_HOUR
    fakes.clock.advance(hours=1)
    accounts.forgot_password("fajar@example.id")  # not active: nothing to reset, but it counts
    accounts.register("fajar@example.id", PASSWORD, "Fajar", None)
    assert fakes.notifier.kinds().count("verify_code") == cred.CODE_SENDS_PER_HOUR + 1


def test_registering_a_taken_address_tells_the_owner_not_the_caller(fakes, accounts):
    user = active_user(fakes, accounts)
    accounts.register("ani@example.id", "another password", "Someone", None)
    assert fakes.notifier.sent[-1][:2] == (user.id, "already_registered")
    assert fakes.users.get(user.id).password_hash == fakes.hasher.hash(PASSWORD)


# ---- sessions ------------------------------------------------------------------------------------

def test_a_refresh_token_used_twice_ends_the_whole_session(fakes, accounts):
    active_user(fakes, accounts)
    first = accounts.login("ani@example.id", PASSWORD)
    second = accounts.refresh(first.refresh_token)
    with pytest.raises(NotAuthenticated):
        accounts.refresh(first.refresh_token)
    with pytest.raises(NotAuthenticated):
        accounts.refresh(second.refresh_token)
    with pytest.raises(NotAuthenticated):  # its access tokens stop too, before they expire
        accounts.authenticate(second.access_token)


def test_a_password_reset_ends_every_session_and_its_access_tokens(fakes, accounts):
    user = active_user(fakes, accounts)
    pair = accounts.login("ani@example.id", PASSWORD)
    assert accounts.authenticate(pair.access_token).user_id == user.id
    accounts.forgot_password("ani@example.id")
    accounts.reset_password("ani@example.id", last_code(fakes, "reset_code"), "a brand new password")
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(pair.access_token)
    with pytest.raises(NotAuthenticated):
        accounts.refresh(pair.refresh_token)
    assert accounts.login("ani@example.id", "a brand new password").access_token


def test_logout_ends_only_the_callers_own_session(fakes, accounts):
    user = active_user(fakes, accounts)
    pair = accounts.login("ani@example.id", PASSWORD)
    stranger = Principal("usr_someone_else", "x@example.id", "X", "id")
    accounts.logout(stranger, pair.refresh_token)
    pair = accounts.refresh(pair.refresh_token)
    assert accounts.authenticate(pair.access_token).user_id == user.id  # a stranger's logout changed nothing
    accounts.logout(Principal(user.id, user.email, user.name, "id"), pair.refresh_token)
    with pytest.raises(NotAuthenticated):
        accounts.refresh(pair.refresh_token)
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(pair.access_token)


# ---- housekeeping --------------------------------------------------------------------------------

def test_stale_unverified_registrations_are_purged_and_the_address_is_free_again(fakes, accounts):
    accounts.register("old@example.id", PASSWORD, "Old", None)
    fakes.clock.advance(days=3)
    accounts.register("new@example.id", PASSWORD, "New", None)
    active_user(fakes, accounts)
    fakes.clock.advance(days=5)
    assert accounts.purge_unverified(older_than_days=7) == 1
    assert fakes.users.user_id_for_email("old@example.id") is None
    assert fakes.users.user_id_for_email("new@example.id") is not None
    assert fakes.users.user_id_for_email("ani@example.id") is not None
    accounts.register("old@example.id", PASSWORD, "Old again", None)
    assert fakes.notifier.sent[-1][1] == "verify_code"


def test_a_lock_ends_after_its_time_even_without_a_good_login(fakes, accounts):
    for _ in range(cred.LOGIN_MAX_FAILURES):
        with pytest.raises((InvalidCredentials, TooManyAttempts)):
            accounts.login("ghost@example.id", PASSWORD)
    assert fakes.throttles.locked_until("login", "ghost@example.id", fakes.clock.now())
    fakes.clock.advance(seconds=cred.LOGIN_LOCK_SECONDS)
    assert fakes.throttles.locked_until("login", "ghost@example.id", fakes.clock.now()) is None


# ---- what a caller can learn ---------------------------------------------------------------------

def test_registering_and_asking_a_reset_only_queue_a_request_whatever_the_address(fakes):
    """The route's work is the same for a new, a taken and an unknown address: the lookups and
    the mail happen when the notification function carries the request out."""
    accounts = services.accounts(fakes, carry_out_requests=False)
    services.accounts(fakes).register("ani@example.id", PASSWORD, "Ani", "id")  # a known address
    reads_before = dict(fakes.users.emails), list(fakes.notifier.sent)
    accounts.register("ani@example.id", PASSWORD, "Ani again", "id")
    accounts.register("new@example.id", PASSWORD, "Baru", "id")
    accounts.forgot_password("ani@example.id")
    accounts.forgot_password("nobody@example.id")
    assert (dict(fakes.users.emails), fakes.notifier.sent) == reads_before  # nothing looked up, nothing sent
    queued = accounts.requests.jobs
    assert [(job["action"], job["email"]) for job in queued] == [
        ("register", "ani@example.id"), ("register", "new@example.id"),
        ("forgot_password", "ani@example.id"), ("forgot_password", "nobody@example.id")]
    assert all("password" not in job and set(job) <= {"type", "action", "email", "request_id", "name", "language",
                                                      "password_hash"} for job in queued)
    assert queued[1]["password_hash"] == fakes.hasher.hash(PASSWORD)
