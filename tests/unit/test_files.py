"""What an uploaded file really is, decided from its bytes."""

import io

import pytest

from chalicelib.domain import files
from tests import files as make

MB = 1024 * 1024
PIXELS = 40_000_000


def check(data: bytes, declared: str, max_bytes: int = 10 * MB, declared_size: int | None = None):
    return files.inspect(data, declared, len(data) if declared_size is None else declared_size, max_bytes, PIXELS)


def test_a_real_png_passes_and_is_re_encoded():
    verdict = check(make.png(), files.PNG)
    assert verdict.clean, verdict.rejection
    assert verdict.served.startswith(b"\x89PNG") and verdict.details["width"] == 64


def test_a_photo_loses_its_location_and_camera_serial():
    original = make.jpeg_with_gps()
    assert b"SERIAL-123456" in original
    verdict = check(original, files.JPEG)
    assert verdict.clean
    from PIL import Image

    served = Image.open(io.BytesIO(verdict.served))
    assert not served.getexif() and b"SERIAL-123456" not in verdict.served and b"SatupintuCam" not in verdict.served


def test_a_real_pdf_passes_unchanged():
    data = make.pdf(pages=3)
    verdict = check(data, files.PDF)
    assert verdict.clean and verdict.served == data and verdict.details["pages"] == 3


@pytest.mark.parametrize("data,declared,code", [
    (make.windows_program(), files.JPEG, "wrong_type"),
    (make.html_page(), files.PDF, "wrong_type"),
    (make.pdf_with_javascript(), files.PDF, "javascript"),
    (make.encrypted_pdf(), files.PDF, "encrypted"),
    (make.png_declaring(30000, 30000), files.PNG, "too_many_pixels"),
    (make.png()[:40], files.PNG, "damaged_image"),
    (b"%PDF-1.7\n garbage", files.PDF, "damaged_pdf"),
    (make.png(), files.JPEG, "wrong_type"),
])
def test_what_is_refused_and_why(data, declared, code):
    verdict = check(data, declared)
    assert not verdict.clean
    assert verdict.rejection.code == code
    assert verdict.rejection.id and verdict.rejection.en


def test_the_reason_names_what_the_file_really_is():
    verdict = check(make.windows_program(), files.JPEG)
    assert "Windows program" in verdict.rejection.en and "JPEG" in verdict.rejection.en
    assert "bukan gambar JPEG" in verdict.rejection.id


def test_one_byte_over_the_limit_is_refused():
    data = make.pdf()
    verdict = files.inspect(data, files.PDF, len(data), len(data) - 1, PIXELS)
    assert verdict.rejection.code == "too_large"


def test_a_file_other_than_the_announced_one_is_refused():
    data = make.pdf()
    assert check(data, files.PDF, declared_size=len(data) + 10).rejection.code == "size_mismatch"


def test_archives_only_where_a_requirement_allows_them():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("denah.pdf", make.pdf())
    data = out.getvalue()
    assert check(data, files.PDF).rejection.code == "archive"
    allowed = files.inspect(data, files.ZIP, len(data), 10 * MB, PIXELS, archives_allowed=True)
    assert allowed.clean


@pytest.mark.parametrize("name,media_type,expected", [
    ("KTP Budi.jpeg", files.JPEG, "KTP Budi.jpeg"),
    ("../../etc/passwd", files.PDF, "passwd.pdf"),
    ('C:\\Users\\x\\plan "final".pdf', files.PDF, "plan final.pdf"),
    ("foto\r\nSet-Cookie: x.png", files.PNG, "fotoSet-Cookie x.png"),
    ("scan.exe", files.PDF, "scan.pdf"),
    ("", files.PNG, "dokumen.png"),
])
def test_download_names_are_safe(name, media_type, expected):
    assert files.safe_filename(name, media_type) == expected


