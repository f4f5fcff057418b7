"""Create infra/template.yaml as a CloudFormation stack on the emulator.

The emulator's CloudFormation builds the table and the queues itself. A few resource types it
does not know (a Secrets Manager secret, an SES identity); those are created here from the same
template's properties, so the template stays the one definition of what exists.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

import boto3
import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"
STACK_NAME = "satupintu"
NO_VALUE = object()  # what Ref AWS::NoValue leaves out of a list


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


class Resolver:
    """Enough of CloudFormation's intrinsic functions (Ref, Fn::GetAtt, Fn::Sub) to turn this
    template's properties into API arguments, against the stack the emulator built."""

    def __init__(self, template: dict[str, Any], parameters: dict[str, str], physical: dict[str, str],
                 session: boto3.Session, endpoint: str, region: str, account: str) -> None:
        self.template, self.parameters, self.physical = template, parameters, physical
        self.session, self.endpoint, self.region, self.account = session, endpoint, region, account

    def _ref(self, name: str) -> str:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = {"AWS::AccountId": self.account, "AWS::Region": self.region, "AWS::Partition": "aws",
                  "AWS::StackName": STACK_NAME}
        if name in pseudo:
            return pseudo[name]
        if name in self.template.get("Parameters", {}):
            return self.parameters.get(name, self.template["Parameters"][name].get("Default", ""))
        return self.physical[name]

    def _attribute(self, name: str, attribute: str) -> str:
        kind = self.template["Resources"][name]["Type"]
        if kind == "AWS::SQS::Queue" and attribute == "Arn":
            sqs = self.session.client("sqs", endpoint_url=self.endpoint)
            return sqs.get_queue_attributes(QueueUrl=self.physical[name], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        if kind == "AWS::S3::Bucket" and attribute == "Arn":
            return f"arn:aws:s3:::{self.physical[name]}"
        if kind == "AWS::KMS::Key" and attribute == "Arn":
            return f"arn:aws:kms:{self.region}:{self.account}:key/{self.physical[name]}"
        if kind == "AWS::IAM::Role" and attribute == "Arn":
            return f"arn:aws:iam::{self.account}:role/{self.physical[name]}"
        raise ValueError(f"Fn::GetAtt {name}.{attribute} is not supported locally")

    def resolve(self, expr: Any) -> Any:
        if isinstance(expr, list):
            return [item for item in (self.resolve(item) for item in expr) if item is not NO_VALUE]
        if not isinstance(expr, dict):
            return expr
        if len(expr) == 1:
            (fn, arg), = expr.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn == "Fn::GetAtt":
                return self._attribute(*arg)
            if fn == "Fn::If":
                name, when_true, when_false = arg
                return self.resolve(when_true if _condition_holds(self.template, name, self.parameters) else when_false)
            if fn == "Fn::Select":
                index, items = self.resolve(arg)
                return items[int(index)]
            if fn == "Fn::Split":
                separator, text = self.resolve(arg)
                return text.split(separator)
            if fn == "Fn::Join":
                separator, items = self.resolve(arg)
                return separator.join(items)
            if fn == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]

                def substitute(match: re.Match[str]) -> str:
                    name = match.group(1)
                    return self._attribute(*name.split(".", 1)) if "." in name else self._ref(name)

                return re.sub(r"\$\{([^}]+)\}", substitute, text)
        return {key: self.resolve(value) for key, value in expr.items()}


def _create_secret(r: Resolver, _logical_id: str, properties: dict[str, Any]) -> None:
    client = r.session.client("secretsmanager", endpoint_url=r.endpoint)
    length = int(properties.get("GenerateSecretString", {}).get("PasswordLength", 64))
    try:
        client.create_secret(Name=properties["Name"], SecretString=secrets.token_urlsafe(length)[:length])
    except client.exceptions.ResourceExistsException:
        pass


def _create_email_identity(r: Resolver, _logical_id: str, properties: dict[str, Any]) -> None:
    r.session.client("sesv2", endpoint_url=r.endpoint).create_email_identity(EmailIdentity=properties["EmailIdentity"])


