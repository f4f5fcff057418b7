"""Evidence and documents, end to end in-process: presigned POST to the emulator's S3, the
S3 → SQS event, the scan function, quarantine, gated downloads."""

import base64
import json
import shutil
import time

import boto3
import pytest
import requests

from local.stack import REGION
from tests import files as make
from tests.support import (
    deliver_queue,
    document,
    make_office_tree,
    make_user,
    post_file,
    require_system,
    upload_document,
)

SERVICE = "test-document-permit"
MB = 1024 * 1024


@pytest.fixture
def case(api, seeded):
    nodes = make_office_tree(api.deps)
    applicant, password = make_user(api.deps, name="Pemohon Dokumen")
    token = api.login(applicant.email, password)
    app = api.post("/applications", {"service_id": SERVICE, "node_id": nodes["desk"], "data": {"title": "Izin"}},
                   token=token).json
    verifier, vpassword = make_user(api.deps, [("verifier", nodes["desk"])])
    stranger, spassword = make_user(api.deps, [("verifier", nodes["desk2"])])
    return {"app": app, "token": token, "applicant": applicant, "nodes": nodes,
            "verifier": api.login(verifier.email, vpassword), "stranger": api.login(stranger.email, spassword)}


def s3(api):
    return boto3.client("s3", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)


def served_exists(api, app_id, doc_id) -> bool:
    listing = s3(api).list_object_versions(Bucket=api.deps.settings.uploads_bucket, Prefix=f"clean/{app_id}/{doc_id}")
    return bool(listing.get("Versions"))


def quarantined(api, app_id, doc_id) -> list[str]:
    listing = s3(api).list_objects_v2(Bucket=api.deps.settings.quarantine_bucket, Prefix=f"{app_id}/{doc_id}/")
    return [o["Key"] for o in listing.get("Contents", [])]


