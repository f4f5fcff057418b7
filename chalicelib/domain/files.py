"""What an uploaded file really is, and whether it may be served.

Everything here looks at the bytes: never the filename, never the declared type. Each refusal
carries a reason a person understands, in Indonesian and English. Pillow and pypdf load only
when a file of their kind is inspected.

A file served must be one thing only, never also a web page or an archive (a polyglot) that
another program would find in it. Images are re-encoded from their pixels, so what is served is
what we wrote. PDFs are served as uploaded, byte for byte: a rewrite would break the digital
signature on a signed permit or registry extract, and the bytes are the evidence the office
decided on. So a PDF is refused when anything rides along: data after its final %%EOF (earlier
%%EOFs are incremental updates, which scanners and signing tools write), web-page markup in the
first KB or anywhere outside its streams, or an archive a ZIP, RAR or 7-Zip reader would open.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

PDF, JPEG, PNG, ZIP = "application/pdf", "image/jpeg", "image/png", "application/zip"
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
MAX_PDF_OBJECTS = 200_000


@dataclass(frozen=True)
class Reason:
    code: str
    id: str
    en: str


@dataclass
class Verdict:
    """The outcome of inspecting one file: either `rejection`, or the bytes to serve."""

    rejection: Reason | None = None
    served: bytes | None = None
    served_type: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return self.rejection is None


def reason(code: str, id_text: str, en_text: str) -> Verdict:
    return Verdict(rejection=Reason(code, id_text, en_text))


# ---- what the bytes are ----------------------------------------------------------------------

_SIGNATURES: list[tuple[bytes, int, str, tuple[str, str]]] = [
    # (magic, offset, type, how to name it to a person: in Indonesian and in English)
    (b"%PDF-", 0, PDF, ("PDF", "PDF")),
    (b"\xff\xd8\xff", 0, JPEG, ("gambar JPEG", "JPEG image")),
    (b"\x89PNG\r\n\x1a\n", 0, PNG, ("gambar PNG", "PNG image")),
    (b"PK\x03\x04", 0, ZIP, ("arsip ZIP (atau dokumen Office)", "ZIP archive (or Office document)")),
    (b"PK\x05\x06", 0, ZIP, ("arsip ZIP", "ZIP archive")),
    (b"MZ", 0, "application/x-msdownload", ("program Windows", "Windows program")),
    (b"\x7fELF", 0, "application/x-executable", ("program Linux", "Linux program")),
    (b"\xca\xfe\xba\xbe", 0, "application/x-mach-binary", ("program macOS", "macOS program")),
    (b"#!", 0, "text/x-script", ("skrip", "script")),
    (b"Rar!\x1a\x07", 0, "application/vnd.rar", ("arsip RAR", "RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed", ("arsip 7-Zip", "7-Zip archive")),
    (b"\x1f\x8b", 0, "application/gzip", ("arsip gzip", "gzip archive")),
    (b"ustar", 257, "application/x-tar", ("arsip tar", "tar archive")),
    (b"GIF8", 0, "image/gif", ("gambar GIF", "GIF image")),
    (b"II*\x00", 0, "image/tiff", ("gambar TIFF", "TIFF image")),
    (b"MM\x00*", 0, "image/tiff", ("gambar TIFF", "TIFF image")),
    (b"RIFF", 0, "image/webp", ("gambar WebP", "WebP image")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage", ("dokumen Office lama", "old Office document")),
]
ARCHIVES = {ZIP, "application/vnd.rar", "application/x-7z-compressed", "application/gzip", "application/x-tar"}


def sniff(head: bytes) -> tuple[str, tuple[str, str]]:
    """(media type, a name for people in Indonesian and in English) from the first bytes of a file."""
    for magic, offset, media_type, name in _SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return media_type, name
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "text/html", ("halaman web (HTML/SVG/XML)", "web page (HTML/SVG/XML)")
    return "application/octet-stream", ("berkas yang jenisnya tidak dikenal", "file of an unknown kind")


_HUMAN = {PDF: ("PDF", "PDF"), JPEG: ("gambar JPEG", "JPEG image"), PNG: ("gambar PNG", "PNG image"),
          ZIP: ("arsip ZIP", "ZIP archive")}


def _declared(declared_type: str) -> tuple[str, str]:
    return _HUMAN.get(declared_type, (declared_type, declared_type))


# ---- what else the bytes could be read as (polyglots) ----------------------------------------

# Browsers and mail clients decide from the first bytes what a file is (old ones look for tags
# anywhere in the first few hundred); a PDF reader looks for %PDF- in the first KB.
SNIFF_WINDOW = 1024
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|frame|svg|object|embed|meta|style|img|form|"
                     rb"base|link)[\s>/]", re.IGNORECASE)
# A ZIP reader finds its archive from the end record, anywhere near the end; RAR and 7-Zip scan
# for their signatures (self-extracting archives start with a program).
_ARCHIVE_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
_PDF_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", *_ARCHIVE_MAGIC)
# What may follow a PDF's final %%EOF: line ends, blanks, NUL padding some producers add.
_PDF_END_PADDING = b"\x00\t\n\x0c\r "
# A stream's data begins after its dictionary's ">>", the keyword and one line end.
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\r|\n)")


def _markup() -> Verdict:
    return reason("hidden_markup",
                  "Berkas berisi kode halaman web (HTML) yang disisipkan; simpan ulang sebagai berkas biasa.",
                  "The file carries web-page code (HTML) slipped into it; save it again as a plain file.")


def _archive() -> Verdict:
    return reason("hidden_archive",
                  "Berkas menyembunyikan arsip (ZIP/RAR/7z) di dalamnya; unggah berkasnya saja.",
                  "The file hides an archive (ZIP, RAR or 7-Zip) inside it; upload the file on its own.")


def _opens_as_zip(data: bytes) -> bool:
    """Whether a ZIP reader finds an archive with entries in it (its end record and central
    directory, wherever the archive starts): structure, not a 4-byte signature, so compressed
    image data in a PDF that happens to hold one is not mistaken for an archive."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False


