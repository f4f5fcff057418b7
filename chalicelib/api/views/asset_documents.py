from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint
from chalicelib.domain.dam_documents import AWAITING, DamDocument

TAGS = ("dam register",)


def dam_document_out(ctx, doc: DamDocument) -> s.DamDocumentOut:
    reasons = s.Reasons(id=doc.reason_id, en=doc.reason_en) if doc.reason_id and doc.reason_en else None
    return s.DamDocumentOut(
        document_id=doc.id, kind=doc.kind, filename=doc.filename, content_type=doc.content_type, size=doc.size,
        status=doc.status, reason=(reasons.en if ctx.user().language == "en" else reasons.id) if reasons else None,
        reasons=reasons, antivirus=doc.antivirus, uploaded_by=doc.uploader_name, created_at=ctx.api_time(doc.created_at),
        scanned_at=ctx.api_time(doc.scanned_at),
        upload_expires_at=ctx.api_time(doc.upload_expires_at) if doc.status == AWAITING else None,
    )


@endpoint(summary="Add a technical document to a dam (its registrars, operators, inspectors): a presigned POST",
          body=s.DamDocumentRequest, response=s.DamDocumentCreatedOut, status=201, tags=TAGS,
          errors=(401, 404, 422, 429), gate=gates.dam_uploaders)
def request_upload(ctx, id: str, body: s.DamDocumentRequest) -> Result:
    document, post = ctx.deps.dam_documents.request_upload(ctx.user(), id, body.kind, body.filename,
                                                           body.content_type, body.size)
    out = s.DamDocumentCreatedOut(
        document_id=document.id,
        upload=s.UploadOut(url=post["url"], fields=post["fields"], expires_at=ctx.api_time(document.upload_expires_at)),
        document=dam_document_out(ctx, document),
    )
    return Result(out, 201, {"Location": f"/assets/{id}/documents/{document.id}"})


@endpoint(summary="A dam's technical documents, newest first, and where each stands (staff reaching it)",
          query=s.DamDocumentsQuery, response=s.DamDocumentList, tags=TAGS, errors=(401, 404, 422),
          gate=gates.dam_staff)
def list_documents(ctx, id: str, query: s.DamDocumentsQuery) -> s.DamDocumentList:
    found, cursor = ctx.deps.dam_documents.page(ctx.user(), id, query.kind, query.cursor, query.limit)
    return s.DamDocumentList(items=[dam_document_out(ctx, d) for d in found], next_cursor=cursor)


@endpoint(summary="A short-lived link to a dam's document that passed the check (409 otherwise)",
          response=s.DownloadOut, tags=TAGS, errors=(401, 404, 409), gate=gates.dam_staff)
def download(ctx, id: str, document_id: str) -> s.DownloadOut:
    found = ctx.deps.dam_documents.download(ctx.user(), id, document_id)
    return s.DownloadOut(download_url=found.url, filename=found.filename, content_type=found.content_type,
                         expires_in=ctx.deps.settings.download_url_seconds)
