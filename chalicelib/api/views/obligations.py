from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint

TAGS = ("dam register",)


@endpoint(summary="A dam's monitoring obligations, oldest period first: open, overdue or met (staff reaching it)",
          response=s.ObligationList, tags=TAGS, errors=(401, 404), gate=gates.dam_staff)
def list_obligations(ctx, id: str) -> s.ObligationList:
    return s.ObligationList(items=[
        s.ObligationOut(period=ob.period, due_at=ctx.api_time(ob.due_at), status=ob.status,
                        application_id=ob.application_id)
        for ob in ctx.deps.dam_duties.of_dam(ctx.user(), id)
    ])
