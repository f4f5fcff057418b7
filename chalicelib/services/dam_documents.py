"""A dam's technical documents: offered as a presigned POST, scanned like every upload, served only
once clean. The checks of the bytes are the application documents' own (services/documents.py,
`check_file` and `keep_away`); this module keeps what is a dam's: who may upload and read, the
kinds, and the dam's history, which records each upload and each verdict."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any, Callable

from chalicelib.domain import dam_documents as dd
from chalicelib.domain import files
from chalicelib.domain.assets import Dam, DamChange
from chalicelib.domain.errors import Conflict, NotFound, TooManyAttempts
from chalicelib.domain.ids import new_id
from chalicelib.domain.messages import msg, status as status_label
from chalicelib.domain.people import DAM_DOCUMENT_ROLES, DAM_STAFF_ROLES, Principal
from chalicelib.domain.upload_keys import DAMS
from chalicelib.services.documents import SYSTEM_ACTOR, Download, UploadLimits, unscannable
from chalicelib.services.ports import Clock, Metrics, ObjectGone, ObjectStorage, ObjectTooLarge, ThrottleStore
from chalicelib.services.ports.assets import AssetStore, DamDocumentStore, StaleAsset

logger = logging.getLogger(__name__)

NO_SUCH_DAM = "no such dam"


class DamDocumentService:
    def __init__(self, *, assets: AssetStore, documents: DamDocumentStore, storage: ObjectStorage,
                 throttles: ThrottleStore, clock: Clock, limits: UploadLimits, metrics: Metrics,
                 files_check: Callable[[], Any]) -> None:
        self.assets = assets
        self.documents = documents
        self.storage = storage
        self.throttles = throttles
        self.clock = clock
        self.limits = limits
        self.metrics = metrics
        # The application documents' service (the malware engine and the checks of the bytes),
        # built only when a dam's file is scanned.
        self.files_check = files_check

    # ---- the API side --------------------------------------------------------------------

    def request_upload(self, caller: Principal, asset_id: str, kind: str, filename: str, content_type: str,
                       size: int) -> tuple[dd.DamDocument, dict[str, Any]]:
        """Dam registrars, operators and inspectors reaching the dam add a document: the record
        (awaiting its file) and the history line first, then the presigned POST."""
        dam = self._reached(caller, asset_id, DAM_DOCUMENT_ROLES)
        dd.check_upload(kind, filename, content_type, size)
        now = self.clock.now()
        count, _ = self.throttles.count("upload", caller.user_id, now, window=timedelta(days=1))
        if count > self.limits.per_user_per_day:
            raise TooManyAttempts(msg("at most {limit} uploads a day; try again tomorrow",
                                      limit=self.limits.per_user_per_day), 3600)
        document = dd.DamDocument(
            id=new_id("doc"), asset_id=dam.id, kind=kind, filename=" ".join(filename.split()),
            content_type=content_type, size=size, status=dd.AWAITING, uploader_id=caller.user_id,
            uploader_name=caller.name, created_at=now,
            upload_expires_at=now + timedelta(seconds=self.limits.upload_url_seconds),
        )
        change = DamChange(version=dam.version, at=now, actor_id=caller.user_id, actor_name=caller.name,
                           action="document_added", comment=dd.history_comment(document), document_id=document.id)
        try:
            self.documents.add(document, change)
        except StaleAsset:
            raise NotFound(NO_SUCH_DAM) from None
        post = self.storage.presign_upload(DAMS.incoming_key(dam.id, document.id), content_type, size)
        logger.info("dam upload offered", extra={"asset_id": dam.id, "document_id": document.id})
        return document, post

    def page(self, caller: Principal, asset_id: str, kind: str | None, cursor: str | None,
             limit: int) -> tuple[list[dd.DamDocument], str | None]:
        """The dam's documents, newest first, for its staff (one Query a page)."""
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        return self.documents.page(asset_id, kind, cursor, limit)

    def download(self, caller: Principal, asset_id: str, document_id: str) -> Download:
        """A short-lived link to what the scan passed (409 for any other state)."""
        self._reached(caller, asset_id, DAM_STAFF_ROLES)
        document = self.documents.get(asset_id, document_id)
        if document is None:
            raise NotFound("no such document")
        if document.status != dd.CLEAN:
            raise Conflict(msg("the document is {status}; only files that passed the check are served",
                               status=status_label(document.status)))
        served_type = document.served_type or document.content_type
        name = files.safe_filename(document.filename, served_type)
        url = self.storage.presign_download(DAMS.served_key(asset_id, document.id), document.served_version, name,
                                            served_type)
        return Download(url, name, served_type)

    def _reached(self, caller: Principal, asset_id: str, roles: tuple[str, ...]) -> Dam:
        dam = self.assets.get(asset_id)
        if dam is None or not caller.reaches(dam.node_path, roles=roles):
            raise NotFound(NO_SUCH_DAM)
        return dam

    # ---- the scan ------------------------------------------------------------------------

    def scan(self, key: str, etag: str, version_id: str | None, attempt: int = 1) -> str:
        """Scan exactly the object an S3 event announced, as an application's document is scanned
        (services/documents.py): the first verdict settles the slot, a file put in it later is
        kept away, an event whose object is gone is settled. VerdictPending while the malware
        engine has not answered. Safe to run twice for one event."""
        target = DAMS.parse(key)
        document = self.documents.get(*target) if target else None
        if document is not None and document.settled and document.scanned_etag == etag.strip('"'):
            return "already settled"
        try:
            version_id = self.storage.locate(key, etag, version_id)
        except ObjectGone:
            return "gone"
        checker = self.files_check()
        if document is None:
            return checker.keep_away(key, version_id, "not an upload slot" if target is None else "no such document")
        if document.status == dd.AWAITING:
            if self.documents.start_scan(document):
                document = document.evolve(status=dd.SCANNING, version=document.version + 1)
            else:  # another upload into the slot started first: carry on from what it made of it
                document = self.documents.get(document.asset_id, document.id) or document
        if document.settled:
            if document.scanned_etag == etag.strip('"'):
                return "already settled"
            return checker.keep_away(key, version_id, "replaced after its scan")
        return self._inspect(checker, document, key, etag, version_id, attempt)

    def _inspect(self, checker: Any, document: dd.DamDocument, key: str, etag: str, version_id: str,
                 attempt: int) -> str:
        limit = dd.KINDS[document.kind].max_bytes
        quarantined = f"dam/{document.asset_id}/{document.id}/{etag.strip(chr(34))}"
        try:
            stored = self.storage.read(key, etag, version_id, limit)
        except ObjectTooLarge as too_large:
            verdict = files.reason("too_large", f"Berkas melebihi batas {limit // 1024 // 1024} MB.",
                                   f"The file ({too_large.size} bytes) is over the {limit // 1024 // 1024} MB limit.")
            try:
                self.storage.quarantine(key, version_id, quarantined)
            except ObjectGone:
                return "gone"
            return self._settle(document.evolve(scanned_etag=etag.strip('"')), verdict, key, version_id)
        except ObjectGone:
            return "gone"
        antivirus, verdict = checker.check_file(stored, key, version_id, attempt, document.content_type,
                                                document.size, limit)
        document = document.evolve(antivirus=antivirus.status, antivirus_detail=antivirus.detail or None,
                                   sha256=hashlib.sha256(stored.data).hexdigest(), scanned_etag=stored.etag.strip('"'))
        if not verdict.clean:
            self.storage.quarantine_bytes(quarantined, stored.data)
        return self._settle(document, verdict, key, stored.version_id or version_id)

    def _settle(self, document: dd.DamDocument, verdict: files.Verdict, key: str, version_id: str | None) -> str:
        """The verdict on the document, with its line in the dam's history; then the uploaded
        object goes (what passed is served from clean/, what failed is in quarantine)."""
        now, served_version = self.clock.now(), None
        if verdict.clean:
            assert verdict.served is not None and verdict.served_type is not None
            served_version = self.storage.write_served(DAMS.served_key(document.asset_id, document.id), verdict.served,
                                                       verdict.served_type)
            settled = document.evolve(status=dd.CLEAN, scanned_at=now, served_version=served_version,
                                      served_type=verdict.served_type, served_size=len(verdict.served),
                                      details=verdict.details, version=document.version + 1)
        else:
            rejection = verdict.rejection
            assert rejection is not None
            settled = document.evolve(status=dd.REJECTED, scanned_at=now, reason_code=rejection.code,
                                      reason_id=rejection.id, reason_en=rejection.en, version=document.version + 1)
        outcome = self._record(settled)
        if outcome != settled.status and served_version is not None:
            # Another upload's verdict came first: what this scan wrote is nobody's to serve.
            self.storage.remove(DAMS.served_key(document.asset_id, document.id), served_version)
        self.storage.remove(key, version_id)
        logger.info("dam document scanned", extra={"asset_id": document.asset_id, "document_id": document.id,
                                                   "outcome": outcome, "reason": settled.reason_code})
        return outcome

    def _record(self, settled: dd.DamDocument) -> str:
        dam = self.assets.get(settled.asset_id)
        action = "document_accepted" if settled.status == dd.CLEAN else "document_rejected"
        change = DamChange(version=dam.version if dam else 1, at=settled.scanned_at or self.clock.now(),
                           actor_id=SYSTEM_ACTOR[0], actor_name=SYSTEM_ACTOR[1], action=action,
                           comment=dd.history_comment(settled, settled.reason_en), document_id=settled.id)
        if not self.documents.settle(settled, change):
            return "already settled"
        if settled.status == dd.REJECTED:
            self.metrics.count("UploadsRejected", reason=settled.reason_code or "unknown")
        return settled.status

    def give_up(self, key: str, etag: str) -> str:
        """For an event that failed its every delivery: the document is rejected as "could not
        be scanned", never left scanning."""
        target = DAMS.parse(key)
        document = self.documents.get(*target) if target else None
        if document is None or document.settled:
            return "nothing to do"
        rejection = unscannable().rejection
        assert rejection is not None
        return self._record(document.evolve(
            status=dd.REJECTED, scanned_at=self.clock.now(), scanned_etag=etag.strip('"'), reason_code=rejection.code,
            reason_id=rejection.id, reason_en=rejection.en, version=document.version + 1))
