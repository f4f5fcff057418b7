from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint
from chalicelib.domain.catalog import ServiceType
from chalicelib.domain.errors import NotFound

TAGS = ("catalog",)


def _service(ctx, service_id: str) -> ServiceType:
    service = ctx.deps.catalog.latest(service_id)
    if service is None:
        raise NotFound("no such service")
    return service


@endpoint(summary="Every service that can be applied for, with its requirements", auth=False,
          response=s.ServiceList, tags=TAGS)
def list_services(ctx) -> s.ServiceList:
    return s.ServiceList(items=ctx.deps.catalog.current())


@endpoint(summary="One service: its form, documents and steps, the regulations it rests on and the offices to ask",
          auth=False, response=s.ServicePage, tags=TAGS, errors=(404,))
def get_service(ctx, id: str) -> s.ServicePage:
    from chalicelib.api.views.library import contact_out

    service = _service(ctx, id)
    cited = ctx.deps.library.entries(service.cites)
    ask = ctx.deps.contacts.offices_to_ask(ctx.deps.org.offices_for(service))
    return s.ServicePage(**service.model_dump(), regulations=[
        s.RegulationRef(id=e.id, number=e.number, title=e.title) for e in cited],
        ask=[contact_out(*found) for found in ask])


@endpoint(summary="The offices where a service can be filed", auth=False, response=s.OfficeList, tags=TAGS,
          errors=(404,))
def service_offices(ctx, id: str) -> s.OfficeList:
    service = _service(ctx, id)
    return s.OfficeList(items=[
        s.OfficeOut(id=n.id, kind=n.kind, name=n.name, parent_id=n.parent_id, region_code=n.region_code,
                    path=list(n.path))
        for n in ctx.deps.org.offices_for(service)
    ])
