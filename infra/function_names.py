"""The names `chalice deploy` gives each function and its role (`satupintu-<stage>-<function>`,
the API `satupintu-<stage>`), pinned in the packaged CloudFormation template too. Without them
CloudFormation would make up names (`<stack>-NotifyRole-1A2B…`), and what is scoped by name
would not match: the KMS keys' policies name the roles that may use them (infra/template.yaml),
and each function's policy lets it write only its own log group (.chalice/policies/).

Merged into `chalice package` by `python -m infra.api_gateway merge-template`. Named IAM
roles need `--capabilities CAPABILITY_NAMED_IAM` when the package is deployed. The same merge
carries the checkov checks skipped on the generated resources, each with its reason (checkov
reads them from the resources' Metadata, where the packaged template has them)."""

from __future__ import annotations

import json
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
API = "api_handler"


def lambda_name(app_name: str, stage: str, function: str) -> str:
    return f"{app_name}-{stage}" if function == API else f"{app_name}-{stage}-{function}"


FUNCTION_SKIPS = [
    {"id": "CKV_AWS_116", "comment": "Queue functions fail into their queue's dead-letter queue (infra/template.yaml); "
                                     "schedules run again on their next tick, and what they owe stays in the table."},
    {"id": "CKV_AWS_117", "comment": "No resource in a VPC is reached: the functions call AWS APIs and public registries "
                                     "over TLS; a VPC would add NAT and endpoints and protect nothing more."},
    {"id": "CKV_AWS_173", "comment": "The environment holds names and URLs, no secret (those are read from Secrets "
                                     "Manager); Lambda encrypts it at rest with its own key."},
]
API_FUNCTION_SKIPS = [
    {"id": "CKV_AWS_115", "comment": "The API is left the account's unreserved concurrency (Lambda keeps at least 100 "
                                     "unreserved; docs/DEPLOY.md 'Limits and the edge'): a reservation would cap it, "
                                     "and the stage's throttling already bounds it."},
]
API_SKIPS = [
    {"id": "CKV_AWS_120", "comment": "Answers are per caller and carry personal data: never cached at the gateway."},
]
LOG_GROUP_SKIPS = [
    {"id": "CKV_AWS_158", "comment": "Encrypted by CloudWatch Logs' own key; the lines carry no NIK (masked, and "
                                     "tests/test_no_nik_in_logs.py reads them), so no KMS key of ours is needed."},
]


def merge_resources(stage: str = "prod") -> dict:
    from chalice.utils import to_cfn_resource_name

    config = json.loads((PROJECT / ".chalice" / "config.json").read_text())
    app_name = config["app_name"]
    resources = {}
    for function in config["lambda_functions"]:
        logical_id = "APIHandler" if function == API else to_cfn_resource_name(function)
        resources[logical_id] = {"Properties": {"FunctionName": lambda_name(app_name, stage, function)},
                                 "Metadata": {"checkov": {"skip": FUNCTION_SKIPS + (API_FUNCTION_SKIPS if function == API else [])}}}
        resources[to_cfn_resource_name(f"{function}_role")] = {
            "Properties": {"RoleName": f"{app_name}-{stage}-{function}"},
            # E3510: cfn-lint's ARN pattern wants 12 digits where the policies name the account
            # with the IAM policy variable ${aws:PrincipalAccount} (as AWS's own managed
            # policies do): the role's own account, whichever it is deployed in.
            "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["E3510"]}}}}
        if function != API and config["lambda_functions"][function].get("log_retention_in_days",
                                                                        config.get("log_retention_in_days")):
            # Chalice makes the log group of a function with a retention (not the API's: infra/template.yaml)
            resources[to_cfn_resource_name(function) + "LogGroup"] = {"Metadata": {"checkov": {"skip": LOG_GROUP_SKIPS}}}
    resources["RestAPI"] = {"Metadata": {"checkov": {"skip": API_SKIPS}}}
    return resources
