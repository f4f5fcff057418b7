"""The regulations library: entries added and amended by librarians, read and searched by anyone,
each with its PDF (uploaded, scanned like every upload, its text extracted and indexed).

Amending an entry keeps what it was: each change writes the entry as it stood before under its
old version (`GET /regulations/{id}?version=N`), with the PDF it had then.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from typing import Any, Callable

from chalicelib.domain import files
from chalicelib.domain import library_search as search
from chalicelib.domain import regulations as regs
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg
from chalicelib.domain.people import LIBRARIAN_ROLES, Principal, require_any
from chalicelib.domain.upload_keys import LIBRARY
from chalicelib.services.ports import Clock, ObjectGone, ObjectStorage, ObjectTooLarge
from chalicelib.services.ports.cursors import decode_cursor, encode_cursor
from chalicelib.services.ports.library import LibraryStore, StaleEntry

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 20 * 1024 * 1024
# A library PDF's keys (domain/upload_keys.py): incoming/reg/{entry}/{document}, clean/reg/…
incoming_key, served_key, parse_incoming_key = LIBRARY.incoming_key, LIBRARY.served_key, LIBRARY.parse


@dataclass(frozen=True)
class Found:
    items: list[regs.Regulation]
    next_cursor: str | None


class LibraryService:
    def __init__(self, *, store: LibraryStore, storage: ObjectStorage, clock: Clock,
                 files_check: Callable[[], Any], extract_text: Callable[[bytes], tuple[str, int]]) -> None:
        self.store = store
        self.storage = storage
        self.clock = clock
        # The document service (its malware and file checks); built only by the scan.
        self.files_check = files_check
        self.extract_text = extract_text

    # ---- reading -----------------------------------------------------------------------------

    def entry(self, entry_id: str, version: int | None = None) -> tuple[regs.Regulation, list[regs.Regulation]]:
        """The entry (or one of its earlier versions) and its earlier versions."""
        entry = self.store.get(entry_id)
        if entry is None:
            raise NotFound("no such regulation")
        earlier = self.store.versions(entry_id)
        if version is not None and version != entry.version:
            shown = next((e for e in earlier if e.version == version), None)
            if shown is None:
                raise NotFound("no such version of the regulation")
            return shown, earlier
        return entry, earlier

    def entries(self, entry_ids: list[str]) -> list[regs.Regulation]:
        found = self.store.get_many(entry_ids) if entry_ids else {}
        return [found[i] for i in entry_ids if i in found]

    def download_url(self, entry: regs.Regulation) -> str | None:
        document = entry.document
        if document is None or document.status != regs.CLEAN:
            return None
        name = files.safe_filename(document.filename, regs.PDF)
        return self.storage.presign_download(served_key(entry.id, document.id), document.served_version, name, regs.PDF)

    def find(self, q: str | None, filters: dict[str, Any], cursor: str | None, limit: int) -> Found:
        """Entries by words (ranked) or, without words, newest year first; filtered by type, year,
        status and topic. A page reads `limit` listing items or postings, then one BatchGet of
        the postings and entries it checks: never more as the library grows. Filters apply to
        what a page read, so a page may hold fewer than `limit` (follow the cursor to its end)."""
        wanted = search.query_words(q or "")
        if not wanted:
            entries, next_cursor = self.store.page(filters.get("year"), cursor, limit)
            return Found([e for e in entries if _matches(e, filters)], next_cursor)
        lead, others = wanted[0], wanted[1:]
        after = decode_cursor(cursor)
        postings, last = self.store.postings(lead, after, limit)
        checks = {(word, rank, entry_id) for _, entry_id in postings for word in others for rank in search.RANKS}
        checks |= {(lead, better, entry_id) for rank, entry_id in postings for better in search.RANKS if better < rank}
        existing = self.store.existing_postings(checks) if checks else set()
        entries = self.store.get_many([entry_id for _, entry_id in postings]) if postings else {}
        kept = []
        for rank, entry_id in postings:
            entry = entries.get(entry_id)
            if entry is None or not _matches(entry, filters):
                continue
            ranks = tuple(next((r for r in search.RANKS if (w, r, entry_id) in existing), None) for w in others)
            better = {r for r in search.RANKS if (lead, r, entry_id) in existing}
            candidate = search.Candidate(entry_id, rank, ranks, entry.year)
            if search.keep(candidate, better):
                kept.append(candidate)
        ordered = [entries[c.entry_id] for c in search.order(kept)]
        return Found(ordered, encode_cursor(last) if last else None)

    # ---- writing -----------------------------------------------------------------------------

    def create(self, caller: Principal, fields: dict[str, Any], entry_id: str | None = None) -> regs.Regulation:
        """A new entry; `entry_id` only for the demo's (services cite them by id)."""
        require_any(caller, LIBRARIAN_ROLES)
        clean = regs.check_entry(fields)
        now = self.clock.now()
        entry = regs.Regulation(
            id=entry_id or new_id("reg"), type=clean["type"], number=clean["number"], year=clean["year"], title=clean["title"],
            enacted_on=clean.get("enacted_on"), declared_status=clean.get("status") or "in_force", topics=clean["topics"],
            summary=clean["summary"], created_at=now, updated_at=now, updated_by=caller.user_id,
            amends=tuple(dict.fromkeys(clean.get("amends") or ())), revokes=tuple(dict.fromkeys(clean.get("revokes") or ())),
        )
        self._write(entry, None, {})
        return self.store.get(entry.id) or entry

    def amend(self, caller: Principal, entry_id: str, changes: dict[str, Any]) -> regs.Regulation:
        require_any(caller, LIBRARIAN_ROLES)
        for _ in range(3):
            before = self.store.get(entry_id)
            if before is None:
                raise NotFound("no such regulation")
            if not changes:
                return before
            current = {k: getattr(before, k) for k in ("type", "number", "year", "title", "enacted_on", "topics",
                                                       "summary", "amends", "revokes")}
            current["status"] = before.declared_status
            clean = regs.check_entry(current | changes)
            entry = before.evolve(
                type=clean["type"], number=clean["number"], year=clean["year"], title=clean["title"],
                enacted_on=clean["enacted_on"], declared_status=clean["status"], topics=clean["topics"],
                summary=clean["summary"], amends=tuple(dict.fromkeys(clean["amends"])),
                revokes=tuple(dict.fromkeys(clean["revokes"])), updated_at=self.clock.now(), updated_by=caller.user_id,
                version=before.version + 1,
            )
            try:
                self._write(entry, before, self.store.entry_words(entry_id))
                return self.store.get(entry_id) or entry
            except StaleEntry:
                continue
        raise Conflict("the entry keeps changing; reload it and try again")

    def _write(self, entry: regs.Regulation, before: regs.Regulation | None, words_before: dict[str, int]) -> None:
        links = {"amends": list(entry.amends), "revokes": list(entry.revokes)}
        changes = regs.link_changes(before, entry)
        targets = self.store.get_many({c.target_id for c in changes})
        # Only links being added must name entries that exist: those kept were checked when added.
        kept = set(before.amends + before.revokes) if before else set()
        regs.check_links(entry.id, links, set(targets) | kept)
        linked: dict[str, regs.Regulation] = {}
        for change in changes:
            target = linked.get(change.target_id) or targets.get(change.target_id)
            if target is not None:
                linked[target.id] = regs.apply_link(target, change)
        write = regs.RegulationWrite(entry, before.version if before else 0, snapshot=before, linked=[
            (e.evolve(version=targets[e.id].version + 1), targets[e.id].version) for e in linked.values()])
        words_after = search.entry_words(entry.type, entry.number, entry.title, entry.topics, "")
        try:
            self.store.save(write, words_before, words_after, before.year if before else None)
        except StaleEntry:
            if before is None:
                raise Conflict("the entry or one it names changed meanwhile; try again") from None
            raise
        if before is None or before.summary != entry.summary or before.year != entry.year:
            self.index_body(entry, None)

    def index_body(self, entry: regs.Regulation, text: str | None) -> None:
        """The postings of the summary and the document's text (None: the text as recorded).
        Too many for the entry's transaction: written in batches, every posting recorded on the
        entry's BODY item before it is written and dropped from it only once deleted, so a
        retry (the next change, the scan's redelivery) finds and mends whatever a failure left."""
        old_summary, old_text = self.store.body_words(entry.id)
        new_summary = set(search.words(entry.summary)[:search.MAX_TEXT_WORDS])
        new_text = set(search.text_words(text)) if text is not None else old_text
        old = {(w, search.SUMMARY) for w in old_summary} | {(w, search.TEXT) for w in old_text}
        new = {(w, search.SUMMARY) for w in new_summary} | {(w, search.TEXT) for w in new_text}
        if old == new:
            return
        self.store.record_body(entry.id, old_summary | new_summary, old_text | new_text)
        self.store.put_postings(entry.id, entry.year, sorted(new))
        self.store.delete_postings(entry.id, sorted(old - new))
        self.store.record_body(entry.id, new_summary, new_text)

    # ---- the PDF -----------------------------------------------------------------------------

    def request_document(self, caller: Principal, entry_id: str, filename: str, size: int) -> tuple[Any, dict]:
        require_any(caller, LIBRARIAN_ROLES)
        if size > MAX_PDF_BYTES:
            raise InvalidInput("the file is too large", [FieldProblem("size", msg("must be at most {limit} bytes", limit=MAX_PDF_BYTES))])
        for _ in range(3):
            entry = self.store.get(entry_id)
            if entry is None:
                raise NotFound("no such regulation")
            now = self.clock.now()
            document = regs.RegulationDocument(id=new_id("doc"), filename=" ".join(filename.split()), size=size,
                                               status=regs.AWAITING, uploaded_by=caller.user_id, requested_at=now)
            words = self.store.entry_words(entry_id)
            write = regs.RegulationWrite(entry.evolve(pending_document=document, version=entry.version + 1), entry.version)
            try:
                self.store.save(write, words, words, entry.year)
            except StaleEntry:
                continue
            post = self.storage.presign_upload(incoming_key(entry.id, document.id), regs.PDF, size)
            return document, post
        raise Conflict("the entry keeps changing; reload it and try again")

    def scan(self, key: str, etag: str, version_id: str | None, attempt: int = 1) -> str:
        """The scan of a library upload: as an application's (its malware verdict, then what the
        bytes are), then its text extracted and indexed. VerdictPending while the engine has
        not answered. Safe to run twice for one event."""
        target = parse_incoming_key(key)
        entry = self.store.get(target[0]) if target else None
        pending = entry.pending_document if entry else None
        if entry is not None and entry.document is not None and entry.document.id == (target or ("", ""))[1]:
            return "already settled"
        try:
            version_id = self.storage.locate(key, etag, version_id)
        except ObjectGone:
            return "gone"
        checker = self.files_check()
        if entry is None or pending is None or target is None or pending.id != target[1] or pending.status != regs.AWAITING:
            return checker.keep_away(key, version_id, "no library upload awaits it")
        try:
            stored = self.storage.read(key, etag, version_id, MAX_PDF_BYTES)
        except ObjectGone:
            return "gone"
        except ObjectTooLarge:
            return self._settle(entry.id, pending, None, files.reason("too_large", "Berkas terlalu besar.",
                                                                      "The file is too large."), key, version_id)
        antivirus, verdict = checker.check_file(stored, key, version_id, attempt, regs.PDF, pending.size, MAX_PDF_BYTES)
        logger.info("library upload checked", extra={"entry_id": entry.id, "antivirus": antivirus.status})
        return self._settle(entry.id, pending, stored, verdict, key, version_id)

    def _settle(self, entry_id: str, pending: regs.RegulationDocument, stored: Any, verdict: files.Verdict,
                key: str, version_id: str) -> str:
        now = self.clock.now()
        text, pages, served_version = "", None, None
        if verdict.clean:
            served_version = self.storage.write_served(served_key(entry_id, pending.id), verdict.served or b"", regs.PDF)
            text, pages = self.extract_text(verdict.served or b"")
            settled = replace(pending, status=regs.CLEAN, scanned_at=now, served_version=served_version, pages=pages,
                              sha256=hashlib.sha256(stored.data).hexdigest())
        else:
            rejection = verdict.rejection
            if stored is not None:
                self.storage.quarantine_bytes(f"reg/{entry_id}/{pending.id}", stored.data)
            settled = replace(pending, status=regs.REJECTED, scanned_at=now,
                              reason_id=rejection.id if rejection else None, reason_en=rejection.en if rejection else None)
        outcome = self._record(entry_id, settled)
        if outcome == regs.CLEAN:
            entry = self.store.get(entry_id)
            if entry is not None:
                self.index_body(entry, text)
        self.storage.remove(key, version_id)
        return outcome

    def _record(self, entry_id: str, settled: regs.RegulationDocument) -> str:
        """The verdict on the entry: a clean PDF becomes its document (what it was before kept as
        the earlier version, its old PDF with it); a rejected one stays pending, with the reason."""
        for _ in range(5):
            entry = self.store.get(entry_id)
            if entry is None or entry.pending_document is None or entry.pending_document.id != settled.id:
                return "already settled"
            if settled.status == regs.CLEAN:
                after = entry.evolve(document=settled, pending_document=None, version=entry.version + 1,
                                     updated_at=settled.scanned_at or entry.updated_at)
                write = regs.RegulationWrite(after, entry.version, snapshot=entry if entry.document else None)
            else:
                write = regs.RegulationWrite(entry.evolve(pending_document=settled, version=entry.version + 1),
                                             entry.version)
            words = self.store.entry_words(entry_id)
            try:
                self.store.save(write, words, words, entry.year)
                return settled.status
            except StaleEntry:
                continue
        raise Conflict("the entry keeps changing; the scan will be retried")

    def give_up(self, key: str) -> str:
        """A library upload that could not be scanned is rejected as such, never left scanning."""
        target = parse_incoming_key(key)
        entry = self.store.get(target[0]) if target else None
        pending = entry.pending_document if entry else None
        if pending is None or target is None or pending.id != target[1]:
            return "nothing to do"
        settled = replace(pending, status=regs.REJECTED, scanned_at=self.clock.now(),
                          reason_id="Berkas tidak dapat diperiksa; unggah ulang.",
                          reason_en="The file could not be scanned; upload it again.")
        return self._record(entry.id, settled)


def _matches(entry: regs.Regulation, filters: dict[str, Any]) -> bool:
    return ((filters.get("type") is None or entry.type == filters["type"])
            and (filters.get("year") is None or entry.year == filters["year"])
            and (filters.get("status") is None or entry.status == filters["status"])
            and (filters.get("topic") is None or filters["topic"].lower() in entry.topics))
