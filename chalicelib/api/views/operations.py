"""Ops' watch over the machinery (issue 20): queues, redrives, scheduled functions."""

from chalicelib.api import gates
from chalicelib.api import schemas as s
from chalicelib.api.http import endpoint

TAGS = ("operations",)


def _counts(queue: str, counts) -> s.QueueCountsOut:
    return s.QueueCountsOut(queue=queue, visible=counts.visible, in_flight=counts.in_flight)


@endpoint(summary="Each queue and its dead-letter queue with their approximate counts (ops)",
          response=s.QueuePairList, tags=TAGS, errors=(401, 404), gate=gates.ops)
def queues(ctx) -> s.QueuePairList:
    pairs = ctx.deps.operations_for(ctx.app).queue_pairs(ctx.user())
    return s.QueuePairList(items=[
        s.QueuePairOut(name=p.name, queue=_counts(p.queue, p.counts), dead_letters=_counts(p.dead_letter_queue, p.dead_letters))
        for p in pairs
    ])


@endpoint(summary="Move a dead-letter queue's messages back to their queue (ops; at most 100 a call)",
          response=s.RedriveOut, tags=TAGS, errors=(401, 404, 503), gate=gates.ops)
def redrive(ctx, name: str) -> s.RedriveOut:
    done = ctx.deps.operations_for(ctx.app).redrive(ctx.user(), name)
    return s.RedriveOut(name=done.name, moved=done.moved, left=done.left)


@endpoint(summary="Every scheduled function with its last run and outcome (ops)",
          response=s.ScheduleHealthList, tags=TAGS, errors=(401, 404), gate=gates.ops)
def schedules(ctx) -> s.ScheduleHealthList:
    found = ctx.deps.operations_for(ctx.app).schedules(ctx.user())
    return s.ScheduleHealthList(items=[
        s.ScheduleHealthOut(name=h.name, schedule=h.schedule, last_run=None if h.last_run is None else s.LastRunOut(
            started_at=ctx.api_time(h.last_run.started_at), finished_at=ctx.api_time(h.last_run.finished_at),
            outcome=h.last_run.outcome, error=h.last_run.error, last_ok_at=ctx.api_time(h.last_run.last_ok_at),
            runs=h.last_run.runs, failures=h.last_run.failures))
        for h in found
    ])
