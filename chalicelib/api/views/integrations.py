from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import Result, endpoint

TAGS = ("integrations",)


@endpoint(summary="The send log of the external registries (ops), newest day first", query=s.SendsQuery,
          response=s.SendList, tags=TAGS, errors=(401, 404, 422), gate=gates.ops)
def sends(ctx, query: s.SendsQuery) -> s.SendList:
    from chalicelib.services.integrations import redacted

    entries, next_cursor = ctx.deps.integrations.log(ctx.user(), query.target, query.status, query.date,
                                                     query.cursor, query.limit)
    return s.SendList(items=[send_out(ctx, e, redacted(e.body)) for e in entries], next_cursor=next_cursor)


@endpoint(summary="One record of the send log (ops), with its latest posts and the registry's answers",
          response=s.SendDetailOut, tags=TAGS, errors=(401, 404), gate=gates.ops)
def send_record(ctx, id: str) -> s.SendDetailOut:
    from chalicelib.services.integrations import redacted

    entry, answers = ctx.deps.integrations.record(ctx.user(), id)
    return s.SendDetailOut(
        **send_out(ctx, entry, redacted(entry.body)).model_dump(),
        answers=[s.SendAnswerOut(at=ctx.api_time(a.at), verdict=a.verdict, http_status=a.http_status, code=a.code,
                                 message=a.message, answer=redacted(a.answer)) for a in answers],
    )


def send_out(ctx, e, record) -> s.SendOut:
    from chalicelib.services.integrations import record_id

    return s.SendOut(
        id=record_id(e), target=e.target, dataset=e.dataset, date=e.day, key=e.key, state=e.state, attempts=e.attempts,
        last_http_status=e.last_http_status, last_code=e.last_code, last_message=e.last_message,
        registry_id=e.registry_id, record=record, changes=e.version, saved_change=e.sent_version,
        created_at=ctx.api_time(e.created_at), updated_at=ctx.api_time(e.updated_at),
        last_attempt_at=ctx.api_time(e.last_attempt_at), next_attempt_at=ctx.api_time(e.next_attempt_at),
        sent_at=ctx.api_time(e.sent_at),
    )


@endpoint(summary="Send what has not been saved yet (ops): the day's pending and failed records",
          body=s.RunRequest, response=s.RunAccepted, status=202, tags=TAGS, errors=(401, 404, 422), gate=gates.ops)
def run(ctx, target: str, body: s.RunRequest) -> Result:
    day, count = ctx.deps.integrations.request_run(ctx.user(), target, body.date)
    return Result(s.RunAccepted(target=target, date=day, records_due=count), 202)


@endpoint(summary="Check an NPWP's structure (check digit included)", body=s.NpwpCheckRequest,
          response=s.NpwpCheckOut, tags=("registers",), errors=(401, 404, 422), gate=gates.casework)
def check_npwp(ctx, body: s.NpwpCheckRequest) -> s.NpwpCheckOut:
    result = ctx.deps.integrations.check_npwp(ctx.user(), body.npwp)
    return s.NpwpCheckOut(valid=result.valid, problems=result.problems, npwp=result.compact, formatted=result.formatted)


@endpoint(summary="Check a NIK's structure; with name and birth date, ask the civil registry for a match",
          body=s.NikCheckRequest, response=s.NikCheckOut, tags=("registers",), errors=(401, 404, 422),
          gate=gates.casework)
def check_nik(ctx, body: s.NikCheckRequest) -> s.NikCheckOut:
    structure, remote = ctx.deps.integrations.check_nik(ctx.user(), body.nik, body.name, body.birth_date)
    district = structure.district
    return s.NikCheckOut(
        valid=structure.valid, problems=structure.problems,
        province=district.province_name if district else None, regency=district.regency_name if district else None,
        district=district.name if district else None,
        birth_date=structure.birth_date.isoformat() if structure.birth_date else None, sex=structure.sex,
        registry=s.RegistryMatchOut(checked=remote.checked, match=remote.match, reason=remote.reason),
    )


@endpoint(summary="Enter a day's balance of one of the unit's accounts for the finance registry (finance staff); "
                  "entering the same day and account again replaces it",
          body=s.BalanceRequest, response=s.SendOut, tags=TAGS, errors=(401, 404, 422), gate=gates.finance_of)
def set_balance(ctx, node_id: str, kind: str, date: str, body: s.BalanceRequest) -> s.SendOut:
    entry = ctx.deps.registry_inputs.set_balance(ctx.user(), node_id, kind, date, body.model_dump(exclude_none=True))
    return send_out(ctx, entry, entry.body)


@endpoint(summary="Enter the unit's staff counts by category on a day for the finance registry (HR); "
                  "entering the same day again replaces them",
          body=s.StaffCountsRequest, response=s.SendOut, tags=TAGS, errors=(401, 404, 422), gate=gates.hr_of)
def set_staff(ctx, node_id: str, date: str, body: s.StaffCountsRequest) -> s.SendOut:
    entry = ctx.deps.registry_inputs.set_staff(ctx.user(), node_id, date, body.model_dump())
    return send_out(ctx, entry, entry.body)


@endpoint(summary="Answer the satisfaction survey of one's own approved or rejected application, once",
          body=s.SurveyRequest, response=s.SurveyOut, status=201, tags=("applications",),
          errors=(401, 404, 409, 422), gate=gates.application)
def answer_survey(ctx, id: str, body: s.SurveyRequest) -> Result:
    answer = ctx.deps.surveys.answer(ctx.user(), id, body.scores.model_dump())
    return Result(s.SurveyOut(**answer), 201)
