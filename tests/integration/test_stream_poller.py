"""The local worker plays Lambda for a DynamoDB stream (local/stream_poller.py): batches of the
function's size in Lambda's event shape, the same batch handed again after a failure, and the
shard moved on only past a batch that succeeded."""

import sys
import types
import uuid

import boto3
from chalice import Chalice

from local.stack import REGION
from local.stream_poller import StreamPoller


def _table_with_stream(endpoint):
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    name = f"stream-test-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    return dynamodb, name


def _app_for(outcomes):
    """A function that records each batch's keys and raises while `outcomes` says "fail"."""
    app = Chalice(app_name="stream-test")
    batches = []

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:ap-southeast-3:123456789012:table/t/stream/x", batch_size=2,
                            name="consume")
    def consume(event):
        batches.append([(r.event_name, r.keys["pk"]["S"], r.new_image["n"]["N"], r.event_source_arn) for r in event])
        if outcomes and outcomes.pop(0) == "fail":
            raise RuntimeError("the function failed")

    module = types.ModuleType(f"stream_test_{uuid.uuid4().hex[:6]}")
    module.consume = consume
    sys.modules[module.__name__] = module
    app.event_sources[-1].handler_string = f"{module.__name__}.consume"
    return app, batches


def test_a_stream_is_handed_in_batches_and_a_failed_batch_again_until_it_succeeds(emulator):
    dynamodb, table = _table_with_stream(emulator.url)
    for n in range(5):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"item-{n}"}, "n": {"N": str(n)}})
    app, batches = _app_for(["ok", "fail", "fail"])
    poller = StreamPoller(app, "consume", 2, table, REGION, emulator.url)
    stream = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]

    assert poller.poll_once() == 2
    assert batches[-1] == [("INSERT", "item-0", "0", stream), ("INSERT", "item-1", "1", stream)]
    for _ in range(2):  # the function fails twice on the next batch: it is handed again each time
        try:
            poller.poll_once()
        except RuntimeError:
            pass
        else:
            raise AssertionError("the function's failure was not raised")
        assert [key for _, key, _, _ in batches[-1]] == ["item-2", "item-3"]
    assert poller.poll_once() == 2  # the same batch, now handled
    assert [key for _, key, _, _ in batches[-1]] == ["item-2", "item-3"]
    assert poller.drain() == 1 and [key for _, key, _, _ in batches[-1]] == ["item-4"]
    assert poller.poll_once() == 0  # nothing new: nothing handed

    dynamodb.put_item(TableName=table, Item={"pk": {"S": "item-0"}, "n": {"N": "10"}})
    assert poller.poll_once() == 1 and batches[-1] == [("MODIFY", "item-0", "10", stream)]


def test_a_reader_behind_the_records_the_emulator_keeps_goes_on_from_the_oldest_kept(emulator, monkeypatch):
    """The emulator keeps a shard's newest records only (DynamoDB keeps 24 hours): a reader
    behind them goes on from the oldest kept, as one behind the 24 hours would on AWS, and the
    sequence numbers of what is kept do not change."""
    from local import emulator_streams

    dynamodb, table = _table_with_stream(emulator.url)
    for n in range(3):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"item-{n}"}, "n": {"N": str(n)}})
    app, batches = _app_for([])
    poller = StreamPoller(app, "consume", 2, table, REGION, emulator.url)
    assert poller.drain() == 3
    monkeypatch.setattr(emulator_streams, "RECORDS_KEPT", 4)
    for n in range(3, 10):  # kept: [3, 4] at the 5th record, then [6, 7] at the 8th, then [6, 7, 8, 9]
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"item-{n}"}, "n": {"N": str(n)}})
    assert poller.drain() == 4
    assert [key for batch in batches[2:] for _, key, _, _ in batch] == ["item-6", "item-7", "item-8", "item-9"]


def test_records_written_within_the_batching_window_are_handed_as_one_batch(emulator):
    """maximum_batching_window_in_seconds: the first record found waits for the window, and what
    was written meanwhile comes in the same batch (up to the batch size), as Lambda gathers."""
    import threading

    dynamodb, table = _table_with_stream(emulator.url)
    app, batches = _app_for([])
    poller = StreamPoller(app, "consume", 2, table, REGION, emulator.url, batching_window_seconds=1.0)
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "first"}, "n": {"N": "1"}})
    writer = threading.Timer(0.3, lambda: dynamodb.put_item(TableName=table, Item={"pk": {"S": "second"}, "n": {"N": "2"}}))
    writer.start()
    assert poller.poll_once() == 2
    writer.join()
    assert [[key for _, key, _, _ in batch] for batch in batches] == [["first", "second"]]
    # A full batch is not held back: the batch size reached, it goes at once, the rest after.
    for n in range(3):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"burst-{n}"}, "n": {"N": str(n)}})
    assert poller.poll_once() == 2 and [key for _, key, _, _ in batches[-1]] == ["burst-0", "burst-1"]
    assert poller.poll_once() == 1 and [key for _, key, _, _ in batches[-1]] == ["burst-2"]
