"""Every AWS call each function makes while the suite runs, and the check that its own IAM policy
allows it (issue 17, "least privilege").

Each function is deployed with a role of its own whose policy is the file `.chalice/config.json`
names for it (`lambda_functions.<name>.iam_policy_file`). Locally a function runs in-process:
`chalicelib.local_runtime` marks each invocation of an event function with its name, and the
HTTP requests of Chalice's test client are marked `api_handler` here. Every botocore call made
while a name is set is recorded, turned into the IAM requests AWS would authorize for it
(`requests_for`), and evaluated against that function's policy (`allowed`): the same Allow/Deny,
action, resource and condition matching IAM does, for the elements these policies use. An
element it does not know is an error, never a pass.

Presigned URLs and POSTs count as calls of the function that signed them: the browser's request
is authorized against the signer's role. Uploads and quarantine are SSE-KMS buckets, so S3 asks
KMS for a data key (a write) or to open one (a read) on the caller's behalf; those KMS requests
are added to the S3 call that causes them.
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import unquote

PROJECT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"  # the emulator's account, and the one the roles are in
LOCAL_ONLY = "local-only"  # the /_local routes: not registered outside the local stage

_api_request: contextvars.ContextVar[str | None] = contextvars.ContextVar("api_request", default=None)
_lock = threading.Lock()


@dataclass(frozen=True)
class Request:
    """One IAM authorization: an action on a resource, with the request's condition keys."""
    action: str
    resource: str
    context: tuple[tuple[str, Any], ...] = ()

    def keys(self) -> dict[str, Any]:
        return dict(self.context)


@dataclass(frozen=True)
class Call:
    function: str
    operation: str  # e.g. s3:GetObject (the API operation, not the IAM action)
    requests: tuple[Request, ...]


@dataclass
class Record:
    calls: set[Call] = field(default_factory=set)  # each kind of call once, for the session's check
    captures: list[list[Call]] = field(default_factory=list)  # every call, while a test captures


record = Record()


@contextlib.contextmanager
def capture() -> Iterator[list[Call]]:
    """Every call made inside the block, repeats included (the session's record keeps each kind
    once, so a call an earlier test made is not new there)."""
    calls: list[Call] = []
    with _lock:
        record.captures.append(calls)
    try:
        yield calls
    finally:
        with _lock:  # by identity: two captures still empty are equal lists
            record.captures[:] = [c for c in record.captures if c is not calls]


# ---- recording ------------------------------------------------------------------------------

def current_function() -> str | None:
    from chalicelib import local_runtime

    name = local_runtime.running_function.get() or _api_request.get()
    if name is None and threading.current_thread() is not threading.main_thread():
        running = local_runtime.running_anywhere
        name = running[-1] if len(set(running)) == 1 else None  # a pool thread of the one running function
    return name


def install() -> None:
    """Record from now on (idempotent)."""
    from botocore.client import BaseClient
    from botocore.signers import S3PostPresigner
    from chalice.local import LocalGateway

    if getattr(BaseClient._emit_api_params, "_records_calls", False):
        return
    emit, post, handle = BaseClient._emit_api_params, S3PostPresigner.generate_presigned_post, LocalGateway.handle_request

    def _emit_api_params(self, api_params, operation_model, context):
        params = emit(self, api_params, operation_model, context)
        function = current_function()
        presign_post = context.get("is_presign_request") and operation_model.name == "CreateBucket"
        if function is not None and not presign_post:
            prefix = self.meta.service_model.signing_name
            _add(function, prefix, operation_model.name, params, self.meta.region_name, bool(context.get("is_presign_request")))
        return params

    def generate_presigned_post(self, request_dict, fields=None, conditions=None, expires_in=3600, region_name=None):
        function = current_function()
        if function is not None:
            bucket = next(c["bucket"] for c in conditions or [] if isinstance(c, dict) and "bucket" in c)
            region = region_name or self._request_signer._region_name
            _add(function, "s3", "PutObject", {"Bucket": bucket, "Key": (fields or {})["key"]}, region, True)
        return post(self, request_dict, fields, conditions, expires_in, region_name)

    def handle_request(self, method, path, headers, body):
        token = _api_request.set(LOCAL_ONLY if path.startswith("/_local") else "api_handler")
        try:
            return handle(self, method, path, headers, body)
        finally:
            _api_request.reset(token)

    _emit_api_params._records_calls = True  # type: ignore[attr-defined]
    BaseClient._emit_api_params = _emit_api_params
    S3PostPresigner.generate_presigned_post = generate_presigned_post
    LocalGateway.handle_request = handle_request


