"""Every service's receipt and certificate, filled with long but realistic values in every field,
prints with nothing on top of anything else: the text boxes are read back from the PDF itself
(pdfminer, the characters as drawn), not taken from the layout code's word."""

from __future__ import annotations

import io

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTFigure, LTImage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from chalicelib.adapters import pdf
from chalicelib.domain import papers
from chalicelib.domain.catalog import CATALOG_DIR, FieldSpec, ServiceType, load_catalog
from chalicelib.services.rendering import certificate_facts, form_facts

SERVICES = load_catalog(CATALOG_DIR).current()
MM = 72 / 25.4
ORG = "Balai Besar Wilayah Sungai Citarum, Direktorat Jenderal Sumber Daya Air"
SITE = "https://satupintu.pu.go.id"
PLACE = ("Desa Cibeet, Kecamatan Pangkalan, Kabupaten Karawang, Provinsi Jawa Barat; "
         "Desa Tamansari, Kecamatan Pangkalan; Dusun Cigentis RT 003/RW 007, Kecamatan Tegalwaru, ")
NAME = ("PT Wijaya Karya Bangunan Gedung dan Infrastruktur Sumber Daya Air Nusantara Persero Tbk "
        "(Kantor Wilayah Jawa Barat dan Banten)")
WORDLESS = "Nomor/123.4/SK-PUPR/BBWS.CTR/XI/2026-LAMPIRAN-" * 5  # no space to break a line at