def test_the_presigned_post_pins_key_type_and_size_for_at_most_fifteen_minutes(api, case):
    offered = api.post(f"/applications/{case['app']['id']}/documents", {
        "requirement": "plan", "filename": "../../denah rumah.pdf", "content_type": "application/pdf", "size": 1234,
    }, token=case["token"])
    assert offered.status == 201, offered.text
    fields = offered.json["upload"]["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    key = f"incoming/{case['app']['id']}/{offered.json['document_id']}"
    assert fields["key"] == key and "denah" not in key
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", 1234, 1234] in policy["conditions"]
    from datetime import datetime, timezone

    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert (expires - datetime.now(timezone.utc)).total_seconds() <= 15 * 60
    assert offered.json["document"]["status"] == "awaiting_upload"


def test_a_real_pdf_and_png_pass_and_download_under_a_safe_name(api, case):
    app_id = case["app"]["id"]
    pdf = make.pdf(pages=2)
    plan = upload_document(api, case["token"], app_id, "plan", "Denah Rumah Pak Budi.pdf", "application/pdf", pdf)
    photo = upload_document(api, case["token"], app_id, "photo", "lokasi.png", "image/png", make.png())
    for offered in (plan, photo):
        listed = document(api, case["token"], app_id, offered["document_id"])
        assert listed["status"] == "clean", listed
        assert listed["antivirus"] in ("clean", "skipped")
    link = api.get(f"/applications/{app_id}/documents/{plan['document_id']}", token=case["verifier"])
    assert link.status == 200
    fetched = requests.get(link.json["download_url"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == pdf
    assert "Denah Rumah Pak Budi.pdf" in fetched.headers["Content-Disposition"]
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    png = requests.get(api.get(f"/applications/{app_id}/documents/{photo['document_id']}",
                               token=case["token"]).json["download_url"], timeout=10)
    assert png.content.startswith(b"\x89PNG")


def test_the_uploader_is_told_in_the_app_alone_that_a_file_passed_and_by_mail_too_that_one_failed(api, case):
    app_id = case["app"]["id"]
    upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
    upload_document(api, case["token"], app_id, "photo", "foto.jpg", "image/jpeg", make.windows_program())
    api.deliver_mail()
    told = {n["kind"]: n for n in api.get("/notifications", token=case["token"]).json["items"]
            if n["application_id"] == app_id}
    assert set(told) == {"document_accepted", "document_rejected"}
    passed = told["document_accepted"]
    assert "denah.pdf" in passed["title"] and passed["read_at"] is None
    assert passed["delivery"]["status"] == "in_app_only"
    assert told["document_rejected"]["delivery"]["status"] == "sent"
    mails = [m["subject"] for m in api.mail(case["applicant"].email)]
    assert any("ditolak" in subject for subject in mails)
    assert not any("lolos" in subject for subject in mails)  # a file that passed is not worth a mail


def test_a_photo_is_served_without_its_location_or_camera_serial(api, case):
    original = make.jpeg_with_gps()
    offered = upload_document(api, case["token"], case["app"]["id"], "photo", "ktp.jpg", "image/jpeg", original)
    served = requests.get(api.get(f"/applications/{case['app']['id']}/documents/{offered['document_id']}",
                                  token=case["token"]).json["download_url"], timeout=10).content
    assert served.startswith(b"\xff\xd8") and b"SERIAL-123456" not in served and b"SatupintuCam" not in served


@pytest.mark.parametrize("requirement,filename,content_type,data,code", [
    ("photo", "foto.jpg", "image/jpeg", make.windows_program(), "wrong_type"),
    ("plan", "denah.pdf", "application/pdf", make.html_page(), "wrong_type"),
    ("plan", "denah.pdf", "application/pdf", make.pdf_with_javascript(), "javascript"),
    ("plan", "denah.pdf", "application/pdf", make.encrypted_pdf(), "encrypted"),
    ("photo", "besar.png", "image/png", make.png_declaring(30000, 30000), "too_many_pixels"),
    ("plan", "denah.pdf", "application/pdf", make.html_pdf_polyglot(), "hidden_markup"),
    ("plan", "denah.pdf", "application/pdf", make.pdf_with_zip_appended(), "trailing_data"),
    ("plan", "denah.pdf", "application/pdf", make.pdf_hiding_zip_in_a_stream(), "hidden_archive"),
])
def test_bad_files_are_rejected_quarantined_never_served_and_the_uploader_told(api, case, requirement, filename,
                                                                                 content_type, data, code):
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, requirement, filename, content_type, data)
    listed = document(api, case["token"], app_id, offered["document_id"])
    assert listed["status"] == "rejected", listed
    assert listed["reasons"]["en"] and listed["reasons"]["id"]
    assert listed["reason"] == listed["reasons"]["id"]  # the applicant reads Indonesian
    assert api.deps.document_store.get(app_id, offered["document_id"]).reason_code == code
    refused = api.get(f"/applications/{app_id}/documents/{offered['document_id']}", token=case["token"])
    assert refused.status == 409
    assert not served_exists(api, app_id, offered["document_id"])
    assert len(quarantined(api, app_id, offered["document_id"])) == 1
    mail = api.wait_for_mail(case["applicant"].email, "ditolak")
    assert filename in mail["text"] and case["app"]["tracking_code"] in mail["text"]


def test_an_image_with_an_archive_appended_is_served_as_the_image_alone(api, case):
    import io
    import zipfile

    original = make.with_appended(make.jpeg_with_comment(b"<html><script>alert(1)</script>"), make.small_zip())
    assert zipfile.is_zipfile(io.BytesIO(original))
    offered = upload_document(api, case["token"], case["app"]["id"], "photo", "foto.jpg", "image/jpeg", original)
    assert document(api, case["token"], case["app"]["id"], offered["document_id"])["status"] == "clean"
    served = requests.get(api.get(f"/applications/{case['app']['id']}/documents/{offered['document_id']}",
                                  token=case["token"]).json["download_url"], timeout=10).content
    assert served.startswith(b"\xff\xd8") and served != original
    assert not zipfile.is_zipfile(io.BytesIO(served)) and b"bukti.txt" not in served and b"<script" not in served


def test_a_pdf_saved_in_revisions_is_served_byte_for_byte(api, case):
    """Incremental updates (several %%EOF) are how signing tools and scanners save: they pass,
    and the bytes served are the bytes uploaded (a signature on them still verifies)."""
    revised = make.pdf_revised(2)
    offered = upload_document(api, case["token"], case["app"]["id"], "plan", "izin.pdf", "application/pdf", revised)
    assert document(api, case["token"], case["app"]["id"], offered["document_id"])["status"] == "clean"
    assert _served(api, case["token"], case["app"]["id"], offered["document_id"]) == revised


def test_eicar_is_rejected_as_malware(api, case):
    require_system("clamav", shutil.which("clamscan") is not None)
    offered = upload_document(api, case["token"], case["app"]["id"], "plan", "laporan.pdf", "application/pdf", make.EICAR)
    listed = document(api, case["token"], case["app"]["id"], offered["document_id"])
    assert listed["status"] == "rejected" and listed["antivirus"] == "infected"
    assert "malware" in listed["reasons"]["en"] and "Eicar" in listed["reasons"]["en"]


def test_without_clamav_the_record_says_the_antivirus_was_skipped(api, case, monkeypatch):
    monkeypatch.setattr("chalicelib.adapters.antivirus.shutil.which", lambda _name: None)
    offered = upload_document(api, case["token"], case["app"]["id"], "plan", "denah.pdf", "application/pdf", make.pdf())
    listed = document(api, case["token"], case["app"]["id"], offered["document_id"])
    assert listed["status"] == "clean" and listed["antivirus"] == "skipped"


def test_a_stage_that_requires_clamav_never_passes_a_file_without_it(api, case, monkeypatch):
    from chalicelib import deps as deps_module

    monkeypatch.setattr("chalicelib.adapters.antivirus.shutil.which", lambda _name: None)
    monkeypatch.setenv("ANTIVIRUS_REQUIRED", "true")
    deps_module.reset()
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
    listed = document(api, case["token"], app_id, offered["document_id"])
    assert listed["status"] == "scanning"  # the scan failed: SQS will deliver it again, then the DLQ decides
    assert not served_exists(api, app_id, offered["document_id"])


def test_one_byte_over_the_limit_is_refused_when_asked_and_when_smuggled(api, case):
    app_id = case["app"]["id"]
    asked = api.post(f"/applications/{app_id}/documents", {"requirement": "plan", "filename": "x.pdf",
                                                          "content_type": "application/pdf", "size": MB + 1},
                     token=case["token"])
    assert asked.status == 422 and asked.json["errors"][0]["field"] == "size"
    # declared within the limit, but the emulator (unlike S3) takes the bigger file: the scan refuses it
    big = make.pdf() + b"%" + b"x" * (MB + 1 - len(make.pdf()) - 1)
    assert len(big) == MB + 1
    offered = upload_document(api, case["token"], app_id, "plan", "x.pdf", "application/pdf", big, declared_size=MB)
    listed = document(api, case["token"], app_id, offered["document_id"])
    assert listed["status"] == "rejected"
    assert api.deps.document_store.get(app_id, offered["document_id"]).reason_code == "too_large"


def test_an_upload_to_another_key_is_quarantined_and_changes_nothing(api, case):
    app_id = case["app"]["id"]
    good = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
    served_before = requests.get(api.get(f"/applications/{app_id}/documents/{good['document_id']}",
                                         token=case["token"]).json["download_url"], timeout=10).content
    slot = api.post(f"/applications/{app_id}/documents", {"requirement": "photo", "filename": "a.png",
                                                         "content_type": "image/png", "size": 100}, token=case["token"]).json
    # the second slot's form, aimed at the first (clean) document's key and at a made-up key
    assert post_file(slot["upload"], "evil.pdf", "application/pdf", make.html_page(),
                     key=f"incoming/{app_id}/{good['document_id']}") == 204
    assert post_file(slot["upload"], "evil.pdf", "application/pdf", make.html_page(), key="incoming/whatever/x") == 204
    api.scan()
    assert document(api, case["token"], app_id, good["document_id"])["status"] == "clean"
    assert document(api, case["token"], app_id, slot["document_id"])["status"] == "awaiting_upload"
    served_after = requests.get(api.get(f"/applications/{app_id}/documents/{good['document_id']}",
                                        token=case["token"]).json["download_url"], timeout=10).content
    assert served_after == served_before
    strays = s3(api).list_objects_v2(Bucket=api.deps.settings.quarantine_bucket, Prefix="stray/").get("Contents", [])
    assert len(strays) >= 2


def test_a_user_from_another_branch_gets_404_for_list_and_download(api, case):
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
    assert api.get(f"/applications/{app_id}/documents", token=case["stranger"]).status == 404
    assert api.get(f"/applications/{app_id}/documents/{offered['document_id']}", token=case["stranger"]).status == 404
    assert api.get(f"/applications/{app_id}/documents/{offered['document_id']}", token=case["verifier"]).status == 200


def test_an_upload_event_naming_no_version_is_scanned_on_the_version_with_its_etag(api, case):
    # S3 names the version in an event from a versioned bucket (the emulator does too:
    # local/s3_events.py); one that names none — versioning suspended, an event replayed by
    # hand — is scanned on the newest version carrying the event's ETag, never on whatever is
    # current.
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf(), scan=False)
    event = json.loads(_next_scan_message(api))
    assert event["Records"][0]["s3"]["object"].pop("versionId")
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="satupintu-scan")["QueueUrl"], MessageBody=json.dumps(event))
    assert api.scan() == 1
    assert document(api, case["token"], app_id, offered["document_id"])["status"] == "clean"


