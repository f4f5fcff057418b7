from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, domain_problem_body, endpoint
from chalicelib.domain.applications import is_decider, masked_fields, reads_as_staff, sla_state
from chalicelib.domain.registry_checks import flagged
from chalicelib.domain.application_state import AWAITING_DECISION, Application, HistoryEntry
from chalicelib.domain.takeover import claim_role

TAGS = ("applications",)


def _service_names(service, service_id: str) -> dict[str, str]:
    """A service's name in both languages, or its id where the catalog no longer has it."""
    return {"service_name": service.name if service else service_id,
            "service_name_en": service.name_en if service else service_id}


def application_out(ctx, app: Application) -> s.ApplicationOut:
    service = ctx.deps.catalog.service_of(app)
    current = None
    if service is not None and app.step is not None and app.status in AWAITING_DECISION:
        step = service.step_at(app.step)
        current = s.CurrentStepOut(name=step.name, label=step.label, label_en=step.label_en, role=step.role,
                                   node_id=app.decider_node_id)
    now = ctx.deps.clock.now()
    return s.ApplicationOut(
        id=app.id, tracking_code=app.tracking_code, service_id=app.service_id, service_version=app.service_version,
        node_id=app.node_id, node_name=app.node_name, applicant_id=app.applicant_id, applicant_name=app.applicant_name,
        **_service_names(service, app.service_id), status=app.status,
        step=app.step, steps_total=app.steps_total, current_step=current, due_at=ctx.api_time(app.due_at),
        sla_state=sla_state(app, now), can_decide=ctx.caller is not None and is_decider(ctx.caller, app),
        overdue=bool(app.due_at and app.status in AWAITING_DECISION and not app.is_suspended and app.due_at < now),
        suspended=app.is_suspended, suspended_at=ctx.api_time(app.suspended_at), suspension_reason=app.suspension_reason,
        escalation_level=app.escalation_level, assignee_id=app.assignee_id, assignee_name=app.assignee_name,
        escalates_at=ctx.api_time(app.escalate_at) if app.status in AWAITING_DECISION and not app.is_suspended else None,
        can_claim=ctx.caller is not None and app.assignee_id is None and claim_role(ctx.caller, app) is not None,
        **_registry_checks(ctx, app, service),
        submitted_at=ctx.api_time(app.submitted_at), data=app.data,
        masked_fields=masked_fields(app),
        created_at=ctx.api_time(app.created_at),
        updated_at=ctx.api_time(app.updated_at), version=app.version,
        budget_check=s.BudgetCheckOut(**app.budget_check) if app.budget_check else None,
        certificate_code=app.certificate_code,
    )


def _registry_checks(ctx, app: Application, service) -> dict:
    """The civil registry's verdicts on the NIKs, for the staff working on it (the deciders
    above all); nothing for the applicant."""
    if not app.nik_checks or ctx.caller is None or not reads_as_staff(ctx.caller, app, service):
        return {}
    return {"nik_checks": {name: s.NikVerdictOut(**check) for name, check in app.nik_checks.items()},
            "nik_flagged": flagged(app)}


def _created(ctx, app: Application) -> Result:
    return Result(application_out(ctx, app), 201, {"Location": f"/applications/{app.id}"})


@endpoint(summary="File a new application (a draft)", body=s.CreateApplicationRequest, response=s.ApplicationOut,
          status=201, tags=TAGS, errors=(401, 403, 422))
def create(ctx, body: s.CreateApplicationRequest) -> Result:
    app = ctx.deps.applications.create(ctx.user(), body.service_id, body.node_id, body.data, ctx.origin)
    return _created(ctx, app)


@endpoint(summary="My applications, or (staff) those filed within my reach", query=s.ListApplicationsQuery,
          response=s.ApplicationList, tags=TAGS, errors=(401, 404, 422))
