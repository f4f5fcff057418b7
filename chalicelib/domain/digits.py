"""Numbers people type as identifiers (a NIK, an NPWP, a code, a month, a region code): the
ASCII digits 0-9 only.

`str.isdigit()` and a regex's `\\d` also take other scripts' digits (Arabic-Indic "٣",
Devanagari "३", fullwidth "３") and superscripts ("²"). `int()` reads the first kind as the
ASCII number and refuses the second, so an identifier checked that way is either stored in a
form no lookup of the ASCII one finds (a NIK, a budget's month) or crashes further on.
"""

from __future__ import annotations

# For JSON Schema patterns and `re` alike: `[0-9]`, never `\d`.
DIGIT = "[0-9]"


def ascii_digits(text: object, length: int | None = None) -> bool:
    """True for a non-empty string of ASCII digits (of exactly `length`, when given)."""
    if not isinstance(text, str) or not text or not (text.isascii() and text.isdigit()):
        return False
    return length is None or len(text) == length
