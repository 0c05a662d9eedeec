"""The fill-in workbook (XLSX) written by `nianbao template` or `render.workbook.write_workbook`,
read back as data: the reader returns a `Document` carrying the `Report` (no lines to extract from).

It is sniffed by content like every other kind (an XLSX is a ZIP holding `xl/workbook.xml`),
measured by the zip guard before this runs (`read_bytes`), and recognised as ours by the marker
in its custom properties; any other XLSX is refused with a Chinese reason. openpyxl does not
evaluate formulas, so a formula cell without a cached value is computed from the template's
equations; a number typed over a formula is taken as entered (and checked like any other figure).
"""

from __future__ import annotations

import os
import zipfile
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from nianbao.document import Document
from nianbao.model import Cell, Report, SectionText, Value
from nianbao.readers.errors import ReadError, log
from nianbao.render.model import TITLE_SUFFIX, fmt_value
from nianbao.render.workbook import (
    INFO_AGENCY,
    INFO_FORMAT,
    INFO_YEAR,
    MARKER_VALUE,
    ROW0,
    SHEET_INFO,
    SHEET_NAMES,
    SHEET_TEXT,
    TEXT_ROW0,
    _addr,
    _sheet_pos,
    formulas,
)
from nianbao.template import SECTIONS, template_for
from nianbao.template.layout import Grid, grid
from nianbao.template.sums import CellRef

MARKER_PART = "docProps/custom.xml"
NOT_OURS = "这是一个 Excel 工作簿，但不是由 nianbao template 生成的填报工作簿（缺少标记），暂不支持读取"


def read_workbook(source: str, data: bytes) -> Document:
    if not is_workbook(data):
        raise ReadError(NOT_OURS)
    return Document(source, "xlsx", report=_report(source, data))


def load_workbook(path: str | os.PathLike[str]) -> Report:
    """The report in a fill-in workbook file, read through the readers (sniffed, measured).
    Raises ReadError (Chinese) for anything else."""
    from nianbao.readers import read_path

    doc = read_path(path)
    if doc.report is None:
        raise ReadError(NOT_OURS if doc.kind == "xlsx" else "不是由 nianbao template 生成的填报工作簿")
    return doc.report


