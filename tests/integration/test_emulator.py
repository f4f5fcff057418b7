"""The local emulator itself: atomic requests, the template as the one source of truth."""

import threading

import boto3
import pytest

from local.provision import load_template
from local.stack import REGION


def test_twenty_concurrent_conditional_writes_to_one_item_have_exactly_one_winner(aws):
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
    key = {"pk": {"S": "RACE#1"}, "sk": {"S": "R"}}
    ddb.put_item(TableName="satupintu", Item={**key, "version": {"N": "1"}})
    winners, losers = [], []
    barrier = threading.Barrier(20)

    def write(i: int) -> None:
        client = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
        barrier.wait()
        try:
            client.update_item(
                TableName="satupintu", Key=key, UpdateExpression="SET version = :new, winner = :me",
                ConditionExpression="version = :old",
                ExpressionAttributeValues={":old": {"N": "1"}, ":new": {"N": "2"}, ":me": {"N": str(i)}},
            )
            winners.append(i)
        except client.exceptions.ConditionalCheckFailedException:
            losers.append(i)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1 and len(losers) == 19
    item = ddb.get_item(TableName="satupintu", Key=key)["Item"]
    assert item["winner"]["N"] == str(winners[0])


def test_the_table_on_the_emulator_is_the_template_and_matches_the_models(aws):
    from chalicelib.adapters.dynamodb import models

    template = load_template()["Resources"]["MainTable"]["Properties"]
    in_template = {g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]] for g in template["GlobalSecondaryIndexes"]}
    table = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url).describe_table(
        TableName="satupintu")["Table"]
    on_emulator = {g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]] for g in table["GlobalSecondaryIndexes"]}
    assert on_emulator == in_template
    declared = {}
    for model in models.every_model():
        for index in model._indexes.values():
            declared[index.Meta.index_name] = [k["AttributeName"] for k in index._get_schema()["key_schema"]]
    assert declared == in_template


def test_queues_have_a_dead_letter_queue_and_a_visibility_timeout_of_six_function_timeouts(aws):
    import json

    from tests.conftest import PROJECT

    chalice_config = json.loads((PROJECT / ".chalice" / "config.json").read_text())
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=aws.url)
    from chalicelib.config import Settings

    import app as app_module
    from chalicelib import local_runtime

    functions = local_runtime.queue_functions(app_module.app)
    assert {queue for _name, queue, _size in functions} == {
        "satupintu-notifications", "satupintu-scan", "satupintu-scan-dlq", "satupintu-render",
        "satupintu-integrations", "satupintu-accounts", "satupintu-mail-events"}
    for name, queue, batch_size in functions:
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].split(":")[-1].startswith(queue.removesuffix("-dlq"))
        assert int(redrive["maxReceiveCount"]) >= 5
        assert batch_size == 1  # Chalice never sets ReportBatchItemFailures
        timeout = chalice_config["lambda_functions"][name]["lambda_timeout"]
        assert int(attributes["VisibilityTimeout"]) >= 6 * timeout, name
        if queue == "satupintu-notifications":
            # The delivery's last attempt knows it is the last: settings agree with infra.
            assert int(redrive["maxReceiveCount"]) == Settings.model_fields["notification_max_receives"].default
            from chalicelib.workers.notifications import IN_PROGRESS_RETRY_SECONDS

            assert IN_PROGRESS_RETRY_SECONDS >= timeout
        if queue == "satupintu-render":
            assert int(redrive["maxReceiveCount"]) == Settings.model_fields["render_max_receives"].default