def test_a_sideways_photo_is_served_upright():
    from PIL import Image

    image = Image.new("RGB", (80, 40), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; view rotated 90°
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    verdict = check(out.getvalue(), files.JPEG)
    served = Image.open(io.BytesIO(verdict.served))
    assert served.size == (40, 80)
    assert 0x0112 not in served.getexif()


@pytest.mark.parametrize("place", make.ACTION_PLACES)
def test_a_script_anywhere_a_pdf_can_hold_an_action_is_refused(place):
    verdict = check(make.pdf_with_action_in(place), files.PDF)
    assert not verdict.clean
    assert verdict.rejection.code == "javascript"


@pytest.mark.parametrize("place", ["page", "field_through_parent", "outline"])
def test_a_launch_action_anywhere_is_refused(place):
    verdict = check(make.pdf_with_action_in(place, "/Launch"), files.PDF)
    assert not verdict.clean
    assert verdict.rejection.code == "launch"


def test_a_pdf_with_an_outline_and_a_form_field_but_no_action_passes():
    """The walk follows /Parent and /P back-references too, and still ends (the seen-set)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make.pdf(pages=2))))
    writer.add_outline_item("Bab 1", 0)
    writer.add_outline_item("Bab 2", 1)
    out = io.BytesIO()
    writer.write(out)
    verdict = check(out.getvalue(), files.PDF)
    assert verdict.clean and verdict.details["pages"] == 2


# ---- polyglots: a file that is also something else --------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize("data,code", [
    (make.html_pdf_polyglot(), "hidden_markup"),
    (make.pdf_with_html_deep_inside(), "hidden_markup"),
    (make.with_appended(make.pdf(), HTML), "trailing_data"),
    (make.pdf_with_zip_appended(), "trailing_data"),
    (make.pdf_with_zip_and_a_second_eof(), "hidden_archive"),
    (make.pdf_hiding_zip_in_a_stream(), "hidden_archive"),
    (make.with_appended(make.pdf(), b"Rar!\x1a\x07\x00" + b"\x00" * 40), "trailing_data"),
    (make.pdf_hiding_rar_in_a_stream(), "hidden_archive"),
    (make.pdf_hiding_html_behind_a_commented_stream_keyword(), "hidden_markup"),
], ids=["html-in-header", "html-deep-inside", "html-appended", "zip-appended", "zip-then-eof-again",
        "zip-in-a-stream", "rar-appended", "rar-in-a-stream", "html-behind-a-commented-stream-keyword"])
def test_a_pdf_that_is_also_a_page_or_an_archive_is_refused_and_says_why(data, code):
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data), strict=False).pages) == 1  # a PDF reader opens it as a PDF
    verdict = check(data, files.PDF)
    assert not verdict.clean and verdict.served is None
    assert verdict.rejection.code == code
    assert verdict.rejection.id and verdict.rejection.en


def test_a_pdf_without_its_end_marker_is_refused_as_incomplete():
    """Without %%EOF where the PDF ends cannot be told, so neither can what trails it."""
    verdict = check(make.handmade_pdf()[:-6], files.PDF)
    assert verdict.rejection.code == "damaged_pdf" and "%%EOF" in verdict.rejection.en


def test_the_zip_hidden_in_a_stream_is_found_by_its_structure_not_by_a_signature_outside_streams():
    import zipfile

    data = make.pdf_hiding_zip_in_a_stream()
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["bukti.txt"]  # what a ZIP reader sees
    assert b"PK\x03\x04" not in files._outside_streams(data)
    assert check(data, files.PDF).rejection.code == "hidden_archive"


@pytest.mark.parametrize("data", [
    make.pdf_revised(2),
    make.with_appended(make.pdf(), b"\r\n\x00\x00\x00  \n"),
    make.handmade_pdf(),
    make.pdf_with_photo(1_500_000),
], ids=["incremental-updates", "blank-and-nul-padding", "handmade", "scanned-photo"])
def test_pdfs_as_offices_receive_them_pass_byte_for_byte(data):
    """Incremental updates (several %%EOF: signing tools, scanners, "save" in a reader), padding
    after the end, and megabytes of compressed image data are not mistaken for smuggling."""
    verdict = check(data, files.PDF)
    assert verdict.clean, verdict.rejection
    assert verdict.served == data


@pytest.mark.parametrize("data,media_type", [
    (make.with_appended(make.png(), make.small_zip()), files.PNG),
    (make.with_appended(make.jpeg_with_gps(), make.small_zip()), files.JPEG),
    (make.with_appended(make.jpeg_with_gps(), HTML), files.JPEG),
    (make.jpeg_with_comment(HTML), files.JPEG),
    (make.jpeg_with_comment(make.small_zip()), files.JPEG),
    (make.png_with_icc_profile(HTML * 40), files.PNG),
    (make.png_with_private_chunk(make.small_zip()), files.PNG),
], ids=["png+zip", "jpeg+zip", "jpeg+html", "jpeg-comment-html", "jpeg-comment-zip", "png-icc-html", "png-chunk-zip"])
def test_an_image_carrying_another_file_is_served_as_the_image_alone(data, media_type):
    """Re-encoded from its pixels: nothing appended, no comment, profile or private chunk is
    served (Pillow wrote a JPEG's comment back out by itself)."""
    import zipfile

    from PIL import Image

    verdict = check(data, media_type)
    assert verdict.clean, verdict.rejection
    served = verdict.served
    assert served != data
    assert not zipfile.is_zipfile(io.BytesIO(served)) and b"bukti.txt" not in served
    assert b"<script" not in served and b"<html" not in served.lower()
    with Image.open(io.BytesIO(served)) as image:
        assert image.format == files.IMAGE_FORMATS[media_type]
        assert not image.info.get("comment") and not image.info.get("icc_profile")


def test_an_image_whose_palette_spells_a_page_is_refused():
    """A lossless encoding writes a palette back as it was; the served bytes are checked too."""
    verdict = check(make.png_with_markup_palette(), files.PNG)
    assert not verdict.clean and verdict.rejection.code == "hidden_markup"