def test_the_scan_is_idempotent(api, case):
    app_id = case["app"]["id"]
    offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf(), scan=False)
    body = _next_scan_message(api)
    event = json.loads(body)["Records"][0]["s3"]["object"]
    key = f"incoming/{app_id}/{offered['document_id']}"
    assert api.deps.documents.scan(key, event["eTag"], None) == "clean"
    assert api.deps.documents.scan(key, event["eTag"], None) == "already settled"
    history = api.get(f"/applications/{app_id}/history", token=case["token"]).json["items"]
    assert [h["action"] for h in history].count("document_accepted") == 1


def _next_scan_message(api) -> str:
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    url = sqs.get_queue_url(QueueName="satupintu-scan")["QueueUrl"]
    for _ in range(20):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if "Records" in json.loads(message["Body"]):
                return message["Body"]
        time.sleep(0.05)
    raise AssertionError("no scan message")


def test_a_scan_that_keeps_failing_ends_in_the_dlq_and_the_document_says_so(api, case, monkeypatch):
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    url = sqs.get_queue_url(QueueName="satupintu-scan")["QueueUrl"]
    original = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "RedrivePolicy"])["Attributes"]
    redrive = json.loads(original["RedrivePolicy"])
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "VisibilityTimeout": "1", "RedrivePolicy": json.dumps({**redrive, "maxReceiveCount": 2})})
    try:
        def crash(*_args, **_kwargs):
            raise RuntimeError("the scanner crashed")

        monkeypatch.setattr(type(api.deps.documents), "scan", crash)
        app_id = case["app"]["id"]
        offered = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
        assert document(api, case["token"], app_id, offered["document_id"])["status"] in ("awaiting_upload", "scanning")
        for _ in range(2):
            time.sleep(1.2)
            api.scan()
        time.sleep(1.2)
        api.scan()  # received twice already: the emulator moves it to the dead-letter queue
        assert deliver_queue(api.deps, "scan_failed") == 1
        listed = document(api, case["token"], app_id, offered["document_id"])
        assert listed["status"] == "rejected" and "could not be scanned" in listed["reasons"]["en"]
        assert api.wait_for_mail(case["applicant"].email, "ditolak")
    finally:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=original)