def test_a_transaction_retried_with_its_token_is_applied_once_as_on_dynamodb(aws):
    import uuid

    import botocore.exceptions

    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
    key = {"pk": {"S": f"TEST#{uuid.uuid4().hex}"}, "sk": {"S": "T"}}
    add_one = [{"Update": {"TableName": "satupintu", "Key": key, "UpdateExpression": "ADD n :one",
                           "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    token = uuid.uuid4().hex
    client.transact_write_items(TransactItems=add_one, ClientRequestToken=token)
    client.transact_write_items(TransactItems=add_one, ClientRequestToken=token)  # a retry after a lost answer
    assert client.get_item(TableName="satupintu", Key=key)["Item"]["n"] == {"N": "1"}
    client.transact_write_items(TransactItems=add_one, ClientRequestToken=uuid.uuid4().hex)
    assert client.get_item(TableName="satupintu", Key=key)["Item"]["n"] == {"N": "2"}
    other = [{"Put": {"TableName": "satupintu", "Item": {**key, "n": {"N": "9"}}}}]
    with pytest.raises(botocore.exceptions.ClientError) as mismatch:
        client.transact_write_items(TransactItems=other, ClientRequestToken=token)
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_a_failed_condition_leaves_every_item_of_the_transaction_untouched(aws):
    import uuid

    import botocore.exceptions

    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws.url)
    first = {"pk": {"S": f"TEST#{uuid.uuid4().hex}"}, "sk": {"S": "T"}}
    second = {"pk": {"S": f"TEST#{uuid.uuid4().hex}"}, "sk": {"S": "T"}}
    with pytest.raises(botocore.exceptions.ClientError) as cancelled:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "satupintu", "Item": {**first, "v": {"S": "written?"}}}},
            {"Put": {"TableName": "satupintu", "Item": second, "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert "Item" not in client.get_item(TableName="satupintu", Key=first)


# ---- Queries read one partition (local/dynamodb_partitions.py) -----------------------------

_PARTITIONS = ["A", "B", "C"]
_GROUPS = ["g1", "g2", "g3", None]  # None: the item is not in the sparse index


def _partition_table(client, name: str) -> None:
    string, number = "S", "N"
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in (
            ("pk", string), ("sk", string), ("gpk", string), ("gsk", string), ("state", string), ("rank", number))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-group", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}, {"AttributeName": "gsk", "KeyType": "RANGE"}]},
            {"IndexName": "by-state", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"}]},
            {"IndexName": "by-number", "Projection": {"ProjectionType": "ALL"},  # a number as partition key
             "KeySchema": [{"AttributeName": "rank", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]},
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "by-rank", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "rank", "KeyType": "RANGE"}]},
        ],
    )


def _random_item(rng) -> dict:
    item = {"pk": {"S": rng.choice(_PARTITIONS)}, "sk": {"S": f"S#{rng.randrange(40):02d}"},
            "rank": {"N": str(rng.randrange(-5, 30))}, "n": {"N": str(rng.randrange(100))}}
    group = rng.choice(_GROUPS)
    if group:
        item["gpk"] = {"S": group}
        if rng.random() < 0.8:  # sometimes a partition key without the index's sort key: not indexed
            item["gsk"] = {"S": f"G#{rng.randrange(15):02d}"}
    if rng.random() < 0.6:
        item["state"] = {"S": rng.choice(["open", "done"])}
    return item


def _random_update(rng) -> dict:
    """An UpdateItem's arguments that move the item between (or out of) index partitions."""
    choice = rng.randrange(4)
    if choice == 0:
        return {"UpdateExpression": "SET gpk = :g, gsk = :s",
                "ExpressionAttributeValues": {":g": {"S": rng.choice(_GROUPS[:-1])}, ":s": {"S": f"G#{rng.randrange(15):02d}"}}}
    if choice == 1:
        return {"UpdateExpression": "REMOVE gpk, #state", "ExpressionAttributeNames": {"#state": "state"}}
    if choice == 2:
        return {"UpdateExpression": "SET #state = :v ADD n :one", "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": {":v": {"S": rng.choice(["open", "done"])}, ":one": {"N": "1"}}}
    return {"UpdateExpression": "SET #rank = :r", "ExpressionAttributeNames": {"#rank": "rank"},
            "ExpressionAttributeValues": {":r": {"N": str(rng.randrange(-5, 30))}}}


