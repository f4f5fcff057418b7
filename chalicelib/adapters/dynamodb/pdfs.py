"""PDFs to make: one record per (kind, subject), requested by many, rendered under a lease by
one render function at a time. Keys: docs/DATA.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes, committed_unless, is_condition_failure
from chalicelib.services.ports import OutboxKey, PdfRecord


def _pdf_key(kind: str, subject: str) -> tuple[str, str]:
    return f"PDF#{kind}#{subject}", "P"


def _pdf_from_item(item: m.PdfItem) -> PdfRecord:
    return PdfRecord(
        kind=item.kind, subject=item.subject, status=item.status, object_key=item.object_key,
        created_at=item.created_at, rendered_at=item.rendered_at, attempts=int(item.attempts or 0),
        pages=int(item.pages) if item.pages is not None else None, size=int(item.size) if item.size is not None else None,
        error=item.error, node_id=item.node_id, period=item.period,
        requested_by=frozenset(item.requested_by or ()),
    )


class DynamoPdfStore:
    def get(self, kind: str, subject: str) -> PdfRecord | None:
        try:
            return _pdf_from_item(m.PdfItem.get(*_pdf_key(kind, subject), consistent_read=True))
        except DoesNotExist:
            return None

    def request(self, record: PdfRecord, requester: str | None, expires_at: datetime | None = None) -> PdfRecord:
        """The record of a PDF to make, created if new; `requester` added to those who may
        fetch it. Answers the record as stored."""
        item = m.PdfItem(*_pdf_key(record.kind, record.subject))
        actions = [
            m.PdfItem.kind.set(m.PdfItem.kind | record.kind),
            m.PdfItem.subject.set(m.PdfItem.subject | record.subject),
            m.PdfItem.status.set(m.PdfItem.status | record.status),
            m.PdfItem.created_at.set(m.PdfItem.created_at | record.created_at),
        ]
        if record.node_id:
            actions.append(m.PdfItem.node_id.set(record.node_id))
        if record.period:
            actions.append(m.PdfItem.period.set(record.period))
        if requester:
            actions.append(m.PdfItem.requested_by.add({requester}))
        if expires_at:
            actions.append(m.PdfItem.expires_ttl.set(expires_at))
        item.update(actions=actions)
        return _pdf_from_item(item)

    def claim(self, kind: str, subject: str, now: datetime, lease: timedelta,
              create: PdfRecord | None = None) -> PdfRecord | None:
        """The right to render it now: None when it is ready or someone else's lease runs. With
        `create`, a record not there yet is made by the same write (else only an existing one
        is claimed)."""
        item = m.PdfItem(*_pdf_key(kind, subject))
        free = (m.PdfItem.status != "ready") & (m.PdfItem.lease_until.does_not_exist() | (m.PdfItem.lease_until < now))
        actions = [m.PdfItem.lease_until.set(now + lease), m.PdfItem.attempts.add(1)]
        if create is not None:
            actions += [m.PdfItem.kind.set(m.PdfItem.kind | create.kind),
                        m.PdfItem.subject.set(m.PdfItem.subject | create.subject),
                        m.PdfItem.status.set(m.PdfItem.status | create.status),
                        m.PdfItem.created_at.set(m.PdfItem.created_at | create.created_at)]
        try:
            item.update(actions=actions,
                        condition=(m.PdfItem.pk.does_not_exist() | free) if create is not None else m.PdfItem.pk.exists() & free)
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return _pdf_from_item(item)

    def finish(self, kind: str, subject: str, object_key: str, pages: int, size: int, now: datetime,
               entry_done: OutboxKey | None = None) -> None:
        """Only a record that exists is finished: without the condition an update would create a
        partial item (no kind, no subject) for a record that was never requested. The outbox
        entry that asked for it is cleared in the same transaction."""
        actions = [m.PdfItem.status.set("ready"), m.PdfItem.object_key.set(object_key), m.PdfItem.pages.set(pages),
                   m.PdfItem.size.set(size), m.PdfItem.rendered_at.set(now), m.PdfItem.lease_until.remove(),
                   m.PdfItem.error.remove()]
        if entry_done is not None:
            def build(tx: Writes) -> None:
                tx.update("pdf", m.PdfItem(*_pdf_key(kind, subject)), actions=actions, condition=m.PdfItem.pk.exists())
                tx.delete("outbox", m.OutboxItem(entry_done.pk, entry_done.sk))

            if not committed_unless(build, "pdf"):
                m.OutboxItem(entry_done.pk, entry_done.sk).delete()
            return
        try:
            m.PdfItem(*_pdf_key(kind, subject)).update(actions=actions, condition=m.PdfItem.pk.exists())
        except UpdateError as failed:
            if not is_condition_failure(failed):
                raise

    def fail(self, kind: str, subject: str, error: str, final: bool) -> None:
        """A failure is recorded on a PDF still to make; one already made (another render
        finished it meanwhile) stays ready, and nothing is raised."""
        actions = [m.PdfItem.error.set(error[:500]), m.PdfItem.lease_until.remove()]
        if final:
            actions.append(m.PdfItem.status.set("failed"))
        try:
            m.PdfItem(*_pdf_key(kind, subject)).update(
                actions=actions, condition=m.PdfItem.pk.exists() & (m.PdfItem.status != "ready"))
        except UpdateError as failed:
            if not is_condition_failure(failed):
                raise