def long_value(spec: FieldSpec) -> object:
    """The longest realistic value a field takes, as the form stores it."""
    limit = spec.max_length or (5000 if spec.type == "long_text" else 200)
    if spec.type == "long_text":
        return (PLACE * (limit // len(PLACE) + 1))[:limit].strip()
    if spec.type == "text":
        if limit <= 16:
            return "3276012501900001"[:limit]
        return (WORDLESS if "nomor" in spec.label.lower() else NAME)[:limit].strip()
    return {
        "number": spec.max or 987_654_321, "money": 987_654_321_000_000, "date": "2026-11-22",
        "nik": "3276012501900001", "npwp": "0131216609100000", "boolean": True, "asset": "dam_01kbn6z4x8m2q7r9t3v5w1y0ce",
        "email": "penanggung.jawab.perizinan.bendungan.jatigede@wijayakarya-infrastruktur.co.id",
        "phone": "+6281234567890123",
        "choice": max(spec.options or [""], key=len),
    }[spec.type]


def filled(service: ServiceType) -> dict[str, object]:
    return {spec.name: long_value(spec) for spec in service.fields}


def receipt(service: ServiceType) -> papers.ReceiptPaper:
    return papers.ReceiptPaper(
        org_name=ORG, service=service.name, tracking_code="WXYZ-WXYZ-WXYZ", track_url=f"{SITE}/track/WXYZ-WXYZ-WXYZ",
        applicant=NAME, office="Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Depok",
        submitted_at="30 September 2026 23.59 WITA", facts=form_facts(service, filled(service)),
        documents=[papers.Fact(d.label, f"{d.label.replace(' ', '_')}_revisi_akhir_ditandatangani_2026.pdf (49,9 MB)")
                   for d in service.documents],
        next_step=f"Permohonan Anda diperiksa lebih dahulu pada tahap \u201c{service.steps[0].label}\u201d. "
                  "Anda akan diberi tahu lewat e-mail setiap kali statusnya berubah.",
    )


def certificate(service: ServiceType) -> papers.CertificatePaper:
    signatories = [papers.Signatory(name="Dr. Ir. Raden Bambang Sutrisno Wicaksono Hadiningrat, S.T., M.T., IPU",
                                    role="Pejabat pemberi persetujuan", step=step.label,
                                    at="30 September 2026 23.59 WITA",
                                    on_behalf_of="Prof. Dr. Ir. Siti Nurhaliza Kusumawardhani, M.Sc., Ph.D.")
                   for step in service.steps]
    return papers.CertificatePaper(
        org_name=ORG, title=service.name, number="00012/IPHB/2026", holder=NAME,
        facts=certificate_facts(service, filled(service)), issued_on="30 September 2026",
        issued_at_office="Balai Besar Wilayah Sungai Citarum Direktorat Jenderal Sumber Daya Air", signatories=signatories,
        verify_code="ABCD-EFGH-JKLM-NPQR", verify_url=f"{SITE}/verify/ABCD-EFGH-JKLM-NPQR", tracking_code="WXYZ-WXYZ-WXYZ",
    )


def boxes(data: bytes) -> list[tuple[float, float, list[tuple[str, tuple[float, float, float, float]]]]]:
    """Per page: its width, height and boxes, each a run of characters drawn one after the
    other along one baseline (as the PDF draws them, in its own order: a label running into
    its value makes two runs, the second starting left of where the first ends) or an image."""
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.get_pages(io.BytesIO(data)):
        interpreter.process_page(page)
        layout = device.get_result()
        runs: list[tuple[str, tuple[float, float, float, float]]] = []
        previous: LTChar | None = None
        for item in layout:
            if isinstance(item, (LTImage, LTFigure)):
                runs.append(("[image]", item.bbox))
                previous = None
            elif isinstance(item, LTChar):
                follows = (previous is not None and abs(item.y0 - previous.y0) < 0.1
                           and previous.x1 - 0.5 <= item.x0 <= previous.x1 + item.size)
                if follows:
                    text, (x0, y0, x1, y1) = runs[-1]
                    runs[-1] = (text + item.get_text(), (x0, min(y0, item.y0), item.x1, max(y1, item.y1)))
                else:
                    runs.append((item.get_text(), item.bbox))
                previous = item
        pages.append((layout.width, layout.height, [(t, b) for t, b in runs if t.strip()]))
    return pages


def overlaps(data: bytes) -> list[str]:
    found = []
    for number, (width, _height, runs) in enumerate(boxes(data), start=1):
        for i, (text, (x0, y0, x1, y1)) in enumerate(runs):
            if x0 < 20 * MM - 0.5 or x1 > width - 20 * MM + 0.5:
                found.append(f"page {number}: {text!r} runs past the margin ({x0:.0f}–{x1:.0f} pt)")
            for other, (a0, b0, a1, b1) in runs[i + 1:]:
                if min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5:
                    found.append(f"page {number}: {text!r} overlaps {other!r}")
    return found


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.id)
def test_every_receipt_prints_long_labels_and_values_without_overlap(service):
    data = pdf.receipt_pdf(receipt(service))
    assert overlaps(data) == []
    printed = " ".join(text for _w, _h, runs in boxes(data) for text, _box in runs)
    for spec in service.fields:  # every label is there, wrapped perhaps, but whole
        assert all(word in printed for word in spec.label.split()), spec.label


@pytest.mark.parametrize("service", [s for s in SERVICES if s.on_approval.certificate], ids=lambda s: s.id)
def test_every_certificate_prints_long_labels_and_values_without_overlap(service):
    data = pdf.certificate_pdf(certificate(service))
    assert overlaps(data) == []
    printed = " ".join(text for _w, _h, runs in boxes(data) for text, _box in runs)
    assert "ABCD-EFGH-JKLM-NPQR" in printed


def test_the_check_sees_a_label_printed_over_its_value():
    """The old layout (a label in a fixed-width cell, its value beside it) is caught."""
    paper = pdf._Paper(ORG, "t")
    paper.set_font(pdf.FAMILY, "", 10)
    paper.cell(55, 5.5, "Lokasi (desa, kecamatan, kabupaten/kota, provinsi)")
    paper.cell(0, 5.5, "Desa Cibeet, Kecamatan Pangkalan")
    assert any("overlaps" in problem for problem in overlaps(paper.done()))


def test_a_paper_names_a_dam_by_its_name_not_its_id():
    service = next(s for s in SERVICES if s.id == "dam-operation-permit")
    dam_id = "dam_01JDZZZZZZZZZZZZZZZZZZZZZZ"
    data = {"dam_id": dam_id, "dam_name": "Jatiluhur"}
    label = service.field("dam_id").label
    named = {f.label: f.value for f in form_facts(service, data, {dam_id: "Bendungan Ir. H. Djuanda"})}
    assert named[label] == "Bendungan Ir. H. Djuanda"
    # A dam no longer in the register still prints as what the form held.
    assert {f.label: f.value for f in form_facts(service, data)}[label] == dam_id
