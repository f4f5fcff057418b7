"""One-time codes, refresh tokens and password rules: pure functions over keys handed in.

Nothing here is stored in the clear: a code is kept as an HMAC under a server key (a leaked
table does not give the codes away, and 10^6 codes cannot be brute-forced offline without the
key); a refresh token carries its own MAC, so the table keeps only each family's generation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.digits import ascii_digits
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.messages import msg

OTP_DIGITS = 6
OTP_LIFETIME_SECONDS = 10 * 60
OTP_MAX_ATTEMPTS = 5
INVITE_LIFETIME_SECONDS = 7 * 24 * 3600
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_SECONDS = 15 * 60
CODE_SENDS_PER_HOUR = 5
# Wrong codes per address across all its codes: a code dies after 5 tries and new ones are
# rationed, but without a daily cap a patient attacker could still try ~25 codes an hour.
CODE_FAILURES_PER_DAY = 10
PASSWORD_MIN = 8
PASSWORD_MAX = 128


@dataclass(frozen=True)
class KeyRing:
    """Keys derived from the one configured secret; `previous` still verifies during a rotation."""

    access_token_key: bytes
    refresh_token_key: bytes
    code_key: bytes
    key_id: str
    previous_access_token_key: bytes | None = None
    previous_key_id: str | None = None
    previous_refresh_token_key: bytes | None = None
    previous_code_key: bytes | None = None

    @classmethod
    def from_secret(cls, secret_value: str) -> "KeyRing":
        current, previous = secret_value, None
        try:
            parsed = json.loads(secret_value)
            if isinstance(parsed, dict) and "current" in parsed:
                current, previous = parsed["current"], parsed.get("previous")
        except ValueError:
            pass
        access = _derive(current, "access-token")
        prev_access = _derive(previous, "access-token") if previous else None
        return cls(
            access_token_key=access,
            refresh_token_key=_derive(current, "refresh-token"),
            code_key=_derive(current, "one-time-code"),
            key_id=_key_id(access),
            previous_access_token_key=prev_access,
            previous_key_id=_key_id(prev_access) if prev_access else None,
            previous_refresh_token_key=_derive(previous, "refresh-token") if previous else None,
            previous_code_key=_derive(previous, "one-time-code") if previous else None,
        )


def _derive(root: str, purpose: str) -> bytes:
    return hmac.new(root.encode(), f"satupintu/{purpose}/v1".encode(), hashlib.sha256).digest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def new_otp() -> str:
    return f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"


def new_invite_code() -> str:
    return secrets.token_urlsafe(24)


def _code_hash(key: bytes, user_id: str, purpose: str, code: str) -> str:
    return hmac.new(key, f"{user_id}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def hash_code(keys: KeyRing, user_id: str, purpose: str, code: str) -> str:
    return _code_hash(keys.code_key, user_id, purpose, code)


def code_matches(keys: KeyRing, user_id: str, purpose: str, code: str, stored_hash: str) -> bool:
    """Codes sent before a key rotation still work (they were hashed under the previous key)."""
    candidates = [keys.code_key] + ([keys.previous_code_key] if keys.previous_code_key else [])
    return any(hmac.compare_digest(_code_hash(key, user_id, purpose, code), stored_hash) for key in candidates)


# ---- refresh tokens: "<family>.<generation>.<mac>" -------------------------------------------

@dataclass(frozen=True)
class RefreshToken:
    family: str
    generation: int


def _refresh_mac(key: bytes, family: str, generation: int) -> str:
    digest = hmac.new(key, f"{family}.{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def encode_refresh_token(keys: KeyRing, token: RefreshToken) -> str:
    return f"{token.family}.{token.generation}.{_refresh_mac(keys.refresh_token_key, token.family, token.generation)}"


def decode_refresh_token(keys: KeyRing, text: str) -> RefreshToken | None:
    """None unless the token is one this server issued (its MAC holds)."""
    parts = text.split(".") if isinstance(text, str) else []
    # ASCII digits: "²" passes str.isdigit() and then makes int() raise.
    if len(parts) != 3 or not ascii_digits(parts[1]) or len(parts[1]) > 12 or len(parts[0]) > 64:
        return None
    family, generation = parts[0], int(parts[1])
    candidates = [keys.refresh_token_key] + ([keys.previous_refresh_token_key] if keys.previous_refresh_token_key else [])
    if not any(hmac.compare_digest(_refresh_mac(key, family, generation), parts[2]) for key in candidates):
        return None
    return RefreshToken(family, generation)


# ---- passwords and addresses -------------------------------------------------------------

def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput("password too short", [FieldProblem(field, msg("must be at least {limit} characters", limit=PASSWORD_MIN), "min_length", {"limit": PASSWORD_MIN})])
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("password too long", [FieldProblem(field, msg("must be at most {limit} characters", limit=PASSWORD_MAX), "max_length", {"limit": PASSWORD_MAX})])


def normalize_email(address: str) -> str:
    """An address as looked up: a malformed one simply matches no account."""
    return address.strip().lower()


def email_address(address: str, field: str = "email") -> str:
    """An address the system will write to (a registration, an invitation), checked as an
    address by email-validator (syntax only, no DNS): header line breaks, angle brackets and
    other text that is not an address are refused before anything is stored or sent."""
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidInput("not an e-mail address",
                           [FieldProblem(field, "is not an e-mail address", "email")]) from None
    return checked.normalized.lower()


# Text a person's name may not hold: control characters (NUL, line breaks are folded first),
# unassigned or private code points, surrogates, and the bidi overrides that make text read
# backwards in a mail client.
_NOT_TEXT = {"Cc", "Cs", "Co", "Cn"}
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def person_name(name: str, field: str = "name") -> str:
    """A name as people write it: spaces folded, 1 to 120 characters of text."""
    import unicodedata

    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 120:
        raise InvalidInput("the name is not right", [FieldProblem(field, "must be 1 to 120 characters")])
    if any(unicodedata.category(c) in _NOT_TEXT or c in _BIDI_CONTROLS for c in cleaned):
        raise InvalidInput("the name is not right", [FieldProblem(field, "must be plain text", "plain_text")])
    return cleaned


def seconds_until(later: datetime, now: datetime) -> int:
    return max(1, int((later - now).total_seconds() + 0.999))
