"""Evidence and documents: presigned uploads, the scan, quarantine, gated downloads.

Nothing uploaded is served until the scan has passed it, and what is served is what the scan
wrote (the cleaned image, or the exact PDF bytes it read, nothing riding along) under the served
prefix: replacing the uploaded object later changes nothing that anyone can download.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.domain import applications as rules
from chalicelib.domain import documents as docs
from chalicelib.domain import files
from chalicelib.domain.catalog import Catalog
from chalicelib.domain.errors import Conflict, NotFound, TooManyAttempts
from chalicelib.domain.ids import new_id
from chalicelib.domain.application_state import Application
from chalicelib.domain.messages import msg, status as status_label
from chalicelib.domain.notifications import IN_APP_ONLY, Notice, Notification, notification_id
from chalicelib.domain.people import Principal
from chalicelib.services.ports import (
    Antivirus, ApplicationStore, Clock, DocumentStore, Metrics, ObjectGone, ObjectStorage, ObjectTooLarge, OutboxKey,
    OutboxPublisher, OutboxStore, StaleApplication, ThrottleStore,
)

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = ("system:scan", "Pemeriksa berkas otomatis / automatic file check")


@dataclass(frozen=True)
class UploadLimits:
    upload_url_seconds: int
    per_application: int
    per_user_per_day: int
    max_image_pixels: int
    keep_image_originals: bool
    # An engine that scans on its own time (GuardDuty): how often to look for its verdict, and
    # the first wait between looks (doubled each time, capped at VERDICT_WAIT_CAP_SECONDS).
    verdict_tries: int = 8
    verdict_retry_base_seconds: int = 15


VERDICT_WAIT_CAP_SECONDS = 300


class VerdictPending(Exception):
    """The malware engine has not answered for this file yet: look again after
    `retry_after_seconds` (the scan function queues the event again that much later)."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"no malware verdict yet; looking again in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class _NoVerdict:
    status: str
    detail: str


def unscannable() -> files.Verdict:
    return files.reason("unscannable", "Berkas tidak dapat diperiksa; unggah ulang atau hubungi petugas.",
                        "The file could not be scanned; upload it again or contact the office.")


@dataclass(frozen=True)
class Upload:
    application: Application
    document: docs.Document
    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Download:
    url: str
    filename: str
    content_type: str


class OwedFileRemoval:
    """The `remove_files` topic of the outbox: a deleted document's files, removed in place (two
    keys, quickly done) rather than through a queue. Used as that topic's queue: `publish` hands
    it the entries of a delete just committed, and the relay those it finds still waiting. An
    entry is done only once every version of its keys is gone; until then it stays owed."""

    def __init__(self, *, outbox: OutboxStore, storage: ObjectStorage) -> None:
        self.outbox = outbox
        self.storage = storage

    def send(self, job: dict[str, Any]) -> None:
        self.send_many([job])

    def send_many(self, jobs: list[dict[str, Any]]) -> None:
        for job in jobs:
            key = OutboxKey(job["pk"], job["sk"], "remove_files")
            try:
                self._remove(key)
            except Exception:
                # Still owed (its entry stays): the relay tries again, and logs an error if it gives up.
                logger.warning("a deleted document's files are not removed yet; the relay will retry",
                               extra={"pk": key.pk, "sk": key.sk}, exc_info=True)

    def _remove(self, key: OutboxKey) -> None:
        found = self.outbox.get_payload(key)
        if found is None:
            return  # done already
        for storage_key in found[0].get("keys", []):
            self.storage.remove_all_versions(storage_key)
        self.outbox.done(key)