def list_applications(ctx, query: s.ListApplicationsQuery) -> s.ApplicationList:
    page = ctx.deps.applications.list(
        ctx.user(), status=query.status, service_id=query.service_id, node_id=query.node_id, scope=query.scope,
        cursor=query.cursor, limit=query.limit,
    )
    return s.ApplicationList(items=[application_out(ctx, a) for a in page.items], next_cursor=page.next_cursor)


@endpoint(summary="Staff: the applications within my reach that name a NIK (found by its keyed HMAC)",
          body=s.NikLookupRequest, response=s.ApplicationList, tags=TAGS, errors=(401, 404, 422), gate=gates.casework)
def by_nik(ctx, body: s.NikLookupRequest) -> s.ApplicationList:
    page = ctx.deps.applications.find_by_nik(ctx.user(), body.nik, body.cursor, body.limit)
    return s.ApplicationList(items=[application_out(ctx, a) for a in page.items], next_cursor=page.next_cursor)


@endpoint(summary="One application", response=s.ApplicationOut, tags=TAGS, errors=(401, 404))
def get(ctx, id: str) -> s.ApplicationOut:
    caller = ctx.user()
    app = ctx.deps.applications.get(caller, id)
    out = application_out(ctx, ctx.deps.applications.revealed(caller, app))
    standing = ctx.deps.applications.budget_standing(caller, app)  # spending reports only
    if standing is not None:
        out.budget_now = s.BudgetCheckOut(**standing.as_dict())
    return out


@endpoint(summary="Change the form of a draft or returned application", body=s.PatchApplicationRequest,
          response=s.ApplicationOut, tags=TAGS, errors=(401, 403, 404, 409, 422), gate=gates.application)
def patch(ctx, id: str, body: s.PatchApplicationRequest) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.patch(ctx.user(), id, body.data, ctx.origin))


@endpoint(summary="Submit: checks the form and the documents", response=s.ApplicationOut, tags=TAGS,
          errors=(401, 403, 404, 409, 422))
def submit(ctx, id: str) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.submit(ctx.user(), id, ctx.origin))


@endpoint(summary="Withdraw before a final decision", body=s.WithdrawRequest, response=s.ApplicationOut, tags=TAGS,
          errors=(401, 403, 404, 409, 422), gate=gates.application)
def withdraw(ctx, id: str, body: s.WithdrawRequest) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.withdraw(ctx.user(), id, body.reason, ctx.origin))


@endpoint(summary="Approve, reject or return the current step", body=s.DecisionRequest, response=s.ApplicationOut,
          tags=TAGS, errors=(401, 403, 404, 409, 422), gate=gates.application)
def decide(ctx, id: str, body: s.DecisionRequest) -> s.ApplicationOut:
    app = ctx.deps.applications.decide(ctx.user(), id, body.action, body.step, body.comment, ctx.origin,
                                       read=ctx.application)
    return application_out(ctx, app)


@endpoint(summary="Approve many at once: each succeeds or fails on its own", body=s.BatchDecisionRequest,
          response=s.BatchDecisionOut, tags=TAGS, errors=(401, 404, 422), gate=gates.deciders)
def decide_many(ctx, body: s.BatchDecisionRequest) -> s.BatchDecisionOut:
    outcomes = ctx.deps.applications.decide_many(ctx.user(), body.application_ids, body.action, body.comment,
                                                 body.steps or {}, ctx.origin)
    results = []
    for outcome in outcomes:
        if outcome.error is not None:
            results.append(s.BatchItemOut(id=outcome.application_id, error=domain_problem_body(outcome.error, ctx.language)))
        else:
            app = outcome.application
            results.append(s.BatchItemOut(id=app.id, status=app.status, step=app.step))
    return s.BatchDecisionOut(results=results)


@endpoint(summary="Suspend: the step waits on the applicant and its clock stops", body=s.SuspendRequest,
          response=s.ApplicationOut, tags=TAGS, errors=(401, 403, 404, 409, 422), gate=gates.application)
