"""Real files made by the tests: a photo with GPS in its EXIF, PDFs plain, scripted and
encrypted, a PNG that declares 30000×30000 pixels, a Windows program, EICAR."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image, ImageDraw

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURES = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"


def png(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps(width: int = 80, height: int = 60) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (width, height), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SatupintuCam"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x8825] = {1: "S", 2: (6.0, 21.0, 43.0), 3: "E", 4: (106.0, 49.0, 30.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def noisy_jpeg(target_bytes: int) -> bytes:
    """A photo-sized JPEG just under `target_bytes` (random pixels barely compress: about 1.2
    bytes a pixel at quality 95)."""
    import os

    from PIL import Image

    side = int((target_bytes / 1.2) ** 0.5)
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=95)
        if out.tell() <= target_bytes:
            return out.getvalue()
        side = int(side * (target_bytes / out.tell()) ** 0.5 * 0.99)


def pdf_with_photo(target_bytes: int) -> bytes:
    """A scanned-document-like PDF: one page holding a large photo, just under `target_bytes`."""
    from fpdf import FPDF

    photo = noisy_jpeg(target_bytes - 20_000)
    document = FPDF()
    document.add_page()
    document.image(io.BytesIO(photo), x=10, y=10, w=190)
    return bytes(document.output())


def pdf(text: str = "Laporan desain bendungan", pages: int = 1) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    for number in range(pages):
        document.add_page()
        document.set_font("helvetica", size=14)
        document.cell(text=f"{text} - {number + 1}")
    return bytes(document.output())


def pdf_with_javascript() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(user_password="rahasia", owner_password="rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")


def windows_program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode." + b"\x00" * 100


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@functools.cache
def _camera_scene() -> Image.Image:
    """A 12-megapixel scene with gradients, texture and edges, compressing like a phone photo."""
    size = (4032, 3024)
    red = Image.radial_gradient("L").resize(size)
    green = Image.linear_gradient("L").resize(size).point(lambda v: (v * 2) % 256)
    blue = Image.effect_noise(size, 40).point(lambda v: v // 2 + 60)
    return Image.merge("RGB", (red, green, blue))


def camera_photo(seed: int, quality: int = 92) -> bytes:
    """A phone-camera JPEG of about 2 MB (4032×3024), different for every seed."""
    import random

    rng = random.Random(seed)
    image = _camera_scene().copy()
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randint(0, 3800), rng.randint(0, 2800)
        draw.rectangle([x, y, x + rng.randint(50, 400), y + rng.randint(50, 300)],
                       fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


ACTION_PLACES = ("catalog", "page", "annotation", "field_through_parent", "name_tree", "outline")


def pdf_with_action_in(place: str, action_type: str = "/JavaScript") -> bytes:
    """A one-page PDF holding a JavaScript (or Launch) action in one place a PDF can hold one:
    the catalog's open action, a page's additional actions, a link annotation, a form field
    reached only through its widget's /Parent, the catalog's name tree, or an outline item."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    action = DictionaryObject({NameObject("/S"): NameObject(action_type)})
    if action_type == "/JavaScript":
        action[NameObject("/JS")] = TextStringObject("app.alert('hello');")
    else:
        action[NameObject("/F")] = TextStringObject("calc.exe")
    action_ref = writer._add_object(action)
    catalog = writer._root_object
    page = writer.pages[0]
    rect = ArrayObject([FloatObject(10), FloatObject(10), FloatObject(50), FloatObject(50)])
    if place == "catalog":
        catalog[NameObject("/OpenAction")] = action_ref
    elif place == "page":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action_ref})
    elif place == "annotation":
        link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                                 NameObject("/Rect"): rect, NameObject("/A"): action_ref})
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    elif place == "field_through_parent":
        # The field holding the action is in no /Fields array: only the widget's /Parent leads to it.
        field = writer._add_object(DictionaryObject({
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("nama"),
            NameObject("/AA"): DictionaryObject({NameObject("/K"): action_ref})}))
        widget = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                                   NameObject("/Rect"): rect, NameObject("/Parent"): field, NameObject("/F"): NumberObject(4)})
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    elif place == "name_tree":
        scripts = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("start"), action_ref])})
        # Under a name other than /JavaScript, so only the action itself gives it away.
        catalog[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): writer._add_object(scripts)})
    elif place == "outline":
        outlines = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Outlines")}))
        item = writer._add_object(DictionaryObject({NameObject("/Title"): TextStringObject("Mulai"),
                                                    NameObject("/Parent"): outlines, NameObject("/A"): action_ref}))
        outlines.get_object().update({NameObject("/First"): item, NameObject("/Last"): item,
                                      NameObject("/Count"): NumberObject(1)})
        catalog[NameObject("/Outlines")] = outlines
    else:
        raise ValueError(place)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- polyglots: files that are two things at once -------------------------------------------