class DocumentService:
    def __init__(self, *, applications: ApplicationStore, documents: DocumentStore, storage: ObjectStorage,
                 antivirus: Antivirus, throttles: ThrottleStore, outbox: OutboxPublisher, catalog: Catalog, clock: Clock,
                 limits: UploadLimits, metrics: Metrics) -> None:
        self.applications = applications
        self.metrics = metrics
        self.documents = documents
        self.storage = storage
        self.antivirus = antivirus
        self.throttles = throttles
        self.outbox = outbox
        self.catalog = catalog
        self.clock = clock
        self.limits = limits

    # ---- the API side --------------------------------------------------------------------

    def request_upload(self, caller: Principal, app_id: str, requirement: str, filename: str, content_type: str,
                       size: int, origin: rules.Origin, read: Application | None = None) -> Upload:
        """`read`: the application as this request already read it (the route's gate)."""
        app = rules.require_readable(caller, read if read is not None and read.id == app_id else self.applications.get(app_id),
                                     self.catalog)
        service = self.catalog.require_service_of(app)
        existing = self.documents.list(app.id)
        spec = docs.check_upload(app, service, caller, requirement, filename, content_type, size, existing,
                                 self.limits.per_application)
        now = self.clock.now()
        count, _ = self.throttles.count("upload", caller.user_id, now, window=timedelta(days=1))
        if count > self.limits.per_user_per_day:
            raise TooManyAttempts(msg("at most {limit} uploads a day; try again tomorrow", limit=self.limits.per_user_per_day),
                                  3600)
        document = docs.Document(
            id=new_id("doc"), application_id=app.id, requirement=spec.name, filename=filename.strip(),
            content_type=content_type, size=size, status=docs.AWAITING, uploader_id=caller.user_id, created_at=now,
            upload_expires_at=now + timedelta(seconds=self.limits.upload_url_seconds),
        )
        history = docs.document_event(app, caller.user_id, caller.name, "add_document", document, spec.label_en, now,
                                      source_ip=origin.source_ip, user_agent=origin.user_agent)
        try:
            self.documents.add(app, document, history)
        except StaleApplication:
            raise Conflict("the application changed while you were adding the document; reload it and try again") from None
        post = self.storage.presign_upload(docs.incoming_key(app.id, document.id), content_type, size)
        logger.info("upload offered", extra={"application_id": app.id, "document_id": document.id})
        return Upload(app, document, post["url"], post["fields"])

    def list(self, caller: Principal, app_id: str) -> tuple[Application, list[docs.Document]]:
        """The application and its documents in one read (clients look again while a file is
        being checked)."""
        app, listed = self.documents.list_with_application(app_id)
        return rules.require_readable(caller, app, self.catalog), listed

    def download(self, caller: Principal, app_id: str, document_id: str) -> Download:
        app = rules.require_readable(caller, self.applications.get(app_id), self.catalog)
        document = self.documents.get(app.id, document_id)
        if document is None:
            raise NotFound("no such document")
        if document.status != docs.CLEAN:
            raise Conflict(msg("the document is {status}; only files that passed the check are served",
                               status=status_label(document.status)))
        served_type = document.served_type or document.content_type
        name = files.safe_filename(document.filename, served_type)
        url = self.storage.presign_download(docs.served_key(app.id, document.id), document.served_version, name,
                                            served_type)
        return Download(url, name, served_type)

    def delete(self, caller: Principal, app_id: str, document_id: str, origin: rules.Origin) -> None:
        app = rules.require_readable(caller, self.applications.get(app_id), self.catalog)
        document = self.documents.get(app.id, document_id)
        if document is None:
            raise NotFound("no such document")
        service = self.catalog.require_service_of(app)
        statuses = docs.check_delete(app, caller, document, service)
        docs.check_required_kept(app, service, document, self.documents.list(app.id))
        spec = docs.requirement_of(service, document.requirement)
        # What went, so the history keeps it once the file is gone: the name is in the entry's
        # text; its id, size and digest with it.
        what = f"{document.id}, {document.served_size or document.size} bytes" + (
            f", sha256 {document.sha256}" if document.sha256 else "")
        history = docs.document_event(app, caller.user_id, caller.name, "delete_document", document,
                                      spec.label_en if spec else document.requirement, self.clock.now(),
                                      comment=f"removed ({what})", source_ip=origin.source_ip,
                                      user_agent=origin.user_agent)
        # Not evidence (check_delete said so): its files go too, after the record and never
        # before it (a file removed for a delete that then lost to a submission would be
        # evidence lost). The delete's own transaction records them as owed; they are removed
        # now, and if S3 refuses, the outbox relay tries again until they are gone.
        files = [docs.served_key(app.id, document.id), docs.incoming_key(app.id, document.id)]
        try:
            owed = self.documents.delete(app, document, history, files, statuses)
        except StaleApplication:
            raise Conflict("the application or document changed meanwhile; reload and try again") from None
        self.outbox.publish(owed)

    def missing(self, app: Application) -> list[tuple[str, str]]:
        return docs.missing_documents(self.catalog.require_service_of(app), self.documents.list(app.id), self.clock.now())

    # ---- the scan ------------------------------------------------------------------------

    def scan(self, key: str, etag: str, version_id: str | None, attempt: int = 1) -> str:
        """Scan exactly the object an S3 event announced; answers what happened (for logs and
        tests). Every outcome settles the event, none is retried for good: a key may hold several
        uploads (one presigned POST used twice), and each event's scan works on its own version
        only, never on whatever is current. Safe to run twice for one event. `attempt` counts
        this event's looks for its malware verdict: VerdictPending asks for another, until the last."""
        target = docs.parse_incoming_key(key)
        app, document = self.documents.get_with_application(*target) if target else (None, None)
        document = document if app else None
        if document is not None and document.settled and document.scanned_etag == etag.strip('"'):
            return "already settled"
        try:
            version_id = self.storage.locate(key, etag, version_id)
        except ObjectGone:
            # Its document was deleted (the web app replaces a file with a new document and
            # deletes the old one, files and all), or an earlier delivery finished with it.
            logger.info("upload gone before its scan", extra={"key": key[:200]})
            return "gone"
        if app is None or document is None:
            return self._quarantine_stray(key, version_id, "not an upload slot" if target is None else "no such document")
        if document.status == docs.AWAITING:
            if self.documents.start_scan(document):
                document = document.evolve(status=docs.SCANNING, version=document.version + 1)
            else:  # another upload into the slot started first: carry on from what it made of it
                document = self.documents.get(app.id, document.id)
                if document is None:
                    return self._quarantine_stray(key, version_id, "no such document")
        if document.settled:
            if document.scanned_etag == etag.strip('"'):
                return "already settled"
            # A file put in the slot after its verdict: kept away, never served.
            return self._quarantine_stray(key, version_id, "replaced after its scan")
        return self._inspect(app, document, key, etag, version_id, attempt)

    def _inspect(self, app: Application, document: docs.Document, key: str, etag: str, version_id: str,
                 attempt: int) -> str:
        spec = docs.requirement_of(self.catalog.require_service_of(app), document.requirement)
        max_bytes = spec.max_bytes if spec else 0
        try:
            stored = self.storage.read(key, etag, version_id, max_bytes)
        except ObjectTooLarge as too_large:
            verdict = files.reason("too_large",
                                   f"Berkas melebihi batas {max_bytes // 1024 // 1024} MB.",
                                   f"The file ({too_large.size} bytes) is over the {max_bytes // 1024 // 1024} MB limit.")
            return self._reject(app, document, verdict, key, version_id, etag, data=None)
        except ObjectGone:
            return "gone"  # removed since it was located (its document deleted meanwhile)

        archives = spec is not None and files.ZIP in spec.content_types
        antivirus, verdict = self.check_file(stored, key, version_id, attempt, document.content_type, document.size,
                                             max_bytes, archives)
        document = document.evolve(antivirus=antivirus.status, antivirus_detail=antivirus.detail or None,
                                   sha256=hashlib.sha256(stored.data).hexdigest(), scanned_etag=stored.etag)
        if not verdict.clean:
            return self._reject(app, document, verdict, key, version_id, stored.etag, data=stored.data)
        return self._accept(app, document, verdict, key, stored, spec.label_en if spec else document.requirement)

    def check_file(self, stored: Any, key: str, version_id: str, attempt: int, content_type: str, size: int,
                   max_bytes: int, archives: bool = False) -> tuple[Any, files.Verdict]:
        """(the malware engine's verdict, what the bytes are): the one check of every upload,
        an application's or the regulations library's. VerdictPending while the engine has
        not answered."""
        # First the malware engine's verdict: while it is pending, nothing else is worth doing.
        antivirus = self._malware_verdict(stored.data, key, stored.version_id or version_id, attempt)
        if antivirus.status == "unscannable":
            return antivirus, unscannable()
        verdict = files.inspect(stored.data, content_type, size, max_bytes, self.limits.max_image_pixels,
                                archives_allowed=archives)
        if antivirus.status == "infected":
            verdict = files.reason("malware", f"Berkas mengandung perangkat lunak berbahaya ({antivirus.detail}).",
                                   f"The file contains malware ({antivirus.detail}).")
        return antivirus, verdict

    def keep_away(self, key: str, version_id: str, why: str) -> str:
        """Quarantine an object no slot waits for (the regulations library's strays too)."""
        return self._quarantine_stray(key, version_id, why)

    def _malware_verdict(self, data: bytes, key: str, version_id: str, attempt: int) -> Any:
        """The engine's verdict on this version. Pending: VerdictPending, to look again later;
        still pending on the last try: "unscannable" — a file is never passed without a verdict."""
        verdict = self.antivirus.scan(data, key, version_id)
        if verdict.status != "pending":
            return verdict
        if attempt < self.limits.verdict_tries:
            wait = self.limits.verdict_retry_base_seconds * 2 ** (attempt - 1)
            raise VerdictPending(int(min(wait, VERDICT_WAIT_CAP_SECONDS)))
        logger.warning("no malware verdict in time", extra={"key": key[:200], "tries": attempt})
        return _NoVerdict("unscannable", f"no malware verdict after {attempt} tries")

    def _accept(self, app: Application, document: docs.Document, verdict: files.Verdict, key: str, stored: Any,
                label: str) -> str:
        assert verdict.served is not None and verdict.served_type is not None
        served_version = self.storage.write_served(docs.served_key(app.id, document.id), verdict.served, verdict.served_type)
        if self.limits.keep_image_originals and verdict.served is not stored.data:
            try:
                self.storage.quarantine(key, stored.version_id, f"originals/{app.id}/{document.id}")
            except ObjectGone:
                pass  # removed with its document meanwhile: the settle below finds it gone
        settled = document.evolve(
            status=docs.CLEAN, scanned_at=self.clock.now(), served_version=served_version,
            served_type=verdict.served_type, served_size=len(verdict.served), details=verdict.details,
            version=document.version + 1,
        )
        outcome = self._settle(app, settled, "document_accepted", label, None, told=(self._told_clean(app, settled),))
        if outcome != docs.CLEAN and served_version is not None:
            # Another upload's verdict came first, or the document was deleted meanwhile: what
            # this scan wrote is nobody's to serve.
            self.storage.remove(docs.served_key(app.id, document.id), served_version)
        self.storage.remove(key, stored.version_id)
        logger.info("document clean", extra={"application_id": app.id, "document_id": document.id,
                                             "antivirus": document.antivirus})
        return outcome

    def _reject(self, app: Application, document: docs.Document, verdict: files.Verdict, key: str,
                version_id: str | None, etag: str, data: bytes | None) -> str:
        rejection = verdict.rejection
        assert rejection is not None
        target = f"{app.id}/{document.id}/{etag.strip(chr(34))}"
        if data is not None:
            self.storage.quarantine_bytes(target, data)
        else:
            try:
                self.storage.quarantine(key, version_id, target)
            except ObjectGone:
                pass  # removed with its document meanwhile: nothing left to keep
        settled = document.evolve(
            status=docs.REJECTED, scanned_at=self.clock.now(), scanned_etag=etag.strip('"'),
            reason_code=rejection.code, reason_id=rejection.id, reason_en=rejection.en, version=document.version + 1,
        )
        outcome = self._settle_rejection(app, settled)
        self.storage.remove(key, version_id)
        if outcome == docs.REJECTED:
            self.metrics.count("UploadsRejected", reason=rejection.code)
        logger.info("document rejected", extra={"application_id": app.id, "document_id": document.id,
                                                "reason": rejection.code})
        return outcome

    def _settle_rejection(self, app: Application, settled: docs.Document) -> str:
        """Rejected, and the uploader told why (in the notice's outbox, with the verdict)."""
        service = self.catalog.require_service_of(app)
        spec = docs.requirement_of(service, settled.requirement)
        notice = Notice("document_rejected", rules.notice_params(
            app, service, filename=settled.filename, requirement=spec.label if spec else settled.requirement,
            requirement_en=spec.label_en if spec else settled.requirement, reason=settled.reason_id,
            reason_en=settled.reason_en,
        ), application_id=app.id, to_user_id=settled.uploader_id)
        return self._settle(app, settled, "document_rejected", spec.label_en if spec else settled.requirement,
                            settled.reason_en, (notice,))

    def _told_clean(self, app: Application, settled: docs.Document) -> Notification:
        """The uploader told in the app that the file passed (no e-mail: nothing to do about it),
        so a client learns the verdict without asking again and again. A rejected file is a
        notice with an e-mail instead: the uploader must act (`_settle_rejection`)."""
        service = self.catalog.require_service_of(app)
        spec = docs.requirement_of(service, settled.requirement)
        assert settled.scanned_at is not None
        params = rules.notice_params(app, service, filename=settled.filename,
                                     requirement=spec.label if spec else settled.requirement,
                                     requirement_en=spec.label_en if spec else settled.requirement)
        return Notification(id=notification_id(settled.scanned_at, f"APP#{app.id}|DOC#{settled.id}|{settled.scanned_etag}",
                                               settled.uploader_id),
                            user_id=settled.uploader_id, kind="document_accepted", params=params,
                            created_at=settled.scanned_at, application_id=app.id, delivery_status=IN_APP_ONLY)

    def _settle(self, app: Application, settled: docs.Document, action: str, label: str, comment: str | None,
                notices: tuple[Notice, ...] = (), told: tuple[Notification, ...] = ()) -> str:
        for _ in range(5):
            history = docs.document_event(app, SYSTEM_ACTOR[0], SYSTEM_ACTOR[1], action, settled, label,
                                          self.clock.now(), comment=comment)
            try:
                outbox = self.documents.settle(app, settled, history, notices, told)
                if outbox is None:
                    return "already settled"
                self.outbox.publish(outbox)
                return settled.status
            except StaleApplication:
                fresh = self.applications.get(app.id)
                if fresh is None:
                    return "gone"
                app = fresh  # the applicant or a decider moved it meanwhile: record against its new version
        raise Conflict("the application keeps changing; the scan will be retried")

    def give_up(self, key: str, etag: str) -> str:
        """For a message that failed its every delivery: the document must not stay `scanning`
        forever, so it is rejected as "could not be scanned" and the uploader told."""
        target = docs.parse_incoming_key(key)
        if target is None:
            return "stray"
        app = self.applications.get(target[0])
        document = self.documents.get(*target) if app else None
        if app is None or document is None or document.settled:
            return "nothing to do"
        rejection = unscannable().rejection
        settled = document.evolve(status=docs.REJECTED, scanned_at=self.clock.now(), scanned_etag=etag.strip('"'),
                                  reason_code=rejection.code, reason_id=rejection.id, reason_en=rejection.en,
                                  version=document.version + 1)
        outcome = self._settle_rejection(app, settled)
        if outcome == docs.REJECTED:
            self.metrics.count("UploadsRejected", reason=rejection.code)
        return outcome

    def _quarantine_stray(self, key: str, version_id: str, why: str) -> str:
        """Keep one object that no slot is waiting for (that version only) away from everyone.
        Removed only once it is kept: a copy that fails leaves it for the next delivery."""
        try:
            # Kept under the key it came in as, so ops can tell whose it was.
            self.storage.quarantine(key, version_id, f"stray/{key}/{uuid.uuid4()}")
        except ObjectGone:
            return "gone"
        self.storage.remove(key, version_id)
        logger.warning("upload outside its slot quarantined", extra={"key": key[:200], "why": why})
        return "replacement quarantined" if why == "replaced after its scan" else "stray"
