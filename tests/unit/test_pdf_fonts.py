"""Fonts parsed once per process and copied into each document (adapters/pdf.py
`add_parsed_font`) make the very documents fpdf2's own add_font makes, however many documents
one parsed font has served, each with the characters it uses (its own subset)."""

from datetime import datetime, timezone

from fpdf import FPDF

from chalicelib.adapters import pdf as papers

REGULAR, BOLD = papers.FONTS / "DejaVuSans.ttf", papers.FONTS / "DejaVuSans-Bold.ttf"
TEXTS = ["Tanda terima — Rp 25.000.000 · Ratna Sari Dewi, Jl. Kukusan Raya No. 7",
         "Surat Izin Usaha Mikro: Nguyễn Thị Ánh, Müller & Søn, Łódź, Ελένη, Дмитрий",
         "Halaman 1 dari 1 ✓ ½ € ©"]


def document(text: str, parsed: bool) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 12, 5, tzinfo=timezone.utc))
    for style, path in (("", REGULAR), ("B", BOLD)):
        if parsed:
            papers.add_parsed_font(pdf, papers.FAMILY, style, path)
        else:
            pdf.add_font(papers.FAMILY, style, str(path))
    pdf.add_page()
    pdf.set_font(papers.FAMILY, "B", 14)
    pdf.cell(0, 8, text[:30])
    pdf.ln()
    pdf.set_font(papers.FAMILY, "", 10)
    pdf.multi_cell(0, 6, text * 3)
    return bytes(pdf.output())


def test_documents_from_parsed_fonts_are_byte_for_byte_add_fonts_ones_each_with_its_own_subset():
    papers._PARSED_FONTS.clear()
    made = [document(text, parsed=True) for text in TEXTS + TEXTS]
    assert len(papers._PARSED_FONTS) == 2  # parsed once, used six times
    for text, from_parsed in zip(TEXTS + TEXTS, made):
        assert from_parsed == document(text, parsed=False)
    # Different characters, different embedded subsets: nothing of one document leaks into the next.
    assert len({len(pdf) for pdf in made[:3]}) == 3


def test_a_document_reuses_the_parsed_font_without_parsing_it_again(monkeypatch):
    papers._PARSED_FONTS.clear()
    document(TEXTS[0], parsed=True)
    parsed = []
    original = papers.TTFFont.__init__

    def counting(self, *args, **kwargs):
        parsed.append(args[1])
        original(self, *args, **kwargs)

    monkeypatch.setattr(papers.TTFFont, "__init__", counting)
    document(TEXTS[1], parsed=True)
    assert parsed == []


def test_everyday_text_is_subset_from_the_small_file_and_other_text_from_the_whole_font(monkeypatch):
    glyphs_in_file = []
    original = papers._EmbeddedFromSmallest.get_all_glyph_names

    def recording(self):
        names = original(self)
        glyphs_in_file.append(len(self.font.ttfont.getGlyphOrder()))
        return names

    monkeypatch.setattr(papers._EmbeddedFromSmallest, "get_all_glyph_names", recording)
    document(TEXTS[0], parsed=True)  # Indonesian with "—" and "·": both fonts from the small files
    document(TEXTS[1], parsed=True)  # a Vietnamese name in both fonts' text (Greek, Cyrillic too)
    assert len(glyphs_in_file) == 4
    assert max(glyphs_in_file[:2]) < 1000 < min(glyphs_in_file[2:])
