from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.domain.documents import AWAITING, Document, is_evidence
from chalicelib.domain.application_state import Application

TAGS = ("documents",)


def document_out(ctx, app: Application, doc: Document) -> s.DocumentOut:
    reasons = s.Reasons(id=doc.reason_id, en=doc.reason_en) if doc.reason_id and doc.reason_en else None
    return s.DocumentOut(
        document_id=doc.id, requirement=doc.requirement, filename=doc.filename, content_type=doc.content_type,
        size=doc.size, status=doc.status,
        reason=(reasons.en if ctx.user().language == "en" else reasons.id) if reasons else None, reasons=reasons,
        antivirus=doc.antivirus, evidence=is_evidence(app, doc), created_at=ctx.api_time(doc.created_at),
        scanned_at=ctx.api_time(doc.scanned_at),
        upload_expires_at=ctx.api_time(doc.upload_expires_at) if doc.status == AWAITING else None,
    )


@endpoint(summary="Add a document: answers a presigned POST for the file", body=s.DocumentRequest,
          response=s.DocumentCreatedOut, status=201, tags=TAGS, errors=(401, 403, 404, 409, 422, 429),
          gate=gates.application)
def request_upload(ctx, id: str, body: s.DocumentRequest) -> Result:
    upload = ctx.deps.documents.request_upload(ctx.user(), id, body.requirement, body.filename, body.content_type,
                                               body.size, ctx.origin, read=ctx.application)
    app, doc = upload.application, upload.document
    out = s.DocumentCreatedOut(
        document_id=doc.id,
        upload=s.UploadOut(url=upload.url, fields=upload.fields, expires_at=ctx.api_time(doc.upload_expires_at)),
        document=document_out(ctx, app, doc),
    )
    return Result(out, 201, {"Location": f"/applications/{id}/documents/{doc.id}"})


@endpoint(summary="The application's documents and where each stands", response=s.DocumentList, tags=TAGS,
          errors=(401, 404))
def list_documents(ctx, id: str) -> s.DocumentList:
    app, documents = ctx.deps.documents.list(ctx.user(), id)
    return s.DocumentList(items=[document_out(ctx, app, d) for d in documents])


@endpoint(summary="A short-lived link to a document that passed the check (409 otherwise)", response=s.DownloadOut,
          tags=TAGS, errors=(401, 404, 409))
def download(ctx, id: str, document_id: str) -> s.DownloadOut:
    found = ctx.deps.documents.download(ctx.user(), id, document_id)
    return s.DownloadOut(download_url=found.url, filename=found.filename, content_type=found.content_type,
                         expires_in=ctx.deps.settings.download_url_seconds)


@endpoint(summary="Remove a document that is not evidence, while draft or returned (a marketing-fee report's "
                  "evidence: by its office, until the report is approved)", status=204, tags=TAGS,
          errors=(401, 403, 404, 409))
def delete(ctx, id: str, document_id: str) -> Result:
    ctx.deps.documents.delete(ctx.user(), id, document_id, ctx.origin)
    return Result(status=204)
