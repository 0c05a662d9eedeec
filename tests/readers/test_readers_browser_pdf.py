"""PDFs printed from a browser (headless chromium's print to PDF): figures of narrow
neighbouring cells that nearly touch stay apart, and table rows cut by a page break are
joined, never lost. The PDFs are made at test time from a fixture's data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import reader_layouts as L

from nianbao.document import UNREAD, Line
from nianbao.extract import extract
from nianbao.readers import read_path
from nianbao.readers.layout import Breaks, join_pages, running_heads

SCALE = 1361  # Table 3 and 4 figures multiplied: wide numbers, and every identity still holds


def _chromium_or_skip() -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    from nianbao.derive.browser import chromium_path

    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); browser-printed PDFs not tested")


def _wide(expected: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(expected)
    for t in ("applications", "review_litigation"):
        for cols in out["tables"][t].values():
            for c, v in cols.items():
                if isinstance(v, int):
                    cols[c] = v * SCALE
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Path]]:
    _chromium_or_skip()
    from nianbao.derive import browser as B
    from nianbao.schema import load_report

    expected = _wide(L.load_expected("hongze-2024"))
    out = tmp_path_factory.mktemp("browser")
    report = load_report(expected, source="wide.json")
    variants = [v for v in B.VARIANTS if v.tall or v.name in ("portal-a4", "print-a4")]
    pages = [
        (B.portal_html(report, v.tall, v.thead) if v.style == "portal" else B.to_html(B.layout(report)), v)
        for v in variants
    ]
    return expected, B.print_pdfs(pages, out, "wide")


def test_every_cell_right(printed: tuple[dict[str, Any], list[Path]]) -> None:
    expected, pdfs = printed
    for pdf in pdfs:
        report = extract(read_path(pdf))
        assert L.cell_diffs(report, expected) == [], pdf.name
        assert report.agency == expected["agency"] and report.year == expected["year"], pdf.name


def test_the_input_is_hard(printed: tuple[dict[str, Any], list[Path]]) -> None:
    """The PDFs do hold what broke the reader: figures of neighbouring cells under 3 pt apart,
    and a table row cut by a page break."""
    import pypdfium2 as pdfium

    from nianbao.readers.pdf import PDFIUM_LOCK, _read_page

    _, pdfs = printed
    tall = [p for p in pdfs if "tall" in p.name]
    doc = read_path(tall[0])
    gaps = [
        b[k + 1][0] - b[k][2]
        for ln in doc.lines
        if "\t" in ln.text and (b := ln.boxes) is not None
        for k in range(len(b) - 1)
        if b[k] is not None and b[k + 1] is not None and ln.text.split("\t")[k].isdigit()
    ]
    assert gaps and min(gaps) < 3.0
    cuts = []
    with PDFIUM_LOCK:
        for path in tall:
            pdf = pdfium.PdfDocument(path.read_bytes())
            cuts += [_read_page(pdf, i)[1].cut for i in range(len(pdf))]
            pdf.close()
    assert any(c is not None for c in cuts)


def _ln(text: str, page: int) -> Line:
    return Line(text, 0, page, tuple((0.0, 0.0, 1.0, 1.0) for _ in text.split("\t")))


def test_cut_row_joined_after_repeated_header() -> None:
    header = _ln("项目\t甲\t乙", 1)
    cut = _ln("1.本机关不掌握\t\t", 1)
    p1 = [header, _ln("规章\t1\t2", 1), cut]
    p2_header = _ln("项目\t甲\t乙", 2)
    rest = _ln("相关政府信息\t13612\t252", 2)
    p2 = [p2_header, rest, _ln("下一行\t3\t4", 2)]
    lines = join_pages(
        [
            (p1, Breaks(cut=cut, cut_table=tuple(ln.text for ln in p1), head=p1)),
            (p2, Breaks(head=p2)),
        ]
    )
    texts = [ln.text for ln in lines]
    assert "1.本机关不掌握相关政府信息\t13612\t252" in texts
    joined = next(ln for ln in lines if ln.text.startswith("1.本机关"))
    assert joined.page == 2 and joined.boxes is not None and joined.boxes[1] is not None
    assert "下一行\t3\t4" in texts and texts.count("项目\t甲\t乙") == 2


def test_figure_on_both_sides_of_a_cut_is_unread() -> None:
    cut = _ln("（二）部分公开\t13\t", 1)
    rest = _ln("（区分处理的）\t612\t2", 2)
    lines = join_pages([([cut], Breaks(cut=cut, cut_table=(cut.text,))), ([rest], Breaks(head=[rest], open_top=True))])
    assert [ln.text for ln in lines] == [f"（二）部分公开（区分处理的）\t{UNREAD}\t2"]


def test_cut_row_with_other_columns_is_unread_not_dropped() -> None:
    cut = _ln("规章\t\t5", 1)
    rest = _ln("续\t1", 2)
    lines = join_pages([([cut], Breaks(cut=cut, cut_table=(cut.text,))), ([rest], Breaks(head=[rest], open_top=True))])
    assert [ln.text for ln in lines] == [f"规章\t{UNREAD}\t5", "续\t1"]


def test_running_head_dropped_only_when_on_every_page() -> None:
    pages = [[_ln(f"2024/3/1 09:3{i} 某局2023年报告", i), _ln("正文", i)] for i in (1, 2, 3)]
    assert len(running_heads(pages)) == 3
    pages[1][0] = _ln("另一行", 2)
    assert running_heads(pages) == set()
    assert running_heads(pages[:1]) == set()
