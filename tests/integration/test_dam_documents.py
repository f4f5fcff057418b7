"""A dam's technical documents over the API and the emulator: offered as a presigned POST, the
file posted to S3, the scan function's verdict (clean: served byte for byte; a wrong type or too
big: rejected with the reason, never served), each step in the dam's history; staff out of reach,
citizens and those without a dam role get 404."""

import json
from dataclasses import replace

import boto3
import pytest
import requests

from chalicelib.domain import dam_documents as dd
from local.stack import REGION
from tests import files as make
from tests.support import deliver_queue, make_people, post_file

MB = 1024 * 1024


@pytest.fixture
def dam(api, seeded):
    (found,) = api.get("/assets?q=jatigede").json["items"]
    return found["id"]


@pytest.fixture
def people(api, seeded):
    tokens = make_people(api, {"outside_inspector": [("dam_inspector", "kota-depok")],
                               "division_verifier": [("verifier", "dam-division")]})
    tokens["inspector"] = api.login("inspektur.bendungan@demo.satupintu.id")
    tokens["operator"] = api.login("operator.bendungan@demo.satupintu.id")
    tokens["citizen"] = api.login("warga@demo.satupintu.id")
    return tokens


def offer(api, token, dam, kind, filename, content_type, size):
    return api.post(f"/assets/{dam}/documents", {"kind": kind, "filename": filename, "content_type": content_type,
                                                 "size": size}, token=token)


def upload(api, token, dam, kind, filename, content_type, data, declared_size=None):
    offered = offer(api, token, dam, kind, filename, content_type, len(data) if declared_size is None else declared_size)
    assert offered.status == 201, offered.text
    assert offered.json["upload"]["fields"]["key"] == f"incoming/dam/{dam}/{offered.json['document_id']}"
    assert post_file(offered.json["upload"], filename, content_type, data) in (200, 201, 204)
    api.scan()
    return offered.json["document_id"]


def listed(api, token, dam, document_id):
    items = api.get(f"/assets/{dam}/documents", token=token).json["items"]
    return next(d for d in items if d["document_id"] == document_id)


def test_an_inspector_uploads_a_study_the_scan_passes_it_and_staff_download_it(api, dam, people):
    data = make.pdf("Kajian keamanan bendungan", pages=2)
    offered = offer(api, people["inspector"], dam, "study", "kajian.pdf", "application/pdf", len(data))
    assert offered.status == 201, offered.text
    assert offered.json["document"]["status"] == "awaiting_upload"
    assert offered.json["document"]["uploaded_by"] == "Wati Inspektur Bendungan"
    document_id = offered.json["document_id"]
    assert api.get(f"/assets/{dam}/documents/{document_id}", token=people["inspector"]).status == 409
    assert post_file(offered.json["upload"], "kajian.pdf", "application/pdf", data) in (200, 201, 204)
    api.scan()
    assert listed(api, people["operator"], dam, document_id)["status"] == "clean"
    link = api.get(f"/assets/{dam}/documents/{document_id}", token=people["division_verifier"])
    assert link.status == 200, link.text
    assert link.json["filename"] == "kajian.pdf" and requests.get(link.json["download_url"], timeout=10).content == data
    history = api.get(f"/assets/{dam}/history", token=people["operator"]).json["items"]
    mine = [(h["action"], h["actor_id"]) for h in history if h["document_id"] == document_id]
    assert [action for action, _ in mine] == ["document_added", "document_accepted"]
    assert mine[1][1] == "system:scan"
    assert [h["action"] for h in history][0] == "registered"  # the dam's own lines keep their place


def test_a_file_that_is_not_what_its_kind_takes_is_rejected_by_the_scan_and_never_served(api, dam, people):
    document_id = upload(api, people["operator"], dam, "inspection_photo", "foto.jpg", "image/jpeg", make.html_page())
    seen = listed(api, people["operator"], dam, document_id)
    assert seen["status"] == "rejected" and seen["reasons"]["en"] and seen["reason"] == seen["reasons"]["id"]
    assert api.get(f"/assets/{dam}/documents/{document_id}", token=people["operator"]).status == 409
    history = api.get(f"/assets/{dam}/history", token=people["operator"]).json["items"]
    rejected = [h for h in history if h["document_id"] == document_id and h["action"] == "document_rejected"]
    assert len(rejected) == 1 and "foto.jpg" in rejected[0]["comment"]


