"""moto's DynamoDB Streams, made to answer GetRecords in about the time AWS would.

moto serializes a GetRecords answer through its generic shape-walking serializer, about 7 ms a
record: a batch of 100 took most of a second of the emulator's one core. The answer is plain
JSON (DynamoDB's attribute values are already in the wire format), so it is written with
json.dumps; the only non-JSON value is a record's creation time, a datetime, which the wire
format gives in epoch seconds.

moto also keeps every iterator it ever handed out; the one a GetRecords used is forgotten here
(a reader continues from the NextShardIterator, as on AWS, where an iterator is good for one use
in practice and expires after 15 minutes).

Every write makes a stream record. moto's copies both images whatever the stream's view type and
serializes the record once more to measure it (SizeBytes, which no reader here uses): half a
millisecond a write. Here a record holds only the image its view type names, measured by nobody. And it keeps every record of the stream for as long as
it runs, each with the item's whole image: a shard here keeps its newest RECORDS_KEPT records
(DynamoDB keeps 24 hours), so a long load run does not fill the memory; a reader behind the
oldest kept goes on from there, as one behind the 24 hours would on AWS.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow
from moto.dynamodb.models.table import StreamRecord, StreamShard
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


def _record(self: StreamRecord, table: Any, stream_type: str, event_name: str, old: Any, new: Any, seq: int) -> None:
    written = old if old is not None else new
    keys = {table.hash_key_attr: written.hash_key.to_json()}
    if table.range_key_attr is not None:
        keys[table.range_key_attr] = written.range_key.to_json()
    dynamodb: dict[str, Any] = {"StreamViewType": stream_type, "ApproximateCreationDateTime": utcnow(),
                                "SequenceNumber": str(seq), "SizeBytes": 1, "Keys": keys}
    if stream_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and new is not None:
        dynamodb["NewImage"] = new.to_json()["Attributes"]
    if stream_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and old is not None:
        dynamodb["OldImage"] = old.to_json()["Attributes"]
    self.record = {"eventID": uuid.uuid4().hex, "eventName": event_name, "eventSource": "aws:dynamodb",
                   "eventVersion": "1.0", "awsRegion": "us-east-1", "dynamodb": dynamodb}


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
    StreamRecord.__init__ = _record  # type: ignore[method-assign]