def _create_configuration_set(r: Resolver, logical_id: str, properties: dict[str, Any]) -> None:
    r.session.client("sesv2", endpoint_url=r.endpoint).create_configuration_set(ConfigurationSetName=properties["Name"])
    r.physical[logical_id] = properties["Name"]  # what Ref answers for it


def _subscribe(r: Resolver, _logical_id: str, properties: dict[str, Any]) -> None:
    """A queue's subscription to a topic (the emulator's SNS hands what is published to the
    queue). E-mail subscriptions (the alarm topic's) mean nothing locally: nobody would confirm."""
    if properties["Protocol"] != "sqs":
        return
    attributes = {"RawMessageDelivery": "true"} if properties.get("RawMessageDelivery") else {}
    r.session.client("sns", endpoint_url=r.endpoint).subscribe(
        TopicArn=properties["TopicArn"], Protocol=properties["Protocol"], Endpoint=properties["Endpoint"],
        Attributes=attributes)


def _skip(_r: Resolver, _logical_id: str, _properties: dict[str, Any]) -> None:
    """The emulator's SES neither bounces nor publishes events: the tests publish what SES would
    to the topic (tests/integration/test_mail_events.py)."""


def _configure_bucket(r: Resolver, logical_id: str, properties: dict[str, Any]) -> None:
    """The bucket exists (the emulator's CloudFormation made it); its settings do not."""
    s3 = r.session.client("s3", endpoint_url=r.endpoint)
    bucket = r.physical[logical_id]
    if "VersioningConfiguration" in properties:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": properties["VersioningConfiguration"]["Status"]})
    if "BucketEncryption" in properties:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
                **({"KMSMasterKeyID": rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]}
                   if "KMSMasterKeyID" in rule["ServerSideEncryptionByDefault"] else {})},
             "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False))}
            for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]})
    if "LoggingConfiguration" in properties:
        logging = properties["LoggingConfiguration"]
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": logging["DestinationBucketName"], "TargetPrefix": logging.get("LogFilePrefix", "")}})
    if "PublicAccessBlockConfiguration" in properties:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"])
    if "CorsConfiguration" in properties:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
            {"AllowedMethods": rule["AllowedMethods"], "AllowedOrigins": rule["AllowedOrigins"],
             "AllowedHeaders": rule.get("AllowedHeaders", []), "ExposeHeaders": rule.get("ExposedHeaders", []),
             "MaxAgeSeconds": rule.get("MaxAge", 0)}
            for rule in properties["CorsConfiguration"]["CorsRules"]
        ]})
    if "LifecycleConfiguration" in properties:
        rules = []
        for rule in properties["LifecycleConfiguration"]["Rules"]:
            api_rule: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
            if "ExpirationInDays" in rule:
                api_rule["Expiration"] = {"Days": rule["ExpirationInDays"]}
            if "NoncurrentVersionExpiration" in rule:
                api_rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule["NoncurrentVersionExpiration"]["NoncurrentDays"]}
            rules.append(api_rule)
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    if "NotificationConfiguration" in properties:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
            {"QueueArn": queue["Queue"], "Events": [queue["Event"]],
             "Filter": {"Key": {"FilterRules": queue["Filter"]["S3Key"]["Rules"]}}}
            for queue in properties["NotificationConfiguration"].get("QueueConfigurations", [])
        ]})


def _bucket_policy(r: Resolver, _logical_id: str, properties: dict[str, Any]) -> None:
    """The policy without its TLS-only statements: the emulator speaks plain HTTP on loopback,
    and its S3 evaluates a Deny's condition with no request context, so it would refuse every
    request. (tests/unit/test_data_protection.py checks that every bucket has one on AWS.)"""
    document = dict(properties["PolicyDocument"])
    document["Statement"] = [s for s in document["Statement"] if "aws:SecureTransport" not in json.dumps(s.get("Condition", {}))]
    if document["Statement"]:
        r.session.client("s3", endpoint_url=r.endpoint).put_bucket_policy(Bucket=properties["Bucket"], Policy=json.dumps(document))


