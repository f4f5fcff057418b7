"""The operational layer of infra/template.yaml, read against the code it watches: every
function, queue and dead-letter queue of app.py has its alarms, every alarm tells the alarm
topic, the API alarms name the API Chalice makes, log retention covers every function, and the
uploads bucket is under a GuardDuty malware protection plan whose role AWS's documentation
describes. (The emulator skips alarms and GuardDuty: these are checked here, cfn-lint checks
their syntax.)"""

import json
from pathlib import Path

import pytest

from local.provision import load_template

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = json.loads((PROJECT / ".chalice" / "config.json").read_text())


@pytest.fixture(scope="module")
def template():
    return load_template()


@pytest.fixture(scope="module")
def functions():
    import app as app_module
    from chalicelib import local_runtime

    queued = {name for name, _queue, _batch in local_runtime.queue_functions(app_module.app)}
    scheduled = {name for name, _expression in local_runtime.scheduled_functions(app_module.app)}
    streamed = {name for name, _batch in local_runtime.stream_functions(app_module.app)}
    return queued | scheduled | streamed


def alarms(template) -> dict[str, dict]:
    return {name: r["Properties"] for name, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def watched(alarm: dict, metric: str) -> list[str]:
    """The value of each dimension of `metric` the alarm watches (as written: plain, Sub or GetAtt)."""
    if alarm.get("MetricName") != metric:
        return []
    return [json.dumps(d["Value"]) for d in alarm.get("Dimensions", [])]


def test_every_function_has_an_errors_and_a_throttles_alarm_under_its_chalice_name(template, functions):
    names = {f"satupintu-${{Stage}}-{name}" for name in functions} | {"satupintu-${Stage}"}
    for metric in ("Errors", "Throttles"):
        found = {json.loads(v)["Fn::Sub"] for a in alarms(template).values() for v in watched(a, metric)}
        assert found == names, metric


def test_every_queue_has_an_oldest_message_alarm_and_every_dead_letter_queue_a_depth_alarm(template, functions):
    resources = template["Resources"]
    queues = {name for name, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    dead_letter = {r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                   for r in resources.values() if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in r["Properties"]}
    dead_letter.add("ScanUnhandledQueue")
    consumed = queues - dead_letter | {"ScanDeadLetterQueue"}  # scan_failed takes the scan DLQ
    depth = {json.loads(v)["Fn::GetAtt"][0] for a in alarms(template).values()
             for v in watched(a, "ApproximateNumberOfMessagesVisible")}
    age = {json.loads(v)["Fn::GetAtt"][0] for a in alarms(template).values()
           for v in watched(a, "ApproximateAgeOfOldestMessage")}
    assert depth == dead_letter
    assert age == consumed


def test_every_alarm_tells_the_alarm_topic_when_it_fires_and_when_it_clears(template):
    for name, alarm in alarms(template).items():
        assert alarm.get("AlarmActions") == [{"Ref": "AlarmTopic"}], name
        assert alarm.get("OKActions") == [{"Ref": "AlarmTopic"}], name


def test_the_api_alarms_watch_the_rest_api_chalice_makes_on_its_stage(template):
    stage = CONFIG["stages"]["prod"]["api_gateway_stage"]
    latency = alarms(template)["ApiLatencyAlarm"]
    assert latency["ExtendedStatistic"] == "p99"
    assert {d["Name"]: d["Value"] for d in latency["Dimensions"]} == {"ApiName": CONFIG["app_name"], "Stage": stage}
    rate = alarms(template)["Api5xxRateAlarm"]
    watched_metrics = {m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"]["Metric"]["Dimensions"]
                       for m in rate["Metrics"] if "MetricStat" in m}
    assert set(watched_metrics) == {"5XXError", "Count"}
    for dimensions in watched_metrics.values():
        assert {d["Name"]: d["Value"] for d in dimensions} == {"ApiName": CONFIG["app_name"], "Stage": stage}


def test_table_throttles_and_mail_reputation_are_watched(template):
    found = {a.get("MetricName") for a in alarms(template).values()}
    found |= {m["MetricStat"]["Metric"]["MetricName"] for a in alarms(template).values() for m in a.get("Metrics", [])
              if "MetricStat" in m}
    assert {"ReadThrottleEvents", "WriteThrottleEvents", "Reputation.BounceRate", "Reputation.ComplaintRate"} <= found


def _evaluate(expr, parameters):
    """CloudFormation's functions as the alarm e-mail conditions use them."""
    if not isinstance(expr, dict):
        return [_evaluate(e, parameters) for e in expr] if isinstance(expr, list) else expr
    (fn, arg), = expr.items()
    args = _evaluate(arg, parameters) if fn != "Ref" else arg
    return {"Ref": lambda: parameters[arg], "Fn::Not": lambda: not args[0], "Fn::Equals": lambda: args[0] == args[1],
            "Fn::Select": lambda: args[1][int(args[0])], "Fn::Split": lambda: args[1].split(args[0]),
            "Fn::Join": lambda: args[0].join(args[1])}[fn]()


@pytest.mark.parametrize("emails,subscribed", [("", []), ("ops@x.id", ["ops@x.id"]),
                                               ("a@x.id,b@x.id,c@x.id", ["a@x.id", "b@x.id", "c@x.id"])])
def test_each_address_in_alarm_emails_is_subscribed_to_the_topic(template, emails, subscribed):
    resources = template["Resources"]
    found = [_evaluate(r["Properties"]["Endpoint"], {"AlarmEmails": emails})
             for r in resources.values() if r["Type"] == "AWS::SNS::Subscription"
             and r["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}
             and _evaluate(template["Conditions"][r["Condition"]], {"AlarmEmails": emails})]
    assert found == subscribed


def test_every_function_keeps_its_logs_for_the_same_days(template, functions):
    days = CONFIG["log_retention_in_days"]
    assert template["Parameters"]["LogRetentionDays"]["Default"] == days
    # Chalice makes the event functions' groups; the API's is the template's (Chalice would name it wrongly).
    assert all(CONFIG["lambda_functions"].get(name, {}).get("log_retention_in_days", days) == days for name in functions)
    assert CONFIG["lambda_functions"]["api_handler"]["log_retention_in_days"] == 0
    group = template["Resources"]["ApiLogGroup"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/satupintu-${Stage}"}
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_tracing_is_on_and_the_deployed_stages_scan_with_guardduty():
    assert CONFIG["xray"] is True
    for stage in ("dev", "prod"):
        env = CONFIG["stages"][stage]["environment_variables"]
        assert env["ANTIVIRUS_ENGINE"] == "guardduty" and "ANTIVIRUS_REQUIRED" not in env


def test_the_uploads_bucket_incoming_prefix_is_under_a_malware_protection_plan_that_tags(template):
    resources = template["Resources"]
    plan = resources["UploadsMalwareProtection"]
    assert plan["Type"] == "AWS::GuardDuty::MalwareProtectionPlan" and plan["Condition"] == "UseGuardDuty"
    props = plan["Properties"]
    assert props["ProtectedResource"]["S3Bucket"] == {"BucketName": {"Ref": "UploadsBucket"}, "ObjectPrefixes": ["incoming/"]}
    assert props["Actions"] == {"Tagging": {"Status": "ENABLED"}}
    assert props["Role"] == {"Fn::GetAtt": ["MalwareProtectionRole", "Arn"]}
    role = resources["MalwareProtectionRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "malware-protection-plan.guardduty.amazonaws.com"}
    actions = {a for s in role["Policies"][0]["PolicyDocument"]["Statement"]
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {"s3:GetObjectVersion", "s3:PutObjectVersionTagging", "s3:GetObjectVersionTagging", "events:PutRule",
            "s3:PutBucketNotification", "s3:PutObject"} <= actions
    assert template["Parameters"]["MalwareScanEngine"]["Default"] == "GuardDuty"


def test_mail_is_sent_from_a_dkim_signed_domain_through_the_configuration_set(template):
    """The identity is the sending address's domain (any address of it may send), signed with
    DKIM, its records given to the operator, and mail sent without a configuration set named
    still goes through ours, whose bounces and complaints are recorded."""
    identity = template["Resources"]["MailIdentity"]["Properties"]
    assert identity["EmailIdentity"] == {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFromAddress"}]}]}
    assert identity["DkimAttributes"] == {"SigningEnabled": True}
    assert identity["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
    assert identity["ConfigurationSetAttributes"] == {"ConfigurationSetName": {"Ref": "MailConfigurationSet"}}
    records = json.dumps(template["Outputs"]["MailDkimRecords"]["Value"])
    assert all(f"DkimDNSToken{part}{n}" in records for part in ("Name", "Value") for n in (1, 2, 3))
    for name in ("notify", "carry_out_account_requests"):
        policy = json.loads((PROJECT / ".chalice" / "policies" / f"{name}.json").read_text())
        [mail] = [s for s in policy["Statement"] if any(a.startswith("ses:") for a in s["Action"])]
        assert mail["Action"] == ["ses:SendEmail"]
        assert any(r.endswith(":configuration-set/satupintu") for r in mail["Resource"]), name
