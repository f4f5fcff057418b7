"""The GuardDuty engine on the emulator: the scan function reads the `GuardDutyMalwareScanStatus`
tag of the very object version it scans (the tests tag it as GuardDuty Malware Protection would;
the emulator has no GuardDuty). Until the tag is there the document stays `scanning` and its
message is put off; only NO_THREATS_FOUND passes a file."""

import time

import boto3
import pytest

from chalicelib import deps as deps_module
from local.stack import REGION
from tests import files as make
from tests.support import document, make_office_tree, make_user, upload_document

SERVICE = "test-document-permit"


@pytest.fixture
def case(api, seeded, monkeypatch):
    monkeypatch.setenv("ANTIVIRUS_ENGINE", "guardduty")
    monkeypatch.setenv("MALWARE_VERDICT_TRIES", "3")
    monkeypatch.setenv("MALWARE_VERDICT_RETRY_BASE_SECONDS", "1")
    deps_module.reset()
    nodes = make_office_tree(api.deps)
    applicant, password = make_user(api.deps, name="Pemohon GuardDuty")
    token = api.login(applicant.email, password)
    app = api.post("/applications", {"service_id": SERVICE, "node_id": nodes["desk"], "data": {"title": "Izin"}},
                   token=token).json
    return {"app": app, "token": token, "applicant": applicant}


def s3(api):
    return boto3.client("s3", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)


def tag_as_guardduty(api, key: str, status: str) -> None:
    client = s3(api)
    bucket = api.deps.settings.uploads_bucket
    version = client.list_object_versions(Bucket=bucket, Prefix=key)["Versions"][0]["VersionId"]
    client.put_object_tagging(Bucket=bucket, Key=key, VersionId=version,
                              Tagging={"TagSet": [{"Key": "GuardDutyMalwareScanStatus", "Value": status}]})


def uploaded(api, case, scan: bool):
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf(), scan=scan)
    return offered["document_id"], f"incoming/{app_id}/{offered['document_id']}"


def test_a_file_is_scanning_until_guardduty_tags_it_clean_then_it_is_served(api, case):
    doc_id, key = uploaded(api, case, scan=True)
    listed = document(api, case["token"], case["app"]["id"], doc_id)
    assert listed["status"] == "scanning"
    assert api.get(f"/applications/{case['app']['id']}/documents/{doc_id}", token=case["token"]).status == 409
    assert api.scan() == 0  # its message is put off, not handed out again at once

    tag_as_guardduty(api, key, "NO_THREATS_FOUND")
    time.sleep(1.2)  # the first wait: MALWARE_VERDICT_RETRY_BASE_SECONDS
    assert api.scan() == 1
    listed = document(api, case["token"], case["app"]["id"], doc_id)
    assert (listed["status"], listed["antivirus"]) == ("clean", "clean")
    assert api.get(f"/applications/{case['app']['id']}/documents/{doc_id}", token=case["token"]).status == 200


@pytest.mark.parametrize("status,antivirus,reason_code", [
    ("THREATS_FOUND", "infected", "malware"),
    ("UNSUPPORTED", "unscannable", "unscannable"),
    ("ACCESS_DENIED", "unscannable", "unscannable"),
    ("FAILED", "unscannable", "unscannable"),
])
def test_a_file_guardduty_did_not_find_clean_is_rejected_and_the_uploader_told(api, case, status, antivirus,
                                                                               reason_code):
    doc_id, key = uploaded(api, case, scan=False)
    tag_as_guardduty(api, key, status)
    api.scan()
    listed = document(api, case["token"], case["app"]["id"], doc_id)
    assert (listed["status"], listed["antivirus"]) == ("rejected", antivirus)
    assert api.deps.document_store.get(case["app"]["id"], doc_id).reason_code == reason_code
    assert api.get(f"/applications/{case['app']['id']}/documents/{doc_id}", token=case["token"]).status == 409
    api.wait_for_mail(case["applicant"].email, "ditolak")


def test_no_tag_by_the_last_try_is_could_not_be_scanned(api, case, monkeypatch):
    monkeypatch.setenv("MALWARE_VERDICT_RETRY_BASE_SECONDS", "0")  # each try comes back at once
    deps_module.reset()
    doc_id, _key = uploaded(api, case, scan=True)  # three tries, none with a tag
    listed = document(api, case["token"], case["app"]["id"], doc_id)
    assert (listed["status"], listed["antivirus"]) == ("rejected", "unscannable")
    assert "could not be scanned" in listed["reasons"]["en"]
