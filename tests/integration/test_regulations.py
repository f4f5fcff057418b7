"""The regulations library over the API: anyone reads and searches it, librarians add and amend
entries (earlier versions stay readable), links kept both ways, the PDF scanned and its text
searchable; services cite entries; offices publish their contact details."""

import json

import boto3
import pytest
import requests

from local.stack import REGION

from tests import files as make
from tests.support import deliver_queue, make_people, post_file


@pytest.fixture
def people(api, seeded):
    return make_people(api, {"librarian": [("librarian", "org-demo")], "admin": [("admin", "org-demo")],
                             "verifier": [("verifier", "dam-desk")], "desk_admin": [("admin", "dam-desk")]})


def entry(api, token, **changes):
    body = {"type": "government_regulation", "number": "37", "year": 2010, "title": "Bendungan",
            "enacted_on": "2010-04-16", "topics": ["bendungan"], "summary": "Pengaturan keamanan bendungan."}
    answer = api.post("/regulations", body | changes, token=token)
    assert answer.status == 201, answer.text
    return answer.json


def ids(answer):
    assert answer.status == 200, answer.text
    return [item["id"] for item in answer.json["items"]]


def test_a_librarian_adds_an_entry_and_anyone_reads_it_without_logging_in(api, people):
    created = entry(api, people["librarian"], number="91/2026", title="Uji Baca Umum", year=2026,
                    enacted_on="2026-01-05")
    assert created["status"] == "in_force" and created["version"] == 1 and created["download_url"] is None
    read = api.get(f"/regulations/{created['id']}")
    assert read.status == 200
    assert read.json["title"] == "Uji Baca Umum" and read.json["cited_by_services"] == []
    assert created["id"] in ids(api.get("/regulations?year=2026"))
    assert api.get("/regulations/reg_nosuch").status == 404


def test_only_librarians_add_or_amend(api, people):
    body = {"type": "law", "number": "1", "year": 2020, "title": "X", "enacted_on": "2020-01-01"}
    assert api.post("/regulations", body).status == 401
    for who in ("verifier", "admin"):
        assert api.post("/regulations", body, token=people[who]).status == 404
    created = entry(api, people["librarian"])
    assert api.patch(f"/regulations/{created['id']}", {"title": "Y"}, token=people["admin"]).status == 404
    assert api.post(f"/regulations/{created['id']}/document",
                    {"filename": "a.pdf", "content_type": "application/pdf", "size": 10},
                    token=people["verifier"]).status == 404


def test_bad_entries_are_refused_naming_the_field(api, people):
    token = people["librarian"]
    bad = api.post("/regulations", {"type": "decree", "number": "1", "year": 2020, "title": "X",
                                    "enacted_on": "2020-01-01"}, token=token)
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "type"
    outside = api.post("/regulations", {"type": "law", "number": "1", "year": 2020, "title": "X",
                                        "enacted_on": "2019-12-31"}, token=token)
    assert outside.status == 422 and outside.json["errors"][0]["field"] == "enacted_on"
    missing = api.post("/regulations", {"type": "law", "number": "1", "year": 2020, "title": "X",
                                        "enacted_on": "2020-01-01", "amends": ["reg_missing"]}, token=token)
    assert missing.status == 422 and missing.json["errors"][0]["field"] == "amends"
    assert api.get("/regulations?year=1800").status == 422
    assert api.get("/regulations?status=gone").status == 422


