from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint

TAGS = ("delegations",)


def delegation_out(ctx, d, caller_id: str) -> s.DelegationOut:
    return s.DelegationOut(
        id=d.id, role=d.role, node_id=d.node_id,
        delegator=s.PersonOut(id=d.delegator_id, name=d.delegator_name),
        delegate=s.PersonOut(id=d.delegate_id, name=d.delegate_name),
        starts_at=ctx.api_time(d.starts_at), ends_at=ctx.api_time(d.ends_at),
        active=d.active_at(ctx.deps.clock.now()), direction="given" if d.delegator_id == caller_id else "received",
    )


@endpoint(summary="Lend a role I hold at an office to a colleague for a period", body=s.DelegationRequest,
          response=s.DelegationOut, status=201, tags=TAGS, errors=(401, 403, 404, 422), gate=gates.delegators)
def create(ctx, body: s.DelegationRequest) -> Result:
    caller = ctx.user()
    delegation = ctx.deps.delegations.create(caller, body.role, body.node_id, body.delegate_email, body.starts_at,
                                             body.ends_at)
    return Result(delegation_out(ctx, delegation, caller.user_id), 201, {"Location": f"/delegations/{delegation.id}"})


@endpoint(summary="My delegations, given and received", response=s.DelegationList, tags=TAGS, errors=(401,))
def list_delegations(ctx) -> s.DelegationList:
    caller = ctx.user()
    return s.DelegationList(items=[delegation_out(ctx, d, caller.user_id) for d in ctx.deps.delegations.of(caller)])


@endpoint(summary="End a delegation (its delegator, or its delegate declining)", status=204, tags=TAGS,
          errors=(401, 404))
def end(ctx, id: str) -> Result:
    ctx.deps.delegations.end(ctx.user(), id)
    return Result(None, 204)