def _add(function: str, prefix: str, operation: str, params: dict[str, Any], region: str, presigned: bool) -> None:
    label = f"{prefix}:{operation}" + (" (presigned)" if presigned else "")
    try:
        requests = requests_for(prefix, operation, params, region)
    except NotImplementedError as unknown:
        # Never raised into the function under test: reported, refused, at the session's end.
        requests = [Request(f"{prefix}:{operation}", f"(no IAM mapping: {unknown})")]
    call = Call(function, label, tuple(requests))
    with _lock:
        record.calls.add(call)
        for calls in record.captures:
            calls.append(call)


# ---- from an API call to the IAM requests it makes -------------------------------------------

def _context(**keys: Any) -> tuple[tuple[str, Any], ...]:
    base = {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT, **keys}
    # A multivalued key with no values is absent from the request (what IAM's Null tests see).
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in base.items() if v != []))


def _queue_arn(region: str, params: dict[str, Any]) -> str:
    name = params.get("QueueName") or params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


def _table_arn(region: str, table: str, index: str | None = None) -> str:
    return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}" + (f"/index/{index}" if index else "")


def _key_arn(region: str, key_id: str) -> tuple[str, list[str]]:
    """The key a KeyId names, and its aliases (the condition key kms:ResourceAliases)."""
    if key_id.startswith("alias/"):
        return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id.replace('/', '-')}", [key_id]
    if key_id.startswith("arn:"):
        return key_id, []
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}", []


_DYNAMODB_TRANSACT = {"ConditionCheck": "ConditionCheckItem", "Put": "PutItem", "Update": "UpdateItem",
                      "Delete": "DeleteItem", "Get": "GetItem"}


def _dynamodb(operation: str, params: dict[str, Any], region: str) -> list[Request]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        # IAM authorizes each item with the action of its kind (no action named after the call).
        found = []
        for item in params["TransactItems"]:
            (kind, body), = item.items()
            found.append(Request(f"dynamodb:{_DYNAMODB_TRANSACT[kind]}", _table_arn(region, body["TableName"]), _context()))
        return found
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Request(f"dynamodb:{operation}", _table_arn(region, table), _context()) for table in params["RequestItems"]]
    return [Request(f"dynamodb:{operation}", _table_arn(region, params["TableName"], params.get("IndexName")), _context())]


def _s3_object(region: str, bucket: str, key: str, read: bool, version: str | None) -> list[Request]:
    arn = f"arn:aws:s3:::{bucket}/{key}"
    action = ("s3:GetObjectVersion" if version else "s3:GetObject") if read else "s3:PutObject"
    found = [Request(action, arn, _context())]
    key_alias = evidence_key_alias(bucket)
    if key_alias:  # SSE-KMS: S3 asks KMS with the caller's rights
        kms_action = "kms:Decrypt" if read else "kms:GenerateDataKey"
        key_arn, aliases = _key_arn(region, key_alias)
        found.append(Request(kms_action, key_arn, _context(**{
            "kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": aliases,
            "kms:EncryptionContextKeys": ["aws:s3:arn"], "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}"})))
    return found


def _copy_source(params: dict[str, Any]) -> tuple[str, str, str | None]:
    source = params["CopySource"]
    if isinstance(source, dict):
        return source["Bucket"], source["Key"], source.get("VersionId")
    path, _, query = source.partition("?versionId=")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    return bucket, key, query or None


def _may_answer_gone(region: str, bucket: str) -> Request:
    """S3 tells a missing key (404) from a refused one (403) only to a caller that may list the
    bucket. The storage adapter's reads that turn a 404 into ObjectGone (the scan's HEAD of an
    upload, the copy into quarantine) need it, or the "object gone" branch never runs
    and a vanished upload is retried until the dead-letter queue."""
    return Request("s3:ListBucket", f"arn:aws:s3:::{bucket}", _context())


