"""The local emulator itself: atomic requests, the template as the one source of truth."""

import threading

import boto3

from local.provision import load_template
from local.stack import REGION


def test_twenty_concurrent_conditional_writes_to_one_item_have_exactly_one_winner(emulator):
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
    key = {"pk": {"S": "RACE#1"}, "sk": {"S": "R"}}
    ddb.put_item(TableName="satupintu", Item={**key, "version": {"N": "1"}})
    winners, losers = [], []
    barrier = threading.Barrier(20)

    def write(i: int) -> None:
        client = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url)
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


def test_the_table_on_the_emulator_is_the_template_and_matches_the_models(emulator):
    from chalicelib.adapters.dynamodb import models

    template = load_template()["Resources"]["MainTable"]["Properties"]
    in_template = {g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]] for g in template["GlobalSecondaryIndexes"]}
    table = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.url).describe_table(
        TableName="satupintu")["Table"]
    on_emulator = {g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]] for g in table["GlobalSecondaryIndexes"]}
    assert on_emulator == in_template
    declared = {}
    for model in models.ALL_MODELS:
        for index in model._indexes.values():
            declared[index.Meta.index_name] = [k["AttributeName"] for k in index._get_schema()["key_schema"]]
    assert declared == in_template


def test_queues_have_a_dead_letter_queue_and_a_visibility_timeout_of_six_function_timeouts(emulator):
    import json

    from tests.conftest import PROJECT

    chalice_config = json.loads((PROJECT / ".chalice" / "config.json").read_text())
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=emulator.url)
    url = sqs.get_queue_url(QueueName="satupintu-mail")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith("satupintu-mail-dlq")
    assert int(redrive["maxReceiveCount"]) >= 5
    timeout = chalice_config["lambda_functions"]["send_mail"]["lambda_timeout"]
    assert int(attributes["VisibilityTimeout"]) >= 6 * timeout
