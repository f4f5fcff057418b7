"""The documents stay true: every relative link in the README and docs/ leads to a file of the
repository, and every problem type the API can answer is described in docs/API-ERRORS.md."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _documents() -> list[Path]:
    return [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]


def test_every_relative_link_in_the_readme_and_docs_leads_to_a_file_of_the_repository():
    broken = []
    for document in _documents():
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # a web address or a heading of the same page
            path = (document.parent / target.split("#")[0]).resolve()
            if not path.is_relative_to(PROJECT) or not path.exists():
                broken.append(f"{document.relative_to(PROJECT)} → {target}")
    assert broken == []


def test_every_problem_type_the_api_answers_is_described_in_api_errors():
    from chalicelib.api.problems import TITLES

    described = set(re.findall(r"^## ([a-z-]+)$", (PROJECT / "docs" / "API-ERRORS.md").read_text(), re.M))
    answered = {slug for slug, _title in TITLES.values()}
    answered |= set(re.findall(r'"slug": "([a-z-]+)"', (PROJECT / "chalicelib" / "api" / "http.py").read_text()))
    assert "account-not-verified" in answered
    assert answered - described == set()
    assert described - answered == set()  # nothing described that the code no longer answers