def _s3(operation: str, params: dict[str, Any], region: str) -> list[Request]:
    bucket = params["Bucket"]
    if operation in ("GetObject", "HeadObject"):
        # HEAD is authorized as GET; it reads no data, so S3 asks KMS for nothing.
        found = _s3_object(region, bucket, params["Key"], True, params.get("VersionId"))
        if operation == "HeadObject":
            return [found[0], _may_answer_gone(region, bucket)]
        # The scan's read of an upload still waiting under incoming/ is where a vanished one is found gone.
        return found + [_may_answer_gone(region, bucket)] if params["Key"].startswith("incoming/") else found
    if operation == "PutObject":
        return _s3_object(region, bucket, params["Key"], False, None)
    if operation == "CopyObject":
        source_bucket, source_key, source_version = _copy_source(params)
        found = (_s3_object(region, source_bucket, source_key, True, source_version)
                 + [_may_answer_gone(region, source_bucket)]
                 + _s3_object(region, bucket, params["Key"], False, None))
        if params.get("TaggingDirective", "COPY") == "COPY":
            # The source's tags (GuardDuty's verdict) are read and written with the copy.
            tagging = "s3:GetObjectVersionTagging" if source_version else "s3:GetObjectTagging"
            found += [Request(tagging, f"arn:aws:s3:::{source_bucket}/{source_key}", _context()),
                      Request("s3:PutObjectTagging", f"arn:aws:s3:::{bucket}/{params['Key']}", _context())]
        return found
    if operation in ("GetObjectTagging", "PutObjectTagging"):
        # GuardDuty's verdict is a tag on the version it scanned.
        verb = operation.removesuffix("ObjectTagging")
        action = f"s3:{verb}ObjectVersionTagging" if params.get("VersionId") else f"s3:{verb}ObjectTagging"
        return [Request(action, f"arn:aws:s3:::{bucket}/{params['Key']}", _context())]
    if operation == "DeleteObject":
        action = "s3:DeleteObjectVersion" if params.get("VersionId") else "s3:DeleteObject"
        return [Request(action, f"arn:aws:s3:::{bucket}/{params['Key']}", _context())]
    if operation in ("ListObjectVersions", "ListObjectsV2", "ListObjects"):
        action = "s3:ListBucketVersions" if operation == "ListObjectVersions" else "s3:ListBucket"
        return [Request(action, f"arn:aws:s3:::{bucket}", _context(**{"s3:prefix": params.get("Prefix", "")}))]
    raise NotImplementedError(f"s3:{operation}: say which IAM actions it needs (tests/aws_calls.py)")


_SQS = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
        "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def requests_for(prefix: str, operation: str, params: dict[str, Any], region: str) -> list[Request]:
    if prefix == "dynamodb":
        return _dynamodb(operation, params, region)
    if prefix == "s3":
        return _s3(operation, params, region)
    if prefix == "sqs":
        found = [Request(f"sqs:{_SQS.get(operation, operation)}", _queue_arn(region, params), _context())]
        if operation != "GetQueueUrl":
            # The job queue adapter looks a queue's URL up by name once per container; locally one
            # process runs every function and they share the URL the first one looked up.
            found.append(Request("sqs:GetQueueUrl", _queue_arn(region, params), _context()))
        return found
    if prefix == "kms":
        key_arn, aliases = _key_arn(region, params["KeyId"])
        context = params.get("EncryptionContext") or {}
        return [Request(f"kms:{operation}", key_arn, _context(**{
            "kms:ResourceAliases": aliases, "kms:EncryptionContextKeys": sorted(context),
            **{f"kms:EncryptionContext:{k}": v for k, v in context.items()}}))]
    if prefix == "secretsmanager":
        # A secret's ARN ends in a dash and six random characters.
        return [Request(f"secretsmanager:{operation}", f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{params['SecretId']}-AbCdEf",
                        _context())]
    if prefix == "ses":
        sender = params.get("FromEmailAddress", "")
        identities = [sender, sender.rpartition("@")[2]]
        found = [Request("ses:SendEmail", f"arn:aws:ses:{region}:{ACCOUNT}:identity/{identity}", _context(**{"ses:FromAddress": sender}))
                 for identity in identities[1:]]  # the domain identity (infra/template.yaml MailIdentity)
        if params.get("ConfigurationSetName"):  # sending through a configuration set is authorized on it too
            found.append(Request("ses:SendEmail", f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{params['ConfigurationSetName']}",
                                 _context(**{"ses:FromAddress": sender})))
        return found
    raise NotImplementedError(f"{prefix}:{operation}: say which IAM requests it makes (tests/aws_calls.py)")


