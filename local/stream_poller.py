"""Lambda's part for the @app.on_dynamodb_record functions on the local stack: the table's stream
read as Lambda's event source mapping reads it.

* Every shard of the table's latest stream is read from its start (TRIM_HORIZON: the local stack
  starts with its table), in order, up to the function's batch size at a time.
* A batch is handed to the function in Lambda's event shape. When the function returns, the shard
  moves on past it; when it raises, the shard stays where it was and the same batch is handed
  again (Lambda retries a stream batch until it succeeds or the records expire), so a function
  must count a batch it sees twice once.
* An idle shard is polled four times a second, as Lambda polls a stream shard.
* With a batching window (`maximum_batching_window_in_seconds`), records found are gathered for
  that long before the batch is handed, unless the batch is full first: one GetRecords when
  the first record is found, one when the window ends, and one function call for whatever
  the window gathered (a change every few hundred milliseconds is one batch, not one each).

The stream is found from the table (DescribeTable's LatestStreamArn), not from the ARN app.py
was given: the local stage names a placeholder (chalicelib/table_stream.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

import boto3

from chalicelib import local_runtime

log = logging.getLogger("worker")
IDLE_POLL_SECONDS = 0.25
RETRY_SECONDS = 1.0


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record as Lambda hands it to a function (its creation time in epoch seconds,
    the stream's ARN named)."""
    dynamodb = dict(record.get("dynamodb", {}))
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {"eventID": record.get("eventID"), "eventName": record.get("eventName"), "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": region, "dynamodb": dynamodb, "eventSourceARN": stream_arn}


class StreamPoller:
    def __init__(self, app: Any, name: str, batch_size: int, table_name: str, region: str, endpoint: str | None,
                 timeout_seconds: int = 60, batching_window_seconds: float = 0,
                 stop: threading.Event | None = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.batching_window_seconds = batching_window_seconds
        self.stop = stop or threading.Event()  # set: the window's wait ends at once
        self.table_name = table_name
        self.region = region
        self.timeout_seconds = timeout_seconds
        self.dynamodb = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint)
        self.streams = boto3.client("dynamodbstreams", region_name=region, endpoint_url=endpoint)
        self.function = local_runtime.handler(app, name)
        self.stream_arn: str | None = None
        self.shards: list[str] = []
        # Per shard: the last sequence number handed successfully, and the iterator past it.
        self.handed: dict[str, str] = {}
        self.iterators: dict[str, str | None] = {}

    def find_stream(self) -> str:
        if self.stream_arn is None:
            arn = self.dynamodb.describe_table(TableName=self.table_name)["Table"].get("LatestStreamArn")
            if not arn:
                raise RuntimeError(f"table {self.table_name} has no stream (infra/template.yaml StreamSpecification)")
            shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
            self.stream_arn, self.shards = arn, [shard["ShardId"] for shard in shards]
        return self.stream_arn

    def _iterator(self, arn: str, shard: str) -> str:
        found = self.iterators.get(shard)
        if found:
            return found
        after = self.handed.get(shard)
        where = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                 else {"ShardIteratorType": "TRIM_HORIZON"})
        return self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **where)["ShardIterator"]

    def _poll_shard(self, arn: str, shard: str) -> int:
        answer = self.streams.get_records(ShardIterator=self._iterator(arn, shard), Limit=self.batch_size)
        records = answer.get("Records", [])
        if not records:
            self.iterators[shard] = answer.get("NextShardIterator")
            return 0
        # Whatever happens next, the iterator is spent: a failed batch is read again from the last
        # sequence number handed.
        self.iterators[shard] = None
        if self.batching_window_seconds and len(records) < self.batch_size:
            self.stop.wait(self.batching_window_seconds)
            following = answer.get("NextShardIterator")
            if following:
                answer = self.streams.get_records(ShardIterator=following, Limit=self.batch_size - len(records))
                records = records + answer.get("Records", [])
        event = {"Records": [lambda_record(record, arn, self.region) for record in records]}
        self.function(event, local_runtime.LocalLambdaContext(self.name, self.timeout_seconds))
        self.handed[shard] = records[-1]["dynamodb"]["SequenceNumber"]
        self.iterators[shard] = answer.get("NextShardIterator")
        return len(records)

    def poll_once(self) -> int:
        """Hand one batch of each shard that has records; answers how many records were handed.
        Raises what the function raised (its batch is handed again next time)."""
        arn = self.find_stream()
        return sum(self._poll_shard(arn, shard) for shard in self.shards)

    def drain(self) -> int:
        """Every record written so far handed (the tests' settle_counters); raises on a failure."""
        handed = 0
        while (count := self.poll_once()):
            handed += count
        return handed

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if self.poll_once() == 0:
                    stop.wait(IDLE_POLL_SECONDS)
            except Exception:
                log.exception("worker: %s failed on a stream batch; it will be handed again", self.name)
                stop.wait(RETRY_SECONDS)