def _outside_streams(data: bytes) -> bytes:
    """A PDF's bytes with its stream bodies left out: what remains is PDF syntax (objects,
    dictionaries, strings, comments), where markup or an archive has no business."""
    parts, position = [], 0
    for start in _STREAM_START.finditer(data):
        if start.start() < position:
            continue  # a ">>stream" inside a stream already left out
        line_start = max(data.rfind(b"\n", 0, start.start()), data.rfind(b"\r", 0, start.start())) + 1
        if b"%" in data[line_start:start.start()]:
            continue  # in a comment: "%>>stream" would hide what follows from the search
        parts.append(data[position:start.end()])
        end = data.find(b"endstream", start.end())
        position = len(data) if end < 0 else end
    parts.append(data[position:])
    return b" ".join(parts)


def smuggled_into_pdf(data: bytes) -> Verdict | None:
    """The refusal when a PDF carries something besides itself, else None."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return reason("damaged_pdf", "PDF tidak lengkap (tanpa penanda akhir %%EOF).",
                      "The PDF is incomplete (it has no %%EOF end marker).")
    if data[end + 5:].strip(_PDF_END_PADDING):
        return reason("trailing_data",
                      "PDF berisi data tambahan setelah akhir berkasnya; simpan ulang sebagai PDF biasa (cetak ke PDF).",
                      "The PDF carries extra data after its end; save it again as a plain PDF (print to PDF).")
    syntax = _outside_streams(data)
    if _MARKUP.search(data[:SNIFF_WINDOW]) or _MARKUP.search(syntax):
        return _markup()
    # RAR and 7-Zip readers scan the whole file for their 6-byte signatures (too long to turn up
    # by chance in compressed data), streams included; ZIP's 4-byte ones only count outside.
    if (any(magic in data for magic in _ARCHIVE_MAGIC) or any(magic in syntax for magic in _PDF_ARCHIVE_MAGIC)
            or _opens_as_zip(data)):
        return _archive()
    return None


def smuggled_into_image(served: bytes) -> Verdict | None:
    """The refusal when a re-encoded image still reads as something else (bytes the uploader
    chose survive a lossless encoding: a palette, incompressible pixels stored as they are)."""
    head = served[:SNIFF_WINDOW]
    if _MARKUP.search(head):
        return _markup()
    if b"%PDF-" in head or any(magic in served for magic in _ARCHIVE_MAGIC) or _opens_as_zip(served):
        return reason("hidden_archive",
                      "Gambar menyembunyikan berkas lain (arsip atau PDF) di dalamnya.",
                      "The image hides another file (an archive or a PDF) inside it.")
    return None


# ---- the inspection ------------------------------------------------------------------------

def inspect(data: bytes, declared_type: str, declared_size: int, max_bytes: int, max_pixels: int,
            archives_allowed: bool = False) -> Verdict:
    """Decide whether `data`, uploaded as `declared_type`, may be served."""
    if len(data) > max_bytes:
        return reason("too_large",
                      f"Berkas {_size(len(data))} melebihi batas {_size(max_bytes)}.",
                      f"The file is {_size(len(data))}, over the {_size(max_bytes)} limit.")
    if len(data) != declared_size:
        return reason("size_mismatch",
                      "Ukuran berkas yang terunggah tidak sama dengan yang diumumkan; unggah ulang berkasnya.",
                      "The uploaded file is not the size that was announced; upload the file again.")
    if not data:
        return reason("empty", "Berkas kosong.", "The file is empty.")
    actual, (actual_id, actual_en) = sniff(data[:1024])
    if actual in ARCHIVES and not (archives_allowed and actual == ZIP == declared_type):
        return reason("archive",
                      f"Arsip ({actual_id}) tidak diterima untuk dokumen ini; unggah berkasnya langsung.",
                      f"Archives ({actual_en}) are not accepted for this document; upload the file itself.")
    if actual != declared_type:
        declared_id, declared_en = _declared(declared_type)
        article = "an" if actual_en[0].lower() in "aeiou" else "a"
        return reason("wrong_type",
                      f"Isi berkas adalah {actual_id}, bukan {declared_id} seperti yang dinyatakan.",
                      f"The file's content is {article} {actual_en}, not the {declared_en} it was declared as.")
    if actual in IMAGE_FORMATS:
        return _inspect_image(data, actual, max_pixels)
    if actual == PDF:
        return _inspect_pdf(data)
    if actual == ZIP:
        return _inspect_zip(data, max_bytes)
    return reason("unsupported", "Jenis berkas ini tidak diterima.", "This kind of file is not accepted.")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _inspect_image(data: bytes, media_type: str, max_pixels: int) -> Verdict:
    from PIL import Image, ImageOps

    # Pillow's own bomb check is a warning until twice its limit; ours refuses at the limit,
    # from the header alone, before a single pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > max_pixels or width <= 0 or height <= 0:
                return reason("too_many_pixels",
                              f"Gambar {width}×{height} piksel terlalu besar (batas {max_pixels // 1_000_000} megapiksel).",
                              f"The image is {width}×{height} pixels, over the {max_pixels // 1_000_000}-megapixel limit.")
            if image.format != IMAGE_FORMATS[media_type]:
                return reason("wrong_type", "Isi gambar tidak sesuai jenisnya.", "The image's content does not match its type.")
            image.load()
            # Re-encode from the pixels alone: location, camera serials and every other
            # metadata chunk stay behind. Photos are turned upright first (EXIF orientation),
            # in place: a 40-megapixel photo is 120 MB of pixels, and a copy would double it.
            ImageOps.exif_transpose(image, in_place=True)
            upright = image
            if media_type == JPEG:
                if upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
            elif upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                upright = upright.convert("RGBA")
            # Pillow writes some of what it read back out by itself (a JPEG's comment, a PNG's
            # ICC profile): bytes the uploader chose, verbatim, a page or an archive among them.
            # Only the pixels go out, and a palette's transparency.
            upright.info = {name: value for name, value in upright.info.items() if name == "transparency"}
            out = io.BytesIO()
            if media_type == JPEG:
                upright.save(out, format="JPEG", quality=90)
            else:
                upright.save(out, format="PNG")
    except Image.DecompressionBombError:
        return reason("too_many_pixels", "Gambar terlalu besar.", "The image has too many pixels.")
    except (OSError, ValueError, SyntaxError, EOFError):
        return reason("damaged_image", "Gambar rusak atau tidak dapat dibuka.", "The image is damaged and cannot be opened.")
    served = out.getvalue()
    smuggled = smuggled_into_image(served)
    if smuggled is not None:
        return smuggled
    return Verdict(served=served, served_type=media_type,
                   details={"width": width, "height": height, "metadata_removed": True})


_PDF_ACTIVE = {
    "/JavaScript": ("javascript", "berisi JavaScript", "contains JavaScript"),
    "/JS": ("javascript", "berisi JavaScript", "contains JavaScript"),
    "/Launch": ("launch", "berisi perintah menjalankan program", "contains an action that launches a program"),
    "/EmbeddedFile": ("embedded_file", "berisi berkas tersembunyi di dalamnya", "carries files embedded inside it"),
    "/EmbeddedFiles": ("embedded_file", "berisi berkas tersembunyi di dalamnya", "carries files embedded inside it"),
    "/RichMedia": ("rich_media", "berisi media aktif (Flash)", "contains active media (Flash)"),
    "/XFA": ("xfa", "berisi formulir aktif (XFA)", "contains an active form (XFA)"),
}


def _inspect_pdf(data: bytes) -> Verdict:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    smuggled = smuggled_into_pdf(data)  # first: reading bytes costs less than parsing them
    if smuggled is not None:
        return smuggled
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return reason("encrypted",
                          "PDF dikunci dengan kata sandi atau dienkripsi; unggah versi tanpa kunci.",
                          "The PDF is password-protected or encrypted; upload an unlocked copy.")
        pages = len(reader.pages)
        found = _active_content(reader.trailer["/Root"])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return reason("damaged_pdf", "PDF rusak atau tidak dapat dibaca.", "The PDF is damaged and cannot be read.")
    if found:
        code, id_text, en_text = found
        return reason(code, f"PDF {id_text}; simpan ulang sebagai PDF biasa (cetak ke PDF).",
                      f"The PDF {en_text}; save it again as a plain PDF (print to PDF).")
    if pages == 0:
        return reason("damaged_pdf", "PDF tidak memiliki halaman.", "The PDF has no pages.")
    return Verdict(served=data, served_type=PDF, details={"pages": pages})


def _active_content(root: Any) -> tuple[str, str, str] | None:
    """Walk every object reachable from the catalog, back-references included (names in
    compressed object streams too, as pypdf resolves them), looking for scripts, launch actions
    and embedded files wherever a PDF can hold them: the catalog, pages, annotations, form fields
    and their parents, name trees, outlines."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, (DictionaryObject, StreamObject)):
            for name, value in node.items():
                if name in _PDF_ACTIVE:
                    return _PDF_ACTIVE[name]
                if name == "/S" and value in ("/JavaScript", "/Launch"):
                    return _PDF_ACTIVE[str(value)]
                # /Parent and /P too: a form field holding a script may be reached only through
                # its widget's /Parent. The seen-set ends the loops back-references make.
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _inspect_zip(data: bytes, max_bytes: int) -> Verdict:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            total = sum(e.file_size for e in entries)
            if len(entries) > 1000 or total > 10 * max_bytes:
                return reason("zip_bomb", "Arsip terlalu besar ketika dibuka.", "The archive is too large when unpacked.")
            for entry in entries:
                if entry.flag_bits & 0x1:
                    return reason("encrypted", "Arsip dikunci dengan kata sandi.", "The archive is password-protected.")
                if entry.filename.startswith("/") or ".." in entry.filename.split("/"):
                    return reason("unsafe_archive", "Arsip berisi jalur berkas yang tidak aman.",
                                  "The archive holds unsafe file paths.")
            bad = archive.testzip()
            if bad is not None:
                return reason("damaged_archive", "Arsip rusak.", "The archive is damaged.")
    except zipfile.BadZipFile:
        return reason("damaged_archive", "Arsip rusak.", "The archive is damaged.")
    return Verdict(served=data, served_type=ZIP, details={"entries": len(entries)})


def safe_filename(name: str, media_type: str) -> str:
    """What a download is called: the uploader's name without paths or control characters,
    with the extension of what the file really is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*;').strip(" .") or "dokumen"
    stem, dot, ext = base.rpartition(".")
    wanted = {PDF: "pdf", JPEG: "jpg", PNG: "png", ZIP: "zip"}.get(media_type)
    if wanted and (not dot or ext.lower() not in ({"jpg", "jpeg"} if wanted == "jpg" else {wanted})):
        base = f"{stem if dot else base}.{wanted}"  # the extension says what the file really is
    return base[-120:]