def evidence_key_alias(bucket: str) -> str | None:
    """The KMS alias of the key a bucket of infra/template.yaml encrypts with by default."""
    return _evidence_keys().get(bucket.rsplit("-", 1)[-1])


_EVIDENCE: dict[str, str | None] = {}


def _evidence_keys() -> dict[str, str | None]:
    if not _EVIDENCE:
        from local.provision import load_template

        resources = load_template()["Resources"]
        aliases = {r["Properties"]["TargetKeyId"].get("Ref"): r["Properties"]["AliasName"]
                   for r in resources.values() if r["Type"] == "AWS::KMS::Alias"}
        for resource in resources.values():
            if resource["Type"] != "AWS::S3::Bucket":
                continue
            suffix = resource["Properties"]["BucketName"]["Fn::Sub"].rsplit("-", 1)[-1]
            rule = resource["Properties"].get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [{}])[0]
            default = rule.get("ServerSideEncryptionByDefault", {})
            key = default.get("KMSMasterKeyID")
            _EVIDENCE[suffix] = aliases.get(key["Fn::GetAtt"][0]) if isinstance(key, dict) and "Fn::GetAtt" in key else None
    return _EVIDENCE


# ---- the policies ----------------------------------------------------------------------------

def chalice_config() -> dict[str, Any]:
    return json.loads((PROJECT / ".chalice" / "config.json").read_text())


def functions() -> list[str]:
    """Every deployed function: the API and each event function of app.py."""
    return ["api_handler", *sorted(set(chalice_config()["lambda_functions"]) - {"api_handler"})]


def policy_file(function: str, stage: str = "prod") -> Path:
    config = chalice_config()
    chain = [config.get("stages", {}).get(stage, {}).get("lambda_functions", {}).get(function, {}),
             config.get("stages", {}).get(stage, {}), config.get("lambda_functions", {}).get(function, {}), config]
    name = next(c["iam_policy_file"] for c in chain if c.get("iam_policy_file"))
    return PROJECT / ".chalice" / name


