"""Notification templates, one file per kind and language (mail/{kind}.{id|en}.txt):

    line 1        the subject (and the in-app title)
    "> " line 2   the in-app summary (optional; the subject stands in)
    the rest      the e-mail's text

with $placeholders (string.Template). A missing placeholder is an error, not a blank: every
template is rendered with the parameters its producers give in the tests.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template
from typing import Any

_DIR = Path(__file__).resolve().parent / "mail"
LANGUAGES = ("id", "en")


@functools.cache
def _template(kind: str, language: str) -> tuple[Template, Template, Template]:
    path = _DIR / f"{kind}.{language}.txt"
    if not path.exists():
        raise LookupError(f"no e-mail template {kind!r}")
    subject, _, rest = path.read_text(encoding="utf-8").partition("\n")
    summary = subject
    if rest.startswith("> "):
        summary, _, rest = rest[2:].partition("\n")
    return Template(subject.strip()), Template(summary.strip()), Template(rest.lstrip("\n"))


class _Blanks(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render_mail(kind: str, language: str, params: dict[str, Any], strict: bool = True) -> tuple[str, str, str]:
    """(subject, in-app summary, text) of `kind` in `language` (Indonesian unless English).

    Strict for e-mail (a missing value is a bug to retry, never a blank sent out); lenient for
    the in-app list, where an item stored before a template changed must not break the list."""
    if language not in LANGUAGES:
        language = "id"
    subject, summary, body = _template(kind, language)
    values = {key: str(value) for key, value in params.items()}
    if not strict:
        values = _Blanks(values)
    return subject.substitute(values), summary.substitute(values), body.substitute(values)