def test_submission_names_each_missing_scanning_or_rejected_document(api, case):
    app_id = case["app"]["id"]
    missing = api.post(f"/applications/{app_id}/submit", token=case["token"])
    assert missing.status == 422
    assert [(e["field"], "wajib" in e["detail"]) for e in missing.json["errors"]] == [("documents.plan", True)]

    upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.html_page())
    rejected = api.post(f"/applications/{app_id}/submit", token=case["token"])
    assert "ditolak" in rejected.json["errors"][0]["detail"]

    upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf(), scan=False)
    _wait_until_scanning(api, case, app_id)
    scanning = api.post(f"/applications/{app_id}/submit", token=case["token"])
    assert scanning.status == 422 and "masih diperiksa" in scanning.json["errors"][0]["detail"]
    api.scan()
    submitted = api.post(f"/applications/{app_id}/submit", token=case["token"])
    assert submitted.status == 200, submitted.text


def _wait_until_scanning(api, case, app_id):
    """Mark the newest document as its scan would when it starts (the scan itself waits)."""
    newest = api.deps.document_store.list(app_id)[-1]
    assert api.deps.document_store.start_scan(newest)


def test_documents_can_be_removed_only_while_editable_and_evidence_stays(api, case):
    app_id = case["app"]["id"]
    spare = upload_document(api, case["token"], app_id, "photo", "a.png", "image/png", make.png())
    removed = api.call("DELETE", f"/applications/{app_id}/documents/{spare['document_id']}", token=case["token"])
    assert removed.status == 204
    assert not served_exists(api, app_id, spare["document_id"])
    history = api.get(f"/applications/{app_id}/history", token=case["token"]).json["items"]
    assert history[-1]["action"] == "delete_document" and "a.png" in history[-1]["comment"]

    plan = upload_document(api, case["token"], app_id, "plan", "denah.pdf", "application/pdf", make.pdf())
    app = api.post(f"/applications/{app_id}/submit", token=case["token"]).json
    assert api.call("DELETE", f"/applications/{app_id}/documents/{plan['document_id']}",
                    token=case["token"]).status == 409  # submitted
    api.post(f"/applications/{app_id}/decision", {"action": "return", "step": app["step"], "comment": "Foto kurang"},
             token=case["verifier"])
    evidence = api.call("DELETE", f"/applications/{app_id}/documents/{plan['document_id']}", token=case["token"])
    assert evidence.status == 409 and "bukti" in evidence.json["detail"]
    assert document(api, case["token"], app_id, plan["document_id"])["evidence"] is True
    assert api.call("DELETE", f"/applications/{app_id}/documents/{plan['document_id']}",
                    token=case["verifier"]).status == 403


