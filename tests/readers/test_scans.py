"""Scans: deskew, grid detection and seal removal on synthetic pages; a derived scan of a
real fixture page read right or flagged; `ocr=False` leaves scans unread, never blank."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import reader_layouts as L

from nianbao.readers import ReadError, read_bytes
from nianbao.readers.layout import find_grids
from nianbao.readers.ocr import deskew, detect_rules, skew_angle, without_seal


def _ruled_page(xs: list[int], ys: list[int], size: tuple[int, int] = (1200, 1600)) -> np.ndarray:
    """A white page with a table grid at pixel columns `xs` and rows `ys`, and text-like
    blocks in its cells."""
    w, h = size
    img = np.full((h, w), 255, np.uint8)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for i in range(len(ys) - 1):
        for j in range(len(xs) - 1):
            cy = (ys[i] + ys[i + 1]) // 2
            cx = (xs[j] + xs[j + 1]) // 2
            cv2.putText(img, str((i * 7 + j) % 10), (cx - 8, cy + 9), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return img


def _rotate(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out: np.ndarray = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return out


@pytest.mark.parametrize("angle", [-2.0, -0.7, 1.5])
def test_deskew_finds_and_undoes_the_tilt(angle: float) -> None:
    page = _ruled_page([100, 400, 550, 700, 850, 1000], [300 + 45 * k for k in range(15)])
    tilted = _rotate(page, angle)
    assert abs(skew_angle(page)) < 0.1
    # Image rows run downwards: a page turned counter-clockwise shows lines rising to the right.
    assert skew_angle(tilted) == pytest.approx(-angle, abs=0.15)
    assert abs(skew_angle(deskew(tilted))) < 0.15


def test_grid_found_from_ruling_lines_after_deskew() -> None:
    xs = [100, 400, 550, 700, 850, 1000]
    ys = [300 + 45 * k for k in range(15)]
    page = deskew(_rotate(_ruled_page(xs, ys), 1.2))
    hs, vs, clean = detect_rules(page, 1.0)
    grids = find_grids(hs, vs)
    assert len(grids) == 1
    g = grids[0]
    assert len(g.xs) == len(xs) and len(g.ys) == len(ys)
    # Straightened about the page centre: the grid keeps its shape (spacing within 2 px).
    assert np.allclose(np.diff(g.xs), np.diff(xs), atol=2.5) and np.allclose(np.diff(g.ys), np.diff(ys), atol=2.5)
    # The rules are whited out of the page the cells are read from; the figures are not.
    assert (clean[int(g.ys[3]) - 1 : int(g.ys[3]) + 2, int(g.xs[0]) + 20 : int(g.xs[1]) - 20] > 200).all()
    inside = np.zeros(page.shape, bool)
    for i in range(len(g.ys) - 1):
        for j in range(len(g.xs) - 1):
            inside[int(g.ys[i]) + 6 : int(g.ys[i + 1]) - 6, int(g.xs[j]) + 6 : int(g.xs[j + 1]) - 6] = True
    assert (clean < 128)[inside].sum() >= 0.95 * (page < 128)[inside].sum() > 0


def test_red_seal_is_taken_out_black_figures_stay() -> None:
    rgb = np.full((200, 200, 3), 255, np.uint8)
    cv2.putText(rgb, "0", (80, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)
    figure = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) < 128
    seal = np.full_like(rgb, 255)
    cv2.circle(seal, (100, 100), 70, (214, 40, 40), 12)
    cv2.circle(seal, (100, 100), 30, (214, 40, 40), -1)
    sealed = (rgb.astype(np.float32) * seal / 255).astype(np.uint8)  # ink over ink, as stamped
    gray = without_seal(sealed)
    near = cv2.dilate((cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) < 250).astype(np.uint8), np.ones((3, 3))) > 0
    assert (gray[~near] > 180).all()  # the seal is gone, wherever it was
    # Where the seal covers the figure, the ink is still dark.
    assert (gray[figure] < 128).mean() > 0.95


def test_without_ocr_a_scan_is_unread_not_blank() -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(L.FIXTURES / "hongze-2023.pdf")
    try:
        image = pdf[3].render(scale=100 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=100)
    with pytest.raises(ReadError, match="--no-ocr"):
        read_bytes("scan.pdf", buf.getvalue(), ocr=False)
    png = io.BytesIO()
    image.save(png, format="PNG")
    with pytest.raises(ReadError, match="--no-ocr"):
        read_bytes("scan.png", png.getvalue(), ocr=False)


def test_without_ocr_pictures_in_a_document_are_counted_unread() -> None:
    exp = L.load_expected("hongze-2023")
    doc = read_bytes("pictures.docx", L.to_docx_with_pictures(exp), ocr=False)
    assert doc.kind == "docx" and doc.unread_pictures > 0


def test_derived_scan_pages_every_cell_right_or_flagged() -> None:
    """Pages 3–4 of hongze-2023 (Tables 3 and 4) scanned at 150 dpi, tilted 1.5°, blurred,
    JPEG 60, in colour with a red seal over Table 3's figures: no cell wrong silently."""
    from PIL import Image

    from nianbao.checks import check
    from nianbao.derive.scans import Variant, _render, _scan, _table_box
    from nianbao.eval import compare
    from nianbao.extract import extract

    data = (L.FIXTURES / "hongze-2023.pdf").read_bytes()
    pages = _render(data, 150)[2:4]
    v = Variant(150, 1.5, blur=1.0, jpeg=60, mode="colour", seal=True)
    rng = np.random.default_rng(7)
    imgs = [_scan(pages[0], v, rng, _table_box(pages[0])), _scan(pages[1], v, rng, None)]
    assert isinstance(imgs[0], Image.Image) and imgs[0].mode == "RGB"
    assert ((np.asarray(imgs[0])[..., 0].astype(int) - np.asarray(imgs[0])[..., 1]) > 60).sum() > 1000  # the seal
    buf = io.BytesIO()
    imgs[0].save(buf, format="PDF", save_all=True, append_images=imgs[1:], resolution=150.0, quality=60)
    doc = read_bytes("page4.scan.pdf", buf.getvalue())
    assert doc.kind == "pdf-ocr"
    report = extract(doc)
    full = L.load_expected("hongze-2023")
    # Table 2 begins on page 2: only its rows printed here are expected.
    tables = {**full["tables"]}
    tables["active_disclosure"] = {
        r: cols for r, cols in tables["active_disclosure"].items() if r in report.tables.get("active_disclosure", {})
    }
    expected = {**full, "tables": tables}
    score = compare(report, expected, "page4.scan.pdf", check(report))
    assert score.cells >= 150
    assert score.silent == 0, score.diffs
    assert score.exact >= 0.95 * score.cells, score.diffs


