"""What API Gateway needs beyond what Chalice makes: its own error answers as problem+json
(infra/gateway-responses.json), the stage's throttling, tracing and access log, and the WAF web
ACL (infra/template.yaml, `satupintu-api`) in front of the stage.

  python -m infra.api_gateway merge-template build/chalice-merge.json
      a template for `chalice package --merge-template` (the CloudFormation path)
  python -m infra.api_gateway apply --stage prod
      sets all of it on the API `chalice deploy` made (.chalice/deployed/<stage>.json); run it
      after every `chalice deploy` (a new deployment of the stage keeps the settings, but a
      recreated API has none)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from infra.function_names import merge_resources
from infra.gateway_responses import responses, response_properties

HERE = Path(__file__).resolve().parent
STAGE_NAME = "api"  # Chalice's API Gateway stage
WEB_ACL_NAME = "satupintu-api"
# The whole API, every client together: steady requests a second and the burst above it. The
# seeds' busiest office peaks near 3 a second at month's end; one person's flood is cut much
# earlier by the web ACL's rate rule per address (300 in 5 minutes on /auth).
RATE_LIMIT = 200
BURST_LIMIT = 400
# One JSON line per request in the stage's access log: the route's template rather than the path
# (no ids, no tracking codes), no query string, no body; the request id joins it to the
# function's own lines, the trace id to X-Ray.
ACCESS_LOG_FORMAT = json.dumps({
    "request_id": "$context.requestId", "time": "$context.requestTimeEpoch", "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod", "route": "$context.resourcePath", "status": "$context.status",
    "bytes": "$context.responseLength", "latency_ms": "$context.responseLatency",
    "integration_ms": "$context.integrationLatency", "error": "$context.error.responseType",
    "waf": "$context.waf.status", "trace_id": "$context.xrayTraceId",
}, separators=(",", ":"))


def access_log_group(stage: str) -> str:
    """infra/template.yaml's ApiAccessLogGroup for the stage."""
    return f"/aws/apigateway/satupintu-{stage}-access"


def stage_origin(stage: str) -> str:
    """The web app's origin for the stage (WEB_BASE_URL in .chalice/config.json): the gateway's
    own error answers carry it as Access-Control-Allow-Origin, like the app's."""
    config = json.loads((HERE.parent / ".chalice" / "config.json").read_text())
    env = {**config.get("environment_variables", {}),
           **config.get("stages", {}).get(stage, {}).get("environment_variables", {})}
    origin = env.get("WEB_BASE_URL", "").rstrip("/")
    if not origin.startswith("https://"):
        raise SystemExit(f"stage {stage}: set WEB_BASE_URL (https://…) in .chalice/config.json first")
    return origin


def merge_template(stage: str) -> dict[str, Any]:
    origin = stage_origin(stage)
    parameters = {"WebAclArn": {"Type": "String", "Default": "",
                                "AllowedPattern": "^$|^arn:aws[a-z-]*:wafv2:.+:regional/webacl/" + WEB_ACL_NAME + "/.+$",
                                "Description": "The ARN of infra/template.yaml's web ACL " + WEB_ACL_NAME
                                               + " (the API is not associated with it while empty)"}}
    resources: dict[str, Any] = {
        "RestAPI": {"Properties": {
            "MethodSettings": [{
                "ResourcePath": "/*", "HttpMethod": "*",
                "ThrottlingRateLimit": RATE_LIMIT, "ThrottlingBurstLimit": BURST_LIMIT,
            }],
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                                              + access_log_group(stage)},
                "Format": ACCESS_LOG_FORMAT,
            },
        }},
        "WebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Condition": "HasWebAcl",
            "DependsOn": ["RestAPIapiStage"],
            "Properties": {
                "ResourceArn": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/api"},
                # infra/template.yaml's ACL (the emulator cannot make one, so that stack has no
                # output naming it): aws wafv2 list-web-acls --scope REGIONAL --query
                # "WebACLs[?Name=='satupintu-api'].ARN" --output text
                "WebACLArn": {"Ref": "WebAclArn"},
            },
        },
    }
    for kind, spec in responses().items():
        logical_id = "GatewayResponse" + "".join(part.title() for part in kind.lower().split("_"))
        resources[logical_id] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": {"RestApiId": {"Ref": "RestAPI"}, **response_properties(kind, spec, origin)},
        }
    _merge(resources, canary_releases())
    _merge(resources, stream_triggers())
    # The functions and roles named as `chalice deploy` names them (see that module).
    _merge(resources, merge_resources(stage))
    conditions = {"HasWebAcl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]}}
    return {"Parameters": parameters, "Conditions": conditions, "Resources": resources}


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    """Adds `more` to `into` key by key: two parts of the merge may both set a resource's
    Properties (the canary and the function's name) or Metadata."""
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def function_logical_ids() -> list[str]:
    """The packaged template's functions: Chalice's API handler and every function named in
    .chalice/config.json (each has its settings there), as Chalice names their resources."""
    config = json.loads((HERE.parent / ".chalice" / "config.json").read_text())
    return ["APIHandler"] + ["".join(part.title() for part in name.split("_")) for name in config["lambda_functions"]
                             if name != "api_handler"]


def stream_triggers() -> dict[str, Any]:
    """Each stream function's trigger names the table's stream as the infra stack exports it:
    app.py was imported with a placeholder ARN (chalicelib/table_stream.py), and a package is
    built offline, before any stream exists to name."""
    from chalice.utils import to_cfn_resource_name

    import app as app_module
    from chalicelib import local_runtime
    from chalicelib.table_stream import STREAM_EXPORT

    return {to_cfn_resource_name(name): {"Properties": {"Events": {
        to_cfn_resource_name(f"{name}-dynamodb-event-source"): {"Properties": {"Stream": {"Fn::ImportValue": STREAM_EXPORT}}}}}}
        for name, _batch in local_runtime.stream_functions(app_module.app)}


def canary_releases() -> dict[str, Any]:
    """Each function published under the alias `live`; a release shifts 10 % of the calls to the
    new version for 5 minutes, and CodeDeploy rolls back if the new version errs meanwhile."""
    resources: dict[str, Any] = {}
    for function in function_logical_ids():
        alarm = f"{function}CanaryErrors"
        resources[alarm] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": f"{function}: the new version errs during its canary; the release rolls back",
                "Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 60,
                "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}},
                               {"Name": "Resource", "Value": {"Fn::Sub": "${" + function + "}:live"}}],
            },
        }
        resources[function] = {"Properties": {
            "AutoPublishAlias": "live",
            "DeploymentPreference": {"Type": "Canary10Percent5Minutes", "Alarms": [{"Ref": alarm}]},
        }}
    return resources


