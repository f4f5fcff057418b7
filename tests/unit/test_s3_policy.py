"""Every S3 call the storage adapter makes is granted by .chalice/policy.json, on the bucket it
names (issue 17, blocker 3). A static check: the calls are read from the adapter's source, and
each is mapped below to the IAM actions S3 checks for it, on the bucket or on its objects. A call
added to the adapter without a line here fails the check.

Two grants are easy to miss because S3 answers without them, only differently: the scan's
`locate` and a delete's `remove_all_versions` list object versions (s3:ListBucketVersions, on the
bucket, not its objects), and without s3:ListBucket a missing key is a 403 AccessDenied instead
of a 404, so the scan's "object gone" branch would never run and a gone object would be retried
until the dead-letter queue."""

from __future__ import annotations

import ast
import fnmatch
import json
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
STORAGE = PROJECT / "chalicelib" / "adapters" / "storage.py"
POLICY = PROJECT / ".chalice" / "policy.json"

UPLOADS, QUARANTINE = "depok-satupintu-uploads", "depok-satupintu-quarantine"
BUCKET, OBJECT = "bucket", "object"

# S3 call (as the adapter names it) → (IAM action, bucket, on the bucket or an object).
NEEDS: dict[str, list[tuple[str, str, str]]] = {
    # by VersionId or IfMatch; ListBucket so that a missing key is a 404 (ObjectGone), not a 403
    "head_object": [("s3:GetObject", UPLOADS, OBJECT), ("s3:GetObjectVersion", UPLOADS, OBJECT),
                    ("s3:ListBucket", UPLOADS, BUCKET)],
    "get_object": [("s3:GetObject", UPLOADS, OBJECT), ("s3:GetObjectVersion", UPLOADS, OBJECT),
                   ("s3:ListBucket", UPLOADS, BUCKET)],
    "put_object": [("s3:PutObject", UPLOADS, OBJECT), ("s3:PutObject", QUARANTINE, OBJECT)],
    # from a version of an upload into quarantine
    "copy_object": [("s3:GetObject", UPLOADS, OBJECT), ("s3:GetObjectVersion", UPLOADS, OBJECT),
                    ("s3:PutObject", QUARANTINE, OBJECT)],
    "delete_object": [("s3:DeleteObject", UPLOADS, OBJECT), ("s3:DeleteObjectVersion", UPLOADS, OBJECT)],
    "list_object_versions": [("s3:ListBucketVersions", UPLOADS, BUCKET)],
    # Presigned: the browser's request is checked against the function's role.
    "generate_presigned_post": [("s3:PutObject", UPLOADS, OBJECT)],
    "generate_presigned_url": [("s3:GetObject", UPLOADS, OBJECT), ("s3:GetObjectVersion", UPLOADS, OBJECT)],
}


def _calls_on_the_client() -> set[str]:
    """Methods called on `self._s3`, and the operations of its paginators."""
    calls = set()
    for node in ast.walk(ast.parse(STORAGE.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        target = node.func.value
        if isinstance(target, ast.Attribute) and target.attr == "_s3":
            if node.func.attr == "get_paginator":
                calls.add(node.args[0].value)
            else:
                calls.add(node.func.attr)
    return calls


def _allowed(policy: dict, action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow" or "Condition" in statement:
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions) and \
                any(fnmatch.fnmatchcase(resource, r) for r in resources):
            return True
    return False


def _arn(bucket: str, kind: str) -> str:
    return f"arn:aws:s3:::{bucket}" if kind == BUCKET else f"arn:aws:s3:::{bucket}/clean/app_1/doc_1"


def test_every_s3_call_of_the_storage_adapter_is_described_here():
    assert _calls_on_the_client() == set(NEEDS)


def test_every_s3_call_of_the_storage_adapter_is_granted_on_its_bucket():
    policy = json.loads(POLICY.read_text(encoding="utf-8"))
    missing = [f"{call}: {action} on {_arn(bucket, kind)}" for call, needs in NEEDS.items()
               for action, bucket, kind in needs if not _allowed(policy, action, _arn(bucket, kind))]
    assert missing == []


def test_listing_is_granted_on_the_uploads_bucket_only_and_nothing_is_read_from_quarantine():
    policy = json.loads(POLICY.read_text(encoding="utf-8"))
    for action in ("s3:ListBucket", "s3:ListBucketVersions"):
        assert _allowed(policy, action, _arn(UPLOADS, BUCKET))
        assert not _allowed(policy, action, _arn(QUARANTINE, BUCKET))
        assert not _allowed(policy, action, _arn(UPLOADS, OBJECT))  # a bucket action, on the bucket ARN
    for action in ("s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"):
        assert not _allowed(policy, action, _arn(QUARANTINE, OBJECT))
    assert not _allowed(policy, "s3:DeleteBucket", _arn(UPLOADS, BUCKET))
    assert not _allowed(policy, "s3:PutBucketPolicy", _arn(UPLOADS, BUCKET))
