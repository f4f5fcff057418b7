"""API Gateway's own answers (unknown route, throttling, body too large...) as problem+json,
from infra/gateway-responses.json:

  python -m infra.gateway_responses merge-template build/chalice-merge.json
      a template for `chalice package --merge-template` (CloudFormation deployments)
  python -m infra.gateway_responses apply --stage prod
      sets them on the API that `chalice deploy` made (.chalice/deployed/<stage>.json)

The local API server answers the same from the same file (local/api_server.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "gateway-responses.json"


def responses() -> dict[str, dict]:
    return {k: v for k, v in json.loads(SPEC.read_text()).items() if not k.startswith("_")}


def _template(spec: dict) -> str:
    body = {"type": f"/problems/{spec['slug']}", "title": spec["title"], "detail": spec["detail"]}
    if spec["status"] is not None:
        body["status"] = spec["status"]
    return json.dumps(body)


def _properties(kind: str, spec: dict) -> dict:
    properties = {
        "ResponseType": kind,
        "ResponseTemplates": {"application/json": _template(spec)},
        "ResponseParameters": {
            "gatewayresponse.header.Content-Type": "'application/problem+json'",
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
        },
    }
    if spec["status"] is not None:
        properties["StatusCode"] = str(spec["status"])
    return properties


def merge_template() -> dict:
    resources = {}
    for kind, spec in responses().items():
        logical_id = "GatewayResponse" + "".join(part.title() for part in kind.lower().split("_"))
        resources[logical_id] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": {"RestApiId": {"Ref": "RestAPI"}, **_properties(kind, spec)},
        }
    from infra.function_names import merge_resources

    # The functions and roles named as `chalice deploy` names them (see that module).
    resources.update(merge_resources("prod"))
    return {"Resources": resources}


def apply(stage: str) -> None:
    import boto3

    deployed = json.loads((HERE.parent / ".chalice" / "deployed" / f"{stage}.json").read_text())
    api = next(r for r in deployed["resources"] if r["resource_type"] == "rest_api")
    client = boto3.client("apigateway")
    for kind, spec in responses().items():
        props = _properties(kind, spec)
        args = {
            "restApiId": api["rest_api_id"],
            "responseType": kind,
            "responseParameters": props["ResponseParameters"],
            "responseTemplates": props["ResponseTemplates"],
        }
        if "StatusCode" in props:
            args["statusCode"] = props["StatusCode"]
        client.put_gateway_response(**args)
    client.create_deployment(restApiId=api["rest_api_id"], stageName="api")
    print(f"gateway responses applied to {api['rest_api_id']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    merge = sub.add_parser("merge-template")
    merge.add_argument("output")
    apply_cmd = sub.add_parser("apply")
    apply_cmd.add_argument("--stage", required=True)
    args = parser.parse_args()
    if args.command == "merge-template":
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(merge_template(), indent=2))
    else:
        apply(args.stage)


if __name__ == "__main__":
    main()