def map_domain(apigateway: Any, api_id: str, domain: str | None) -> None:
    """The API's own address (infra/template.yaml ApiDomain) onto the API Chalice made: mapped
    anew when the API was made again, so links and QR codes never change."""
    if not domain:
        return
    mappings = apigateway.get_base_path_mappings(domainName=domain).get("items", [])
    root = next((m for m in mappings if m.get("basePath") in ("(none)", "")), None)
    if root is not None and root.get("restApiId") == api_id and root.get("stage") == STAGE_NAME:
        return
    if root is not None:
        apigateway.delete_base_path_mapping(domainName=domain, basePath="(none)")
    apigateway.create_base_path_mapping(domainName=domain, restApiId=api_id, stage=STAGE_NAME)


def access_log_arn(logs: Any, stage: str) -> str:
    group = access_log_group(stage)
    found = [g for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] if g["logGroupName"] == group]
    if not found:
        raise SystemExit(f"no log group {group}: deploy infra/template.yaml (Stage={stage}) first")
    return found[0]["arn"].removesuffix(":*")


def apply(stage: str, apigateway: Any = None, wafv2: Any = None, region: str | None = None,
          project: Path = HERE.parent, domain: str | None = None, logs: Any = None) -> None:
    import boto3

    origin = stage_origin(stage)
    deployed = json.loads((project / ".chalice" / "deployed" / f"{stage}.json").read_text())
    api_id = next(r for r in deployed["resources"] if r["resource_type"] == "rest_api")["rest_api_id"]
    apigateway = apigateway or boto3.client("apigateway")
    wafv2 = wafv2 or boto3.client("wafv2")
    logs = logs or boto3.client("logs")
    region = region or apigateway.meta.region_name
    access_log = access_log_arn(logs, stage)
    for kind, spec in responses().items():
        props = response_properties(kind, spec, origin)
        args = {"restApiId": api_id, "responseType": kind, "responseParameters": props["ResponseParameters"],
                "responseTemplates": props["ResponseTemplates"]}
        if "StatusCode" in props:
            args["statusCode"] = props["StatusCode"]
        apigateway.put_gateway_response(**args)
    apigateway.create_deployment(restApiId=api_id, stageName=STAGE_NAME)
    apigateway.update_stage(restApiId=api_id, stageName=STAGE_NAME, patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(RATE_LIMIT)},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(BURST_LIMIT)},
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": access_log},
        {"op": "replace", "path": "/accessLogSettings/format", "value": ACCESS_LOG_FORMAT},
    ])
    map_domain(apigateway, api_id, domain)
    acl = next((a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == WEB_ACL_NAME), None)
    if acl is None:
        raise SystemExit(f"no web ACL {WEB_ACL_NAME}: deploy infra/template.yaml first")
    wafv2.associate_web_acl(WebACLArn=acl["ARN"],
                            ResourceArn=f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{STAGE_NAME}")
    print(f"API {api_id}: gateway answers, throttling {RATE_LIMIT}/s (burst {BURST_LIMIT}), tracing, access log "
          f"{access_log_group(stage)} and web ACL {WEB_ACL_NAME} applied")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    merge = sub.add_parser("merge-template")
    merge.add_argument("output")
    merge.add_argument("--stage", default="prod")
    apply_cmd = sub.add_parser("apply")
    apply_cmd.add_argument("--stage", required=True)
    apply_cmd.add_argument("--domain", help="the API's own address (ApiDomainName of infra/template.yaml), if any")
    args = parser.parse_args()
    if args.command == "merge-template":
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(merge_template(args.stage), indent=2))
    else:
        apply(args.stage, domain=args.domain)


if __name__ == "__main__":
    main()
