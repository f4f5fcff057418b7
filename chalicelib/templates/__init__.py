"""E-mail templates, one file per template and language: the first line is the subject,
the rest the text, with $placeholders (string.Template)."""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Any

_DIR = Path(__file__).resolve().parent / "mail"
LANGUAGES = ("id", "en")


def render_mail(template: str, language: str, params: dict[str, Any]) -> tuple[str, str]:
    if language not in LANGUAGES:
        language = "id"
    path = _DIR / f"{template}.{language}.txt"
    if not path.exists():
        raise LookupError(f"no e-mail template {template!r}")
    subject, _, body = path.read_text(encoding="utf-8").partition("\n")
    values = {key: str(value) for key, value in params.items()}
    return Template(subject.strip()).substitute(values), Template(body.lstrip("\n")).substitute(values)