def small_zip(name: str = "bukti.txt", body: bytes = b"isi arsip") -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, body)
    return out.getvalue()


def handmade_pdf(header_comment: bytes = b"", between: bytes = b"", extra_stream: bytes | None = None,
                 text: bytes = b"Surat permohonan") -> bytes:
    """A one-page PDF written by hand, its cross-reference offsets true, so a reader opens it
    whatever rides in it: `header_comment` (a comment line after %PDF-), `between` (bytes after
    the page's objects, before the cross-reference), `extra_stream` (a stream no page uses)."""
    content = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if extra_stream is not None:
        objects.append(b"<< /Length %d >>\nstream\n" % len(extra_stream) + extra_stream + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if header_comment:
        out += b"%" + header_comment + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += between
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def html_pdf_polyglot() -> bytes:
    """A PDF whose first line after %PDF- is a page: a browser told it is HTML runs the script."""
    return handmade_pdf(header_comment=b"<html><body><script>alert(document.domain)</script></body></html>")


def pdf_with_html_deep_inside() -> bytes:
    """HTML in a comment between objects, past the first KB (where no sniffer of the first bytes looks)."""
    return handmade_pdf(between=b"%" + b" " * 1500 + b"\n%<!DOCTYPE html><title>x</title><script>fetch('/')</script>\n")


def pdf_with_zip_appended() -> bytes:
    return pdf() + small_zip()


def pdf_with_zip_and_a_second_eof() -> bytes:
    """The appended archive followed by the PDF's own ending again (startxref, %%EOF), so the
    file ends as a PDF and readers of both kinds open it."""
    data = pdf()
    startxref = data[data.rfind(b"startxref"):]
    return data + small_zip() + b"\n" + startxref


def pdf_hiding_zip_in_a_stream() -> bytes:
    """An archive inside a stream no page uses, its end record's comment swallowing the rest of
    the PDF: a PDF reader and a ZIP reader both open it, and nothing trails the %%EOF."""
    probe = handmade_pdf(extra_stream=small_zip())
    tail = len(probe) - (probe.rfind(b"PK\x05\x06") + 22)
    archive = small_zip()
    patched = archive[:-2] + struct.pack("<H", tail)  # the comment length: everything after it
    return handmade_pdf(extra_stream=patched)


def pdf_hiding_rar_in_a_stream() -> bytes:
    """A RAR archive inside a stream: RAR readers scan the whole file for their signature."""
    return handmade_pdf(extra_stream=b"Rar!\x1a\x07\x00" + b"\x00" * 40)


def pdf_hiding_html_behind_a_commented_stream_keyword() -> bytes:
    """A comment that looks like the start of a stream, with a page after it, past the first KB:
    taken for a stream, the page would be left out of the search for markup."""
    return handmade_pdf(between=b"%" + b" " * 1500 + b"\n%>>stream\n<html><script>fetch('/')</script>\n%endstream\n")


def pdf_revised(revisions: int = 2) -> bytes:
    """A PDF saved again as incremental updates (as signing tools and some scanners do): each
    revision appended with its own cross-reference and %%EOF."""
    from pypdf import PdfWriter

    data = pdf()
    for number in range(revisions):
        writer = PdfWriter(io.BytesIO(data), incremental=True)
        writer.add_metadata({"/Title": f"Revisi {number + 1}"})
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def with_appended(data: bytes, tail: bytes) -> bytes:
    return data + tail


def jpeg_with_comment(comment: bytes) -> bytes:
    """A JPEG with a COM segment holding `comment` (Pillow writes it back out unless told not to)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 160, 30)).save(out, format="JPEG", comment=comment)
    return out.getvalue()


def png_with_icc_profile(profile: bytes) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 160, 30)).save(out, format="PNG", icc_profile=profile)
    return out.getvalue()


def png_with_private_chunk(body: bytes) -> bytes:
    """A PNG with an ancillary chunk of our own naming before its end (readers skip it)."""
    data = png()
    end = data.rfind(b"IEND") - 4
    kind = b"zpLy"
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return data[:end] + chunk + data[end:]


def png_with_markup_palette() -> bytes:
    """A palette image whose colours spell a web page: a lossless re-encoding writes them back."""
    from PIL import Image

    payload = b"<html><body><script>alert(document.domain)</script></body></html>"
    image = Image.new("P", (16, 16), 0)
    image.putpalette((payload + b"\x00" * 768)[:768])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
