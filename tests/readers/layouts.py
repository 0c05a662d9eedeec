"""Test helpers: lay out a report's expected data as HTML, DOCX, PDF and scans.

The layouts follow the national templates as portals and offices print
them: Table 3 with its row-spanning group labels, Table 4 with its
three-level header, Table 2 in blocks headed 第二十条第（X）项.
"""

from __future__ import annotations

import html
import io
import os
from dataclasses import dataclass
from typing import Any

from nianbao.template import T3_ROWS_ALL, template_for

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def cjk_font() -> str | None:
    return next((p for p in FONT_PATHS if os.path.exists(p)), None)


@dataclass
class C:
    text: str
    rs: int = 1
    cs: int = 1


Table = list[list[C]]
Block = str | Table


def register_cjk() -> None:
    """The CJK font as "CJK" in reportlab, once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font()
    assert path is not None
    if "CJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))


def fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _table2(exp: dict[str, Any]) -> Table:
    data = exp["tables"].get("active_disclosure", {})
    rows = [r for r in template_for(exp["format"]).table("active_disclosure").rows if r.key in data]
    ncols = 1 + max(len(r.columns) for r in rows)
    out: Table = []
    group: object = object()
    for r in rows:
        pad = ncols - 1 - len(r.columns)
        if r.group != group:
            group = r.group
            out.append([C(r.group or "", cs=ncols)])
            out.append(
                [C("信息内容")]
                + [C(c.label, cs=1 + (pad if k == len(r.columns) - 1 else 0)) for k, c in enumerate(r.columns)]
            )
        vals = data[r.key]
        out.append(
            [C(r.label)]
            + [C(fmt(vals.get(c.key)), cs=1 + (pad if k == len(r.columns) - 1 else 0)) for k, c in enumerate(r.columns)]
        )
    return out


def _table3(exp: dict[str, Any]) -> Table:
    data = exp["tables"]["applications"]
    rows = [r for r in T3_ROWS_ALL if r.key in data]
    keys = [r.key for r in rows]
    first, last = keys.index("disclosed"), keys.index("total_processed")
    out: Table = [
        [C("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3), C("申请人情况", cs=7)],
        [C("自然人", rs=2), C("法人或其他组织", cs=5), C("总计", rs=2)],
        [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他")],
    ]
    for n, r in enumerate(rows):
        cells: list[C] = []
        label = r.label
        if first <= n <= last:
            if n == first:
                cells.append(C("三、本年度办理结果", rs=last - first + 1))
                label = label.split(" ", 1)[1]
            parts = label.split(" ", 1)
            if parts[0].startswith("（") and len(parts) == 2:
                size = 1
                while n + size <= last and rows[n + size].label[:1].isdigit():
                    size += 1
                cells += [C(parts[0], rs=size), C(parts[1])]
            elif parts[0].startswith("（"):
                cells.append(C(label, cs=2))
            else:
                cells.append(C(label))
        else:
            cells.append(C(label, cs=3))
        cells += [C(fmt(data[r.key].get(c.key))) for c in r.columns]
        out.append(cells)
    return out


def _table4(exp: dict[str, Any]) -> Table:
    data = exp["tables"]["review_litigation"]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    keys = ["upheld", "corrected", "other", "pending", "total"]
    return [
        [C("行政复议", rs=2, cs=5), C("行政诉讼", cs=10)],
        [C("未经复议直接起诉", cs=5), C("复议后起诉", cs=5)],
        [C(h) for h in heads * 3],
        [C(fmt(data[g].get(k))) for g in ("review", "litigation_direct", "litigation_after_review") for k in keys],
    ]


def report_blocks(exp: dict[str, Any]) -> tuple[str, list[Block]]:
    """The report's title and its blocks: paragraphs (str) and tables."""
    year = exp["year"]
    title = f"{exp['agency']}{year}年政府信息公开工作年度报告"
    blocks: list[Block] = [
        title,
        f"本报告由{exp['agency']}根据《中华人民共和国政府信息公开条例》编制。报告中所列数据统计期限自{year}年1月1日起"
        f"至{year}年12月31日止。",
        "一、总体情况",
        f"{year}年，本机关认真贯彻落实《条例》，持续推进政务公开工作。",
        "二、主动公开政府信息情况",
        _table2(exp),
        "三、收到和处理政府信息公开申请情况",
        _table3(exp),
        "四、政府信息公开行政复议、行政诉讼情况",
        _table4(exp),
        "五、存在的主要问题及改进情况",
        "政务公开工作的深度和广度还有待提升，下一步将继续加强业务培训。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    return title, blocks


def positions(table: Table) -> list[tuple[int, int, C]]:
    """(row, column, cell) of each printed cell, spans expanded as in HTML."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, C]] = []
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, c + dc))
            c += cell.cs
    return out


def ncols(table: Table) -> int:
    return max(c + cell.cs for _, c, cell in positions(table))


# --- HTML -------------------------------------------------------------------


def _html_table(rows: Table, fancy: bool) -> str:
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse">']
    for k, row in enumerate(rows):
        out.append("<tr>")
        for cell in row:
            attrs = (f' rowspan="{cell.rs}"' if cell.rs > 1 else "") + (f' colspan="{cell.cs}"' if cell.cs > 1 else "")
            text = html.escape(cell.text)
            if fancy and text:
                # Portals wrap cell text in <p>/<span> and pad with &nbsp;.
                text = f'<p style="text-align:center"><span style="font-size:12px">&nbsp;{text}&nbsp;</span></p>'
            elif fancy and not text and k % 2:
                text = "&nbsp;"
            out.append(f"<td{attrs}>{text}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def to_html(exp: dict[str, Any], encoding: str = "gbk", declared: str | None = "gb2312") -> bytes:
    title, blocks = report_blocks(exp)
    body: list[str] = []
    for n, b in enumerate(blocks):
        if isinstance(b, str):
            tag = "h1" if n == 0 else "p"
            body.append(f"<{tag}>{html.escape(b)}</{tag}>")
        elif b[0][0].text.startswith("（本列数据"):
            # Table 3 printed as two <table>s: header and first rows, then the rest.
            body.append(_html_table(b[:5], True))
            body.append(_html_table(b[5:], True))
        else:
            body.append(_html_table(b, True))
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    page = f"""<!DOCTYPE html>
<html><head>{meta}<title>{html.escape(title)}_政府信息公开</title>
<script>var nav = "首页";</script><style>td{{padding:2px}}</style></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hdjl">互动交流</a></div>
<div class="nav"><ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策文件</a></li><li><a href="/c">年度报告</a></li></ul></div>
<div class="main"><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="article">
{chr(10).join(body)}
</div></div>
<div class="footer">主办单位：某某人民政府办公室 联系电话：0000-00000000 网站标识码：0000000000 备案号：X ICP 备00000000号</div>
</body></html>"""
    return page.encode(encoding)


# --- DOCX -------------------------------------------------------------------


def to_docx(exp: dict[str, Any]) -> bytes:
    import docx

    _, blocks = report_blocks(exp)
    d = docx.Document()
    for b in blocks:
        if isinstance(b, str):
            d.add_paragraph(b)
            continue
        n = ncols(b)
        t = d.add_table(rows=len(b), cols=n)
        t.style = "Table Grid"
        for r, c, cell in positions(b):
            top = t.cell(r, c)
            if cell.rs > 1 or cell.cs > 1:
                top = top.merge(t.cell(r + cell.rs - 1, c + cell.cs - 1))
            top.text = cell.text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --- PDF --------------------------------------------------------------------


def to_pdf(exp: dict[str, Any], ruled: bool = True, only: Table | None = None) -> bytes:
    """A text-layer PDF (reportlab) with ruled (or borderless) tables in a CJK font;
    `only`: that one table alone."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    register_cjk()
    body = ParagraphStyle("body", fontName="CJK", fontSize=11, leading=16, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=15, leading=22, alignment=1)
    cellstyle = ParagraphStyle("cell", fontName="CJK", fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    title, blocks = report_blocks(exp)
    if only is not None:
        blocks = [only]
    story: list[Any] = []
    widths_for = {10: [24, 64, 134] + [36] * 7}
    for n, b in enumerate(blocks):
        if isinstance(b, str):
            if b.startswith("三、"):
                story.append(PageBreak())  # reportlab cannot split Table 3's row-spanning label
            story.append(Paragraph(html.escape(b), head if n == 0 else body))
            continue
        nc = ncols(b)
        grid: list[list[Any]] = [["" for _ in range(nc)] for _ in b]
        style: list[Any] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        for r, c, cell in positions(b):
            grid[r][c] = Paragraph(html.escape(cell.text), cellstyle) if cell.text else ""
            if cell.rs > 1 or cell.cs > 1:
                style.append(("SPAN", (c, r), (c + cell.cs - 1, r + cell.rs - 1)))
        widths = widths_for.get(nc) or [480 / nc] * nc
        story.append(Spacer(1, 4))
        story.append(RLTable(grid, colWidths=widths, style=style, splitByRow=1))
        story.append(Spacer(1, 4))
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=60, bottomMargin=60, title=title
    ).build(story)
    return buf.getvalue()


def to_scan(pdf: bytes, dpi: int = 150) -> bytes:
    """The PDF as a scan: every page rendered at `dpi` and stored as an image-only PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        images = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def table_pictures(exp: dict[str, Any], dpi: int = 150) -> list[bytes]:
    """Each table as a PNG cropped to its ink, as when a table is pasted into Word as a picture."""
    from PIL import Image, ImageOps

    from nianbao.readers.pdf import page_png

    out = []
    for b in report_blocks(exp)[1]:
        if isinstance(b, str):
            continue
        png, _, _ = page_png(to_pdf(exp, only=b), 1, scale=dpi / 72)
        page = Image.open(io.BytesIO(png)).convert("L")
        box = ImageOps.invert(page).getbbox()
        assert box is not None
        x0, y0, x1, y1 = box
        buf = io.BytesIO()
        page.crop((x0 - 12, y0 - 12, x1 + 12, y1 + 12)).save(buf, format="PNG", dpi=(dpi, dpi))
        out.append(buf.getvalue())
    return out


def to_docx_with_pictures(exp: dict[str, Any]) -> bytes:
    """The report in Word with its three tables pasted as pictures."""
    import docx
    from docx.shared import Cm

    pictures = iter(table_pictures(exp))
    d = docx.Document()
    for b in report_blocks(exp)[1]:
        if isinstance(b, str):
            d.add_paragraph(b)
        else:
            d.add_picture(io.BytesIO(next(pictures)), width=Cm(16))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_pdf_with_pictures(exp: dict[str, Any], banner: bytes | None = None) -> bytes:
    """A text-layer PDF whose three tables are pictures, as when a Word file with tables
    pasted as pictures is saved as PDF; `banner`: a picture across the top of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pictures = iter(table_pictures(exp))
    register_cjk()
    body = ParagraphStyle("body", fontName="CJK", fontSize=11, leading=16, wordWrap="CJK")
    story: list[Any] = []
    for b in report_blocks(exp)[1]:
        if isinstance(b, str):
            story.append(Paragraph(html.escape(b), body))
            continue
        png = next(pictures)
        from PIL import Image

        w, h = Image.open(io.BytesIO(png)).size
        story.append(RLImage(io.BytesIO(png), width=470, height=470 * h / w))

    def letterhead(canvas: Any, _doc: Any) -> None:
        if banner is not None:
            from reportlab.lib.utils import ImageReader

            canvas.drawImage(ImageReader(io.BytesIO(banner)), 56, 842 - 80, width=483, height=60)

    buf = io.BytesIO()
    top = 100 if banner is not None else 50
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=top, bottomMargin=50).build(
        story, onFirstPage=letterhead, onLaterPages=letterhead
    )
    return buf.getvalue()


