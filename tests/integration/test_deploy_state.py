"""A release by a second operator (or CI) updates the stage the first one made instead of making
another beside it: Chalice's record of the stage travels through the infra stack's deploy-state
bucket (infra/deploy.py), here on the emulator."""

import json
import os
from types import SimpleNamespace

import boto3
import pytest

from infra import deploy
from local.provision import STACK_NAME


def clients(name):
    return boto3.client(name, region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])


class FakeChalice:
    """What `chalice deploy` does with its record: reads it if there, makes the API if not."""

    def __init__(self, fail: bool = False):
        self.fail, self.apis_made, self.seen, self.streams = fail, 0, [], []

    def __call__(self, command, cwd, env):
        self.streams.append(env["TABLE_STREAM_ARN"])  # what app.py names as aggregate_counters' trigger
        record = cwd / ".chalice" / "deployed" / f"{command[command.index('--stage') + 1]}.json"
        if record.exists():
            self.seen.append(json.loads(record.read_text())["resources"][0]["rest_api_id"])
        else:
            self.apis_made += 1
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps({"resources": [{"resource_type": "rest_api", "rest_api_id": f"api{self.apis_made}"}]}))
        return SimpleNamespace(returncode=1 if self.fail else 0)


def test_a_second_operator_updates_the_same_stage_and_a_failed_deploy_keeps_its_record(aws, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    chalice, applied = FakeChalice(), []
    deploy.release("prod", STACK_NAME, clients, project=first, run=chalice, after=applied.append)
    deploy.release("prod", STACK_NAME, clients, project=second, run=chalice, after=applied.append)
    assert chalice.apis_made == 1 and chalice.seen == ["api1"]  # the second one found the first's API
    assert applied == ["prod", "prod"]
    # The table's stream as the stack made it (its output), not the placeholder app.py falls back on.
    table = clients("dynamodb").describe_table(TableName="satupintu")["Table"]
    assert chalice.streams == [table["LatestStreamArn"]] * 2

    failing = FakeChalice(fail=True)
    third = tmp_path / "third"
    third.mkdir()
    with pytest.raises(SystemExit, match="run again"):
        deploy.release("dev", STACK_NAME, clients, project=third, run=failing, after=applied.append)
    assert applied == ["prod", "prod"]  # nothing applied on top of a failed deploy
    fourth = tmp_path / "fourth"
    fourth.mkdir()
    assert deploy.pull(clients("s3"), deploy.state_bucket(clients("cloudformation"), STACK_NAME), "dev", fourth)
