"""Routes of the local stage only: the mailbox, the demo data, schedules and the clock.
Every deployed stage answers 404 (the pipeline checks `local_only`)."""

import json

import urllib.request
from pathlib import Path

from chalicelib import local_runtime
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint
from chalicelib.domain.errors import NotFound, Unavailable

TAGS = ("local",)


@endpoint(summary="Every e-mail the system sent, newest first", auth=False, query=s.MailQuery, response=s.MailList,
          tags=TAGS, local_only=True)
def mail(ctx, query: s.MailQuery) -> s.MailList:
    url = ctx.deps.settings.local_mailbox_url
    if not url:
        raise Unavailable("no local mailbox is configured")
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - a loopback URL from settings
        items = json.load(answer)["items"]
    wanted = query.to.strip().lower() if query.to else None
    return s.MailList(items=[
        s.MailOut(to=item["to"], subject=item["subject"], text=item["text"], at=item["at"])
        for item in items
        if wanted is None or wanted in [address.lower() for address in item["to"]]
    ])


@endpoint(summary="The demo accounts and offices", auth=False, response=s.DemoOut, tags=TAGS, local_only=True)
def demo(ctx) -> s.DemoOut:
    path = ctx.deps.settings.demo_manifest_file
    if not path or not Path(path).exists():
        raise NotFound("no demo data was seeded")
    return s.DemoOut.model_validate_json(Path(path).read_text(encoding="utf-8"))


@endpoint(summary="Every scheduled function", auth=False, response=s.ScheduleList, tags=TAGS, local_only=True)
def list_schedules(ctx) -> s.ScheduleList:
    return s.ScheduleList(items=[
        s.ScheduleOut(name=name, schedule=expression) for name, expression in local_runtime.scheduled_functions(ctx.app)
    ])


@endpoint(summary="Run a scheduled function now, as its schedule would", auth=False, response=s.ScheduleRunOut,
          tags=TAGS, errors=(404,), local_only=True)
def run_schedule(ctx, name: str) -> s.ScheduleRunOut:
    if name not in dict(local_runtime.scheduled_functions(ctx.app)):
        raise NotFound("no scheduled function has this name")
    now = ctx.deps.clock.now()
    function = local_runtime.handler(ctx.app, name)
    function(local_runtime.scheduled_event(name, now, ctx.deps.settings.aws_region),
             local_runtime.LocalLambdaContext(name, local_runtime.configured_timeout(name)))
    return s.ScheduleRunOut(name=name, ran_at=ctx.api_time(now))


def _clock(ctx):
    clock = ctx.deps.clock
    if not hasattr(clock, "advance"):
        raise Unavailable("this stage's clock cannot be moved")
    return clock


@endpoint(summary="The local system's time", auth=False, response=s.ClockOut, tags=TAGS, local_only=True)
def get_clock(ctx) -> s.ClockOut:
    clock = _clock(ctx)
    return s.ClockOut(now=ctx.api_time(clock.now()), offset_seconds=clock.offset_seconds())


@endpoint(summary="Move the local system's clock forward", auth=False, body=s.ClockRequest, response=s.ClockOut,
          tags=TAGS, errors=(422,), local_only=True)
def advance_clock(ctx, body: s.ClockRequest) -> s.ClockOut:
    clock = _clock(ctx)
    now = clock.advance(body.advance_seconds)
    return s.ClockOut(now=ctx.api_time(now), offset_seconds=clock.offset_seconds())