def silent_wrong(report: Any, exp: dict[str, Any], tables: tuple[str, ...]) -> list[str]:
    """Cells read wrong without a finding on them (a low-confidence or extraction note):
    OCR may misread, but never silently."""
    from nianbao.checks import check
    from nianbao.checks.cellscan import LOW_CONFIDENCE

    findings = check(report)
    values = report.to_dict(provenance=False, texts=False)["tables"]
    flagged_cells = {
        (f.table, f.row, f.column) for f in findings if f.rule in ("extract.low_confidence", "extract.unread")
    }
    flagged_rows = {(f.table, f.row) for f in findings if f.rule == "extract.notes"}
    out = []
    for t in tables:
        for r, cols in exp["tables"][t].items():
            for c, v in cols.items():
                cell = report.tables.get(t, {}).get(r, {}).get(c)
                got = values.get(t, {}).get(r, {}).get(c)
                if got == v and (got is None) == (v is None):
                    continue
                if (t, r, c) in flagged_cells or (t, r) in flagged_rows:
                    assert cell is not None and (cell.value is None or cell.confidence < LOW_CONFIDENCE)
                    continue
                out.append(f"{t}.{r}.{c}: {got!r} != {v!r}")
    return out


# --- comparing ----------------------------------------------------------------

FIXTURES = __import__("pathlib").Path(__file__).parent.parent / "fixtures"
TEXT_FIXTURES = sorted(p.name.split(".")[0] for p in FIXTURES.glob("*.txt"))


def load_expected(name: str) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return data


def cell_diffs(report: Any, exp: dict[str, Any], tables: tuple[str, ...] | None = None) -> list[str]:
    """Every cell (and row set, agency, year, format) that differs from the expected data."""
    got = report.to_dict(provenance=False, texts=False)
    out = [f"{k}: {got.get(k)!r} != {exp[k]!r}" for k in ("agency", "year", "format") if got.get(k) != exp[k]]
    for t, rows in exp["tables"].items():
        if tables and t not in tables:
            continue
        g = got["tables"].get(t, {})
        if set(g) != set(rows):
            out.append(f"{t} rows: {sorted(set(g) ^ set(rows))}")
        for r, cols in rows.items():
            for c, v in cols.items():
                gv = g.get(r, {}).get(c, "<missing>")
                if gv != v or (gv is None) != (v is None):
                    out.append(f"{t}.{r}.{c}: {gv!r} != {v!r}")
    return out
