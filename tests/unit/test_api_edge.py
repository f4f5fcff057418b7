"""The limits and the edge of a deployed stage, checked offline: every function's reserved
concurrency, the notification queue's concurrency, the stage's throttling and the web ACL in
front of it, and the gateway's own answers carrying the stage's origin, not `*`."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from botocore.stub import Stubber

from infra import api_gateway
from local.provision import load_template
from tests.conftest import PROJECT

SCHEDULES = ("escalate_overdue_steps", "relay_outbox", "purge_unverified_accounts", "push_finance_registry",
             "retry_registry_sends", "watch_dam_duties")


def chalice_config():
    return json.loads((PROJECT / ".chalice" / "config.json").read_text())


def test_every_function_has_a_reserved_concurrency_and_each_schedule_runs_once_at_a_time():
    import app as app_module
    from chalicelib import local_runtime

    functions = {name for name, _queue, _size in local_runtime.queue_functions(app_module.app)}
    functions |= {name for name, _expression in local_runtime.scheduled_functions(app_module.app)}
    settings = chalice_config()["lambda_functions"]
    assert {name for name in functions if "reserved_concurrency" not in settings.get(name, {})} == set()
    assert {name: settings[name]["reserved_concurrency"] for name in SCHEDULES} == dict.fromkeys(SCHEDULES, 1)
    # Lambda keeps 100 of the account's concurrency unreserved: DEPLOY.md names the quota needed.
    total = sum(settings[name]["reserved_concurrency"] for name in functions)
    assert f"at least {total + 100}" in (PROJECT / "docs" / "DEPLOY.md").read_text()


def test_the_notification_queue_is_drained_at_a_pace_ses_takes():
    import app as app_module

    notify = next(source for source in app_module.app.event_sources if getattr(source, "name", "") == "notify")
    assert 2 <= notify.maximum_concurrency <= 10


def test_the_packaged_stage_is_throttled_guarded_by_the_web_acl_and_answers_errors_to_its_origin():
    merged = api_gateway.merge_template("prod")
    [settings] = merged["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (api_gateway.RATE_LIMIT,
                                                                                  api_gateway.BURST_LIMIT)
    association = merged["Resources"]["WebAclAssociation"]
    assert association["Properties"]["WebACLArn"] == {"Ref": "WebAclArn"} and "WebAclArn" in merged["Parameters"]
    origins = {r["Properties"]["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
               for r in merged["Resources"].values() if r.get("Type") == "AWS::ApiGateway::GatewayResponse"}
    assert origins == {"'" + chalice_config()["stages"]["prod"]["environment_variables"]["WEB_BASE_URL"] + "'"}
    with pytest.raises(SystemExit, match="WEB_BASE_URL"):
        api_gateway.merge_template("local")  # http://127.0.0.1: no stage to deploy


def test_the_stage_is_traced_and_logs_every_request_without_ids_or_bodies():
    """The access log holds what never reaches the function (throttled, refused by the web ACL,
    unknown routes), in the log group infra/template.yaml makes for the stage."""
    api = api_gateway.merge_template("prod")["Resources"]["RestAPI"]["Properties"]
    assert api["TracingEnabled"] is True
    setting = api["AccessLogSetting"]
    assert setting["DestinationArn"]["Fn::Sub"].endswith(":log-group:/aws/apigateway/satupintu-prod-access")
    line = json.loads(setting["Format"])
    assert {"$context.requestId", "$context.status", "$context.resourcePath", "$context.waf.status"} <= set(line.values())
    assert not [v for v in line.values() if v in ("$context.path", "$input.body") or "querystring" in v.lower()]
    template = load_template(PROJECT / "infra" / "template.yaml")["Resources"]
    assert template["ApiAccessLogGroup"]["Properties"]["LogGroupName"] == {
        "Fn::Sub": api_gateway.access_log_group("${Stage}")}


def test_the_web_acl_has_the_managed_rules_and_a_rate_limit_on_the_account_routes():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((PROJECT / "infra" / "template.yaml").read_text(), Loader=Loader)
    acl = template["Resources"]["ApiWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["Name"] == api_gateway.WEB_ACL_NAME
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in acl["Rules"]
               if "ManagedRuleGroupStatement" in r["Statement"]}
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                       "AWSManagedRulesAmazonIpReputationList"}
    [rate] = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Action"] == {"Block": {}} and rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert rate["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/auth/"


def test_apply_sets_the_answers_the_throttling_and_the_web_acl_on_the_deployed_api(tmp_path: Path):
    import boto3

    (tmp_path / ".chalice" / "deployed").mkdir(parents=True)
    shutil.copy(PROJECT / ".chalice" / "config.json", tmp_path / ".chalice" / "config.json")
    (tmp_path / ".chalice" / "deployed" / "prod.json").write_text(json.dumps(
        {"resources": [{"resource_type": "rest_api", "rest_api_id": "abc123"}]}))
    apigateway = boto3.client("apigateway", region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x")
    wafv2 = boto3.client("wafv2", region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x")
    logs = boto3.client("logs", region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x")
    log_group_arn = "arn:aws:logs:ap-southeast-3:123456789012:log-group:/aws/apigateway/satupintu-prod-access"
    with Stubber(apigateway) as gateway, Stubber(wafv2) as waf, Stubber(logs) as log_groups:
        log_groups.add_response("describe_log_groups", {"logGroups": [
            {"logGroupName": "/aws/apigateway/satupintu-prod-access-old", "arn": log_group_arn + "-old:*"},
            {"logGroupName": "/aws/apigateway/satupintu-prod-access", "arn": log_group_arn + ":*"}]},
            {"logGroupNamePrefix": "/aws/apigateway/satupintu-prod-access"})
        for _ in api_gateway.responses():
            gateway.add_response("put_gateway_response", {})
        gateway.add_response("create_deployment", {}, {"restApiId": "abc123", "stageName": "api"})
        gateway.add_response("update_stage", {}, {"restApiId": "abc123", "stageName": "api", "patchOperations": [
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(api_gateway.RATE_LIMIT)},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(api_gateway.BURST_LIMIT)},
            {"op": "replace", "path": "/tracingEnabled", "value": "true"},
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": log_group_arn},
            {"op": "replace", "path": "/accessLogSettings/format", "value": api_gateway.ACCESS_LOG_FORMAT}]})
        acl_arn = "arn:aws:wafv2:ap-southeast-3:123456789012:regional/webacl/satupintu-api/1234"
        waf.add_response("list_web_acls", {"WebACLs": [{"Name": "satupintu-api", "ARN": acl_arn}]}, {"Scope": "REGIONAL"})
        waf.add_response("associate_web_acl", {}, {
            "WebACLArn": acl_arn,
            "ResourceArn": "arn:aws:apigateway:ap-southeast-3::/restapis/abc123/stages/api"})
        api_gateway.apply("prod", apigateway, wafv2, project=tmp_path, logs=logs)
        gateway.assert_no_pending_responses()
        waf.assert_no_pending_responses()


def test_the_apis_own_address_is_mapped_to_the_api_made_again():
    import boto3

    from infra.api_gateway import map_domain

    apigateway = boto3.client("apigateway", region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x")
    domain = "api.layanan.example.go.id"
    with Stubber(apigateway) as gateway:
        gateway.add_response("get_base_path_mappings", {"items": [{"basePath": "(none)", "restApiId": "old", "stage": "api"}]},
                             {"domainName": domain})
        gateway.add_response("delete_base_path_mapping", {}, {"domainName": domain, "basePath": "(none)"})
        gateway.add_response("create_base_path_mapping", {}, {"domainName": domain, "restApiId": "new", "stage": "api"})
        map_domain(apigateway, "new", domain)
        gateway.add_response("get_base_path_mappings", {"items": [{"basePath": "(none)", "restApiId": "new", "stage": "api"}]},
                             {"domainName": domain})
        map_domain(apigateway, "new", domain)  # already there: nothing changes
        gateway.assert_no_pending_responses()
