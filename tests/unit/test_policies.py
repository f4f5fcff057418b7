"""Least privilege and data protection (issue 17), read from the files AWS gets: each function's
own IAM policy (.chalice/policies/), and infra/*.yaml. What the functions actually call is checked
against the same policies over the whole test session (tests/aws_calls.py, conftest.py)."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib import local_runtime
from local.provision import load_template
from tests import aws_calls
from tests.aws_calls import ACCOUNT, Request, allowed, policy

REGION = "ap-southeast-3"
INFRA = aws_calls.PROJECT / "infra"
# Whoever seals or opens NIKs (chalicelib/adapters/vault.py): the API (applications, their
# readers), and whoever sends the civil registry an event with the NIKs opened for the post.
NIK_USERS = {"api_handler", "run_integration", "retry_registry_sends"}
# Whoever writes or reads evidence through S3 (SSE-KMS under the evidence key).
EVIDENCE_USERS = {"api_handler", "scan_upload", "render_pdf"}


def app_functions() -> set[str]:
    import app as app_module

    return ({"api_handler"} | {name for name, *_ in local_runtime.queue_functions(app_module.app)}
            | {name for name, _ in local_runtime.scheduled_functions(app_module.app)}
            | {name for name, _ in local_runtime.stream_functions(app_module.app)})


def kms(action: str, alias: str, **context: str) -> Request:
    return Request(action, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd", aws_calls._context(**{
        "kms:ResourceAliases": [alias], "kms:EncryptionContextKeys": sorted(context),
        **{f"kms:EncryptionContext:{k}": v for k, v in context.items()},
        **({"kms:ViaService": f"s3.{REGION}.amazonaws.com"} if alias.endswith("evidence") else {})}))


def s3(action: str, bucket: str, key: str | None = None, account: str = ACCOUNT) -> Request:
    resource = f"arn:aws:s3:::{bucket}" + (f"/{key}" if key is not None else "")
    return Request(action, resource, tuple(sorted({"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": account}.items())))


def sqs(action: str, queue: str) -> Request:
    return Request(action, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}", aws_calls._context())


# ---- one policy per function ---------------------------------------------------------------

def test_every_function_has_a_policy_file_of_its_own_and_none_is_generated():
    config = aws_calls.chalice_config()
    assert config["autogen_policy"] is False and "iam_policy_file" not in config  # no shared fallback
    assert set(aws_calls.functions()) == app_functions()
    files = [aws_calls.policy_file(name) for name in aws_calls.functions()]
    assert len(set(files)) == len(files) and all(path.exists() for path in files)
    assert {p.name for p in (aws_calls.PROJECT / ".chalice" / "policies").glob("*.json")} == {p.name for p in files}


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_a_policy_names_its_account_and_no_wildcard_action_or_resource(function):
    for statement in policy(function)["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in aws_calls._listed(statement["Action"]):
            assert "*" not in action, (function, statement["Sid"])
        if set(aws_calls._listed(statement["Action"])) <= aws_calls.XRAY:
            continue  # tracing: X-Ray names no resource
        for resource in aws_calls._listed(statement["Resource"]):
            assert resource != "*", (function, statement["Sid"])
            if resource.startswith("arn:aws:s3:::"):
                # Bucket names are global: only buckets of this account.
                assert statement["Condition"]["StringEquals"]["aws:ResourceAccount"] == "${aws:PrincipalAccount}"
            else:
                assert resource.split(":", 4)[4].startswith("${aws:PrincipalAccount}:"), (function, resource)


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_only_the_functions_that_handle_niks_may_use_the_pii_key_and_only_for_a_record(function):
    may = function in NIK_USERS
    assert allowed(policy(function), kms("kms:Decrypt", "alias/satupintu-pii", record="application/app_1")) is may
    # Never without the record's name as context, and never for another key.
    assert not allowed(policy(function), kms("kms:Decrypt", "alias/satupintu-pii"))
    assert not allowed(policy(function), kms("kms:Decrypt", "alias/other", record="application/app_1"))
    assert not allowed(policy(function), kms("kms:Encrypt", "alias/satupintu-pii", record="application/app_1"))
    # Subscriptions' signing secrets: the functions that may open any record, and the
    # notification function (its fan-out signs a change's webhooks), nobody else.
    signs = function in NIK_USERS | {"notify"}
    assert allowed(policy(function), kms("kms:Decrypt", "alias/satupintu-pii", record="subscription/sub_1")) is signs


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_only_the_functions_that_touch_evidence_may_use_its_key_and_only_through_s3(function):
    request = kms("kms:Decrypt", "alias/satupintu-evidence", **{"aws:s3:arn": "arn:aws:s3:::x-uploads"})
    assert allowed(policy(function), request) is (function in EVIDENCE_USERS)
    direct = Request(request.action, request.resource, tuple(kv for kv in request.context if kv[0] != "kms:ViaService"))
    assert not allowed(policy(function), direct)


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_nobody_reads_quarantined_files_and_the_api_never_reads_an_unscanned_one(function):
    for action in ("s3:GetObject", "s3:GetObjectVersion"):
        assert not allowed(policy(function), s3(action, "depok-satupintu-quarantine", "app_1/doc_1/abc"))
    if function == "api_handler":
        assert not allowed(policy(function), s3("s3:GetObjectVersion", "depok-satupintu-uploads", "incoming/app_1/doc_1"))
        assert allowed(policy(function), s3("s3:GetObjectVersion", "depok-satupintu-uploads", "clean/app_1/doc_1"))
        # The same bucket name in another account is not ours.
        assert not allowed(policy(function), s3("s3:GetObjectVersion", "depok-satupintu-uploads", "clean/app_1/doc_1", "999999999999"))


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_a_queue_function_receives_from_its_own_queue_only(function):
    import app as app_module

    own = {name: queue for name, queue, _ in local_runtime.queue_functions(app_module.app)}
    queues = set(own.values())
    for queue in queues:
        for action in aws_calls.TRIGGER:
            if function == "api_handler" and action == "sqs:GetQueueAttributes":
                continue  # ops' queues page reads every queue's counts (GET /ops/queues): no message is received
            assert allowed(policy(function), sqs(action, queue)) is (own.get(function) == queue), (function, queue, action)


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_only_the_stream_function_reads_the_tables_stream_and_no_other(function):
    import app as app_module

    streamed = {name for name, _ in local_runtime.stream_functions(app_module.app)}
    ours = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/satupintu/stream/2026-12-05T00:00:00.000"
    other = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/someone-else/stream/2026-12-05T00:00:00.000"
    for action in aws_calls.STREAM_TRIGGER:
        assert allowed(policy(function), Request(action, ours, aws_calls._context())) is (function in streamed), action
        assert not allowed(policy(function), Request(action, other, aws_calls._context())), action


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_a_function_writes_only_its_own_log_group(function):
    def group(name: str, stage: str = "prod") -> str:
        lambda_name = f"satupintu-{stage}" if name == "api_handler" else f"satupintu-{stage}-{name}"
        return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{lambda_name}:log-stream:2026/01/01"

    for other in app_functions():
        assert allowed(policy(function), Request("logs:PutLogEvents", group(other), aws_calls._context())) is (other == function)


def test_the_check_refuses_what_iam_would():
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:${aws:PrincipalAccount}:q"}]}
    assert allowed(document, s3("s3:GetObject", "b", "open/1"))
    assert not allowed(document, s3("s3:GetObject", "b", "secret/1"))  # an explicit deny wins
    assert not allowed(document, s3("s3:PutObject", "b", "open/1"))
    assert allowed(document, sqs("sqs:SendMessage", "q"))
    other_account = Request("sqs:SendMessage", f"arn:aws:sqs:{REGION}:999999999999:q", aws_calls._context())
    assert not allowed(document, other_account)
    with pytest.raises(ValueError):
        allowed({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}}]},
                s3("s3:GetObject", "b", "x"))


# ---- the keys' own policies name the same functions -------------------------------------------

def _roles_in(statement: dict) -> set[str]:
    arns = statement["Condition"]["ArnLike"]["aws:PrincipalArn"]
    names = {re.search(r"role/satupintu-(\*-)?(.+)$", arn["Fn::Sub"]).group(2) for arn in arns if "Fn::Sub" in arn}
    return {name for name in names if not name.startswith("security")}


def test_guardduty_may_open_the_evidence_it_scans_and_nothing_else():
    """The uploads are SSE-KMS: GuardDuty's scan reads them with its own role, which the evidence
    key names (when GuardDuty scans) and the PII key does not."""
    evidence = {s["Sid"]: s for s in _key_policy("EvidenceKey")}["FunctionsThroughS3"]
    guardduty = [arn for arn in evidence["Condition"]["ArnLike"]["aws:PrincipalArn"] if "Fn::If" in arn]
    assert guardduty == [{"Fn::If": ["UseGuardDuty", {"Fn::GetAtt": ["MalwareProtectionRole", "Arn"]}, {"Ref": "AWS::NoValue"}]}]
    assert "MalwareProtectionRole" not in json.dumps(_key_policy("PiiKey"))
    role = load_template(INFRA / "template.yaml")["Resources"]["MalwareProtectionRole"]["Properties"]
    [decrypt] = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"] if "kms:Decrypt" in s["Action"]]
    assert decrypt["Condition"] == {"StringLike": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}}


def _key_policy(logical_id: str) -> list[dict]:
    return load_template(INFRA / "template.yaml")["Resources"][logical_id]["Properties"]["KeyPolicy"]["Statement"]


@pytest.mark.parametrize("key, users", [("PiiKey", NIK_USERS), ("EvidenceKey", EVIDENCE_USERS)])
def test_a_key_policy_separates_its_administrators_from_its_users(key, users):
    statements = {s["Sid"]: s for s in _key_policy(key)}
    admin = statements.pop("Administrators")
    use = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:*"}
    assert not any(action in use or action.startswith(("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt", "kms:GenerateDataKey"))
                   for action in admin["Action"])
    assert admin["Principal"]["AWS"]["Fn::If"][0] == "HasKeyAdmin"
    notifier = statements.pop("NotifierOpensSubscriptionSecrets", None)
    user, = statements.values()
    assert set(user["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert _roles_in(user) == users
    if key == "PiiKey":  # the notification function opens subscriptions' signing secrets, nothing else
        assert notifier["Action"] == "kms:Decrypt" and _roles_in(notifier) == {"notify"}
        assert notifier["Condition"]["StringLike"] == {"kms:EncryptionContext:record": "subscription/*"}
    else:
        assert notifier is None


# ---- data protection in the templates ----------------------------------------------------------

def _resources(name: str) -> dict:
    return load_template(INFRA / name)["Resources"]


def _tls_only(policy_document: dict, bucket: str) -> bool:
    for statement in policy_document["Statement"]:
        if statement["Effect"] == "Deny" and statement["Condition"].get("Bool") == {"aws:SecureTransport": "false"}:
            covered = json.dumps(statement["Resource"])
            return statement["Action"] == "s3:*" and statement["Principal"] == "*" and bucket in covered and "/*" in covered
    return False


@pytest.mark.parametrize("template", ["template.yaml", "web.yaml"])
def test_every_bucket_refuses_anything_but_tls_and_keeps_its_data(template):
    resources = _resources(template)
    buckets = [name for name, r in resources.items() if r["Type"] == "AWS::S3::Bucket"]
    policies = {r["Properties"]["Bucket"]["Ref"]: r["Properties"]["PolicyDocument"]
                for r in resources.values() if r["Type"] == "AWS::S3::BucketPolicy"}
    assert buckets
    for bucket in buckets:
        assert _tls_only(policies[bucket], bucket), bucket
        assert resources[bucket]["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
        if template == "template.yaml":
            assert resources[bucket]["DeletionPolicy"] == resources[bucket]["UpdateReplacePolicy"] == "Retain"


def test_evidence_is_encrypted_under_its_key_with_a_bucket_key_and_its_access_logged():
    resources = _resources("template.yaml")
    for bucket, prefix in (("UploadsBucket", "uploads/"), ("QuarantineBucket", "quarantine/")):
        rule, = resources[bucket]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["EvidenceKey", "Arn"]}}
        assert rule["BucketKeyEnabled"] is True
        assert resources[bucket]["Properties"]["LoggingConfiguration"] == {
            "DestinationBucketName": {"Ref": "AccessLogBucket"}, "LogFilePrefix": prefix}


def test_what_holds_data_or_secrets_is_retained_and_the_table_cannot_be_deleted_in_one_step():
    resources = _resources("template.yaml")
    keeping = [name for name, r in resources.items()
               if r["Type"] in ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SecretsManager::Secret")]
    assert len(keeping) >= 8
    for name in keeping:
        assert resources[name]["DeletionPolicy"] == resources[name]["UpdateReplacePolicy"] == "Retain", name
    assert resources["MainTable"]["Properties"]["DeletionProtectionEnabled"] is True
    assert all(resources[k]["Properties"]["EnableKeyRotation"] is True for k in ("PiiKey", "EvidenceKey"))


@pytest.mark.parametrize("function", sorted(app_functions()))
def test_a_traced_function_may_write_its_traces(function):
    """Lambda refuses to create a function with active tracing whose role cannot write to X-Ray,
    and Chalice adds that grant only to a policy it generates, never to a policy file."""
    assert aws_calls.chalice_config()["xray"] is True
    for action in ("xray:PutTraceSegments", "xray:PutTelemetryRecords"):
        assert allowed(policy(function), Request(action, "*", aws_calls._context())), action
