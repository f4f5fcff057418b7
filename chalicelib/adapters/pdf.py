"""PDFs with fpdf2: receipts, certificates and monthly usage reports, laid out from the papers
of chalicelib/domain/papers.py. Imported by the render function only (fpdf2, Pillow and segno
load here, never in the API).

Typography: DejaVu Sans embedded (every Indonesian and European character, "—", "Rp"), A4,
the organisation's name in the header, "Halaman n dari N" in the footer, Indonesian labels.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Callable, Iterable

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from fontTools import ttLib

from chalicelib.domain.papers import (
    CertificatePaper,
    ReceiptPaper,
    UsageReportPaper,
    persen,
    rupiah,
)

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
RULE = (206, 212, 218)
# Evidence photos are scaled (never cropped) into this box, and re-encoded no larger than
# this many pixels on the long side (about 150 dpi across the box: enough to see what a photo
# shows, and a phone's 12-megapixel JPEG decodes at a quarter of its size, fast).
PHOTO_BOX_MM = (170.0, 105.0)
PHOTO_MAX_PIXELS = 1000
PHOTO_QUALITY = 75
# Photos read and scaled at once: mostly waiting on S3, and decoding lets go of the GIL.
PHOTO_THREADS = 4
# Between a fact's label column and its value's.
FACT_GAP_MM = 4


# Each font parsed once per process (the render function's container) and copied into each
# document: fpdf2's add_font reads the whole TTF (the metrics and character map of DejaVu Sans's
# 6,000 glyphs), about 20 ms a font, half of what a receipt costs to render.
_PARSED_FONTS: dict[tuple[str, str], TTFFont] = {}

# Embedding subsets the font file the document names, and subsetting reads every glyph of that
# file first: DejaVu Sans's 6,000 glyphs were most of a render's time (issue 21). Documents
# almost always use characters of these blocks only (Latin with its accents, punctuation, "Rp",
# "✓", arrows and boxes), so each font also has a smaller file of just those blocks' glyphs,
# made once per process; a document whose characters all have glyphs there is subset from it,
# any other from the whole font. The embedded subset is the same either way
# (tests/unit/test_pdf_fonts.py).
EVERYDAY_BLOCKS = ((0x20, 0x17F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF),
                   (0x25A0, 0x25FF), (0x2713, 0x2718))
# fpdf2's own subsetting options at embedding (fpdf/output.py, `_add_fonts`; fpdf2 is pinned),
# keeping the glyphs' names, by which fpdf2 then subsets the smaller file again.
_EMBEDDING_DROPS_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT",
                           "EBLC", "EBSC", "SVG ", "CPAL", "COLR")
_EVERYDAY_FONTS: dict[tuple[str, str], tuple[bytes, frozenset[str]]] = {}


def _everyday_font(parsed: TTFFont, key: tuple[str, str]) -> tuple[bytes, frozenset[str]]:
    """The font file with only its glyphs of EVERYDAY_BLOCKS, and the names of those glyphs."""
    made = _EVERYDAY_FONTS.get(key)
    if made is None:
        from fontTools import subset as ftsubset

        glyphs = {parsed.cmap[code] for first, last in EVERYDAY_BLOCKS for code in range(first, last + 1)
                  if code in parsed.cmap}
        whole = ttLib.TTFont(parsed.ttffile, recalcTimestamp=False, fontNumber=parsed.collection_font_number, lazy=True)
        options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
        options.drop_tables += list(_EMBEDDING_DROPS_TABLES)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=glyphs)
        subsetter.subset(whole)
        file = io.BytesIO()
        whole.save(file)
        made = _EVERYDAY_FONTS[key] = (file.getvalue(), frozenset(whole.getGlyphOrder()))
    return made


class _EmbeddedFromSmallest(SubsetMap):
    """A document's subset map that, when fpdf2 asks it for the glyphs to embed (just before
    subsetting the font's file), gives the font the smallest file holding them."""

    def __init__(self, font: TTFFont, everyday: tuple[bytes, frozenset[str]]) -> None:
        super().__init__(font)
        self._everyday = everyday

    def get_all_glyph_names(self) -> list[str]:
        names = super().get_all_glyph_names()
        data, holds = self._everyday
        if holds.issuperset(names):
            self.font.ttfont.close()
            self.font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
        return names


