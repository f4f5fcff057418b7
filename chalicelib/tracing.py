"""X-Ray tracing (Powertools Tracer), started once per Lambda container by logs.configure().

Lambda's active tracing (`"xray": true` in .chalice/config.json) records every invocation; the
Tracer patches botocore and requests so that every AWS call (DynamoDB, S3, SQS, SES, KMS…) and
every call to a registry or a subscriber is a subsegment of it, with its latency and errors.
Outside Lambda (the local stack, the tests) Powertools leaves tracing off by itself (no
LAMBDA_TASK_ROOT), and then neither Powertools' tracer nor the X-Ray SDK is even imported.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

_tracer = None


def start() -> None:
    global _tracer
    if _tracer is not None or not os.environ.get("LAMBDA_TASK_ROOT") or os.environ.get("AWS_CHALICE_CLI_MODE"):
        return
    from aws_lambda_powertools import Tracer

    # The service name is POWERTOOLS_SERVICE_NAME (.chalice/config.json), which Powertools reads itself.
    _tracer = Tracer(patch_modules=("botocore", "requests"))


@contextlib.contextmanager
def traced(name: str, correlation_id: str | None) -> Iterator[None]:
    """A subsegment around one piece of work (a request, a queue record), annotated with its
    correlation id: X-Ray finds it with `annotation.correlation_id = "…"`. Nothing outside Lambda."""
    if _tracer is None:
        yield
        return
    with _tracer.provider.in_subsegment(name) as subsegment:
        if correlation_id:
            subsegment.put_annotation("correlation_id", correlation_id)
        yield