def policy(function: str) -> dict[str, Any]:
    return json.loads(policy_file(function).read_text())


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _substitute(text: str, keys: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in keys or isinstance(keys[name], tuple):
            raise ValueError(f"policy variable ${{{name}}} has no single value in this request")
        return str(keys[name])

    return re.sub(r"\$\{([^}]+)\}", value, text)


def _like(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


_MATCHERS = {
    "StringEquals": lambda want, have: want == have,
    "StringLike": _like,
    "ArnEquals": lambda want, have: want == have,
    "ArnLike": _like,
    "StringNotEquals": None,  # negations are handled below
}


def _condition_holds(operator: str, key: str, wanted: Any, keys: dict[str, Any]) -> bool:
    present = key in keys
    if operator == "Null":
        return (not present) == (str(_listed(wanted)[0]).lower() == "true")
    if operator == "Bool":
        return present and str(keys[key]).lower() == str(_listed(wanted)[0]).lower()
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    qualifier, _, base = base.rpartition(":")
    negated = base.startswith("StringNot") or base.startswith("ArnNot")
    base = base.replace("Not", "", 1) if negated else base
    if base not in _MATCHERS or _MATCHERS[base] is None:
        raise ValueError(f"condition operator {operator} is not understood by tests/aws_calls.py")
    if not present:
        return if_exists or qualifier == "ForAllValues" or negated
    values = [_substitute(str(w), keys) for w in _listed(wanted)]
    have = _listed(list(keys[key]) if isinstance(keys[key], tuple) else keys[key])

    def one(value: Any) -> bool:
        return any(_MATCHERS[base](w, str(value)) for w in values)

    if qualifier == "ForAllValues":
        result = all(one(v) for v in have)
    elif qualifier == "ForAnyValue":
        result = any(one(v) for v in have)
    else:
        result = len(have) == 1 and one(have[0])
    return not result if negated else result


def _statement_matches(statement: dict[str, Any], request: Request) -> bool:
    keys = request.keys()
    if "NotAction" in statement or "NotResource" in statement or "Principal" in statement:
        raise ValueError(f"statement {statement.get('Sid')}: an element tests/aws_calls.py does not evaluate")
    if not any(_like(a.lower(), request.action.lower()) for a in _listed(statement["Action"])):
        return False
    if not any(_like(_substitute(r, keys), request.resource) for r in _listed(statement["Resource"])):
        return False
    return all(_condition_holds(operator, key, wanted, keys)
               for operator, tests in statement.get("Condition", {}).items() for key, wanted in tests.items())


def allowed(document: dict[str, Any], request: Request) -> bool:
    """IAM's answer for an identity policy alone: an explicit Deny wins, then an Allow."""
    matching = [s for s in document["Statement"] if _statement_matches(s, request)]
    return not any(s["Effect"] == "Deny" for s in matching) and any(s["Effect"] == "Allow" for s in matching)


def actions_granted(document: dict[str, Any]) -> set[str]:
    return {a for s in document["Statement"] if s["Effect"] == "Allow" for a in _listed(s["Action"])}


# ---- the verdict -----------------------------------------------------------------------------

def refused(calls: Iterable[Call]) -> list[str]:
    """Every recorded request a deployed function's own policy would refuse, as readable lines."""
    known = set(functions())
    documents = {name: policy(name) for name in known}
    found: dict[tuple[str, str, str], list[Request]] = {}
    for call in calls:
        if call.function not in known:
            continue  # the /_local routes, and test apps of tests/integration/test_worker.py
        for request in call.requests:
            if not allowed(documents[call.function], request):
                found.setdefault((call.function, call.operation, request.action), []).append(request)
    return [f"{function}: {operation} needs {action} on {requests[0].resource} (context {dict(requests[0].context)}"
            f"{f'; and {len(requests) - 1} more' if len(requests) > 1 else ''}) — not allowed by "
            f"{policy_file(function).relative_to(PROJECT)}"
            for (function, operation, action), requests in sorted(found.items())]


LOGS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
TRIGGER = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
STREAM_TRIGGER = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
XRAY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}  # X-Ray has no resource to name: "*"


def not_recorded() -> dict[str, set[str]]:
    """What a policy grants for calls no botocore client of the code makes, so no test records
    them; tests/unit/test_policies.py checks each of these on its own terms instead."""
    from chalicelib import local_runtime

    import app as app_module

    # The Lambda runtime writes the function's log, and sends its trace segments (X-Ray) when
    # tracing is on.
    found = {name: LOGS | XRAY for name in functions()}
    for name, _queue, _batch in local_runtime.queue_functions(app_module.app):
        found[name] |= TRIGGER  # Lambda's event source mapping polls the queue with the function's role
    for name, _batch in local_runtime.stream_functions(app_module.app):
        found[name] |= STREAM_TRIGGER  # and reads a stream's shards with it
    # The failure path of a render backs off by changing the message's visibility
    # (chalicelib/workers/render.py); no in-process test makes a render fail.
    found["render_pdf"] |= {"sqs:ChangeMessageVisibility", "sqs:GetQueueUrl"}
    return found


def unused(calls: Iterable[Call], exceptions: dict[str, set[str]]) -> list[str]:
    """Actions a function's policy grants that none of its recorded calls needed."""
    used: dict[str, set[str]] = {}
    for call in calls:
        for request in call.requests:
            used.setdefault(call.function, set()).add(request.action)
    found = []
    for name in functions():
        for action in sorted(actions_granted(policy(name)) - used.get(name, set()) - exceptions.get(name, set())):
            found.append(f"{name}: {action} is granted but no test needed it")
    return found


def summary() -> list[dict[str, Any]]:
    """This process's calls, for the check over every worker of the session (conftest.py)."""
    with _lock:
        calls = list(record.calls)
    return [{"function": c.function, "operation": c.operation,
             "requests": [[r.action, r.resource, [list(kv) for kv in r.context]] for r in c.requests]} for c in calls]


def from_summary(items: Iterable[dict[str, Any]]) -> set[Call]:
    def value(v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    return {Call(i["function"], i["operation"], tuple(
        Request(action, resource, tuple((k, value(v)) for k, v in context)) for action, resource, context in i["requests"]))
        for i in items}