def suspend(ctx, id: str, body: s.SuspendRequest) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.suspend(ctx.user(), id, body.reason, ctx.origin))


@endpoint(summary="Resume a suspended application: the due time moves by the time suspended",
          response=s.ApplicationOut, tags=TAGS, errors=(401, 403, 404, 409))
def resume(ctx, id: str) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.resume(ctx.user(), id, ctx.origin))


@endpoint(summary="Take over a step escalated to your office: it is then yours to decide",
          response=s.ApplicationOut, tags=TAGS, errors=(401, 403, 404, 409))
def claim(ctx, id: str) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.claim(ctx.user(), id, ctx.origin))


@endpoint(summary="Hand the current step to a named person holding its role at the step's office",
          body=s.ReassignRequest, response=s.ApplicationOut, tags=TAGS, errors=(401, 403, 404, 409, 422),
          gate=gates.application)
def reassign(ctx, id: str, body: s.ReassignRequest) -> s.ApplicationOut:
    return application_out(ctx, ctx.deps.applications.reassign(ctx.user(), id, body.user_email, ctx.origin))


def history_out(ctx, entry: HistoryEntry, staff: bool) -> s.HistoryEntryOut:
    return s.HistoryEntryOut(
        at=ctx.api_time(entry.at), actor=entry.actor_name, actor_id=entry.actor_id, action=entry.action,
        from_status=entry.from_status, to_status=entry.to_status, step=entry.step, to_step=entry.to_step,
        comment=entry.comment, on_behalf_of=entry.on_behalf_of_name, on_behalf_of_id=entry.on_behalf_of_id,
        source_ip=entry.source_ip if staff else None,
    )


@endpoint(summary="Every change, oldest first (append-only)", response=s.HistoryOut, tags=TAGS, errors=(401, 404))
def history(ctx, id: str) -> s.HistoryOut:
    caller = ctx.user()
    app, entries = ctx.deps.applications.history_with_application(caller, id)
    staff = ctx.deps.applications.reads_as_staff(caller, app)
    return s.HistoryOut(items=[history_out(ctx, e, staff) for e in entries])


@endpoint(summary="What I may decide now, oldest due first", query=s.InboxQuery, response=s.ApplicationList,
          tags=TAGS, errors=(401, 422))
def inbox(ctx, query: s.InboxQuery) -> s.ApplicationList:
    page = ctx.deps.applications.inbox(ctx.user(), query.cursor, query.limit, service_id=query.service_id,
                                       node_id=query.node_id, sla_state=query.sla, tracking_code=query.q)
    return s.ApplicationList(items=[application_out(ctx, a) for a in page.items], next_cursor=page.next_cursor)


@endpoint(summary="Where an application stands, by tracking code (no personal data)", auth=False,
          response=s.TrackOut, tags=TAGS, errors=(404,))
def track(ctx, code: str) -> s.TrackOut:
    tracking = ctx.deps.applications.track(code)
    app = tracking.application
    service = ctx.deps.catalog.service_of(app)
    # Every move of status or step, without who made it or why.
    events, last = [], None
    for entry in tracking.history:
        if (entry.to_status, entry.to_step) != last:
            events.append(s.TrackEventOut(status=entry.to_status, step=entry.to_step, at=ctx.api_time(entry.at)))
            last = (entry.to_status, entry.to_step)
    return s.TrackOut(
        service_id=app.service_id, **_service_names(service, app.service_id), status=app.status,
        step=app.step, steps_total=app.steps_total, updated_at=ctx.api_time(app.updated_at), history=events,
    )





# ---- certificates and receipts ------------------------------------------------------------------

def _pdf_link(ctx, record, filename: str) -> str | None:
    return ctx.deps.rendering.download_url(record, filename) if record is not None else None


@endpoint(summary="The certificate of an approved permit: its code, status and PDF", response=s.CertificateOut,
          tags=TAGS, errors=(401, 404))
