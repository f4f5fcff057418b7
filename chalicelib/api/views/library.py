from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint
from chalicelib.domain.regulations import Regulation, RegulationDocument
from chalicelib.domain.people import LIBRARIAN_ROLES

TAGS = ("library",)


def summary_out(entry: Regulation) -> s.RegulationSummary:
    return s.RegulationSummary(id=entry.id, number=entry.number, title=entry.title, type=entry.type, year=entry.year,
                               enacted_on=entry.enacted_on, status=entry.status, topics=list(entry.topics))


def _document_out(document: RegulationDocument | None) -> s.RegulationDocumentOut | None:
    if document is None:
        return None
    return s.RegulationDocumentOut(document_id=document.id, filename=document.filename, size=document.size,
                                   status=document.status, pages=document.pages, reason_id=document.reason_id,
                                   reason_en=document.reason_en)


def _is_librarian(ctx) -> bool:
    return ctx.caller is not None and ctx.caller.holds_any(LIBRARIAN_ROLES)


def entry_out(ctx, entry: Regulation, earlier: list[Regulation]) -> s.RegulationOut:
    cited = [s.ServiceRef(id=svc.id, name=svc.name, name_en=svc.name_en)
             for svc in ctx.deps.catalog.current() if entry.id in svc.cites]
    return s.RegulationOut(
        **summary_out(entry).model_dump(), summary=entry.summary, amends=list(entry.amends),
        amended_by=list(entry.amended_by), revokes=list(entry.revokes), revoked_by=list(entry.revoked_by),
        cited_by_services=cited, download_url=ctx.deps.library.download_url(entry),
        document=_document_out(entry.document),
        # Its filename and any refusal are the librarians' business, not the public's.
        pending_document=_document_out(entry.pending_document) if _is_librarian(ctx) else None,
        version=entry.version, versions=[s.VersionRef(version=e.version, updated_at=ctx.api_time(e.updated_at))
                                         for e in earlier],
        updated_at=ctx.api_time(entry.updated_at),
    )


@endpoint(summary="Search the regulations library (anyone): number and title matches first", auth=False,
          query=s.RegulationQuery, response=s.RegulationList, tags=TAGS, errors=(422,))
def list_regulations(ctx, query: s.RegulationQuery) -> s.RegulationList:
    filters = {"type": query.type, "year": query.year, "status": query.status, "topic": query.topic}
    found = ctx.deps.library.find(query.q, filters, query.cursor, query.limit)
    return s.RegulationList(items=[summary_out(e) for e in found.items], next_cursor=found.next_cursor)


@endpoint(summary="One entry of the library (anyone), or an earlier version of it", auth=False,
          query=s.RegulationVersionQuery, response=s.RegulationOut, tags=TAGS, errors=(404, 422))
def get_regulation(ctx, id: str, query: s.RegulationVersionQuery) -> s.RegulationOut:
    return entry_out(ctx, *ctx.deps.library.entry(id, query.version))


@endpoint(summary="Add an entry to the library (librarians)", body=s.RegulationRequest, response=s.RegulationOut,
          status=201, tags=TAGS, errors=(401, 404, 409, 422), gate=gates.librarian)
def create_regulation(ctx, body: s.RegulationRequest) -> s.RegulationOut:
    entry = ctx.deps.library.create(ctx.user(), body.model_dump())
    return entry_out(ctx, entry, [])


@endpoint(summary="Amend an entry (librarians); what it was stays readable as its earlier version",
          body=s.RegulationPatch, response=s.RegulationOut, tags=TAGS, errors=(401, 404, 409, 422),
          gate=gates.librarian)
def amend_regulation(ctx, id: str, body: s.RegulationPatch) -> s.RegulationOut:
    ctx.deps.library.amend(ctx.user(), id, body.model_dump(exclude_unset=True))
    return entry_out(ctx, *ctx.deps.library.entry(id))


@endpoint(summary="Upload an entry's PDF (librarians): a presigned POST; scanned, then its text indexed",
          body=s.RegulationUploadRequest, response=s.RegulationUploadOut, status=201, tags=TAGS,
          errors=(401, 404, 409, 422), gate=gates.librarian)
def request_document(ctx, id: str, body: s.RegulationUploadRequest) -> s.RegulationUploadOut:
    document, post = ctx.deps.library.request_document(ctx.user(), id, body.filename, body.size)
    return s.RegulationUploadOut(document_id=document.id, url=post["url"], fields=post["fields"])


# ---- contact and help ---------------------------------------------------------------------------

def contact_out(node, contact, source) -> s.ContactOut:
    return s.ContactOut(node_id=node.id, name=node.name, source_node_id=source, **(contact or {}))


@endpoint(summary="Where to reach an office (anyone): its own contact, else the nearest office above's",
          auth=False, response=s.ContactOut, tags=("org",), errors=(404,))
def get_contact(ctx, id: str) -> s.ContactOut:
    return contact_out(*ctx.deps.contacts.contact(id))


@endpoint(summary="Publish an office's contact details (its admin)", body=s.ContactRequest, response=s.ContactOut,
          tags=("org",), errors=(401, 404, 422), gate=gates.admin)
def put_contact(ctx, id: str, body: s.ContactRequest) -> s.ContactOut:
    node, contact = ctx.deps.contacts.set_contact(ctx.user(), id, body.model_dump())
    return contact_out(node, contact, node.id)
