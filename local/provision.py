"""Create infra/template.yaml as a CloudFormation stack on the emulator.

The emulator's CloudFormation builds the table and the queues itself. A few resource types it
does not know (a Secrets Manager secret, an SES identity); those are created here from the same
template's properties, so the template stays the one definition of what exists.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import boto3
import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"
STACK_NAME = "satupintu"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (!Ref, !GetAtt, !Sub...) read as their long forms."""


def _short_form(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def _create_secret(session: boto3.Session, endpoint: str, properties: dict[str, Any], _params: dict[str, str]) -> None:
    client = session.client("secretsmanager", endpoint_url=endpoint)
    length = int(properties.get("GenerateSecretString", {}).get("PasswordLength", 64))
    try:
        client.create_secret(Name=properties["Name"], SecretString=secrets.token_urlsafe(length)[:length])
    except client.exceptions.ResourceExistsException:
        pass


def _create_email_identity(session: boto3.Session, endpoint: str, properties: dict[str, Any], params: dict[str, str]) -> None:
    identity = properties["EmailIdentity"]
    if isinstance(identity, dict) and "Ref" in identity:
        identity = params[identity["Ref"]]
    session.client("sesv2", endpoint_url=endpoint).create_email_identity(EmailIdentity=identity)


# Resource types the emulator's CloudFormation skips, and how to create them instead.
_CREATED_HERE = {
    "AWS::SecretsManager::Secret": _create_secret,
    "AWS::SES::EmailIdentity": _create_email_identity,
}


def provision(endpoint: str, region: str, parameters: dict[str, str], timeout: float = 60.0) -> dict[str, str]:
    """Create the stack (once) and answer its outputs."""
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=region)
    template = load_template()
    cfn = session.client("cloudformation", endpoint_url=endpoint)
    cfn.create_stack(
        StackName=STACK_NAME,
        TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )
    deadline = time.monotonic() + timeout
    while True:
        stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        if stack["StackStatus"] == "CREATE_COMPLETE":
            break
        if stack["StackStatus"].endswith("FAILED") or time.monotonic() > deadline:
            raise RuntimeError(f"stack {STACK_NAME} did not come up: {stack['StackStatus']} {stack.get('StackStatusReason', '')}")
        time.sleep(0.1)

    for resource in template["Resources"].values():
        create = _CREATED_HERE.get(resource["Type"])
        if create is None:
            continue
        if "Condition" in resource and not _condition_holds(template, resource["Condition"], parameters):
            continue
        create(session, endpoint, resource.get("Properties", {}), parameters)
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _condition_holds(template: dict[str, Any], name: str, parameters: dict[str, str]) -> bool:
    """Enough of CloudFormation's condition functions for this template (Not, Equals, Ref)."""

    def evaluate(expr: Any) -> Any:
        if isinstance(expr, dict):
            (fn, arg), = expr.items()
            if fn == "Ref":
                default = template.get("Parameters", {}).get(arg, {}).get("Default", "")
                return parameters.get(arg, default)
            if fn == "Fn::Not":
                return not evaluate(arg[0])
            if fn == "Fn::Equals":
                return evaluate(arg[0]) == evaluate(arg[1])
            if fn == "Condition":
                return evaluate(template["Conditions"][arg])
            raise ValueError(f"condition function {fn} is not supported locally")
        return expr

    return bool(evaluate(template["Conditions"][name]))