def _apply_random_writes(client, name: str, rng, count: int) -> None:
    def key() -> dict:
        return {"pk": {"S": rng.choice(_PARTITIONS)}, "sk": {"S": f"S#{rng.randrange(40):02d}"}}

    for _ in range(count):
        kind = rng.random()
        if kind < 0.35:
            client.put_item(TableName=name, Item=_random_item(rng))
        elif kind < 0.6:
            client.update_item(TableName=name, Key=key(), **_random_update(rng))
        elif kind < 0.72:
            client.delete_item(TableName=name, Key=key())
        elif kind < 0.86:
            keys = {json_key(k): k for k in (key() for _ in range(3))}
            client.transact_write_items(TransactItems=[
                {"Update": {"TableName": name, "Key": k, **_random_update(rng)}} for k in keys.values()])
        else:
            items = {json_key(i): i for i in (_random_item(rng) for _ in range(4))}
            requests = [{"PutRequest": {"Item": i}} for i in items.values()]
            client.batch_write_item(RequestItems={name: requests + [{"DeleteRequest": {"Key": key()}}]
                                                  if rng.random() < 0.5 else requests})


def json_key(item: dict) -> str:
    return f"{item['pk']['S']}|{item['sk']['S']}"


def _random_query(rng) -> dict:
    shape = rng.randrange(5)
    query: dict = {"ScanIndexForward": rng.random() < 0.5, "Limit": rng.choice([1, 2, 3, 7, 50])}
    values: dict = {}
    if shape == 0:
        query["KeyConditionExpression"] = "pk = :p"
        values[":p"] = {"S": rng.choice(_PARTITIONS + ["nobody"])}
        if rng.random() < 0.5:
            query["KeyConditionExpression"] += " AND sk BETWEEN :lo AND :hi"
            values.update({":lo": {"S": "S#05"}, ":hi": {"S": "S#30"}})
    elif shape == 1:
        query.update(IndexName="by-group", KeyConditionExpression="gpk = :g")
        values[":g"] = {"S": rng.choice(_GROUPS[:-1])}
        if rng.random() < 0.5:
            query["KeyConditionExpression"] += " AND begins_with(gsk, :prefix)"
            values[":prefix"] = {"S": "G#0"}
    elif shape == 2:
        query.update(IndexName="by-state", KeyConditionExpression="#state = :v",
                     ExpressionAttributeNames={"#state": "state"})
        values[":v"] = {"S": rng.choice(["open", "done"])}
    elif shape == 3:
        query.update(IndexName="by-number", KeyConditionExpression="#rank = :r",
                     ExpressionAttributeNames={"#rank": "rank"})
        values[":r"] = {"N": rng.choice(["3", "3.0", "-2", "12", "0"])}  # 3.0 is 3, as on DynamoDB
    else:
        query.update(IndexName="by-rank", KeyConditionExpression="pk = :p AND #rank >= :r",
                     ExpressionAttributeNames={"#rank": "rank"})
        values.update({":p": {"S": rng.choice(_PARTITIONS)}, ":r": {"N": str(rng.randrange(0, 20))}})
    if shape != 2 and rng.random() < 0.3:
        query["FilterExpression"] = "n > :least"
        values[":least"] = {"N": "40"}
    query["ExpressionAttributeValues"] = values
    return query


