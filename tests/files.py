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
