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
