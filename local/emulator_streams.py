"""moto's DynamoDB Streams, made to answer GetRecords in about the time AWS would.

moto serializes a GetRecords answer through its generic shape-walking serializer, about 7 ms a
record: a batch of 100 took most of a second of the emulator's one core. The answer is plain
JSON (DynamoDB's attribute values are already in the wire format), so it is written with
json.dumps; the only non-JSON value is a record's creation time, a datetime, which the wire
format gives in epoch seconds.

moto also keeps every iterator it ever handed out; the one a GetRecords used is forgotten here
(a reader continues from the NextShardIterator, as on AWS, where an iterator is good for one use
in practice and expires after 15 minutes). And it keeps every record of the stream for as long as
it runs, each with the item's whole image: a shard here keeps its newest RECORDS_KEPT records
(DynamoDB keeps 24 hours), so a long load run does not fill the memory; a reader behind the
oldest kept goes on from there, as one behind the 24 hours would on AWS.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from moto.dynamodb.models.table import StreamShard
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

RECORDS_KEPT = 200_000
_moto_add = StreamShard.add


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _get_records(self: DynamoDBStreamsHandler) -> str:
    iterator = self._get_param("ShardIterator")
    limit = self._get_param("Limit") or 1000
    answer = self.backend.get_records(iterator, limit)
    self.backend.shard_iterators.pop(iterator, None)
    return json.dumps(answer, default=_wire_value)


def _add_keeping_the_newest(self: StreamShard, old: Any, new: Any) -> None:
    _moto_add(self, old, new)
    if len(self.items) > RECORDS_KEPT:
        # A record's sequence number is its place in the list plus the shard's first number:
        # moving that first number on keeps every kept record's number.
        dropped = len(self.items) - RECORDS_KEPT // 2
        del self.items[:dropped]
        self.starting_sequence_number += dropped


def _records_from(self: StreamShard, start: int, quantity: int) -> list[dict[str, Any]]:
    first = max(start, self.starting_sequence_number) - self.starting_sequence_number
    return [record.to_json() for record in self.items[first:first + quantity]]


def install() -> None:
    DynamoDBStreamsHandler.get_records = _get_records  # type: ignore[method-assign]
    StreamShard.add = _add_keeping_the_newest  # type: ignore[method-assign]
    StreamShard.get = _records_from  # type: ignore[method-assign]
