"""The regulations library over `make run`: the demo's real acts searchable without logging in,
a librarian's new entry whose PDF is posted to S3 as a browser would, scanned by the worker, and
then found by a word only its PDF holds; a service's page names its regulations and whom to ask."""

import pytest
import requests

from tests import files
from tests.e2e.test_budgets_over_the_stack import login
from tests.support import eventually, post_file

pytestmark = pytest.mark.e2e


def test_the_library_over_the_stack(http):
    answer = http.get("/regulations?q=bendungan&type=government_regulation")
    assert answer.status == 200, answer.text
    found = answer.json["items"]
    assert found[0]["id"] == "reg_pp-37-2010"

    librarian = login(http, "pustakawan")
    created = http.post("/regulations", {"type": "circular", "number": "01/SE/D/2026", "year": 2026,
                                         "title": "Kesiapsiagaan Musim Hujan", "topics": ["bendungan"]},
                        token=librarian)
    assert created.status == 201, created.text
    entry_id = created.json["id"]
    data = files.pdf("Siaga pintu limpahan qwertzuiopbendung", pages=1)
    offered = http.post(f"/regulations/{entry_id}/document",
                        {"filename": "se.pdf", "content_type": "application/pdf", "size": len(data)}, token=librarian)
    assert offered.status == 201, offered.text
    assert post_file(offered.json, "se.pdf", "application/pdf", data) in (200, 201, 204)

    def searchable():
        items = http.get("/regulations?q=qwertzuiopbendung").json["items"]
        return items or None

    assert [item["id"] for item in eventually(searchable, timeout=60, what="the PDF's text indexed")] == [entry_id]
    read = http.get(f"/regulations/{entry_id}").json
    assert requests.get(read["download_url"], timeout=10).content == data

    page = http.get("/services/dam-operation-permit").json
    assert "reg_permen-pupr-27-2015" in {r["id"] for r in page["regulations"]}
    assert page["ask"] and page["ask"][0]["email"] == "bendungan@demo.satupintu.id"
