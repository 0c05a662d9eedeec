"""The written documents themselves: DOCX merged cells and fonts, print CSS, PDF pages, Markdown layout."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.render import layout, render_bytes
from nianbao.schema import load_report
from nianbao.template import template_for
from nianbao.template.layout import grid

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _report(name: str = "000_43e3c9ba6b70e239.expected.json"):  # type: ignore[no-untyped-def]
    return load_report(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def test_title_and_six_parts_in_order() -> None:
    lay = layout(_report())
    assert lay.title == "中卫市审批服务管理局2023年政府信息公开工作年度报告"
    assert [p.heading[:2] for p in lay.parts] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert [p.table for p in lay.parts] == [None, "active_disclosure", "applications", "review_litigation", None, None]


def test_table3_grid_merges_as_printed() -> None:
    g = grid(template_for("2021").table("applications"))
    spans = {c.text: (c.rowspan, c.colspan) for c in g.cells if c.text}
    assert spans["申请人情况"] == (1, 6)
    assert spans["法人或其他组织"] == (1, 5)
    assert spans["自然人"] == (2, 1) and spans["总计"] == (3, 1)
    assert spans["三、本年度办理结果"] == (22, 1)  # （一）…（六）3 and （七）总计
    assert spans["（三）不予公开"] == (8, 1) and spans["（四）无法提供"] == (3, 1)
    assert spans["（五）不予处理"] == (5, 1) and spans["（六）其他处理"] == (3, 1)
    assert spans["一、本年新收政府信息公开申请数量"] == (1, 3)
    # The single-（六） variant (hongze) prints （六）其他处理 across two label columns.
    hz = _report("hongze-2023.expected.json")
    g1 = grid(template_for("2021").table("applications"), tuple(hz.tables["applications"]))
    six = next(c for c in g1.cells if c.text == "（六）其他处理")
    assert (six.rowspan, six.colspan) == (1, 2)


def test_docx_opens_with_real_merges_and_government_fonts() -> None:
    data = render_bytes(_report(), "docx")
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == "中卫市审批服务管理局2023年政府信息公开工作年度报告"
    assert len(doc.tables) == 3
    body = doc.element.body
    assert body.findall(".//" + qn("w:gridSpan")), "no horizontal merges"
    assert body.findall(".//" + qn("w:vMerge")), "no vertical merges"
    assert body.findall(".//" + qn("w:tblHeader")) and body.findall(".//" + qn("w:cantSplit"))
    east = {f.get(qn("w:eastAsia")) for f in body.iter(qn("w:rFonts"))}
    assert {"宋体", "黑体"} <= east  # title and tables 宋体, headings 黑体
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"  # body text
    t3 = doc.tables[1]
    # The merged label cell spans 22 rows: vMerge restart on its first row, continue below.
    first_tcs = [tr.tc_lst[0] for tr in t3._tbl.tr_lst[5:27]]
    merges = [tc.tcPr.find(qn("w:vMerge")) for tc in first_tcs]
    assert merges[0].get(qn("w:val")) == "restart"
    assert all(m is not None and m.get(qn("w:val")) in (None, "continue") for m in merges[1:])
    assert t3.cell(5, 0).text == "三、本年度办理结果"
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297


def test_html_is_print_ready() -> None:
    html = render_bytes(_report(), "html").decode("utf-8")
    assert "@page" in html and "size: A4" in html
    assert "break-inside: avoid" in html and "display: table-header-group" in html
    assert 'rowspan="22"' in html and 'colspan="6"' in html
    assert "仿宋_GB2312" in html and "Noto Serif CJK SC" in html  # fonts with fallbacks
    assert html.count("<h2>") == 6


def test_markdown_pipe_tables() -> None:
    md = render_bytes(_report(), "md").decode("utf-8")
    assert md.startswith("# 中卫市审批服务管理局2023年政府信息公开工作年度报告")
    assert "| 三、本年度办理结果 | （一）予以公开 |  | 0 |" in md
    assert "## 四、政府信息公开行政复议、行政诉讼情况" in md


def _with_narrative(name: str):  # type: ignore[no-untyped-def]
    from nianbao.extract import extract
    from nianbao.readers import read_path

    rep = _report(name)
    txt = FIXTURES / name.replace(".expected.json", ".txt")
    if txt.exists():
        src = extract(read_path(txt))
        rep.sections, rep.preamble = src.sections, src.preamble
    return rep


@pytest.mark.parametrize("name", ["000_43e3c9ba6b70e239.expected.json", "hongze-2024.expected.json"])
def test_pdf_pages_render_to_png(tmp_path: Path, name: str) -> None:
    """Set NIANBAO_PAGES_DIR to keep the page images for a look."""
    from nianbao.render.pdf import engine

    if engine() is None:
        pytest.skip("没有 LibreOffice 或 WeasyPrint，无法生成 PDF")
    import pypdfium2 as pdfium

    rep = _with_narrative(name)
    data = render_bytes(rep, "pdf")
    assert data.startswith(b"%PDF")
    out = Path(os.environ.get("NIANBAO_PAGES_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    stem = name.split(".")[0]
    pdf = pdfium.PdfDocument(data)
    try:
        assert len(pdf) >= 2
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            assert (round(w), round(h)) == (595, 842)  # A4 in points
            img = page.render(scale=1.5).to_pil()
            img.save(out / f"{stem}-p{i + 1}.png")
            assert img.convert("L").getextrema()[0] < 100  # something is printed
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    flat = "".join(text.split())
    assert f"{rep.agency}{rep.year}年政府信息公开工作年度报告" in flat
    assert "三、收到和处理政府信息公开申请情况" in flat


def test_pdf_without_engine_is_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.render import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    monkeypatch.setattr(pdf, "weasyprint_available", lambda: False)
    with pytest.raises(pdf.PdfError, match="LibreOffice"):
        render_bytes(_report(), "pdf")


def test_render_refuses_errors_unless_forced(tmp_path: Path) -> None:
    src = tmp_path / "hz.json"
    src.write_text((FIXTURES / "hongze-2023.expected.json").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "hz.md"
    r = CliRunner().invoke(app, ["render", str(src), "--to", "md", "-o", str(out)])
    assert r.exit_code == 1 and not out.exists()
    assert "未生成报告" in r.output and "--force" in r.output
    r = CliRunner().invoke(app, ["render", str(src), "--to", "md", "-o", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("# 洪泽区人民政府2023年政府信息公开工作年度报告")


def test_render_accepts_extract_output_list(tmp_path: Path) -> None:
    rep = _report("003_c12fc4cb6f2af7bf.expected.json")
    src = tmp_path / "list.json"
    src.write_text(json.dumps([rep.to_dict()], ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(app, ["render", str(src), "--to", "html", "-o", str(tmp_path / "o.html"), "--force"])
    assert r.exit_code == 0, r.output
    assert "中卫市商务局2023年" in (tmp_path / "o.html").read_text(encoding="utf-8")
