"""NIKs at rest and on screen (issue 6, "PII"): encrypted under a per-application KMS data key
whose encryption context names the application, masked for everyone but those who decide on
the application, and found again only through a keyed HMAC."""

import base64
import hashlib
import json

import boto3
import botocore.exceptions
import pytest

from tests.support import DEMO_PASSWORD, make_people, upload_document
from tests import files

MOTHER, REPORTER, OTHER = "3276064503900002", "3276061708850003", "3276065209910004"


def demo(api, who):
    return api.login(f"{who}@demo.satupintu.id", DEMO_PASSWORD)


def file_birth(api, mother_nik=MOTHER, submit=False):
    clerk = demo(api, "petugas.kukusan")
    app = api.post("/applications", {"service_id": "civil-birth-report", "node_id": "kel-kukusan", "data": {
        "child_name": "Bayi Rahasia", "child_sex": "Perempuan", "birth_date": "2026-11-01", "birth_place": "Depok",
        "birth_attendant": "Bidan", "mother_nik": mother_nik, "mother_name": "Ibu Rahasia",
        "family_card_number": "3276060101090007", "reporter_nik": REPORTER, "reporter_name": "Ayah Rahasia",
        "reporter_relation": "Ayah"}}, token=clerk)
    assert app.status == 201, app.text
    app = app.json
    if submit:
        for requirement in ("birth_letter", "family_card"):
            upload_document(api, clerk, app["id"], requirement, f"{requirement}.png", "image/png", files.png())
        answer = api.post(f"/applications/{app['id']}/submit", token=clerk)
        assert answer.status == 200, answer.text
    return clerk, app


def raw_item(api, app_id):
    client = boto3.client("dynamodb", region_name=api.deps.settings.aws_region,
                          endpoint_url=api.deps.settings.aws_endpoint_url)
    return client.get_item(TableName=api.deps.settings.table_name, Key={"pk": {"S": f"APP#{app_id}"}, "sk": {"S": "A"}},
                           ConsistentRead=True)["Item"]


def test_a_nik_is_stored_encrypted_under_a_data_key_bound_to_its_application(api, seeded):
    _clerk, app = file_birth(api)
    item = raw_item(api, app["id"])
    stored = json.dumps(item)
    assert MOTHER not in stored and REPORTER not in stored
    data = json.loads(item["data"]["S"])
    assert data["mother_nik"] == "327606********02" and data["reporter_nik"] == "327606********03"
    sealed = json.loads(item["sealed"]["S"])
    assert sealed["record"] == f"application/{app['id']}" and set(sealed["values"]) == {"mother_nik", "reporter_nik", "family_card_number"}  # the KK too

    # The data key opens under its own application's name, and under no other.
    kms = boto3.client("kms", region_name=api.deps.settings.aws_region, endpoint_url=api.deps.settings.aws_endpoint_url)
    blob = base64.b64decode(sealed["data_key"])
    assert len(kms.decrypt(CiphertextBlob=blob, EncryptionContext={"record": sealed["record"]})["Plaintext"]) == 32
    with pytest.raises(botocore.exceptions.ClientError):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"record": "application/app_someone_else"})

    # A ciphertext moved to another field does not open either (the field is associated data).
    from chalicelib.adapters.vault import SealedValueUnreadable
    from chalicelib.domain.pii import Sealed

    vault = api.deps.vault
    assert vault.open(Sealed.from_json(sealed)) == {"mother_nik": MOTHER, "reporter_nik": REPORTER,
                                                    "family_card_number": "3276060101090007"}
    swapped = Sealed(sealed["record"], sealed["data_key"], {"reporter_nik": sealed["values"]["mother_nik"]})
    with pytest.raises(SealedValueUnreadable):
        vault.open(swapped)