def test_what_the_api_refuses_before_any_upload(api, case):
    app_id = case["app"]["id"]
    base = {"requirement": "plan", "filename": "a.pdf", "content_type": "application/pdf", "size": 10}
    assert api.post(f"/applications/{app_id}/documents", {**base, "content_type": "image/png"},
                    token=case["token"]).status == 422
    assert api.post(f"/applications/{app_id}/documents", {**base, "requirement": "ktp"}, token=case["token"]).status == 422
    assert api.post(f"/applications/{app_id}/documents", base, token=case["stranger"]).status == 404
    assert api.post(f"/applications/{app_id}/documents", base, token=case["verifier"]).status == 403


def test_upload_quotas_stop_abuse_with_429(api, case, monkeypatch):
    from chalicelib import deps as deps_module

    monkeypatch.setenv("DOCUMENTS_PER_APPLICATION", "2")
    deps_module.reset()
    app_id = case["app"]["id"]
    body = {"requirement": "photo", "filename": "a.png", "content_type": "image/png", "size": 10}
    assert [api.post(f"/applications/{app_id}/documents", body, token=case["token"]).status for _ in range(3)] == [201, 201, 429]
    monkeypatch.setenv("DOCUMENTS_PER_APPLICATION", "40")
    monkeypatch.setenv("UPLOADS_PER_USER_PER_DAY", "3")
    deps_module.reset()
    third = api.post(f"/applications/{app_id}/documents", body, token=case["token"])
    answer = api.post(f"/applications/{app_id}/documents", body, token=case["token"])
    assert third.status == 201  # the user's third upload today
    assert answer.status == 429 and answer.content_type == "application/problem+json"
    assert int(answer.header("Retry-After")) > 0


def test_image_originals_are_kept_in_quarantine_only_when_policy_says_so(api, case, monkeypatch):
    from chalicelib import deps as deps_module

    app_id = case["app"]["id"]
    kept_by_default = upload_document(api, case["token"], app_id, "photo", "a.jpg", "image/jpeg", make.jpeg_with_gps())
    monkeypatch.setenv("KEEP_IMAGE_ORIGINALS", "true")
    deps_module.reset()
    kept = upload_document(api, case["token"], app_id, "photo", "b.jpg", "image/jpeg", make.jpeg_with_gps())
    originals = s3(api).list_objects_v2(Bucket=api.deps.settings.quarantine_bucket,
                                        Prefix=f"originals/{app_id}/").get("Contents", [])
    assert [o["Key"] for o in originals] == [f"originals/{app_id}/{kept['document_id']}"]
    assert kept_by_default["document_id"] not in str(originals)


# ---- several uploads into one slot -----------------------------------------------------------
# S3 announces each object with its version (the emulator with its ETag only); a test plays
# the scan function on each message of its own application, as one delivery: an exception here
# is a message that would fail at every delivery and end in the dead-letter queue.

def _versions(api, key) -> dict[str, str]:
    """ETag → version id of every version the key holds now."""
    listing = s3(api).list_object_versions(Bucket=api.deps.settings.uploads_bucket, Prefix=key)
    return {v["ETag"].strip('"'): v["VersionId"] for v in listing.get("Versions", []) if v["Key"] == key}


