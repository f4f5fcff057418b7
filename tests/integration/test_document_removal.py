"""Deleting a document when S3 refuses (issue 17, blocker 3: on AWS the policy lacked the bucket
listing a delete needs, and a delete answered 500 after its record was gone, the files left for
good). The record and the owed removal of its files are one transaction; the files are removed
after it, and what S3 refuses stays owed until the outbox relay has removed it."""

import boto3
import pytest
from botocore.exceptions import ClientError

from local.stack import REGION
from tests import files as make
from tests.support import make_office_tree, make_user, upload_document

SERVICE = "test-document-permit"


@pytest.fixture
def case(api, seeded):
    nodes = make_office_tree(api.deps)
    applicant, password = make_user(api.deps, name="Pemohon Dokumen")
    token = api.login(applicant.email, password)
    app = api.post("/applications", {"service_id": SERVICE, "node_id": nodes["desk"], "data": {"title": "Izin"}},
                   token=token).json
    return {"app": app, "token": token}


@pytest.fixture
def refusing_s3(api, monkeypatch):
    """The storage adapter's S3 client answering AccessDenied to every delete and version
    listing (as S3 does without the grant) while `refusing["on"]`."""
    client = api.deps.storage._s3
    refusing = {"on": False, "refused": 0}

    def refuse(operation, original):
        def call(*args, **kwargs):
            if refusing["on"]:
                refusing["refused"] += 1
                raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, operation)
            return original(*args, **kwargs)
        return call

    monkeypatch.setattr(client, "list_object_versions", refuse("ListObjectVersions", client.list_object_versions))
    monkeypatch.setattr(client, "delete_object", refuse("DeleteObject", client.delete_object))
    return refusing


def _versions(api, key: str) -> list[str]:
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    listing = s3.list_object_versions(Bucket=api.deps.settings.uploads_bucket, Prefix=key)
    return [v["VersionId"] for v in listing.get("Versions", []) if v["Key"] == key]


def _owed(api) -> list:
    from datetime import timedelta

    return api.deps.outbox_store.stragglers(api.deps.clock.now() + timedelta(days=1), 50, "remove_files")


def _run_relay(api) -> None:
    """The relay's schedule, run as its function (so its AWS calls are checked against its own
    policy, tests/aws_calls.py)."""
    assert api.post("/_local/schedules/relay_outbox").status == 200


def _advance(api, seconds: int) -> None:
    assert api.post("/_local/clock", {"advance_seconds": seconds}).status == 200


def test_a_delete_s3_refuses_is_done_for_the_record_and_its_files_stay_owed_until_removed(api, case, refusing_s3):
    app_id = case["app"]["id"]
    kept = upload_document(api, case["token"], app_id, "photo", "tetap.png", "image/png", make.png())
    gone = upload_document(api, case["token"], app_id, "photo", "hapus.png", "image/png", make.png())
    served, incoming = f"clean/{app_id}/{gone['document_id']}", f"incoming/{app_id}/{gone['document_id']}"
    assert _versions(api, served)

    refusing_s3["on"] = True
    removed = api.call("DELETE", f"/applications/{app_id}/documents/{gone['document_id']}", token=case["token"])
    assert removed.status == 204, removed.text  # the delete is done: the record, with its files owed
    assert refusing_s3["refused"] >= 1
    listed = [d["document_id"] for d in api.get(f"/applications/{app_id}/documents", token=case["token"]).json["items"]]
    assert listed == [kept["document_id"]]
    assert api.get(f"/applications/{app_id}/history", token=case["token"]).json["items"][-1]["action"] == "delete_document"
    assert api.get(f"/applications/{app_id}/documents/{gone['document_id']}", token=case["token"]).status == 404
    owed = _owed(api)
    assert len(owed) == 1 and api.deps.outbox_store.get_payload(owed[0])[0] == {"keys": [served, incoming]}
    assert _versions(api, served)  # not removed yet, and not lost track of

    _advance(api, 180)
    _run_relay(api)  # S3 still refuses: the relay does not fail, the entry stays
    assert len(_owed(api)) == 1 and _versions(api, served)

    refusing_s3["on"] = False  # the grant fixed
    _advance(api, 180)
    _run_relay(api)
    assert _owed(api) == [] and _versions(api, served) == [] and _versions(api, incoming) == []
    assert _versions(api, f"clean/{app_id}/{kept['document_id']}")  # only the deleted document's files


def test_a_delete_s3_allows_removes_the_files_at_once_and_owes_nothing(api, case):
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "photo", "a.png", "image/png", make.png(), scan=False)
    incoming = f"incoming/{app_id}/{offered['document_id']}"
    assert _versions(api, incoming)
    assert api.call("DELETE", f"/applications/{app_id}/documents/{offered['document_id']}",
                    token=case["token"]).status == 204
    assert _versions(api, incoming) == [] and _owed(api) == []


def test_a_delete_that_loses_to_a_change_removes_no_file(api, case, monkeypatch):
    """The record goes first: a delete refused (the application moved meanwhile) leaves the
    document and its files as they were."""
    from chalicelib.services.ports import StaleApplication

    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "photo", "a.png", "image/png", make.png())
    store = api.deps.document_store

    def stale(app, *args, **kwargs):
        raise StaleApplication(app.id)

    monkeypatch.setattr(store, "delete", stale)
    answer = api.call("DELETE", f"/applications/{app_id}/documents/{offered['document_id']}", token=case["token"])
    assert answer.status == 409 and answer.content_type == "application/problem+json"
    assert _versions(api, f"clean/{app_id}/{offered['document_id']}") and _owed(api) == []