def add_parsed_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """What `pdf.add_font(family, style, path)` does, from a font parsed once. The copy holds its
    own of what a document changes: the characters it uses (its subset), the glyphs it found
    missing, and the font file itself, opened afresh (lazily: only its table directory is read),
    because embedding subsets that in place. The list is fpdf2's own of a font's per-document
    state (`TTFFont.__deepcopy__`); fpdf2 is pinned, and tests/unit/test_pdf_fonts.py checks that
    documents made this way are byte for byte those add_font makes."""
    key, fontkey = (str(path), style), f"{family.lower()}{style}"  # fontkey: as add_font names it
    parsed = _PARSED_FONTS.get(key)
    if parsed is None:
        parsed = TTFFont(pdf, str(path), fontkey, style)
        if parsed.color_font is not None or parsed.is_cff or parsed.is_symbol:  # drawn or mapped otherwise
            pdf.add_font(family, style, str(path))
            return
        _PARSED_FONTS[key] = parsed
    font = copy.copy(parsed)
    font.fontkey = fontkey
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(str(path), recalcTimestamp=False, fontNumber=parsed.collection_font_number, lazy=True)
    font.cw = parsed.cw.copy()
    font.glyph_ids = dict(parsed.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = _EmbeddedFromSmallest(font, _everyday_font(parsed, key))
    pdf.fonts[font.fontkey] = font


class _Paper(FPDF):
    def __init__(self, org_name: str, title: str, footer_note: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.org_name = org_name
        self.footer_note = footer_note
        add_parsed_font(self, FAMILY, "", FONTS / "DejaVuSans.ttf")
        add_parsed_font(self, FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_title(title)
        self.set_author(org_name)
        self.set_creator("satupintu")
        self.set_lang("id-ID")
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=22)
        self.add_page()

    def header(self) -> None:
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(*ACCENT)
        self.set_y(10)
        self.cell(0, 6, self.org_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, 17, self.w - self.r_margin, 17)
        self.set_y(22)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        notes = self._lines(self.footer_note, self.epw) if self.footer_note else []
        self.set_y(-11 - 3.5 * len(notes))
        for note in notes:  # under the body's bottom margin (22 mm) for two lines
            self.cell(0, 3.5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    # ---- building blocks -----------------------------------------------------------------

    def heading(self, text: str, size: float = 16, align: str = "L") -> None:
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def muted(self, text: str, size: float = 9, align: str = "L", width: float = 0) -> None:
        self.set_font(FAMILY, "", size)
        self.set_text_color(*MUTED)
        self.multi_cell(width, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def facts(self, rows: Iterable[tuple[str, str]], label_width: float = 55, size: float = 10) -> None:
        """Label: value rows, each in its own column: a long label wraps within its column and
        a long value within its own, line for line side by side, so neither prints over the
        other. A row breaks across pages only when it is taller than what is left of a page
        that already has something on it. (Most labels and values fit on one line and skip
        fpdf2's line breaking, the slow part of a long report.)"""
        line = size * 0.55
        value_x = self.l_margin + label_width
        for label, value in rows:
            self.set_font(FAMILY, "", size)
            labels = self._lines(label, label_width - FACT_GAP_MM)
            values = self._lines(value or "—", self.w - self.r_margin - value_x)
            count = max(len(labels), len(values))
            if self.get_y() + min(count, 3) * line > self.page_break_trigger:
                self.add_page()
            for i in range(count):
                if self.get_y() + line > self.page_break_trigger:
                    self.add_page()
                top = self.get_y()
                self.set_font(FAMILY, "", size)
                if i < len(labels):
                    self.set_text_color(*MUTED)
                    self.set_xy(self.l_margin, top)
                    self.cell(label_width - FACT_GAP_MM, line, labels[i])
                if i < len(values):
                    self.set_text_color(*INK)
                    self.set_xy(value_x, top)
                    self.cell(self.w - self.r_margin - value_x, line, values[i])
                self.set_xy(self.l_margin, top + line)
            self.set_text_color(*INK)
            self.set_y(self.get_y() + 1)

    def _lines(self, text: str, width: float) -> list[str]:
        """The lines `text` takes in `width` at the current font: breaking at spaces, or within
        a word longer than the width."""
        if "\n" not in text and self.get_string_width(text) < width - 1:
            return [text]
        return self.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES) or [""]

    def rule(self) -> None:
        self.ln(2)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)

    def qr(self, url: str, x: float, y: float, size: float) -> None:
        import segno

        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
        buffer.seek(0)
        self.image(buffer, x=x, y=y, w=size, h=size)

    def done(self) -> bytes:
        return bytes(self.output())


def certificate_pdf(paper: CertificatePaper) -> bytes:
    pdf = _Paper(paper.org_name, f"{paper.title} {paper.number}",
                 "Dokumen ini diterbitkan secara elektronik dan sah tanpa tanda tangan basah; "
                 "keasliannya dapat diperiksa dengan kode verifikasi.")
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 7, "SERTIFIKAT", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.heading(paper.title, 20, align="C")
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(0, 6, f"Nomor: {paper.number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.muted("Diberikan kepada", 10, align="C")
    pdf.heading(paper.holder, 18, align="C")
    pdf.ln(4)
    pdf.facts([(f.label, f.value) for f in paper.facts])
    pdf.facts([("Nomor pelacakan", paper.tracking_code)])
    pdf.rule()
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5.5, f"Ditetapkan di {paper.issued_at_office} pada tanggal {paper.issued_on}.",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 6, "Disetujui secara elektronik oleh:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for person in paper.signatories:
        if pdf.get_y() + 15 > pdf.page_break_trigger:  # a signatory's lines stay on one page
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(0, 5.5, person.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        behalf = f" — atas nama {person.on_behalf_of}" if person.on_behalf_of else ""
        pdf.muted(f"{person.role}, {person.step}{behalf} · {person.at}", 9)
        pdf.ln(1.5)
    # The verification block sits at the foot of the last page: QR, code, where to check.
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    top = pdf.h - 62
    pdf.set_draw_color(*RULE)
    pdf.rect(pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, 38)
    pdf.qr(paper.verify_url, pdf.l_margin + 3, top + 3, 32)
    pdf.set_xy(pdf.l_margin + 40, top + 5)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, "Kode verifikasi", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 14)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, paper.verify_code, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x() - 3, 4.5,
                   f"Pindai kode QR atau buka {paper.verify_url} untuk memeriksa keaslian dan status sertifikat ini.",
                   align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    return pdf.done()


def receipt_pdf(paper: ReceiptPaper) -> bytes:
    pdf = _Paper(paper.org_name, f"Tanda terima {paper.tracking_code}",
                 "Simpan tanda terima ini. Nomor pelacakan dipakai untuk menanyakan permohonan Anda.")
    pdf.heading("TANDA TERIMA PERMOHONAN", 16)
    pdf.muted(paper.service, 11)
    pdf.ln(4)
    top = pdf.get_y()
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, "Nomor pelacakan", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 22)
    pdf.set_text_color(*INK)
    pdf.cell(120, 11, paper.tracking_code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.muted(f"Lacak di {paper.track_url}", 8.5, width=pdf.epw - 32)  # beside the QR code, not under it
    pdf.qr(paper.track_url, pdf.w - pdf.r_margin - 28, top - 2, 28)
    pdf.set_y(max(pdf.get_y(), top + 28))
    pdf.rule()
    pdf.facts([("Pemohon", paper.applicant), ("Diajukan ke", paper.office), ("Diterima", paper.submitted_at)])
    pdf.rule()
    if paper.facts:
        pdf.heading("Data permohonan", 11)
        pdf.facts([(f.label, f.value) for f in paper.facts])
        pdf.rule()
    pdf.heading("Dokumen yang diterima", 11)
    if paper.documents:
        pdf.facts([(f.label, f.value) for f in paper.documents])
    else:
        pdf.muted("Tidak ada dokumen.")
    pdf.rule()
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5.5, paper.next_step, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.done()


def usage_report_pdf(paper: UsageReportPaper, load_photo: Callable[[str], bytes | None]) -> bytes:
    """`load_photo(key)` gives a photo's bytes (None if it cannot be had). Photos are read and
    scaled by a few threads at once (S3 waits and JPEG decoding both let go of the GIL); each
    thread holds one original at a time, and only the scaled copies are kept for the PDF."""
    from concurrent.futures import ThreadPoolExecutor

    keys = [key for section in paper.sections for key in section.photos]
    with ThreadPoolExecutor(max_workers=PHOTO_THREADS) as pool:
        scaled = dict(zip(keys, pool.map(lambda key: _scaled(load_photo(key)), keys)))
    pdf = _Paper(paper.org_name, f"Laporan penggunaan marketing fee {paper.office} {paper.period_label}",
                 f"Dibuat {paper.generated_at}.")
    pdf.heading("Laporan Penggunaan Marketing Fee", 16)
    pdf.muted(f"{paper.office} · {paper.period_label}", 11)
    pdf.ln(3)
    pdf.facts([("Anggaran bulan ini", rupiah(paper.budget)),
               ("Laporan disetujui", f"{len(paper.sections)} laporan")])
    pdf.ln(2)
    _category_table(pdf, paper)
    if paper.recap:
        pdf.ln(4)
        pdf.heading("Rekap laporan", 12)
        _recap_table(pdf, paper)
    for number, section in enumerate(paper.sections, start=1):
        pdf.add_page()
        pdf.heading(f"{number}. {section.title}", 13)
        pdf.facts([
            ("Kategori", section.category), ("Jumlah", rupiah(section.amount)), ("Tanggal pengeluaran", section.spent_on),
            ("Disetujui", section.approved_on), ("Kantor", section.office), ("Dibayarkan kepada", section.payee),
            ("Nomor pelacakan", section.tracking_code), ("Uraian", section.description),
        ])
        for index, key in enumerate(section.photos, start=1):
            # Every photo captioned alike: a second one may start a page of its own.
            caption = f"Foto bukti {index} dari {len(section.photos)} · {number}. {section.title} · {section.tracking_code}"
            photo = scaled.get(key)
            if photo is None:
                pdf.muted(f"{caption} (tidak dapat dibaca)")
                continue
            _photo(pdf, *photo, caption=caption)
    return pdf.done()


def _recap_table(pdf: _Paper, paper: UsageReportPaper) -> None:
    """Every spending report of the month in one table, as the organisation's own report has it."""
    pdf.set_font(FAMILY, "", 8.5)
    with pdf.table(col_widths=(8, 34, 52, 20, 28, 28), text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
                   line_height=5.5, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(family=FAMILY, emphasis="BOLD", color=INK, fill_color=(233, 236, 239))) as table:
        row = table.row()
        for text in ("No", "Titik", "Uraian", "Status", "Jumlah", "Tanggal disetujui"):
            row.cell(text)
        for number, line in enumerate(paper.recap, start=1):
            row = table.row()
            for text in (str(number), line.point, _clipped(f"{line.description} ({line.tracking_code})", 160),
                         line.status, rupiah(line.amount), line.approved_on):
                row.cell(text)
    pdf.set_font(FAMILY, "", 9.5)


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _category_table(pdf: _Paper, paper: UsageReportPaper) -> None:
    pdf.set_font(FAMILY, "", 9.5)
    headings = ("Kategori", "Rekomendasi", "Terpakai", "% terpakai", "Menunggu")
    total = (sum(c.recommended for c in paper.categories), sum(c.used for c in paper.categories),
             sum(c.pending for c in paper.categories))
    with pdf.table(col_widths=(50, 32, 32, 24, 32), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6.5, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(family=FAMILY, emphasis="BOLD", color=INK, fill_color=(233, 236, 239))) as table:
        row = table.row()
        for text in headings:
            row.cell(text)
        for line in paper.categories:
            row = table.row()
            for text in (line.name, rupiah(line.recommended), rupiah(line.used), persen(line.percent_used),
                         rupiah(line.pending)):
                row.cell(text)
        pdf.set_font(FAMILY, "B", 9.5)
        row = table.row()
        percent = round(100 * total[1] / total[0], 1) if total[0] else None
        for text in ("Jumlah", rupiah(total[0]), rupiah(total[1]), persen(percent), rupiah(total[2])):
            row.cell(text)
    pdf.set_font(FAMILY, "", 9.5)


def _scaled(data: bytes | None) -> tuple[bytes, int, int] | None:
    """A photo as the page needs it: upright, RGB, at most PHOTO_MAX_PIXELS on its long side,
    as JPEG (embedded as is). None for what does not decode."""
    if data is None:
        return None
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "JPEG":
                # Decode at 1/2…1/8 scale, no smaller than the page needs: fast and small.
                fit = PHOTO_MAX_PIXELS / max(image.size)
                image.draft("RGB", (int(image.width * fit), int(image.height * fit)))
            image = ImageOps.exif_transpose(image).convert("RGB")
            if max(image.size) > PHOTO_MAX_PIXELS * 1.1:  # the draft is near enough: no resampling
                image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=PHOTO_QUALITY)
            return buffer.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError):
        return None


def _photo(pdf: _Paper, data: bytes, width: int, height: int, caption: str = "") -> None:
    box_w, box_h = PHOTO_BOX_MM
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    if pdf.get_y() + h + 8 > pdf.h - pdf.b_margin:  # the photo and its caption on one page
        pdf.add_page()
    pdf.ln(2)
    pdf.image(io.BytesIO(data), x=pdf.l_margin + (box_w - w) / 2, y=pdf.get_y(), w=w, h=h)
    pdf.set_y(pdf.get_y() + h + 1)
    if caption:
        pdf.muted(caption, 8.5)
    pdf.ln(2)