def is_workbook(data: bytes) -> bool:
    """True for an XLSX whose custom properties carry our marker (a few hundred bytes when written).
    The archive was measured by the zip guard before; a damaged marker part raises."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        if MARKER_PART not in z.namelist():
            return False
        info = z.getinfo(MARKER_PART)
        if info.file_size > 1024 * 1024:
            return False
        return MARKER_VALUE.encode() in z.read(info)


def _num(v: Any, where: str) -> Value | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise ReadError(f"{where}应填写数字，实际是“{v}”")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        d = Decimal(str(v))
        return int(d) if d == d.to_integral_value() else d
    s = str(v).strip().replace(",", "")
    if s in ("/", "—", "-", "无"):
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ReadError(f"{where}应填写数字，实际是“{v}”") from None
    return int(d) if d == d.to_integral_value() else d


def _report(source: str, data: bytes) -> Report:
    try:  # openpyxl parses XML through defusedxml: no DTD, no entities
        wb_f = openpyxl.load_workbook(BytesIO(data), data_only=False)
        wb_v = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except MemoryError as exc:
        raise ReadError("工作簿内容过大，无法在内存限制内读取") from exc
    except Exception as exc:
        log.debug("openpyxl failed on %s", source, exc_info=True)
        raise ReadError("工作簿已损坏或格式不正确，无法打开") from exc
    if SHEET_INFO not in wb_f.sheetnames:
        raise ReadError(f"工作簿缺少“{SHEET_INFO}”工作表")
    info = wb_v[SHEET_INFO]
    fmt = str(info.cell(INFO_FORMAT, 2).value or "2021").strip()
    if fmt not in ("2021", "2019"):
        raise ReadError(f"“{SHEET_INFO}”中的模板版本应为 2021 或 2019，实际是“{fmt}”")
    agency_v = info.cell(INFO_AGENCY, 2).value
    year_v = _num(info.cell(INFO_YEAR, 2).value, f"“{SHEET_INFO}”的报告年度")
    if isinstance(year_v, Decimal):
        raise ReadError(f"“{SHEET_INFO}”的报告年度应为整数")
    report = Report(
        source=source, format=fmt, agency=str(agency_v).strip() if agency_v else None, year=year_v, format_basis="table"
    )
    if report.agency and report.year:
        report.title = f"{report.agency}{report.year}{TITLE_SUFFIX}"
    if SHEET_TEXT in wb_v.sheetnames:
        ws = wb_v[SHEET_TEXT]
        pre = ws.cell(TEXT_ROW0 - 1, 2).value
        report.preamble = str(pre) if pre else ""
        for i, sec in enumerate(SECTIONS):
            text = ws.cell(TEXT_ROW0 + i, 2).value
            if text is not None and str(text).strip():
                report.sections[sec.key] = SectionText(sec.key, f"{sec.number}、{sec.title}", str(text))
    tpl = template_for(fmt)
    for t in tpl.tables:
        name = SHEET_NAMES[t.key]
        if name not in wb_f.sheetnames:
            raise ReadError(f"工作簿缺少“{name}”工作表")
        rows = _t3_rows_in_sheet(wb_f[name], fmt) if t.key == "applications" else None
        g = grid(t, rows)
        report.tables[t.key] = _read_table(wb_f[name], wb_v[name], g)
    return report


def _t3_rows_in_sheet(ws: Worksheet, fmt: str) -> tuple[str, ...] | None:
    """Table 3 as written: the template's rows, or the single-（六） variant if the sheet has it."""
    from nianbao.template.formats import T3_ROWS_ALL

    full = template_for(fmt).table("applications")
    single = tuple(r.key for r in T3_ROWS_ALL if not r.key.startswith("other_"))
    for rows in (None, single):
        g = grid(full, rows)
        labels = {(ROW0 + c.row, 1 + c.col): c.text for c in g.cells if c.kind == "label"}
        if all(str(ws.cell(r, c).value or "").strip() == text for (r, c), text in labels.items()):
            return rows
    raise ReadError(f"“{ws.title}”的行标签与模板不一致（可能被改动或插入了行），无法确定各行的位置")


def _read_table(ws_f: Worksheet, ws_v: Worksheet, g: Grid) -> dict[str, dict[str, Cell]]:
    rows_present = tuple(dict.fromkeys(ref[0] for ref in g.value_refs()))
    fml = formulas(g.table, rows_present)
    pos = _sheet_pos(g)
    sheet = ws_f.title
    entered: dict[CellRef, Value | None] = {}
    pending: set[CellRef] = set()
    for ref, (r, c) in pos.items():
        raw = ws_f.cell(r, c).value
        where = f"“{sheet}”{_addr((r, c))} 单元格"
        if isinstance(raw, str) and raw.startswith("="):
            cached = ws_v.cell(r, c).value
            if cached is None or isinstance(cached, str):
                pending.add(ref)
                continue
            entered[ref] = _num(cached, where)
        else:
            entered[ref] = _num(raw, where)

    def value(ref: CellRef, depth: int = 0) -> Value | None:
        if ref in entered:
            return entered[ref]
        f = fml.get(ref)
        if f is None or depth > 5:
            return None
        parts = [value(o, depth + 1) for o in f.operands]
        known = [v for v in parts if v is not None]
        entered[ref] = sum(known, start=0) if known else None
        return entered[ref]

    out: dict[str, dict[str, Cell]] = {}
    for ref, (r, _c) in pos.items():
        v = value(ref)
        raw_text = fmt_value(v) if v is not None else None
        out.setdefault(ref[0], {})[ref[1]] = Cell(v, raw_text, r, page=None)
    return out
