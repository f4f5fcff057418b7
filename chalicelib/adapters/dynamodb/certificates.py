"""Certificates: one item per certificate code, and per series the last number given, both put in
the final approval's transaction (the number conditioned on the one before it). Keys:
docs/DATA.md."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb import models as m
from chalicelib.adapters.dynamodb.table import Writes
from chalicelib.domain.certificates import Certificate


def put_certificate(tx: Writes, cert: Certificate) -> None:
    item = m.CertificateItem(
        f"CERT#{cert.code}", "C", code=cert.code, application_id=cert.application_id, service_id=cert.service_id,
        number=cert.number, series=cert.series, sequence=cert.sequence, issued_at=cert.issued_at,
        holder_name=cert.holder_name, node_id=cert.node_id, revoked_at=cert.revoked_at,
        revocation_reason=cert.revocation_reason, version=cert.version,
    )
    if cert.version == 1:
        tx.put("certificate", item, condition=m.CertificateItem.pk.does_not_exist())
        # The number follows the last one given, or the transaction fails (SequenceTaken).
        last = m.SequenceItem.value == cert.sequence - 1
        if cert.sequence == 1:
            last = m.SequenceItem.pk.does_not_exist()
        tx.put("certificate number", m.SequenceItem(f"SEQ#{cert.series}", "S", value=cert.sequence), condition=last)
    else:
        tx.put("certificate", item, condition=m.CertificateItem.version == cert.version - 1)


def _certificate_from_item(item: m.CertificateItem) -> Certificate:
    return Certificate(
        code=item.code, application_id=item.application_id, service_id=item.service_id, number=item.number,
        series=item.series, sequence=int(item.sequence), issued_at=item.issued_at, holder_name=item.holder_name,
        node_id=item.node_id, revoked_at=item.revoked_at, revocation_reason=item.revocation_reason,
        version=int(item.version),
    )


def read_certificate(code: str) -> Certificate | None:
    try:
        return _certificate_from_item(m.CertificateItem.get(f"CERT#{code}", "C", consistent_read=True))
    except DoesNotExist:
        return None


def last_certificate_number(series: str) -> int:
    """The last number given in the series (0: none yet)."""
    try:
        return int(m.SequenceItem.get(f"SEQ#{series}", "S", consistent_read=True).value)
    except DoesNotExist:
        return 0
