"""Problem details follow the reader's language: the account's `language`, else Accept-Language,
else Indonesian; fields are named as the catalog labels them (issue 18)."""

from __future__ import annotations

import pytest

from tests.integration.test_bad_input import PERMIT
from tests.support import make_user
from tests.unit.test_messages import ENGLISH, INDONESIAN, words

FILE_AT = {"service_id": "city-business-permit", "node_id": "dpmptsp-front-office"}


def said(answer) -> str:
    body = answer.json
    return " ".join([body["title"], body["detail"], *(e["detail"] for e in body.get("errors", []))])


def assert_indonesian(answer) -> None:
    assert answer.header("content-language") == "id"
    assert not words(said(answer)) & ENGLISH, said(answer)


def assert_english(answer) -> None:
    assert answer.header("content-language") == "en"
    assert not words(said(answer)) & INDONESIAN, said(answer)


@pytest.fixture
def people(api, seeded):
    indonesian, password = make_user(api.deps)
    english, english_password = make_user(api.deps)
    token_en = api.login(english.email, english_password)
    assert api.patch("/me", {"language": "en"}, token=token_en).status == 200
    return {"id": api.login(indonesian.email, password), "en": token_en}


def test_an_anonymous_request_is_answered_in_indonesian_unless_it_asks_for_english(api, seeded):
    default = api.post("/auth/login", {"email": "x@example.id"})
    assert default.status == 422
    assert_indonesian(default)
    assert default.json["title"] == "Ada isian permintaan yang tidak benar"
    assert [e["detail"] for e in default.json["errors"]] == ["wajib diisi"]
    english = api.post("/auth/login", {"email": "x@example.id"}, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert_english(english)
    assert english.json["title"] == "The request has invalid fields"
    assert [e["detail"] for e in english.json["errors"]] == ["is required"]
    wrong = api.post("/auth/login", {"email": "nobody@example.id", "password": "salah sekali"},
                     headers={"Accept-Language": "en"})
    assert wrong.status == 401 and wrong.json["detail"] == "wrong e-mail address or password"


def test_an_english_account_reads_english_whatever_its_browser_says(api, people):
    answer = api.get("/applications/app_nothing", token=people["en"], headers={"Accept-Language": "id"})
    assert answer.status == 404
    assert_english(answer)
    assert answer.json["detail"] == "no such application"
    indonesian = api.get("/applications/app_nothing", token=people["id"], headers={"Accept-Language": "en"})
    assert_indonesian(indonesian)
    assert indonesian.json["detail"] == "permohonan tidak ditemukan"


def test_a_forms_fields_are_named_as_the_catalog_labels_them(api, people):
    bad = {**PERMIT, "owner_name": 5, "business_scale": "Raksasa"}
    answers = {language: api.post("/applications", {**FILE_AT, "data": bad}, token=people[language])
               for language in ("id", "en")}
    for language, answer in answers.items():
        assert answer.status == 422, answer.text
        (assert_indonesian if language == "id" else assert_english)(answer)
    details = {language: {e["field"]: e["detail"] for e in answer.json["errors"]} for language, answer in answers.items()}
    assert details["id"]["data.owner_name"] == "Nama pemohon harus berupa teks"
    assert details["en"]["data.owner_name"] == "Applicant's name must be text"
    assert details["id"]["data.business_scale"] == "Skala usaha harus salah satu dari: Mikro, Kecil"
    assert [e["code"] for e in answers["id"].json["errors"]] == [e["code"] for e in answers["en"].json["errors"]]


def test_a_state_is_said_in_the_readers_language(api, people):
    filed = api.post("/applications", {**FILE_AT, "data": PERMIT}, token=people["id"])
    assert filed.status == 201, filed.text
    app_id = filed.json["id"]
    assert api.post(f"/applications/{app_id}/withdraw", {}, token=people["id"]).status == 200
    again = api.post(f"/applications/{app_id}/withdraw", {}, token=people["id"])
    assert again.status == 409
    assert again.json["detail"] == "permohonan yang berstatus ditarik tidak dapat ditarik"
    assert_indonesian(again)
