"""Round trips: each text fixture's expected data laid out as HTML (GBK, row/column
spans), DOCX (merged cells), PDF (ruled tables) and a 150-dpi scan of that PDF."""

from __future__ import annotations

import pytest
import reader_layouts as L

from nianbao.checks.cellscan import LOW_CONFIDENCE
from nianbao.extract import extract
from nianbao.readers import read_bytes

NAMES = L.TEXT_FIXTURES


def _needs_pdf_tools() -> None:
    pytest.importorskip("reportlab", reason="reportlab (dev dependency) makes the test PDFs")
    if L.cjk_font() is None:
        pytest.skip("no CJK font (Debian package fonts-wqy-zenhei) to make the test PDFs")


@pytest.mark.parametrize("name", NAMES)
def test_html_gbk_with_spans(name: str) -> None:
    exp = L.load_expected(name)
    doc = read_bytes(f"{name}.html", L.to_html(exp))
    assert doc.kind == "html" and doc.encoding == "gb18030"
    assert L.cell_diffs(extract(doc), exp) == []


@pytest.mark.parametrize("name", NAMES)
def test_docx_with_merged_cells(name: str) -> None:
    exp = L.load_expected(name)
    doc = read_bytes(f"{name}.docx", L.to_docx(exp))
    assert doc.kind == "docx"
    assert L.cell_diffs(extract(doc), exp) == []


@pytest.mark.parametrize("name", NAMES)
def test_pdf_text_layer(name: str) -> None:
    _needs_pdf_tools()
    exp = L.load_expected(name)
    doc = read_bytes(f"{name}.pdf", L.to_pdf(exp))
    assert doc.kind == "pdf"
    report = extract(doc)
    assert L.cell_diffs(report, exp) == []
    assert all(
        c.bbox is not None
        for rows in report.tables.values()
        for cols in rows.values()
        for c in cols.values()
        if c.value is not None
    )


@pytest.mark.parametrize("name", NAMES)
def test_pdf_borderless_tables(name: str) -> None:
    """No ruling lines: columns come from where the numbers and the header words stand,
    so blank cells keep their place (001 prints only the 总计 column, 002 leaves 行政复议 blank)."""
    _needs_pdf_tools()
    exp = L.load_expected(name)
    doc = read_bytes(f"{name}.pdf", L.to_pdf(exp, ruled=False))
    assert L.cell_diffs(extract(doc), exp) == []


@pytest.mark.parametrize("name", NAMES)
def test_scan_150dpi(name: str) -> None:
    """OCR of a 150-dpi scan: every cell right, or flagged — never wrong and silent."""
    _needs_pdf_tools()
    exp = L.load_expected(name)
    doc = read_bytes(f"{name}-scan.pdf", L.to_scan(L.to_pdf(exp)))
    assert doc.kind == "pdf-ocr"
    report = extract(doc)
    assert L.silent_wrong(report, exp, ("applications", "review_litigation")) == []
    # Agency, year and format are read from the scan as well.
    assert (report.agency, report.year, report.format) == (exp["agency"], exp["year"], exp["format"])
    # Confidences are honest: an OCR'd value carries the recogniser's confidence, not a blanket 1.0.
    confs = [
        c.confidence for cols in report.tables["applications"].values() for c in cols.values() if c.value is not None
    ]
    assert confs and any(c < 1.0 for c in confs)


def test_png_page_of_a_scan() -> None:
    """A page image (PNG, 150 dpi): Table 4 of hongze-2023, totals printed 0, read through OCR."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(L.FIXTURES / "hongze-2023.pdf")
    try:
        image = pdf[3].render(scale=150 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(150, 150))
    doc = read_bytes("page4.png", buf.getvalue())
    assert doc.kind == "image"
    row = next(ln for ln in doc.lines if ln.text.startswith("10\t"))
    assert row.confidences is not None and len(row.confidences) == 15 and row.boxes is not None
    t4 = extract(doc).tables["review_litigation"]
    exp = L.load_expected("hongze-2023")["tables"]["review_litigation"]
    for g, cols in exp.items():
        for c, v in cols.items():
            cell = t4[g][c]
            assert cell.value == v or cell.confidence < LOW_CONFIDENCE, f"{g}.{c}"


def test_tilted_scan_is_straightened() -> None:
    """A page scanned 1.5° askew: the grid is found after deskewing; Table 4 right or flagged."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(L.FIXTURES / "hongze-2024.pdf")
    try:
        image = pdf[3].render(scale=150 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    image = image.rotate(1.5, resample=Image.BILINEAR, fillcolor=255)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=85, dpi=(150, 150))
    report = extract(read_bytes("tilted.jpg", buf.getvalue()))
    exp = L.load_expected("hongze-2024")["tables"]
    for t in ("review_litigation",):
        for r, cols in exp[t].items():
            for c, v in cols.items():
                cell = report.tables[t][r][c]
                assert cell.value == v or (cell.value is not None and cell.confidence < LOW_CONFIDENCE), f"{r}.{c}"
    right = sum(
        report.tables["review_litigation"][r][c].value == v
        for r, cols in exp["review_litigation"].items()
        for c, v in cols.items()
    )
    assert right >= 13
