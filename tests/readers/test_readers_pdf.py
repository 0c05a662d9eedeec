"""PDF with a text layer: the hongze reports extract cell-exact, with page and box per cell."""

from __future__ import annotations

import io

import pytest
import reader_layouts as L

from nianbao.checks import check
from nianbao.extract import extract
from nianbao.readers import read_path
from nianbao.template import SECTION_KEYS


@pytest.mark.parametrize("name", ["hongze-2023", "hongze-2024"])
def test_hongze_cell_exact(name: str) -> None:
    doc = read_path(L.FIXTURES / f"{name}.pdf")
    assert doc.kind == "pdf" and doc.pages == 5
    report = extract(doc)
    assert L.cell_diffs(report, L.load_expected(name)) == []
    # Provenance: every printed cell knows its page and its box on the page.
    for rows in report.tables.values():
        for cols in rows.values():
            for cell in cols.values():
                assert cell.value is not None
                assert cell.page in (2, 3, 4) and cell.bbox is not None and cell.confidence == 1.0
                x0, top, x1, bottom = cell.bbox
                assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842


def test_table_rows_are_tab_separated_with_merged_cells_kept_empty() -> None:
    doc = read_path(L.FIXTURES / "hongze-2023.pdf")
    rows = [ln.text for ln in doc.lines if "\t" in ln.text]
    assert "行政事业性收费\t7730.28" in rows
    total = next(r for r in rows if "（七）总计" in r)
    assert total.split("\t")[-7:] == ["21", "0", "0", "0", "0", "0", "21"]
    table4 = next(r for r in rows if r.startswith("10\t1\t"))
    assert table4.split("\t") == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]
    # Page numbers ("- 3 -") are lines of their own, outside the tables.
    assert any(ln.text.replace(" ", "") == "-3-" and ln.page == 3 for ln in doc.lines)


def _rules(name: str) -> dict[str, list[str]]:
    report = extract(read_path(L.FIXTURES / f"{name}.pdf"))
    out: dict[str, list[str]] = {}
    for f in check(report):
        out.setdefault(f.rule, []).append(f.message)
    return out


def test_hongze_2023_findings() -> None:
    found = _rules("hongze-2023")
    # Table 4 totals printed as 0 although 10+1 and 5 cases are listed.
    t4 = " ".join(found.get("t4.group_total", []))
    assert "行政复议" in t4 and "复议后起诉" in t4
    # A single （六）其他处理 row in a 2021 report.
    assert "t3.rows" in found
    assert "extract.low_confidence" not in found


def test_hongze_2024_findings() -> None:
    found = _rules("hongze-2024")
    assert any("17" in m and "95" in m for m in found.get("narrative.numbers", [])), found.get("narrative.numbers")
    assert "t3.rows" in found
    assert "t4.group_total" not in found


@pytest.mark.parametrize("name", ["hongze-2023", "hongze-2024"])
def test_hongze_scanned_at_150_dpi(name: str) -> None:
    """The same reports as image-only PDFs: OCR finds the same cells (or flags them) and
    the checks report the same anomalies."""
    import io

    import pypdfium2 as pdfium

    from nianbao.checks.cellscan import LOW_CONFIDENCE
    from nianbao.readers import read_bytes

    pdf = pdfium.PdfDocument(L.FIXTURES / f"{name}.pdf")
    try:
        images = [pdf[i].render(scale=150 / 72).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    doc = read_bytes(f"{name}-scan.pdf", buf.getvalue())
    assert doc.kind == "pdf-ocr"
    report = extract(doc)
    exp = L.load_expected(name)
    wrong = [d for d in L.cell_diffs(report, exp)]
    for d in wrong:
        t, r, c = d.split(":")[0].split(".")
        cell = report.tables[t][r][c]
        assert cell.value is not None and cell.confidence < LOW_CONFIDENCE, d  # wrong only when flagged
    total = sum(len(cols) for rows in exp["tables"].values() for cols in rows.values())
    assert len(wrong) <= total // 20
    rules = {f.rule for f in check(report)}
    assert "t3.rows" in rules
    assert ("t4.group_total" in rules) == (name == "hongze-2023")
    if name == "hongze-2024":
        assert "narrative.numbers" in rules


_THREADS = """
import sys, threading
from pathlib import Path
from nianbao.readers import read_bytes
from nianbao.readers.pdf import page_count, page_png, page_size
data = Path(sys.argv[1]).read_bytes()
errors = []
def work():
    try:
        for _ in range(8):
            page_png(data, 3, scale=0.5); page_count(data); page_size(data, 2)
            assert read_bytes("x.pdf", data).pages == 5
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(errors or "ok")
"""


def test_pdf_reading_and_rendering_from_many_threads() -> None:
    # PDFium is not thread-safe: the web server renders pages and reads uploads in a
    # thread pool, and two threads in PDFium at once kill the process (SIGTRAP), so
    # this runs in a child process where a crash is a failure, not the end of the run.
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _THREADS, str(L.FIXTURES / "hongze-2023.pdf")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    assert run.stdout.strip() == "ok", run.stdout


def test_tables_pasted_as_pictures_in_a_text_pdf_are_read_by_ocr() -> None:
    """A text PDF whose tables are pictures (a Word file with pasted pictures, saved as PDF):
    the pictures are read by OCR and put where they stand among the text lines."""
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    from nianbao.readers import read_bytes

    exp = L.load_expected("002_5e18f5f84cd8f932")
    doc = read_bytes("pictures.pdf", L.to_pdf_with_pictures(exp))
    assert doc.kind == "pdf-ocr"
    report = extract(doc)
    assert L.silent_wrong(report, exp, ("active_disclosure", "applications", "review_litigation")) == []
    read = [c for t in report.tables.values() for cols in t.values() for c in cols.values() if c.value is not None]
    assert len(read) > 150
    # Cells keep their page and a box on it, inside the page.
    cell = report.tables["applications"]["new_received"]["total"]
    assert cell.page is not None and cell.bbox is not None and 0 < cell.bbox[0] < cell.bbox[2] < 595
    # The parts come out in the order they are printed.
    assert list(report.sections) == list(SECTION_KEYS)


def test_a_banner_repeated_on_every_page_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pictures beyond the limit are counted, not read, and never make a text PDF unreadable;
    the same picture on every page (a letterhead) is read once."""
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    from nianbao.readers import pictures, read_bytes

    calls: list[int] = []
    import nianbao.readers.ocr as ocr

    real = ocr.ocr_rendered
    monkeypatch.setattr(ocr, "ocr_rendered", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(pictures, "MAX_READ", 2)
    from PIL import Image, ImageDraw

    banner = Image.new("L", (1200, 150), 255)
    ImageDraw.Draw(banner).rectangle((20, 40, 1180, 110), fill=90)
    buf = io.BytesIO()
    banner.save(buf, format="PNG")
    exp = L.load_expected("002_5e18f5f84cd8f932")
    doc = read_bytes("pictures.pdf", L.to_pdf_with_pictures(exp, banner=buf.getvalue()))
    assert doc.pages is not None and doc.pages >= 2
    # The banner once (on page 1), then one table picture; the rest counted.
    assert len(calls) == 2 and doc.unread_pictures == 2
    notes = [f for f in check(extract(doc)) if f.rule == "extract.pictures"]
    assert len(notes) == 1 and "表四" in notes[0].message
