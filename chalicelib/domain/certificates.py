"""Certificates: issued with the approval of a permit, numbered without gaps per service and
year, verifiable by anyone from the code printed (and QR-encoded) on them, and revocable by the
authority that issued them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from chalicelib.domain.application_state import APPROVED, Application, ApplicationChange, HistoryEntry
from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.messages import msg
from chalicelib.domain.people import ADMIN_ROLES, Principal

MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class Certificate:
    """What an approved permit proves, verifiable by `code` without login. `number` is the
    `sequence`-th of its series (one series per service and year, or per service, issuing
    office and year: the catalog's `certificate_series_depth`; without gaps)."""

    code: str
    application_id: str
    service_id: str
    number: str
    series: str
    sequence: int
    issued_at: datetime
    holder_name: str
    node_id: str
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    version: int = 1

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class NextCertificate:
    """What the approval that issues a certificate needs from outside: a fresh code, and the
    next number of the series as last read (the write is conditioned on it)."""

    code: str
    sequence: int


def issuing_office(app: Application, service: ServiceType) -> str | None:
    """The office whose series numbers the certificate: the one at the catalog's
    `certificate_series_depth` on the application's path (the filing office when its path is
    shorter); None at depth 0, one series for the whole organisation."""
    depth = service.on_approval.certificate_series_depth
    if not depth or not app.node_path:
        return None
    return app.node_path[min(depth, len(app.node_path) - 1)]


def series_of(app: Application, service: ServiceType, moment: datetime, tz: timezone) -> str:
    """One series per service and year, and per issuing office where the catalog says so. The
    organisation-wide series keeps its key (numbers given before stay in it)."""
    office = issuing_office(app, service)
    year = moment.astimezone(tz).year
    return f"{service.id}:{year}" if office is None else f"{service.id}:{office}:{year}"


def number_of(app: Application, service: ServiceType, sequence: int, moment: datetime, tz: timezone) -> str:
    """00012/PBG/2026: the sequence, the service's code and the year, as permit numbers read; a
    series per office also names the office (00012/PBG/kec-beji/2026), or numbers would repeat."""
    prefix = service.on_approval.certificate_prefix or re.sub(r"[^A-Z0-9]", "", service.id.upper())[:12]
    office = issuing_office(app, service)
    year = moment.astimezone(tz).year
    return f"{sequence:05d}/{prefix}/{year}" if office is None else f"{sequence:05d}/{prefix}/{office}/{year}"


def holder_of(app: Application, service: ServiceType) -> str:
    named = service.on_approval.certificate_holder_field
    value = app.data.get(named) if named else None
    return str(value).strip() if isinstance(value, str) and value.strip() else app.applicant_name


def issue(app: Application, service: ServiceType, next_certificate: NextCertificate, now: datetime,
          tz: timezone) -> Certificate:
    return Certificate(
        code=next_certificate.code, application_id=app.id, service_id=service.id,
        number=number_of(app, service, next_certificate.sequence, now, tz), series=series_of(app, service, now, tz),
        sequence=next_certificate.sequence, issued_at=now, holder_name=holder_of(app, service), node_id=app.node_id,
    )


def mask_name(name: str) -> str:
    """Each word's first letter and a star per other letter: "Budi Santoso" → "B*** S******".
    Enough to match a certificate with the person holding it, not enough to learn a name."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def public_view(cert: Certificate) -> dict[str, Any]:
    """What /verify answers to anyone: never the holder's whole name."""
    return {"valid": not cert.is_revoked, "status": "revoked" if cert.is_revoked else "valid",
            "service_id": cert.service_id, "number": cert.number, "issued_at": cert.issued_at,
            "holder": mask_name(cert.holder_name), "revoked_at": cert.revoked_at,
            "revocation_reason": cert.revocation_reason}


def may_revoke(caller: Principal, app: Application, service: ServiceType) -> bool:
    """The issuing authority: holders of the last step's role at the office that decided it, or
    an admin reaching that office."""
    if not app.step_nodes:
        return False
    issuer_node = app.step_nodes[-1]
    last_role = service.steps[-1].role
    return caller.holds(last_role, issuer_node) or caller.reaches(app.node_path, roles=ADMIN_ROLES)


def revoke(app: Application, cert: Certificate | None, service: ServiceType, caller: Principal, reason: str | None,
           now: datetime, source_ip: str | None, user_agent: str | None) -> ApplicationChange:
    if cert is None or app.status != APPROVED:
        raise NotFound("this application has no certificate")
    if not may_revoke(caller, app, service):
        raise Forbidden("only the authority that issued the certificate may revoke it")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("say why", [FieldProblem("reason", msg(
            "is required (at most {limit} characters): anyone verifying the certificate reads it",
            limit=MAX_REASON_LENGTH))])
    if cert.is_revoked:
        raise Conflict("the certificate is already revoked")
    updated = app.evolve(updated_at=now, version=app.version + 1)
    entry = HistoryEntry(at=now, actor_id=caller.user_id, actor_name=caller.name, action="revoke_certificate",
                         from_status=app.status, to_status=app.status, step=None,
                         comment=f"certificate {cert.number} revoked: {reason}", source_ip=source_ip,
                         user_agent=user_agent)
    revoked = replace(cert, revoked_at=now, revocation_reason=reason, version=cert.version + 1)
    return ApplicationChange(updated, app.version, entry, certificate=revoked)
