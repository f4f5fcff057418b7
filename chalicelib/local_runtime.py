"""How the local stack plays Lambda's part: the event shapes AWS hands a scheduled or an
SQS-triggered function, and finding those functions on the Chalice app. Used by the local
worker and by the /_local routes (which answer 404 on every deployed stage)."""

from __future__ import annotations

import contextvars
import functools
import importlib
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from chalice import Chalice

LOCAL_ACCOUNT = "123456789012"

# The function whose invocation this is, as Lambda would run it (its own role, its own policy):
# set around every local invocation, read by the test suite's record of AWS calls
# (tests/aws_calls.py), which checks each call against that function's policy file.
running_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("running_function", default=None)
# The same, process-wide: the threads a function starts (a pool reading photos) do not inherit
# the context variable; in-process tests run one function at a time, so this names it.
running_anywhere: list[str] = []


def _expression(config: Any) -> str:
    expression = config.schedule_expression
    return expression if isinstance(expression, str) else expression.to_string()


def scheduled_functions(app: Chalice) -> list[tuple[str, str]]:
    """(name, schedule expression) of every @app.schedule function."""
    found = []
    for config in app.event_sources:
        if hasattr(config, "schedule_expression"):
            found.append((config.name, _expression(config)))
    return sorted(found)


def queue_functions(app: Chalice) -> list[tuple[str, str, int]]:
    """(name, queue name, batch size) of every @app.on_sqs_message function."""
    found = []
    for config in app.event_sources:
        if type(config).__name__ == "SQSEventConfig":
            found.append((config.name, config.queue, config.batch_size))
    return sorted(found)


def stream_functions(app: Chalice) -> list[tuple[str, int]]:
    """(name, batch size) of every @app.on_dynamodb_record function."""
    return sorted((config.name, config.batch_size) for config in app.event_sources
                  if type(config).__name__ == "DynamoDBEventConfig")


def stream_batching_window(app: Chalice, name: str) -> int:
    """The seconds an @app.on_dynamodb_record function's records are gathered before a batch is
    handed to it (its maximum_batching_window_in_seconds; 0: at once)."""
    return next((config.maximum_batching_window_in_seconds or 0) for config in app.event_sources
                if type(config).__name__ == "DynamoDBEventConfig" and config.name == name)


def handler(app: Chalice, name: str) -> Callable[[dict, Any], Any]:
    """The deployed entry point of an event function: what Lambda would call, run as `name`."""
    for config in app.event_sources:
        if config.name == name:
            module_name, _, attribute = config.handler_string.rpartition(".")
            return _running_as(name, getattr(importlib.import_module(module_name), attribute))
    raise KeyError(name)


def _running_as(name: str, function: Callable[[dict, Any], Any]) -> Callable[[dict, Any], Any]:
    @functools.wraps(function)
    def invoke(event: dict, context: Any) -> Any:
        token = running_function.set(name)
        running_anywhere.append(name)
        try:
            return function(event, context)
        finally:
            running_anywhere.remove(name)
            running_function.reset(token)

    return invoke


def scheduled_event(name: str, when: datetime, region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": LOCAL_ACCOUNT,
        "time": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{LOCAL_ACCOUNT}:rule/{name}"],
        "detail": {},
    }


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """Lambda's SQS event from ReceiveMessage results (AttributeNames=All)."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": lambda_message_attributes(message.get("MessageAttributes", {})),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def configured_timeout(function_name: str) -> int:
    """The function's lambda_timeout in .chalice/config.json (local stage only: the deployed
    package has no .chalice), so a local run gets the time its Lambda would."""
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).resolve().parent.parent / ".chalice" / "config.json").read_text())
    own = config.get("lambda_functions", {}).get(function_name, {})
    return int(own.get("lambda_timeout") or config.get("lambda_timeout") or 60)


class LocalLambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_seconds: int = 60, memory_mb: int = 512) -> None:
        import time

        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:{LOCAL_ACCOUNT}:function:{function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        import time

        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """ReceiveMessage's attributes ({"StringValue", "DataType"}) as Lambda hands them to a
    function ({"stringValue", "dataType", …})."""
    return {
        name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
               "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType", "String")}
        for name, value in attributes.items()
    }
