"""Ops' watch, without AWS: the queue pairs are the template's own redrive policies, a registry's
answer is kept with any NIK masked, and a failed run says what failed."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain import integrations as reg
from chalicelib.domain.operations import QUEUE_NAMES, QUEUE_PAIRS, error_text
from local.provision import load_template
from tests import aws_calls
from tests.aws_calls import ACCOUNT, Request, allowed, policy

REGION = "ap-southeast-3"


def test_each_queue_pair_is_a_queue_and_the_dead_letter_queue_its_redrive_policy_names():
    queues = {r["Properties"]["QueueName"]: r for r in load_template()["Resources"].values()
              if r["Type"] == "AWS::SQS::Queue"}
    names_by_logical = {logical: r["Properties"]["QueueName"] for logical, r in load_template()["Resources"].items()
                        if r["Type"] == "AWS::SQS::Queue"}
    assert len(set(QUEUE_NAMES)) == len(QUEUE_PAIRS)
    for _name, source, dead in QUEUE_PAIRS:
        target = queues[source]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert names_by_logical[target] == dead, source
    # Every queue with a dead-letter queue is watched.
    redriven = {name for name, r in queues.items() if "RedrivePolicy" in r["Properties"]}
    assert redriven - {"satupintu-scan"} == {source for _n, source, _d in QUEUE_PAIRS}


def sqs(action: str, queue: str) -> Request:
    return Request(action, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}", aws_calls._context())


@pytest.mark.parametrize("pair", QUEUE_PAIRS, ids=lambda pair: pair[0])
def test_the_api_may_move_a_dead_letter_queues_messages_back_and_no_more(pair):
    _name, source, dead = pair
    api = policy("api_handler")
    assert allowed(api, sqs("sqs:ReceiveMessage", dead)) and allowed(api, sqs("sqs:DeleteMessage", dead))
    assert allowed(api, sqs("sqs:SendMessage", source))
    assert allowed(api, sqs("sqs:GetQueueAttributes", source)) and allowed(api, sqs("sqs:GetQueueAttributes", dead))
    # Never the other way round: the API takes nothing from a function's own queue.
    assert not allowed(api, sqs("sqs:ReceiveMessage", source)) and not allowed(api, sqs("sqs:DeleteMessage", source))


def test_a_registrys_answer_is_kept_as_it_came_but_for_the_niks_in_it():
    reply = reg.Reply(422, {"detail": "NIK 3276064503900002 tidak cocok", "nik": "3276064503900002",
                            "items": [{"ref": "12345678901234567"}], "count": 3})
    outcome = reg.with_answer(reg.read_civil_reply(reply), reply)
    assert outcome.verdict == reg.REJECTED_RECORD
    assert outcome.answer == {"detail": "NIK 327606********02 tidak cocok", "nik": "327606********02",
                              "items": [{"ref": "12345678901234567"}], "count": 3}  # 17 digits: not a NIK
    assert "3276064503900002" not in json.dumps(outcome.answer)


def test_no_answer_is_kept_as_why_none_came():
    reply = reg.Reply(None, error="no answer: TimeoutError: timed out")
    outcome = reg.with_answer(reg.read_finance_registry_reply(reply), reply)
    assert (outcome.verdict, outcome.answer) == (reg.RETRY, "no answer: TimeoutError: timed out")


def test_a_failed_runs_error_names_its_type_and_is_cut():
    assert error_text(RuntimeError("the table is unreachable")) == "RuntimeError: the table is unreachable"
    assert len(error_text(ValueError("x" * 2000))) == 500
