from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint
from chalicelib.domain.assets import Dam, DamChange

TAGS = ("dam register",)


def dam_out(dam: Dam, staff: bool) -> s.DamOut:
    location = s.LocationOut(**{"village_code": None} | dam.location)
    public = {"id": dam.id, "name": dam.name, "location": location, "type": dam.type, "status": dam.status,
              "purposes": list(dam.purposes)}
    if not staff:
        hidden = set(s.DamOut.model_fields) - set(public) - {"access"}
        return s.DamOut(access="public", **public, **dict.fromkeys(hidden))
    return s.DamOut(
        access="staff", **public, register_code=dam.register_code, node_id=dam.node_id, river_basin=dam.river_basin,
        height_m=dam.height_m, crest_length_m=dam.crest_length_m, reservoir_volume_m3=dam.reservoir_volume_m3,
        catchment_km2=dam.catchment_km2, hazard_class=dam.hazard_class, year_completed=dam.year_completed,
        thresholds=dam.thresholds, monitoring_every=dam.monitoring_every, version=dam.version,
    )


def _caller_if_any(ctx):
    """The public routes of the register answer anyone; a caller who sends a token is read (an
    invalid one is 401, as everywhere) and, as staff reaching a dam, sees all of it."""
    header = ctx.request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        from chalicelib.domain.errors import NotAuthenticated

        raise NotAuthenticated("send an access token: Authorization: Bearer <token>")
    ctx.caller = ctx.deps.accounts.authenticate(token.strip())
    return ctx.caller


@endpoint(summary="The dam register: public fields for anyone, all of a dam for staff reaching it", auth=False,
          query=s.DamListQuery, response=s.DamList, tags=TAGS, errors=(401, 404, 422))
def list_assets(ctx, query: s.DamListQuery) -> s.DamList:
    found, cursor = ctx.deps.assets.page(
        _caller_if_any(ctx), q=query.q, status=query.status, node_id=query.node_id,
        province_code=query.province_code, cursor=query.cursor, limit=query.limit,
    )
    return s.DamList(items=[dam_out(dam, staff) for dam, staff in found], next_cursor=cursor)


@endpoint(summary="Enter a dam in the register (a dam registrar at or above its managing office)",
          body=s.CreateDamRequest, response=s.DamOut, status=201, tags=TAGS, errors=(401, 404, 409, 422),
          gate=gates.dam_registrars)
def create_asset(ctx, body: s.CreateDamRequest) -> s.DamOut:
    return dam_out(ctx.deps.assets.register(ctx.user(), body.model_dump()), True)


@endpoint(summary="A dam: public fields for anyone, all of it for staff reaching it", auth=False,
          response=s.DamOut, tags=TAGS, errors=(401, 404))
def get_asset(ctx, id: str) -> s.DamOut:
    return dam_out(*ctx.deps.assets.read(_caller_if_any(ctx), id))


@endpoint(summary="Change a dam's record (a dam registrar reaching it), naming the version read",
          body=s.PatchDamRequest, response=s.DamOut, tags=TAGS, errors=(401, 404, 409, 422),
          gate=gates.dam_registrars)
def patch_asset(ctx, id: str, body: s.PatchDamRequest) -> s.DamOut:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return dam_out(ctx.deps.assets.edit(ctx.user(), id, version, changes), True)


def change_out(ctx, change: DamChange) -> s.DamChangeOut:
    return s.DamChangeOut(version=change.version, at=ctx.api_time(change.at), actor=change.actor_name,
                          actor_id=change.actor_id, action=change.action, changes=change.changes,
                          application_id=change.application_id, comment=change.comment,
                          document_id=change.document_id)


@endpoint(summary="A dam's history: who registered and changed it, and the permits that moved it (staff)",
          query=s.DamHistoryQuery, response=s.DamHistoryOut, tags=TAGS, errors=(401, 404, 422), gate=gates.dam_staff)
def asset_history(ctx, id: str, query: s.DamHistoryQuery) -> s.DamHistoryOut:
    found, cursor = ctx.deps.assets.history(ctx.user(), id, query.cursor, query.limit, newest_first=query.order == "newest")
    return s.DamHistoryOut(items=[change_out(ctx, c) for c in found], next_cursor=cursor)


def reading_out(day: str, values: dict) -> s.ReadingOut:
    return s.ReadingOut(date=day, **{name: values.get(name) for name in s.ReadingRequest.model_fields})


@endpoint(summary="Enter one day's readings of a dam (a dam operator reaching it); sent again, they replace it",
          body=s.ReadingRequest, response=s.ReadingOut, tags=TAGS, errors=(401, 404, 422), gate=gates.dam_operators)
def put_reading(ctx, id: str, date: str, body: s.ReadingRequest) -> s.ReadingOut:
    values = body.model_dump(exclude_none=True)
    return reading_out(date, ctx.deps.assets.put_reading(ctx.user(), id, date, values))


@endpoint(summary="A dam's daily readings from one day to another, oldest first (staff reaching it)",
          query=s.ReadingsQuery, response=s.ReadingList, tags=TAGS, errors=(401, 404, 422), gate=gates.dam_staff)
def list_readings(ctx, id: str, query: s.ReadingsQuery) -> s.ReadingList:
    days = ctx.deps.assets.readings_between(ctx.user(), id, query.from_, query.to)
    return s.ReadingList(items=[reading_out(day, values) for day, values in days])


@endpoint(summary="Import days of readings from a CSV file (a dam operator reaching the dam): all rows or none",
          text_body="text/csv", response=s.ReadingImportOut, tags=TAGS, errors=(401, 404, 415, 422),
          gate=gates.dam_operators)
def import_readings(ctx, id: str, body: str) -> s.ReadingImportOut:
    imported, alert = ctx.deps.assets.import_readings(ctx.user(), id, body)
    return s.ReadingImportOut(imported=len(imported), first=min(imported), last=max(imported), alert=alert)
