"""How the regulations library is searched: the words of an entry, each with the rank of the
field it was found in, and the order of what a query finds.

An entry is found by the words of its number, title, topics and summary, and of its PDF's text.
Each (word, field) is one posting in the table (docs/DATA.md); a query reads the postings of its
most telling word in rank order, so number matches come first, then title, then summary, then the
document's text, and checks each candidate for its other words.

Numbers are kept whole and in parts: "27/PRT/M/2015" is found by "27/prt/m/2015" and by "prt" or
"2015"; "03-2400-1991" by itself and by "2400". Indonesian and English stop words are left out
(every title says "Nomor … Tahun …").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NUMBER, TITLE, SUMMARY, TEXT = 1, 2, 3, 4
RANKS = (NUMBER, TITLE, SUMMARY, TEXT)
# How many distinct words an entry is indexed by: its own fields' (their changed postings are
# written in the entry's transaction: 2 × 36, with the entry, its listing, its snapshot and 2 × 10
# linked entries, stays under DynamoDB's 100), and its summary's and document's text (in batches).
MAX_ENTRY_WORDS = 36
MAX_TEXT_WORDS = 3000
MAX_QUERY_WORDS = 6
MAX_WORD = 60

STOP_WORDS = frozenset("""
yang dan di ke dari untuk dengan atau pada dalam tentang nomor no tahun ini itu adalah oleh sebagai atas
serta bagi akan telah tidak juga dapat harus setiap antara tersebut para pasal ayat huruf
the of and a an in on for to by with or is are be as at from this that its it into not no
""".split())

# What people call each kind of act: "PP 37/2010", "Permen PUPR", "SNI …".
TYPE_WORDS = {
    "law": ("uu", "undang-undang", "law"),
    "government_regulation": ("pp", "peraturan", "pemerintah"),
    "ministerial_regulation": ("permen", "peraturan", "menteri"),
    "circular": ("se", "surat", "edaran", "circular"),
    "guideline": ("pedoman", "guideline"),
    "standard": ("sni", "standar", "standard"),
}

# A word: letters and digits, joined by / . - when they hold a number together ("27/PRT/M/2015").
_WORD = re.compile(r"[a-z0-9]+(?:[/.\-][a-z0-9]+)*")
_PART = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lower case, accents dropped (é → e), so people type what they see."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of `text` as indexed and as searched for, in order, each once: joined tokens
    whole and then their parts; no stop words, no single letters (but digits)."""
    found: dict[str, None] = {}
    for token in _WORD.findall(_fold(text)):
        pieces = [token] + (_PART.findall(token) if not token.isalnum() else [])
        for piece in pieces:
            piece = piece.strip(".-/")[:MAX_WORD]
            if piece and piece not in STOP_WORDS and (len(piece) > 1 or piece.isdigit()):
                found.setdefault(piece, None)
    return list(found)


def entry_words(entry_type: str, number: str, title: str, topics: tuple[str, ...], summary: str) -> dict[str, int]:
    """An entry's own words, each at the best rank of the fields it is in: number, then title
    (with the topics and what people call its kind), then summary. At most MAX_ENTRY_WORDS, the
    summary's last words the first to go."""
    ranked: dict[str, int] = {}
    titled = " ".join((title, *topics, *TYPE_WORDS.get(entry_type, ())))
    for rank, text in ((NUMBER, number), (TITLE, titled), (SUMMARY, summary)):
        for word in words(text):
            ranked.setdefault(word, rank)
    return dict(list(ranked.items())[:MAX_ENTRY_WORDS])


def text_words(text: str) -> list[str]:
    """A document's words, the first MAX_TEXT_WORDS distinct ones."""
    return words(text)[:MAX_TEXT_WORDS]


def query_words(q: str) -> list[str]:
    """The words a query looks for, the one it reads postings of (the most telling: the longest,
    most often the rarest) first."""
    found = words(q)
    whole = [w for w in found if not w.isalnum()]
    # A number typed whole ("27/PRT/M/2015") is looked for whole: its parts add nothing.
    parts = {p for w in whole for p in _PART.findall(w)}
    chosen = [w for w in found if w not in parts or w in whole]
    return sorted(chosen, key=lambda w: (-len(w), chosen.index(w)))[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Candidate:
    """An entry a query's leading word found, with the ranks each query word has in it
    (None: the word is not in it)."""

    entry_id: str
    lead_rank: int
    ranks: tuple[int | None, ...]
    year: int = 0


def keep(candidate: Candidate, lead_better_ranks: set[int]) -> bool:
    """Whether a candidate is shown where the leading word's posting put it: every query word
    must be in it, and not already shown higher (the leading word also in a better field)."""
    if any(rank is None for rank in candidate.ranks):
        return False
    return not any(rank < candidate.lead_rank for rank in lead_better_ranks)


def order(candidates: list[Candidate]) -> list[Candidate]:
    """A page's order: by the leading word's field (number, title, summary, text), then by how
    well the other words match, then newest first."""
    return sorted(candidates, key=lambda c: (c.lead_rank, sum(r or TEXT for r in c.ranks), -c.year, c.entry_id))