def _scan_own_messages(api, app_id, versions: dict[str, str] | None = None) -> list[str]:
    """Deliver every scan message naming one of the application's keys once, in order, through
    the scan function's steps (`workers.scan`), as S3 would send it: with the object's version
    when `versions` (ETag → version) is given. Other tests' messages go back to the queue."""
    from chalicelib.workers.scan import s3_objects

    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    url = sqs.get_queue_url(QueueName="satupintu-scan")["QueueUrl"]
    outcomes = []
    for _ in range(40):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        for message in messages:
            objects = s3_objects(message["Body"])
            if not any(o["key"].startswith(f"incoming/{app_id}/") for o in objects):
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                continue
            for obj in objects:
                version = versions[obj["etag"]] if versions is not None else obj["version_id"]
                outcomes.append(api.deps.documents.scan(obj["key"], obj["etag"], version))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return outcomes


def _stray_etags(api, app_id: str) -> list[str]:
    """What is kept under stray/ from this application's uploads, by ETag (the MD5 of the
    bytes; a PDF made in the same second by another test has the same): reading it is denied."""
    listing = s3(api).list_objects_v2(Bucket=api.deps.settings.quarantine_bucket,
                                      Prefix=f"stray/incoming/{app_id}/").get("Contents", [])
    return [o["ETag"].strip('"') for o in listing]


def _md5(data: bytes) -> str:
    import hashlib

    return hashlib.md5(data).hexdigest()


def _served(api, token, app_id, document_id) -> bytes:
    link = api.get(f"/applications/{app_id}/documents/{document_id}", token=token)
    assert link.status == 200, link.text
    return requests.get(link.json["download_url"], timeout=10).content


@pytest.mark.parametrize("events", ["as the emulator sends them", "as S3 sends them"])
def test_two_quick_re_uploads_into_a_scanned_slot_each_settle_with_their_own_file(api, case, events):
    """The presigned POST stays usable for its minutes: a client posts a file, then two more in
    quick succession. Each event's scan handles its own version, none fails (the third's scan
    used to fail with NoSuchKey at every delivery: the second's had quarantined whatever was
    current, the third file, and deleted the key without a version, hiding the third behind a
    delete marker)."""
    app_id = case["app"]["id"]
    first, second, third = make.pdf("satu"), make.pdf("duaa"), make.pdf("tiga")
    assert len(first) == len(second) == len(third)  # the form pins the size
    offered = api.post(f"/applications/{app_id}/documents", {
        "requirement": "plan", "filename": "denah.pdf", "content_type": "application/pdf", "size": len(first),
    }, token=case["token"]).json
    key = f"incoming/{app_id}/{offered['document_id']}"
    versions = {}
    assert post_file(offered["upload"], "denah.pdf", "application/pdf", first) == 204
    versions.update(_versions(api, key))
    with_versions = versions if events == "as S3 sends them" else None
    assert _scan_own_messages(api, app_id, with_versions) == ["clean"]
    for again in (second, third):
        assert post_file(offered["upload"], "denah.pdf", "application/pdf", again) == 204
    versions.update(_versions(api, key))

    assert _scan_own_messages(api, app_id, with_versions) == ["replacement quarantined"] * 2
    assert document(api, case["token"], app_id, offered["document_id"])["status"] == "clean"
    assert _served(api, case["token"], app_id, offered["document_id"]) == first
    strays = _stray_etags(api, app_id)
    assert strays.count(_md5(second)) == 1 and strays.count(_md5(third)) == 1  # each kept once, by its own event
    assert _versions(api, key) == {}  # nothing left behind in incoming/
    assert _scan_own_messages(api, app_id) == []