def certificate(ctx, id: str) -> s.CertificateOut:
    cert, record = ctx.deps.applications.certificate(ctx.user(), id)
    filename = f"sertifikat-{cert.number.replace('/', '-')}.pdf"
    return s.CertificateOut(
        code=cert.code, number=cert.number, issued_at=ctx.api_time(cert.issued_at), holder=cert.holder_name,
        status="revoked" if cert.is_revoked else "valid", revoked_at=ctx.api_time(cert.revoked_at),
        revocation_reason=cert.revocation_reason, verify_url=f"{ctx.deps.rendering.verify_base_url}/verify/{cert.code}",
        pdf_status=record.status if record else "pending", download_url=_pdf_link(ctx, record, filename),
    )


@endpoint(summary="Revoke a certificate (the issuing authority); /verify then says so", body=s.RevokeRequest,
          response=s.CertificateOut, tags=TAGS, errors=(401, 403, 404, 409, 422), gate=gates.application)
def revoke_certificate(ctx, id: str, body: s.RevokeRequest) -> s.CertificateOut:
    ctx.deps.applications.revoke_certificate(ctx.user(), id, body.reason, ctx.origin)
    return certificate.view(ctx, id)


@endpoint(summary="The receipt (tanda terima) of a submitted application", response=s.ReceiptOut, tags=TAGS,
          errors=(401, 404))
def receipt(ctx, id: str) -> s.ReceiptOut:
    app, record = ctx.deps.applications.receipt(ctx.user(), id)
    return s.ReceiptOut(tracking_code=app.tracking_code, pdf_status=record.status if record else "pending",
                        download_url=_pdf_link(ctx, record, f"tanda-terima-{app.tracking_code}.pdf"))


@endpoint(summary="Check a certificate by its code (no login); the holder's name is masked", auth=False,
          response=s.VerifyOut, tags=TAGS, errors=(404,))
def verify(ctx, code: str):
    from chalicelib.domain.certificates import public_view

    cert = ctx.deps.applications.verify(code)
    view = public_view(cert)
    service = ctx.deps.catalog.latest(cert.service_id)
    out = s.VerifyOut(**{**view, "issued_at": ctx.api_time(cert.issued_at), "revoked_at": ctx.api_time(cert.revoked_at),
                         **_service_names(service, cert.service_id)})
    if _wants_html(ctx.request.headers.get("accept", "")):
        # A QR code scanned with a phone opens this in a browser: a page, not JSON.
        return Result(verify_page(out, ctx.deps.settings.org_name), 200, {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        })
    return out


def _wants_html(accept: str) -> bool:
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]


def verify_page(out: s.VerifyOut, org_name: str) -> str:
    from html import escape

    colour, verdict = ("#1b5e20", "Sertifikat SAH") if out.valid else ("#b71c1c", "Sertifikat DICABUT")
    rows = [("Layanan", out.service_name), ("Nomor", out.number), ("Pemegang", out.holder),
            ("Diterbitkan", out.issued_at)]
    if not out.valid:
        rows += [("Dicabut", out.revoked_at or ""), ("Alasan", out.revocation_reason or "")]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return (
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(verdict)} — {escape(org_name)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#212529}"
        "main{max-width:34rem;margin:2rem auto;background:#fff;border-radius:.5rem;padding:1.5rem;"
        "box-shadow:0 1px 3px rgba(0,0,0,.12)}h1{font-size:1.4rem;margin:.2rem 0 1rem}"
        "th{text-align:left;color:#6c757d;font-weight:normal;padding:.3rem 1rem .3rem 0;vertical-align:top}"
        "td{padding:.3rem 0}.org{color:#0d47a1;font-weight:600}</style></head><body><main>"
        f"<div class=\"org\">{escape(org_name)}</div><h1 style=\"color:{colour}\">{escape(verdict)}</h1>"
        f"<table>{table}</table></main></body></html>"
    )