def _every_page(client, name: str, query: dict) -> list:
    pages, start = [], None
    while True:
        page = client.query(TableName=name, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({k: page.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = page.get("LastEvaluatedKey")
        if not start or len(pages) > 200:
            return pages


@pytest.mark.parametrize("seed", [1, 2])
def test_a_query_reading_its_partition_answers_exactly_what_moto_answers_from_the_whole_table(emulator, seed):
    """Puts, updates that move items between index partitions (and out of the sparse ones),
    deletes, transactions and batch writes; then every kind of query, every page, both ways,
    answered from the partition map and from moto's whole table, must be the same."""
    import random
    import uuid

    from local import dynamodb_partitions

    rng = random.Random(seed)
    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
    name = f"partitions-{uuid.uuid4().hex[:8]}"
    _partition_table(client, name)
    try:
        compared = 0
        for _round in range(4):
            _apply_random_writes(client, name, rng, 60)
            for _ in range(25):
                query = _random_query(rng)
                narrowed = _every_page(client, name, query)
                dynamodb_partitions.enabled = False
                try:
                    whole_table = _every_page(client, name, query)
                finally:
                    dynamodb_partitions.enabled = True
                assert narrowed == whole_table, query
                compared += sum(len(page["Items"]) for page in narrowed)
        assert compared > 100  # the queries found something to compare
    finally:
        client.delete_table(TableName=name)


def test_a_table_deleted_and_created_again_is_queried_from_its_new_items(emulator):
    import uuid

    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
    name = f"partitions-{uuid.uuid4().hex[:8]}"
    query = {"IndexName": "by-group", "KeyConditionExpression": "gpk = :g",
             "ExpressionAttributeValues": {":g": {"S": "g1"}}}
    _partition_table(client, name)
    client.put_item(TableName=name, Item={"pk": {"S": "A"}, "sk": {"S": "1"}, "gpk": {"S": "g1"}, "gsk": {"S": "x"}})
    assert client.query(TableName=name, **query)["Count"] == 1
    client.delete_table(TableName=name)
    _partition_table(client, name)
    try:
        assert client.query(TableName=name, **query)["Count"] == 0
        client.put_item(TableName=name, Item={"pk": {"S": "B"}, "sk": {"S": "2"}, "gpk": {"S": "g1"}, "gsk": {"S": "y"}})
        assert [i["pk"]["S"] for i in client.query(TableName=name, **query)["Items"]] == ["B"]
    finally:
        client.delete_table(TableName=name)


# ---- DynamoDB answers written as JSON (local/emulator_speedups.py) -----------------------

def _every_kind_of_value(n: int) -> dict:
    return {
        "pk": {"S": "J"}, "sk": {"S": f"{n:03d}"}, "s": {"S": f"ünïcode \u2014 \"quoted\" null {n}"},
        "n": {"N": str(n * 1.5)}, "big": {"N": "123456789012345678901234567890"}, "yes": {"BOOL": n % 2 == 0},
        "nothing": {"NULL": True}, "map": {"M": {"inner": {"L": [{"S": "a"}, {"N": "1"}, {"M": {}}]}}},
        "strings": {"SS": ["x", "y"]}, "numbers": {"NS": ["1", "2.5"]}, "empty": {"S": ""},
        **({"blob": {"B": bytes([n, 0, 255])}, "blobs": {"BS": [b"\x01", b"\x02"]}} if n % 3 == 0 else {}),
    }


def _both_ways(call):
    """The call's answer written by json.dumps and by moto's serializer (metadata aside)."""
    from local import emulator_speedups

    answers = []
    for as_json in (True, False):
        emulator_speedups.json_answers = as_json
        try:
            answer = call()
        finally:
            emulator_speedups.json_answers = True
        answer.pop("ResponseMetadata", None)
        answers.append(answer)
    return answers


def test_data_answers_written_as_json_are_what_moto_s_serializer_writes(emulator):
    import uuid

    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
    name = f"answers-{uuid.uuid4().hex[:8]}"
    _partition_table(client, name)
    try:
        for n in range(12):
            item = _every_kind_of_value(n)
            client.put_item(TableName=name, Item=item)
            as_json, serialized = _both_ways(lambda item=item: client.put_item(TableName=name, Item=item, ReturnValues="ALL_OLD"))
            assert as_json == serialized and as_json["Attributes"]["s"] == item["s"]
        key = {"pk": {"S": "J"}, "sk": {"S": "003"}}
        reads = [
            lambda: client.get_item(TableName=name, Key=key),
            lambda: client.get_item(TableName=name, Key={"pk": {"S": "J"}, "sk": {"S": "nobody"}}),
            lambda: client.query(TableName=name, KeyConditionExpression="pk = :p", Limit=5,
                                 ExpressionAttributeValues={":p": {"S": "J"}}, ReturnConsumedCapacity="TOTAL"),
            lambda: client.query(TableName=name, KeyConditionExpression="pk = :p", Select="COUNT",
                                 ExpressionAttributeValues={":p": {"S": "J"}}),
            lambda: client.scan(TableName=name, ProjectionExpression="pk, sk, #m.inner",
                                ExpressionAttributeNames={"#m": "map"}),
            lambda: client.batch_get_item(RequestItems={name: {"Keys": [key, {"pk": {"S": "J"}, "sk": {"S": "004"}}]}}),
            lambda: client.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": key}}]),
            lambda: client.update_item(TableName=name, Key=key, UpdateExpression="SET yes = :t",
                                       ExpressionAttributeValues={":t": {"BOOL": True}}, ReturnValues="ALL_NEW"),
            lambda: client.update_item(TableName=name, Key=key, UpdateExpression="SET yes = :t",
                                       ExpressionAttributeValues={":t": {"BOOL": True}}),
        ]
        for read in reads:
            as_json, serialized = _both_ways(read)
            assert as_json == serialized
        assert "blob" in _both_ways(reads[0])[0]["Item"]  # binary answers went the long way, and still match
        for as_json in (True, False):
            client.put_item(TableName=name, Item=_every_kind_of_value(1))
            from local import emulator_speedups

            emulator_speedups.json_answers = as_json
            try:
                deleted = client.delete_item(TableName=name, Key={"pk": {"S": "J"}, "sk": {"S": "001"}},
                                             ReturnValues="ALL_OLD")
            finally:
                emulator_speedups.json_answers = True
            assert deleted["Attributes"]["big"] == {"N": "123456789012345678901234567890"}
    finally:
        client.delete_table(TableName=name)


def test_an_update_expression_parsed_once_updates_every_item_by_its_own_values(emulator):
    import uuid

    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    client = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
    name = f"updates-{uuid.uuid4().hex[:8]}"
    _partition_table(client, name)
    expression = "SET n = if_not_exists(n, :zero) + :d, l = list_append(if_not_exists(l, :none), :x) REMOVE gone ADD tags :t"
    hits_before = UpdateExpressionParser.make._parsed_once.cache_info().hits
    try:
        for n in range(3):
            for attempt in range(2):
                key = {"pk": {"S": "U"}, "sk": {"S": str(n)}}
                client.update_item(
                    TableName=name, Key=key, UpdateExpression=expression,
                    ExpressionAttributeValues={":zero": {"N": "0"}, ":d": {"N": str(n + 1)}, ":none": {"L": []},
                                               ":x": {"L": [{"S": f"{n}.{attempt}"}]}, ":t": {"SS": [f"t{n}{attempt}"]}})
        for n in range(3):
            item = client.get_item(TableName=name, Key={"pk": {"S": "U"}, "sk": {"S": str(n)}})["Item"]
            assert item["n"] == {"N": str(2 * (n + 1))}
            assert item["l"] == {"L": [{"S": f"{n}.0"}, {"S": f"{n}.1"}]}
            assert sorted(item["tags"]["SS"]) == [f"t{n}0", f"t{n}1"]
        # Parsed once here (twice an UpdateItem on moto's own way: six calls, twelve parses).
        assert UpdateExpressionParser.make._parsed_once.cache_info().hits - hits_before >= 11
        with pytest.raises(client.exceptions.ClientError, match="Invalid UpdateExpression"):
            client.update_item(TableName=name, Key={"pk": {"S": "U"}, "sk": {"S": "0"}}, UpdateExpression="SET = :x",
                               ExpressionAttributeValues={":x": {"N": "1"}})
    finally:
        client.delete_table(TableName=name)


def test_an_upload_s_event_names_the_version_it_created_as_aws_does_for_a_versioned_bucket(aws):
    # The scan reads the version its event names; without one it would ask S3 which version
    # carries the ETag (ListObjectVersions), a call AWS never sees made (local/s3_events.py).
    import json
    from urllib.parse import unquote_plus

    s3 = boto3.client("s3", region_name=REGION, endpoint_url=aws.url)
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=aws.url)
    queue = sqs.get_queue_url(QueueName="satupintu-scan")["QueueUrl"]
    put = s3.put_object(Bucket="satupintu-local-uploads", Key="incoming/APP1/DOC1", Body=b"%PDF-1.4 x")
    assert put["VersionId"]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    objects = [record["s3"]["object"] for m in messages for record in json.loads(m["Body"]).get("Records", [])]
    assert [(unquote_plus(o["key"]), o.get("versionId")) for o in objects] == [("incoming/APP1/DOC1", put["VersionId"])]