def test_amending_links_both_ways_and_keeps_the_old_text(api, people):
    token = people["librarian"]
    old = entry(api, token, number="37", title="Bendungan Lama", summary="Teks asli.")
    amendment = entry(api, token, number="38", title="Perubahan atas Bendungan Lama", amends=[old["id"]],
                      year=2011, enacted_on="2011-02-01")
    read_old = api.get(f"/regulations/{old['id']}").json
    assert read_old["amended_by"] == [amendment["id"]] and read_old["status"] == "amended"

    retitled = api.patch(f"/regulations/{amendment['id']}", {"title": "Perubahan Pertama"}, token=token)
    assert retitled.status == 200 and retitled.json["amends"] == [old["id"]], retitled.text
    changed = api.patch(f"/regulations/{old['id']}", {"summary": "Teks baru."}, token=token)
    assert changed.status == 200, changed.text
    # The amendment's link moved it to version 2 (no new text); the patch to 3, keeping 2.
    assert changed.json["version"] == 3 and [v["version"] for v in changed.json["versions"]] == [2]
    earlier = api.get(f"/regulations/{old['id']}?version=2")
    assert earlier.status == 200 and earlier.json["summary"] == "Teks asli." and earlier.json["version"] == 2
    assert changed.json["summary"] == "Teks baru."
    assert api.get(f"/regulations/{old['id']}?version=7").status == 404

    revoked = api.patch(f"/regulations/{amendment['id']}", {"amends": [], "revokes": [old["id"]]}, token=token)
    assert revoked.status == 200, revoked.text
    read_old = api.get(f"/regulations/{old['id']}").json
    assert read_old["amended_by"] == [] and read_old["revoked_by"] == [amendment["id"]]
    assert read_old["status"] == "revoked"
    assert old["id"] in ids(api.get("/regulations?status=revoked&year=2010"))


def test_search_puts_number_and_title_matches_before_summary_matches(api, people):
    token = people["librarian"]
    in_summary = entry(api, token, number="5", title="Irigasi", summary="Menyebut waduk kalibiru sekali.", year=2005,
                       enacted_on="2005-03-01")
    in_title = entry(api, token, number="6", title="Waduk Kalibiru", summary="", year=2001, enacted_on="2001-03-01")
    in_number = entry(api, token, number="99/PRT/M/2015", title="Bendungan Uji", year=2015, enacted_on="2015-05-01")
    found = ids(api.get("/regulations?q=kalibiru"))
    assert found.index(in_title["id"]) < found.index(in_summary["id"])
    assert ids(api.get("/regulations?q=99/PRT/M/2015"))[0] == in_number["id"]
    assert in_number["id"] in ids(api.get("/regulations?q=prt"))
    assert ids(api.get("/regulations?q=waduk+kalibiru+irigasi")) == [in_summary["id"]]
    assert ids(api.get("/regulations?q=kalibiru&type=law")) == []


def test_the_pdf_is_scanned_served_once_clean_and_its_text_found(api, people):
    token = people["librarian"]
    created = entry(api, token, number="88", title="Pedoman Uji Dokumen", type="guideline", year=2020,
                    enacted_on="2020-06-01")
    data = make.pdf("Petunjuk inspeksi zyxwvutlimpasan", pages=2)
    offered = api.post(f"/regulations/{created['id']}/document",
                       {"filename": "pedoman.pdf", "content_type": "application/pdf", "size": len(data)}, token=token)
    assert offered.status == 201, offered.text
    assert api.get("/regulations?q=zyxwvutlimpasan").json["items"] == []
    assert post_file(offered.json, "pedoman.pdf", "application/pdf", data) in (200, 201, 204)
    api.scan()
    read = api.get(f"/regulations/{created['id']}").json
    assert read["document"]["status"] == "clean" and read["document"]["pages"] == 2
    assert requests.get(read["download_url"], timeout=10).content == data
    assert ids(api.get("/regulations?q=zyxwvutlimpasan")) == [created["id"]]

    bad = api.post(f"/regulations/{created['id']}/document",
                   {"filename": "x.pdf", "content_type": "application/pdf", "size": len(make.html_page())}, token=token)
    post_file(bad.json, "x.pdf", "application/pdf", make.html_page())
    api.scan()
    assert api.get(f"/regulations/{created['id']}").json["pending_document"] is None  # the public is not told
    read = api.get(f"/regulations/{created['id']}", token=token).json
    assert read["pending_document"]["status"] == "rejected" and read["document"]["status"] == "clean"
    expired = api.get(f"/regulations/{created['id']}", token="not-a-token")
    assert expired.status == 200 and expired.json["pending_document"] is None


