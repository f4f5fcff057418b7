"""The table's stream, replayed into whatever `@app.on_dynamodb_record` functions app.py declares
(none on the day this was written; the counters' aggregation is to be one): every write the replay
recorded becomes a stream record (new and old image, as the shadow holds them), and each second's
records are handed to each stream function in batches of its batch size, as Lambda's poller would
(one batch across the table: fewer, larger batches than one per stream shard — an optimistic
batching). The functions run their own code on the real composition root, whose DynamoDB
requests are recorded like the rest, in the second the records were written."""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from typing import Any, Iterator

from bench.capacity_capture import TABLE

# What the composition root needs to be built; nothing here is reached (every AWS call is caught).
REPLAY_SETTINGS = {
    "STAGE": "replay", "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "TABLE_NAME": TABLE, "APP_SECRET_ID": "replay/app-secret", "MAIL_FROM": "no-reply@replay.example",
    "WEB_BASE_URL": "https://replay.example", "UPLOADS_BUCKET": "replay-uploads", "QUARANTINE_BUCKET": "replay-quarantine",
    "PII_KEY_ID": "alias/replay", "PII_LOOKUP_SECRET_ID": "replay/nik-lookup-key",
}


def chalice_app() -> Any:
    import app as application

    return application.app


def stream_functions() -> list[tuple[str, Any, int]]:
    """(name, handler, batch size) of each function the table's stream triggers."""
    app = chalice_app()
    found = []
    for source in app.event_sources:
        if type(source).__name__ == "DynamoDBEventConfig":
            found.append((source.name, app.handler_map[source.name], int(getattr(source, "batch_size", 100) or 100)))
    return found


def queue_concurrency_caps() -> dict[str, int]:
    """The `maximum_concurrency` each SQS-triggered function is declared with in app.py."""
    caps = {}
    for source in chalice_app().event_sources:
        cap = getattr(source, "maximum_concurrency", None)
        if type(source).__name__ == "SQSEventConfig" and cap:
            caps[source.name] = int(cap)
    return caps


def stream_record(number: int, old: dict[str, Any] | None, new: dict[str, Any] | None, moment: float) -> dict[str, Any]:
    image = new or old or {}
    event = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
    body: dict[str, Any] = {"ApproximateCreationDateTime": moment, "Keys": {"pk": image["pk"], "sk": image["sk"]},
                            "SequenceNumber": f"{number:021d}", "SizeBytes": 100,
                            "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if new is not None:
        body["NewImage"] = new
    if old is not None:
        body["OldImage"] = old
    return {"eventID": f"replay-{number}", "eventName": event, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "ap-southeast-3", "dynamodb": body,
            "eventSourceARN": f"arn:aws:dynamodb:ap-southeast-3:000000000000:table/{TABLE}/stream/replay"}


def replay_stream(replay: Any, start_epoch: float) -> dict[str, int]:
    """Hand each second's stream records to the stream functions (one operation per batch);
    answers the records handed to each (none when app.py declares no stream function)."""
    import time

    recorder = replay.recorder
    functions = stream_functions()
    handed: dict[str, int] = defaultdict(int)
    if not functions or recorder.stream is None:
        return dict(handed)
    by_second: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for number, (second, old, new) in enumerate(recorder.stream):
        by_second[second].append(stream_record(number, old, new, start_epoch + second))
    recorder.stream = None  # the functions' own writes are not fed back
    context = _LambdaContext()
    with _replay_settings():
        for second in sorted(by_second):
            recorder.second = second
            records = by_second[second]
            for name, handler, batch_size in functions:
                recorder.operation = f"stream: {name}"
                for begin in range(0, len(records), batch_size):
                    started = time.process_time()
                    handler({"Records": records[begin:begin + batch_size]}, context)
                    replay.cpu[recorder.operation] += time.process_time() - started
                    replay.operations[recorder.operation] += 1
                    handed[name] += len(records[begin:begin + batch_size])
    return dict(handed)


@contextlib.contextmanager
def _replay_settings() -> Iterator[None]:
    """The composition root built on the replay's settings while the stream functions run, and
    the process's own environment and composition root given back after."""
    from chalicelib import deps

    saved = {name: os.environ.get(name) for name in REPLAY_SETTINGS}
    os.environ.update(REPLAY_SETTINGS)
    deps.reset()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        deps.reset()


class _LambdaContext:
    function_name = "replay"
    aws_request_id = "replay"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:000000000000:function:replay"
    memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