def test_niks_are_masked_except_to_those_who_decide_on_the_application(api, seeded):
    clerk, app = file_birth(api, submit=True)
    people = make_people(api, {"ops": [("ops", "org-demo")], "viewer": [("viewer", "org-demo")],
                               "admin": [("admin", "org-demo")]})

    def nik_seen_by(token):
        answer = api.get(f"/applications/{app['id']}", token=token)
        assert answer.status == 200, answer.text
        return answer.json["data"]["mother_nik"], answer.json["masked_fields"]

    masked = ("327606********02", ["family_card_number", "mother_nik", "reporter_nik"])
    # The applicant (the kelurahan clerk who filed it) and an admin over the whole tree: masked.
    assert nik_seen_by(clerk) == masked
    assert nik_seen_by(people["admin"]) == masked
    # Ops and a viewer over the whole tree do not read it at all (figures and logs, not files).
    assert api.get(f"/applications/{app['id']}", token=people["ops"]).status == 404
    assert api.get(f"/applications/{app['id']}", token=people["viewer"]).status == 404
    # Deciders of any of its steps: the NIK itself, before and after their own step.
    assert nik_seen_by(demo(api, "verifikator.kukusan")) == (MOTHER, [])
    assert nik_seen_by(demo(api, "camat.beji")) == (MOTHER, [])
    # Lists are masked for everyone (a decrypt per row would make a page cost a KMS call each).
    listed = api.get("/inbox", token=demo(api, "verifikator.kukusan")).json["items"]
    mine = [a for a in listed if a["id"] == app["id"]]
    assert mine and mine[0]["data"]["mother_nik"] == "327606********02"


def test_a_masked_nik_sent_back_unchanged_keeps_the_nik_and_a_new_one_replaces_it(api, seeded):
    clerk, app = file_birth(api)
    # The form as read (masked) sent back with another field changed: the NIK stays.
    read = api.get(f"/applications/{app['id']}", token=clerk).json["data"]
    answer = api.patch(f"/applications/{app['id']}", {"data": {**read, "child_name": "Bayi Baru"}}, token=clerk)
    assert answer.status == 200, answer.text
    assert api.deps.vault.open(api.deps.application_store.get(app["id"]).sealed)["mother_nik"] == MOTHER
    # A masked value that is not the stored one is no NIK.
    bad = api.patch(f"/applications/{app['id']}", {"data": {"mother_nik": "327606********99"}}, token=clerk)
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "data.mother_nik"
    # A new NIK replaces the old, sealed again under the same application's key.
    assert api.patch(f"/applications/{app['id']}", {"data": {"mother_nik": OTHER}}, token=clerk).status == 200
    stored = api.deps.application_store.get(app["id"])
    assert api.deps.vault.open(stored.sealed) == {"mother_nik": OTHER, "reporter_nik": REPORTER,
                                                  "family_card_number": "3276060101090007"}
    assert stored.data["mother_nik"] == "327606********04"
    # Removing the field takes its sealed value with it.
    assert api.patch(f"/applications/{app['id']}", {"data": {"reporter_nik": None}}, token=clerk).status == 200
    assert set(api.deps.application_store.get(app["id"]).sealed.values) == {"mother_nik", "family_card_number"}


def test_staff_find_applications_by_nik_through_a_keyed_hmac_only(api, seeded):
    clerk, app = file_birth(api, mother_nik=OTHER)
    staff = demo(api, "verifikator.kukusan")

    def found(nik, token=staff):
        answer = api.post("/applications/by-nik", {"nik": nik}, token=token)
        assert answer.status == 200, answer.text
        return {a["id"] for a in answer.json["items"]}

    assert app["id"] in found(OTHER) and app["id"] in found("3276 0652 0991 0004")
    assert app["id"] in found(REPORTER)
    # The lookup item is keyed by an HMAC under the secret key, not by a hash anyone can compute.
    item = raw_item(api, app["id"])
    lookups = json.loads(item["nik_lookups"]["S"])
    assert lookups["mother_nik"] == api.deps.vault.lookup_key(OTHER)
    assert lookups["mother_nik"] not in {hashlib.sha256(OTHER.encode()).hexdigest(), hashlib.sha256(f"nik:{OTHER}".encode()).hexdigest()}
    # Changing the NIK moves the lookup with it.
    assert api.patch(f"/applications/{app['id']}", {"data": {"mother_nik": MOTHER}}, token=clerk).status == 200
    assert app["id"] not in found(OTHER) and app["id"] in found(MOTHER)
    # Staff elsewhere do not find it; applicants, viewers and ops have no such look-up (404,
    # whatever they send); a NIK must be 16 digits.
    others = make_people(api, {"other": [("verifier", "dam-division")], "viewer": [("viewer", "org-demo")],
                               "applicant": [], "ops": [("ops", "org-demo")]})
    assert app["id"] not in found(MOTHER, token=others["other"])
    for outsider in (others["applicant"], others["viewer"], others["ops"]):
        assert api.post("/applications/by-nik", {"nik": MOTHER}, token=outsider).status == 404
        assert api.post("/applications/by-nik", {"nik": "12345"}, token=outsider).status == 404
    bad = api.post("/applications/by-nik", {"nik": "12345"}, token=staff)
    assert bad.status == 422 and bad.headers["Content-Type"].startswith("application/problem+json")