def test_an_office_publishes_its_contact_and_offices_below_show_it(api, people):
    body = {"address": "Jl. Pattimura 20, Jakarta", "email": "Balai@Example.id", "phone": "+62 21 7396616",
            "hours": "Senin-Jumat 08.00-16.00"}
    assert api.put("/org/nodes/dam-division/contact", body, token=people["verifier"]).status == 404
    assert api.put("/org/nodes/dam-division/contact", body, token=people["desk_admin"]).status == 404
    put = api.put("/org/nodes/dam-division/contact", body, token=people["admin"])
    assert put.status == 200, put.text
    assert put.json["email"] == "balai@example.id"
    below = api.get("/org/nodes/dam-desk/contact")
    assert below.status == 200 and below.json["source_node_id"] == "dam-division"
    assert below.json["phone"] == "+62 21 7396616"
    assert api.get("/org/nodes/no-such/contact").status == 404
    bad = api.put("/org/nodes/dam-division/contact", {"email": "not an address"}, token=people["admin"])
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "email"
    page = api.get("/services/dam-design-approval").json
    assert page["ask"] and all(office["source_node_id"] == "dam-division" for office in page["ask"])


def test_the_demo_library_holds_the_real_acts_and_the_dam_services_cite_them(api, seeded):
    found = ids(api.get("/regulations?q=27/PRT/M/2015"))
    assert found[0] == "reg_permen-pupr-27-2015"
    water = api.get("/regulations/reg_uu-17-2019").json
    assert (water["number"], water["year"], water["title"]) == ("17", 2019, "Sumber Daya Air")
    assert set(water["revokes"]) == {"reg_uu-11-1974", "reg_uu-7-2004"}
    old = api.get("/regulations/reg_uu-11-1974").json
    assert old["status"] == "revoked" and old["revoked_by"] == ["reg_uu-17-2019"]
    dams = api.get("/regulations/reg_pp-37-2010").json
    assert {"dam-design-approval", "dam-operation-permit"} <= {s["id"] for s in dams["cited_by_services"]}
    page = api.get("/services/dam-design-approval").json
    assert {"id": "reg_pp-37-2010", "number": "37", "title": "Bendungan"} in page["regulations"]
    assert ids(api.get("/regulations?type=standard&q=pelimpah")) == ["reg_sni-3432-2020", "reg_sni-03-3432-1994"]
    assert "reg_sni-3432-2020" in ids(api.get("/regulations?type=standard&status=in_force"))


def test_a_refused_amendment_changes_nothing(api, people):
    token = people["librarian"]
    created = entry(api, token, number="77", title="Tetap Sama", year=2012, enacted_on="2012-01-01")
    for bad in ({"title": None}, {"type": None}, {"amends": [created["id"]]}, {"revokes": ["reg_missing"]},
                {"enacted_on": "2013-01-01"}, {"title": "   "}):
        answer = api.patch(f"/regulations/{created['id']}", bad, token=token)
        assert answer.status == 422, (bad, answer.text)
        assert answer.json["errors"][0]["field"] in bad
    read = api.get(f"/regulations/{created['id']}").json
    assert read["version"] == 1 and read["title"] == "Tetap Sama" and read["versions"] == []
    assert api.patch(f"/regulations/{created['id']}", {}, token=token).json["version"] == 1
    assert api.patch("/regulations/reg_missing", {"title": "X"}, token=token).status == 404


def test_a_library_upload_that_cannot_be_scanned_is_refused_not_left_scanning(api, people):
    token = people["librarian"]
    created = entry(api, token, number="66", title="Tak Terperiksa", year=2012, enacted_on="2012-01-01")
    offered = api.post(f"/regulations/{created['id']}/document",
                       {"filename": "a.pdf", "content_type": "application/pdf", "size": 100}, token=token).json
    key = offered["fields"]["key"]
    event = {"Records": [{"eventName": "ObjectCreated:Post", "s3": {"object": {"key": key, "eTag": "x"}}}]}
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=api.deps.settings.aws_endpoint_url)
    url = sqs.get_queue_url(QueueName="satupintu-scan-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    assert deliver_queue(api.deps, "scan_failed") >= 1
    read = api.get(f"/regulations/{created['id']}", token=token).json
    assert read["pending_document"]["status"] == "rejected" and read["download_url"] is None
    assert api.post(f"/regulations/{created['id']}/document",
                    {"filename": "a.pdf", "content_type": "application/pdf", "size": 30 * 1024 * 1024},
                    token=token).status == 422