def _key_policy(r: Resolver, logical_id: str, properties: dict[str, Any]) -> None:
    """The emulator's CloudFormation keeps a key's policy as an object where its KMS expects
    text (and then fails DescribeKey): stated again, as text."""
    r.session.client("kms", endpoint_url=r.endpoint).put_key_policy(
        KeyId=r.physical[logical_id], PolicyName="default", Policy=json.dumps(properties["KeyPolicy"]))


def _queue_policy(r: Resolver, _logical_id: str, properties: dict[str, Any]) -> None:
    sqs = r.session.client("sqs", endpoint_url=r.endpoint)
    for url in properties["Queues"]:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(properties["PolicyDocument"])})


# What the emulator's CloudFormation skips — whole resource types, or the settings of a type it
# creates — and how to do it instead, from the same properties.
_APPLIED_HERE = {
    "AWS::SecretsManager::Secret": _create_secret,
    "AWS::SES::EmailIdentity": _create_email_identity,
    "AWS::S3::Bucket": _configure_bucket,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::SQS::QueuePolicy": _queue_policy,
    "AWS::SES::ConfigurationSet": _create_configuration_set,
    "AWS::SES::ConfigurationSetEventDestination": _skip,
    "AWS::SNS::Subscription": _subscribe,
    "AWS::KMS::Key": _key_policy,
}


@functools.cache
def _session(region: str) -> boto3.Session:
    # One per process: the tests create the stack again for every module, and a new session
    # would read botocore's service models from disk again.
    return boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=region)


def provision(endpoint: str, region: str, parameters: dict[str, str], timeout: float = 60.0) -> dict[str, str]:
    """Create the stack (once) and answer its outputs."""
    session = _session(region)
    template = load_template()
    parameters = {"Emulated": "true", **parameters}
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

    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                for r in cfn.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
                if r.get("LogicalResourceId")}  # the types it skipped are listed without names
    account = session.client("sts", endpoint_url=endpoint).get_caller_identity()["Account"]
    resolver = Resolver(template, parameters, physical, session, endpoint, region, account)
    # Buckets' own settings last: one logging to another needs that one's policy in place first,
    # as S3 checks (CloudFormation orders them by their references; this is enough here).
    ordered = sorted(template["Resources"].items(), key=lambda item: item[1]["Type"] == "AWS::S3::Bucket")
    for logical_id, resource in ordered:
        apply = _APPLIED_HERE.get(resource["Type"])
        if apply is None:
            continue
        if "Condition" in resource and not _condition_holds(template, resource["Condition"], parameters):
            continue
        apply(resolver, logical_id, resolver.resolve(resource.get("Properties", {})))
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _condition_holds(template: dict[str, Any], name: str, parameters: dict[str, str]) -> bool:
    """Enough of CloudFormation's condition functions for this template (Ref, Not, Equals, And,
    Condition, and Select/Split/Join for the alarm addresses)."""

    def evaluate(expr: Any) -> Any:
        if isinstance(expr, list):
            return [evaluate(item) for item in expr]
        if not isinstance(expr, dict):
            return expr
        (fn, arg), = expr.items()
        if fn == "Ref":
            default = template.get("Parameters", {}).get(arg, {}).get("Default", "")
            return parameters.get(arg, default)
        if fn == "Condition":
            return evaluate(template["Conditions"][arg])
        args = evaluate(arg)
        functions = {
            "Fn::Not": lambda: not args[0], "Fn::Equals": lambda: args[0] == args[1], "Fn::And": lambda: all(args),
            "Fn::Or": lambda: any(args), "Fn::Select": lambda: args[1][int(args[0])],
            "Fn::Split": lambda: args[1].split(args[0]), "Fn::Join": lambda: args[0].join(args[1]),
        }
        if fn not in functions:
            raise ValueError(f"condition function {fn} is not supported locally")
        return functions[fn]()

    return bool(evaluate(template["Conditions"][name]))
