"""A dam's technical documents: what each kind takes, where each owner's files live in the
uploads bucket (one layout for every area), and which scan a key goes to."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import dam_documents as dd
from chalicelib.domain import documents as docs
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.upload_keys import APPLICATIONS, DAMS, LIBRARY
from chalicelib.services import library
from chalicelib.workers.scan import scanner_of


def fields_refused(*args):
    with pytest.raises(InvalidInput) as refused:
        dd.check_upload(*args)
    return {p.field for p in refused.value.problems}


def test_each_kind_takes_its_own_types_up_to_its_own_size():
    assert dd.check_upload("drawing", "denah.png", "image/png", 100).name == "drawing"
    assert fields_refused("inspection_photo", "foto.pdf", "application/pdf", 100) == {"content_type"}
    assert fields_refused("study", "kajian.pdf", "application/pdf", dd.KINDS["study"].max_bytes + 1) == {"size"}
    dd.check_upload("study", "kajian.pdf", "application/pdf", dd.KINDS["study"].max_bytes)


def test_an_unknown_kind_an_empty_size_or_a_blank_name_is_refused_naming_each():
    assert fields_refused("selfie", "x.jpg", "image/jpeg", 10) == {"kind"}
    assert fields_refused("other", "  ", "application/pdf", 0) == {"size", "filename"}
    assert fields_refused("other", "x" * 201, "application/pdf", 10) == {"filename"}


def test_every_area_lays_out_its_keys_alike_and_reads_back_only_its_own():
    assert DAMS.incoming_key("dam_1", "doc_2") == "incoming/dam/dam_1/doc_2"
    assert DAMS.served_key("dam_1", "doc_2") == "clean/dam/dam_1/doc_2"
    assert DAMS.parse("incoming/dam/dam_1/doc_2") == ("dam_1", "doc_2")
    assert LIBRARY.parse(library.incoming_key("reg_1", "doc_2")) == ("reg_1", "doc_2")
    assert library.served_key("reg_1", "doc_2") == "clean/reg/reg_1/doc_2"
    assert docs.incoming_key("app_1", "doc_2") == "incoming/app_1/doc_2" == APPLICATIONS.incoming_key("app_1", "doc_2")
    for key in ("incoming/dam/dam_1/doc_2", "incoming/reg/reg_1/doc_2"):
        assert docs.parse_incoming_key(key) is None  # never taken for an application's
    assert DAMS.parse("incoming/dam/reg_1/doc_2") is None and DAMS.parse("incoming/dam/dam_1/doc_2/x") is None
    assert DAMS.parse("incoming/reg/reg_1/doc_2") is None


def test_the_scan_goes_to_the_owner_the_key_names_and_strays_to_the_documents_scan():
    deps = SimpleNamespace(library="library", dam_documents="dams", documents="documents")
    assert scanner_of(deps, "incoming/reg/reg_1/doc_2") == "library"
    assert scanner_of(deps, "incoming/dam/dam_1/doc_2") == "dams"
    assert scanner_of(deps, "incoming/dam/anything") == "dams"  # the dams' scan keeps its strays away
    assert scanner_of(deps, "incoming/app_1/doc_2") == "documents"
    assert scanner_of(deps, "incoming/elsewhere") == "documents"


def test_a_history_line_names_the_kind_the_file_and_why_it_was_refused():
    document = dd.DamDocument(id="doc_1", asset_id="dam_1", kind="as_built_report", filename="asbuilt.pdf",
                              content_type="application/pdf", size=10, status=dd.REJECTED, uploader_id="usr_1",
                              uploader_name="Wati", created_at=None, upload_expires_at=None)  # type: ignore[arg-type]
    assert dd.history_comment(document, "The file is too large.") == "as-built report: asbuilt.pdf — The file is too large."
