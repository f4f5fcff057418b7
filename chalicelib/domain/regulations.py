"""The regulations library: laws, government and ministerial regulations, circulars, guidelines and
standards, and the links between them (what amends or revokes what).

Pure rules: an entry's status from its links, the links kept consistent both ways, the checks of
an entry's fields, and which entries change when one is written. The words it is found by are in
domain/library_search.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.messages import msg

TYPES = ("law", "government_regulation", "ministerial_regulation", "circular", "guideline", "standard")
STATUSES = ("in_force", "amended", "revoked")
# The links an entry declares itself, and the link each puts on the entry it names.
FORWARD_LINKS = {"amends": "amended_by", "revokes": "revoked_by"}
# Each linked entry is two writes of the change's transaction (at most 100): see library_search.
MAX_LINKS = 5

# The PDF of an entry: awaiting its upload, being scanned, then clean or rejected.
AWAITING, SCANNING, CLEAN, REJECTED = "awaiting_upload", "scanning", "clean", "rejected"
PDF = "application/pdf"


@dataclass(frozen=True)
class RegulationDocument:
    id: str
    filename: str
    size: int
    status: str
    uploaded_by: str
    requested_at: datetime
    scanned_at: datetime | None = None
    served_version: str | None = None
    sha256: str | None = None
    pages: int | None = None
    reason_id: str | None = None
    reason_en: str | None = None

    def as_dict(self) -> dict[str, Any]:
        shown = {k: v for k, v in self.__dict__.items() if v is not None}
        for moment in ("requested_at", "scanned_at"):
            if moment in shown:
                shown[moment] = shown[moment].isoformat()
        return shown

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "RegulationDocument | None":
        if not raw:
            return None
        values = dict(raw)
        for moment in ("requested_at", "scanned_at"):
            if values.get(moment):
                values[moment] = datetime.fromisoformat(values[moment])
        return cls(**values)


@dataclass(frozen=True)
class Regulation:
    id: str
    type: str
    number: str
    year: int
    title: str
    enacted_on: str | None
    declared_status: str
    topics: tuple[str, ...]
    summary: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    amends: tuple[str, ...] = ()
    amended_by: tuple[str, ...] = ()
    revokes: tuple[str, ...] = ()
    revoked_by: tuple[str, ...] = ()
    # The entry's PDF as served (clean), and one being uploaded or scanned to replace it.
    document: RegulationDocument | None = None
    pending_document: RegulationDocument | None = None
    version: int = 1

    @property
    def status(self) -> str:
        return effective_status(self.declared_status, self.amended_by, self.revoked_by)

    def evolve(self, **changes: Any) -> "Regulation":
        return replace(self, **changes)


def effective_status(declared: str, amended_by: tuple[str, ...], revoked_by: tuple[str, ...]) -> str:
    """What the library says of an entry: revoked once anything in it revokes it (or the
    librarian says so: the revoking act may not be in the library), else amended once something
    amends it (or the librarian says so), else in force. A link outranks a declared status: an
    entry the library knows to be revoked is never shown in force."""
    if revoked_by or declared == "revoked":
        return "revoked"
    if amended_by or declared == "amended":
        return "amended"
    return "in_force"


@dataclass(frozen=True)
class LinkChange:
    """One entry named by another's `amends`/`revokes`: the link to add to or drop from it."""

    target_id: str
    back_link: str  # amended_by / revoked_by
    source_id: str
    added: bool


def link_changes(before: Regulation | None, after: Regulation) -> list[LinkChange]:
    """The back links the other entries must get or lose so that `amends` ↔ `amended_by` and
    `revokes` ↔ `revoked_by` agree both ways after `after` is written."""
    changes = []
    for forward, back in FORWARD_LINKS.items():
        old = set(getattr(before, forward)) if before else set()
        new = set(getattr(after, forward))
        changes += [LinkChange(t, back, after.id, True) for t in sorted(new - old)]
        changes += [LinkChange(t, back, after.id, False) for t in sorted(old - new)]
    return changes


def apply_link(target: Regulation, change: LinkChange) -> Regulation:
    links = [link for link in getattr(target, change.back_link) if link != change.source_id]
    if change.added:
        links.append(change.source_id)
    return target.evolve(**{change.back_link: tuple(links)})


def check_links(entry_id: str, links: dict[str, list[str]], found: set[str]) -> None:
    """Every entry named must exist, none twice and never the entry itself."""
    problems = []
    for name, ids in links.items():
        if len(ids) > MAX_LINKS:
            problems.append(FieldProblem(name, msg("names at most {limit} entries", limit=MAX_LINKS)))
        elif entry_id in ids:
            problems.append(FieldProblem(name, "cannot name the entry itself"))
        else:
            missing = [i for i in ids if i not in found]
            if missing:
                problems.append(FieldProblem(name, msg("names entries the library does not have: {ids}",
                                                       ids=", ".join(missing))))
    both = set(links.get("amends", ())) & set(links.get("revokes", ()))
    if both:
        problems.append(FieldProblem("revokes", msg("an entry cannot be both amended and revoked by one act: {ids}",
                                                    ids=", ".join(sorted(both)))))
    if problems:
        raise InvalidInput("the links are not right", problems)


def check_entry(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of an entry (all of them: a new one, or an old one with a change applied),
    cleaned: blanks collapsed, topics lower-case and unique. The date enacted falls in the year."""
    clean = dict(fields)
    problems = []
    for name in ("number", "title", "summary"):
        clean[name] = " ".join(str(clean.get(name) or "").split())
    for name in ("number", "title"):
        if not clean[name]:
            problems.append(FieldProblem(name, "is required"))
    # A change may send null for what it clears; these are never cleared.
    for name, allowed in (("type", TYPES), ("year", None)):
        if clean.get(name) is None or (allowed and clean[name] not in allowed):
            problems.append(FieldProblem(name, "is required"))
    clean["status"] = clean.get("status") or "in_force"
    for name in ("amends", "revokes"):
        clean[name] = tuple(clean.get(name) or ())
    clean["topics"] = tuple(dict.fromkeys(t.strip().lower() for t in clean.get("topics") or () if t.strip()))
    if problems:
        raise InvalidInput("the entry is not right", problems)
    try:
        # Unknown for some acts (an old standard's day of adoption): then left out.
        enacted = date.fromisoformat(clean["enacted_on"]) if clean.get("enacted_on") else None
        if enacted is not None and enacted.year != clean["year"]:
            problems.append(FieldProblem("enacted_on", msg("falls outside the year {year}", year=clean["year"])))
    except (ValueError, TypeError):
        problems.append(FieldProblem("enacted_on", "must be a date, YYYY-MM-DD"))
    if problems:
        raise InvalidInput("the entry is not right", problems)
    return clean


@dataclass
class RegulationWrite:
    """What one change of the library writes in its transaction: the entry (and the version it
    was read at, 0 when new), a snapshot of what it was, and the entries whose back links moved."""

    entry: Regulation
    read_version: int
    snapshot: Regulation | None = None
    linked: list[tuple[Regulation, int]] = field(default_factory=list)  # (entry after, version read)
