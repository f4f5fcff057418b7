"""One catalogue of every sentence an error answer says, in Indonesian and in English (issue 18:
"Isi berkas adalah unknown kind of file", "a approver"). Each sentence is walked in both
languages; every sentence the code raises must be in it; nothing is left unfilled or mixed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chalicelib.api import problems
from chalicelib.domain import files, messages
from chalicelib.domain.messages import ID, Label, choose, msg, placeholders, say

ROOT = Path(__file__).resolve().parents[2]
# Words that mark a sentence as English, and as Indonesian (codes such as budget_allocator,
# "true", "JSON" or "Bearer" may stand in either).
ENGLISH = {"the", "is", "are", "a", "an", "of", "to", "and", "or", "not", "no", "must", "be", "this", "that", "with",
           "for", "your", "you", "try", "again", "has", "have", "was", "were", "cannot", "only", "at", "been", "file",
           "kind", "unknown", "required", "such", "here", "already", "too", "many", "from", "by", "it", "its", "on",
           "than", "more", "into", "upload", "office", "step", "application", "document", "while"}
INDONESIAN = {"yang", "dan", "tidak", "harus", "ini", "itu", "untuk", "dengan", "atau", "sudah", "belum", "coba",
              "lagi", "adalah", "berkas", "bukan", "dari", "pada", "di", "ke", "kantor", "permohonan", "anda",
              "sebagai", "paling", "wajib", "isian", "dokumen", "tahap", "bahasa", "dahulu", "kini"}
SAMPLE = Label("nilai", "value")
# What raises a sentence: the error classes, a field's problem, a form rule, the pipeline's 400s.
RAISERS = {"InvalidInput": 0, "NotFound": 0, "Forbidden": 0, "Conflict": 0, "NotAuthenticated": 0,
           "InvalidCredentials": 0, "AccountNotVerified": 0, "TooManyAttempts": 0, "Unavailable": 0,
           "DomainError": 0, "_Bad": 0, "_BadRequest": 0, "FieldProblem": 1, "problem": 1, "problem_body": 1, "msg": 0}


PROPER_NAMES = {"Office"}  # Microsoft's, as in "dokumen Office lama"


def words(text: str) -> set[str]:
    """Its words in lower case; a code such as starts_at is one word, and not a language's."""
    return {word.lower() for word in re.findall(r"[A-Za-z_]+", text) if word not in PROPER_NAMES and "_" not in word}


def assert_pure(indonesian: str, english: str) -> None:
    assert not words(indonesian) & ENGLISH, (indonesian, words(indonesian) & ENGLISH)
    assert not words(english) & INDONESIAN, (english, words(english) & INDONESIAN)
    for text in (indonesian, english):
        assert "{" not in text and "}" not in text, text


@pytest.mark.parametrize("template", sorted(ID))
def test_every_sentence_reads_whole_in_both_languages(template):
    assert placeholders(ID[template]) == placeholders(template), "both languages fill the same parts"
    text = msg(template, **{name: SAMPLE for name in placeholders(template)})
    assert_pure(say(text, "id"), say(text, "en"))


@pytest.mark.parametrize("slug", sorted(messages.TITLES))
def test_every_title_reads_whole_in_both_languages(slug):
    assert_pure(messages.TITLES[slug].id, messages.TITLES[slug].en)


def test_every_problem_type_has_its_title_in_both_languages():
    documented = re.findall(r"^## ([a-z-]+)$", (ROOT / "docs" / "API-ERRORS.md").read_text(), re.M)
    slugs = {slug for slug, _title in problems.TITLES.values()} | set(documented)
    assert slugs <= set(messages.TITLES)
    for status, (slug, title) in problems.TITLES.items():
        assert messages.TITLES[slug].en == title
        body = problems.problem_body(status, "some fields are not right", language="en")
        assert body["title"] == title


@pytest.mark.parametrize("code", sorted(messages.RULES))
def test_every_field_rule_reads_whole_in_both_languages(code):
    template = messages.RULES[code]
    text = msg(template, **{name: SAMPLE for name in placeholders(template)})
    assert_pure(say(text, "id"), say(text, "en"))


def _raised_sentences() -> tuple[dict[str, str], list[str]]:
    """Every literal sentence handed to something that raises or words a problem, and every place
    that builds one from pieces (an f-string or `+`) instead of a template."""
    literal: dict[str, str] = {}
    built: list[str] = []
    for path in [*sorted((ROOT / "chalicelib").rglob("*.py")), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = RAISERS.get(name or "")
            if index is None or len(node.args) <= index:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            argument = node.args[index]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                literal[argument.value] = where
            elif isinstance(argument, (ast.JoinedStr, ast.BinOp)):
                built.append(f"{where}: {ast.unparse(argument)[:80]}")
    return literal, built


def test_every_sentence_the_code_raises_is_in_the_catalogue():
    literal, built = _raised_sentences()
    assert len(literal) > 150  # the walk finds them
    assert built == [], "use msg(template, **parts) so that the sentence can be said in Indonesian"
    missing = {text: where for text, where in literal.items() if text not in ID}
    assert missing == {}


def test_parts_are_said_in_the_sentences_language():
    text = msg("step {step} is decided by the {role} of another office", step=2, role=messages.role("approver"))
    assert text == "step 2 is decided by the approver of another office"
    assert say(text, "id") == "tahap 2 diputuskan oleh pemberi persetujuan kantor lain"
    nested = msg("{asked} is no longer awaiting a decision: the application is now {current}",
                 asked=msg("step {step}", step=1), current=messages.status("approved"))
    assert say(nested, "id") == "tahap 1 tidak lagi menunggu keputusan: permohonan kini disetujui"
    assert say("not in the catalogue", "id") is None


def test_the_language_is_the_accounts_else_the_requests_else_indonesian():
    assert choose("en", "id") == "en"
    assert choose("id", "en") == "id"
    assert choose(None, "en-US,en;q=0.9") == "en"
    assert choose(None, "fr-FR, en;q=0.5, id;q=0.8") == "id"
    assert choose(None, "en;q=0, fr") == "id"
    assert choose(None, "de") == choose(None, None) == choose(None, "garbage;q=x") == "id"


SAMPLES = {  # bytes that sniff as each kind the scan names, declared as something else
    name: magic.rjust(offset + len(magic), b"\0") + b"\0" * 600 for magic, offset, _type, name in files._SIGNATURES
}


@pytest.mark.parametrize("declared", [files.PDF, files.JPEG, files.PNG])
@pytest.mark.parametrize("kind", sorted({name[1] for name in SAMPLES}) + ["unknown", "html"])
def test_the_scans_reasons_read_whole_in_both_languages(kind, declared):
    data = {"unknown": b"\x00\x01" * 400, "html": b"<!doctype html><p>hi" + b" " * 600}.get(kind)
    if data is None:
        data = next(sample for name, sample in SAMPLES.items() if name[1] == kind)
    verdict = files.inspect(data, declared, len(data), 10**7, 10**7)
    assert verdict.rejection is not None
    assert_pure(verdict.rejection.id, verdict.rejection.en)
