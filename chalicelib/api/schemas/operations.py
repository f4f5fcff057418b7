"""Ops' watch (issue 20): the queues with their dead-letter queues, redrives, and the scheduled
functions' last runs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.schemas.base import Out


class QueueCountsOut(Out):
    queue: str
    visible: int | None = Field(description="approximately, the messages waiting; null if SQS did not answer")
    in_flight: int | None = Field(description="approximately, the messages being handled now")


class QueuePairOut(Out):
    name: str = Field(description="the pair's name, as POST /ops/queues/{name}/redrive takes it")
    queue: QueueCountsOut
    dead_letters: QueueCountsOut = Field(description="its dead-letter queue: messages its function gave up on")


class QueuePairList(Out):
    items: list[QueuePairOut]


class RedriveOut(Out):
    name: str
    moved: int = Field(description="dead letters sent back to the queue (at most 100 a call)")
    left: int | None = Field(description="approximately, what the dead-letter queue still holds")


class LastRunOut(Out):
    started_at: str
    finished_at: str
    outcome: Literal["ok", "failed"]
    error: str | None
    last_ok_at: str | None = Field(description="when a run last went well")
    runs: int
    failures: int


class ScheduleHealthOut(Out):
    name: str
    schedule: str = Field(description="EventBridge's expression, in UTC")
    last_run: LastRunOut | None = Field(description="null until the function has run")


class ScheduleHealthList(Out):
    items: list[ScheduleHealthOut]
