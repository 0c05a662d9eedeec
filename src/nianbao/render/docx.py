"""DOCX with python-docx: A4, government fonts (eastAsia set), real merged cells, rows kept whole."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from nianbao.render.model import Layout
from nianbao.template.layout import Grid

# eastAsia font for Chinese text and the Latin/ASCII font beside it; a reader
# without the 仿宋_GB2312 font falls back through its own substitution table
# (LibreOffice: fontconfig → Noto CJK).
FANGSONG = ("仿宋_GB2312", "Times New Roman")
SONGTI = ("宋体", "Times New Roman")
HEITI = ("黑体", "Times New Roman")
TEXT_WIDTH_MM = 156.0


def _font(run: Run, face: tuple[str, str], size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = face[1]
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), face[1])
    fonts.set(qn("w:hAnsi"), face[1])
    fonts.set(qn("w:eastAsia"), face[0])
    fonts.set(qn("w:cs"), face[1])


def _row_props(row: object, *, header: bool) -> None:
    tr = row._tr  # type: ignore[attr-defined]
    trpr = tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _widths(g: Grid) -> list[float]:
    if g.table == "applications":
        label = [9.0, 19.0, 42.0]
        rest = (TEXT_WIDTH_MM - sum(label)) / (g.ncols - 3)
        return label + [rest] * (g.ncols - 3)
    if g.table == "active_disclosure":
        first = 52.0
        return [first] + [(TEXT_WIDTH_MM - first) / (g.ncols - 1)] * (g.ncols - 1)
    return [TEXT_WIDTH_MM / g.ncols] * g.ncols


def _table(doc: object, lay: Layout, g: Grid) -> None:
    t = doc.add_table(rows=g.nrows, cols=g.ncols)  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = _widths(g)
    # Readers (LibreOffice among them) lay columns out by the table grid, not the cell widths.
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    tblpr = t._tbl.tblPr
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tblpr.append(fixed)
    for i, row in enumerate(t.rows):
        _row_props(row, header=i < g.header_rows)
        for j, cell in enumerate(row.cells):
            cell.width = Mm(widths[j])
    small = 9.0 if g.table == "review_litigation" else 10.5
    for c in g.cells:
        cell = t.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.LEFT if c.kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_before = Pt(0)
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.line_spacing = 1.0
        text = lay.text(g.table, c)
        if text:
            _font(para.add_run(text), SONGTI, small)


def to_docx(lay: Layout) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG[1]
    normal.font.size = Pt(16)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), FANGSONG[0])
    doc.core_properties.title = lay.title
    doc.core_properties.author = lay.agency

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(16)
    _font(p.add_run(lay.title), SONGTI, 22, bold=True)

    def para(text: str) -> None:
        q = doc.add_paragraph()
        q.paragraph_format.first_line_indent = Pt(32)
        q.paragraph_format.line_spacing = Pt(28)
        q.paragraph_format.space_after = Pt(0)
        _font(q.add_run(text), FANGSONG, 16)

    for text in lay.preamble:
        para(text)
    for part in lay.parts:
        h = doc.add_paragraph()
        h.paragraph_format.first_line_indent = Pt(32)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.space_before = Pt(6)
        _font(h.add_run(part.heading), HEITI, 16)
        for text in part.paragraphs:
            para(text)
        if part.grid is not None:
            _table(doc, lay, part.grid)
            doc.add_paragraph()
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()
