"""Identifiers: sortable record ids and tracking codes people read aloud."""

from __future__ import annotations

import secrets
import time

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """A ULID-style id: 48 bits of milliseconds then 80 random bits, so ids sort by creation."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


# Tracking codes are typed from paper, read over the phone and spelled aloud in Indonesian.
# All ten digits stay: their Indonesian names (nol, satu, dua...) never blur. Of the letters only
# those whose names sound unlike each other stay: one of the "-e" family (be, ce, de, ge, pe, te,
# we...) is kept (W), one of em/en (M), and A, E, H, K, F, R, X. Letters that look like digits
# (O, I, L, Z, S, B, G) are left out and read as the digit when typed.
TRACKING_ALPHABET = "0123456789AEFHKMRWX"
TRACKING_GROUPS = 3
TRACKING_GROUP_LENGTH = 4
_READ_AS_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"})


# Certificate verification codes use the same alphabet, one group longer (about 68 bits): they
# are printed on paper that circulates for years, and anyone may try them.
CERTIFICATE_GROUPS = 4


def _readable_code(groups: int) -> str:
    return "-".join(
        "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_GROUP_LENGTH)) for _ in range(groups)
    )


def _normalize(text: str, groups: int) -> str | None:
    compact = "".join(ch for ch in text.upper() if ch not in " -").translate(_READ_AS_DIGIT)
    size = groups * TRACKING_GROUP_LENGTH
    if len(compact) != size or any(ch not in TRACKING_ALPHABET for ch in compact):
        return None
    return "-".join(compact[i : i + TRACKING_GROUP_LENGTH] for i in range(0, size, TRACKING_GROUP_LENGTH))


def new_tracking_code() -> str:
    """12 symbols of a 19-symbol alphabet (about 51 bits), so codes cannot be guessed."""
    return _readable_code(TRACKING_GROUPS)


def normalize_tracking_code(text: str) -> str | None:
    """Accept what people type (lower case, spaces, missing dashes); None if it cannot be a code."""
    return _normalize(text, TRACKING_GROUPS)


def new_certificate_code() -> str:
    return _readable_code(CERTIFICATE_GROUPS)


def normalize_certificate_code(text: str) -> str | None:
    return _normalize(text, CERTIFICATE_GROUPS)