def test_a_file_bigger_than_declared_and_than_its_kind_takes_is_rejected_by_the_scan(api, dam, people, monkeypatch):
    monkeypatch.setitem(dd.KINDS, "study", replace(dd.KINDS["study"], max_bytes=MB))
    asked = offer(api, people["inspector"], dam, "study", "besar.pdf", "application/pdf", MB + 1)
    assert asked.status == 422 and asked.json["errors"][0]["field"] == "size"
    # declared within the limit, but the emulator (unlike S3) takes the bigger file: the scan refuses it
    big = make.pdf() + b"%" + b"x" * (MB - len(make.pdf()))
    document_id = upload(api, people["inspector"], dam, "study", "besar.pdf", "application/pdf", big, declared_size=MB)
    assert listed(api, people["inspector"], dam, document_id)["status"] == "rejected"
    assert api.deps.dam_documents.documents.get(dam, document_id).reason_code == "too_large"


def test_bad_requests_name_the_field(api, dam, people):
    token = people["inspector"]
    wrong_type = offer(api, token, dam, "inspection_photo", "a.pdf", "application/pdf", 100)
    assert wrong_type.status == 422 and wrong_type.json["errors"][0]["field"] == "content_type"
    assert offer(api, token, dam, "selfie", "a.jpg", "image/jpeg", 100).status == 422
    assert offer(api, token, dam, "drawing", "   ", "application/pdf", 100).status == 422
    assert api.get(f"/assets/{dam}/documents?kind=selfie", token=token).status == 422
    assert api.get(f"/assets/{dam}/documents?cursor=nope", token=token).status == 422


def test_out_of_reach_without_a_dam_role_or_a_citizen_is_404_and_no_token_401(api, dam, people):
    data = make.pdf()
    document_id = upload(api, people["inspector"], dam, "drawing", "denah.pdf", "application/pdf", data)
    for who in ("outside_inspector", "citizen"):
        assert offer(api, people[who], dam, "drawing", "x.pdf", "application/pdf", 10).status == 404
        assert api.get(f"/assets/{dam}/documents", token=people[who]).status == 404
        assert api.get(f"/assets/{dam}/documents/{document_id}", token=people[who]).status == 404
    # a verifier at the dam's office reads its documents, but adds none (no dam role: the gate)
    assert offer(api, people["division_verifier"], dam, "drawing", "x.pdf", "application/pdf", 10).status == 404
    assert api.get(f"/assets/{dam}/documents", token=people["division_verifier"]).status == 200
    assert api.get(f"/assets/{dam}/documents").status == 401
    assert api.get("/assets/dam_nosuch/documents", token=people["inspector"]).status == 404
    assert api.get(f"/assets/{dam}/documents/doc_nosuch", token=people["inspector"]).status == 404


def test_the_list_pages_newest_first_and_filters_by_kind(api, dam, people):
    token = people["operator"]
    made = [offer(api, token, dam, "other", f"lain-{n}.pdf", "application/pdf", 100).json["document_id"] for n in range(3)]
    first = api.get(f"/assets/{dam}/documents?kind=other&limit=2", token=token).json
    assert [d["document_id"] for d in first["items"]] == made[::-1][:2] and first["next_cursor"]
    rest = api.get(f"/assets/{dam}/documents?kind=other&limit=2&cursor={first['next_cursor']}", token=token).json
    assert made[0] in [d["document_id"] for d in rest["items"]]
    assert all(d["kind"] == "other" for d in first["items"] + rest["items"])


def test_an_upload_that_cannot_be_scanned_is_rejected_as_such_not_left_scanning(api, dam, people):
    offered = offer(api, people["inspector"], dam, "drawing", "a.pdf", "application/pdf", 100).json
    event = {"Records": [{"eventName": "ObjectCreated:Post",
                          "s3": {"object": {"key": offered["upload"]["fields"]["key"], "eTag": "x"}}}]}
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="satupintu-scan-dlq")["QueueUrl"], MessageBody=json.dumps(event))
    assert deliver_queue(api.deps, "scan_failed") >= 1
    seen = listed(api, people["inspector"], dam, offered["document_id"])
    assert seen["status"] == "rejected" and "could not be scanned" in seen["reasons"]["en"]


def test_a_file_posted_under_a_dam_key_no_slot_awaits_is_kept_away(api, dam, people):
    offered = offer(api, people["inspector"], dam, "drawing", "a.pdf", "application/pdf", len(make.pdf())).json
    stray_key = f"incoming/dam/{dam}/doc_00000000000000000000000000"
    assert post_file(offered["upload"], "a.pdf", "application/pdf", make.pdf(), key=stray_key) in (200, 201, 204)
    api.scan()
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    kept = s3.list_objects_v2(Bucket=api.deps.settings.quarantine_bucket, Prefix=f"stray/{stray_key}/")
    assert kept.get("KeyCount", 0) == 1
    assert listed(api, people["inspector"], dam, offered["document_id"])["status"] == "awaiting_upload"