@pytest.mark.parametrize("events", ["as the emulator sends them", "as S3 sends them"])
def test_files_replaced_before_their_scan_settle_their_events_and_the_newest_is_served(api, case, events):
    """What the web app does when a file is chosen again for a requirement: a new document, and
    the one it replaces deleted, files and all. Chosen three times quickly, the first two are
    deleted before their scans run: their events find nothing and are settled, not retried."""
    app_id = case["app"]["id"]
    versions: dict[str, str] = {}
    offered = []
    files = (make.pdf("satu"), make.pdf("dua"), make.pdf("tiga"))
    for number, data in enumerate(files):
        offered.append(upload_document(api, case["token"], app_id, "plan", f"denah-{number}.pdf", "application/pdf",
                                       data, scan=False))
        versions.update(_versions(api, f"incoming/{app_id}/{offered[-1]['document_id']}"))
        if number:
            replaced = offered[number - 1]["document_id"]
            assert api.call("DELETE", f"/applications/{app_id}/documents/{replaced}", token=case["token"]).status == 204
    newest = offered[-1]["document_id"]

    outcomes = _scan_own_messages(api, app_id, versions if events == "as S3 sends them" else None)
    assert outcomes == ["gone", "gone", "clean"]
    assert [d["document_id"] for d in api.get(f"/applications/{app_id}/documents", token=case["token"]).json["items"]] \
        == [newest]
    assert _served(api, case["token"], app_id, newest) == files[-1]
    assert not any(served_exists(api, app_id, o["document_id"]) for o in offered[:2])


def _two_uploads_into_one_fresh_slot(api, case):
    """One presigned POST used twice before any scan: (key, the two files, ETag → version)."""
    app_id = case["app"]["id"]
    first, second = make.pdf("satu"), make.pdf("duaa")
    assert len(first) == len(second)
    offered = api.post(f"/applications/{app_id}/documents", {
        "requirement": "plan", "filename": "denah.pdf", "content_type": "application/pdf", "size": len(first),
    }, token=case["token"]).json
    for data in (first, second):
        assert post_file(offered["upload"], "denah.pdf", "application/pdf", data) == 204
    key = f"incoming/{app_id}/{offered['document_id']}"
    return offered["document_id"], key, first, second, _versions(api, key)


def test_two_scans_of_one_slot_at_once_serve_the_winner_and_leave_nothing_of_the_loser(api, case, monkeypatch):
    """Lambda may run both events of a slot at once: here the second upload's whole scan runs
    while the first's is inspecting. The first's verdict loses the settle; what it wrote under
    clean/ is removed, and the served file is the winner's."""
    app_id = case["app"]["id"]
    document_id, key, first, second, versions = _two_uploads_into_one_fresh_slot(api, case)
    store = api.deps.document_store
    settle = store.settle
    inner = []

    def settle_after_the_other_scan(*args, **kwargs):
        if not inner:
            inner.append("running")
            inner[0] = api.deps.documents.scan(key, _md5(second), versions[_md5(second)])
        return settle(*args, **kwargs)

    monkeypatch.setattr(store, "settle", settle_after_the_other_scan)
    assert api.deps.documents.scan(key, _md5(first), versions[_md5(first)]) == "already settled"
    assert inner == ["clean"]
    assert _served(api, case["token"], app_id, document_id) == second
    listing = s3(api).list_object_versions(Bucket=api.deps.settings.uploads_bucket, Prefix=f"clean/{app_id}/{document_id}")
    assert len(listing.get("Versions", [])) == 1  # the loser's write is gone
    assert _versions(api, key) == {}
    assert sorted(_scan_own_messages(api, app_id)) == ["already settled", "gone"]  # S3's own events


def test_a_scan_that_finds_its_slot_taken_by_another_upload_quarantines_its_own_file(api, case, monkeypatch):
    """The second upload's scan settles the slot between the first's reading the document and
    its claiming it: the first's file is a replacement after a verdict, kept away, never served."""
    app_id = case["app"]["id"]
    document_id, key, first, second, versions = _two_uploads_into_one_fresh_slot(api, case)
    store = api.deps.document_store
    start_scan = store.start_scan
    inner = []

    def start_after_the_other_scan(document):
        if not inner:
            inner.append("running")
            inner[0] = api.deps.documents.scan(key, _md5(second), versions[_md5(second)])
        return start_scan(document)

    monkeypatch.setattr(store, "start_scan", start_after_the_other_scan)
    assert api.deps.documents.scan(key, _md5(first), versions[_md5(first)]) == "replacement quarantined"
    assert inner == ["clean"]
    assert _served(api, case["token"], app_id, document_id) == second
    assert _stray_etags(api, app_id).count(_md5(first)) == 1
    assert _versions(api, key) == {}
    assert sorted(_scan_own_messages(api, app_id)) == ["already settled", "gone"]  # S3's own events