def test_inked_cell_is_never_blank_nor_read_with_confidence() -> None:
    """A ruled row whose one cell holds a smudge: the figures are read, the smudge is
    UNREAD or a low-confidence reading (never an empty cell, never a sure figure), the
    empty cell stays empty."""
    from nianbao.document import UNREAD
    from nianbao.readers.ocr import ocr_gray

    xs = [60, 360, 460, 560, 660]
    ys = [100, 160, 220]
    img = np.full((400, 760), 255, np.uint8)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for i, texts in enumerate((["12", "7", "30"], ["45", None, ""])):
        cy = ys[i] + 42
        cv2.putText(img, "ROW" + str(i + 1), (80, cy), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
        for j, t in enumerate(texts):
            x = xs[j + 1] + 30
            if t is None:  # a smudge: ink, but no figure
                cv2.ellipse(img, (x + 18, cy - 14), (22, 14), 20, 0, 360, 0, -1)
            elif t:
                cv2.putText(img, t, (x, cy), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    rows = [ln for ln in ocr_gray(img, 1, 0.5) if "\t" in ln.text]
    assert rows[0].text.split("\t")[1:] == ["12", "7", "30"]
    cells = rows[1].text.split("\t")
    assert cells[1] == "45" and cells[3] == ""
    # The smudge: unread, or a figure whose confidence sends it to review.
    assert rows[1].confidences is not None
    assert cells[2] == UNREAD or (cells[2] and rows[1].confidences[2] < 0.8), (cells, rows[1].confidences)


def test_borderless_column_cell_with_ink_under_it_is_unread_not_blank() -> None:
    """OCR missed a figure in a borderless table: where the page shows ink, the empty cell
    of the rebuilt column is unread; where it shows none, it is seen empty."""
    from nianbao.document import UNREAD
    from nianbao.readers.layout import Word, page_lines

    def row(y: float, label: str, figures: dict[int, str]) -> list[Word]:
        out = [Word(label, 10, y, 60, y + 10, 1.0)]
        for col, text in figures.items():
            x = 100 + 50 * col
            out.append(Word(text, x, y, x + 10, y + 10, 1.0))
        return out

    words = (
        row(0, "一、新收", {0: "3", 1: "1", 2: "4"})
        + row(20, "二、结转", {0: "2", 2: "2"})
        + row(40, "三、办结", {0: "5", 1: "1", 2: "6"})
    )
    missed = (150 - 5, 20, 150 + 15, 30)  # column 1 of row 二: ink the recogniser did not read

    def ink(box: tuple[float, float, float, float]) -> bool:
        return box[0] < missed[2] and missed[0] < box[2] and box[1] < missed[3] and missed[1] < box[3]

    with_ink = [ln.text.split("\t") for ln in page_lines(words, [], [], 1, ink=ink)]
    assert with_ink[1] == ["二、结转", "2", UNREAD, "2"]
    no_ink = [ln.text.split("\t") for ln in page_lines(words, [], [], 1, ink=lambda box: False)]
    assert no_ink[1] == ["二、结转", "2", "", "2"]
