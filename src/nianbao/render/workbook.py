"""The fill-in workbook (XLSX): the three tables as the template prints them, totals as formulas.

`write_workbook` makes it (optionally pre-filled from a report); reading it back is a
reader's job (`nianbao.readers.workbook`), which shares the layout defined here. Formulas
come from `nianbao.template.sums`: each row's 总计 and each column's （七）总计 and Table 4's 总计.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import openpyxl  # type: ignore[import-untyped]
from openpyxl.packaging.custom import StringProperty  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from nianbao.model import Report
from nianbao.render.model import TITLE_SUFFIX
from nianbao.sheets import as_text
from nianbao.template import SECTIONS, table3_equations, table4_equations, template_for
from nianbao.template.layout import Grid, grid
from nianbao.template.sums import CellRef, Equation

MARKER_NAME = "nianbao-workbook"
MARKER_VALUE = "nianbao/workbook@1"
SHEET_INFO = "基本信息"
SHEET_TEXT = "正文"
SHEET_NAMES = {
    "active_disclosure": "表二 主动公开",
    "applications": "表三 依申请公开",
    "review_litigation": "表四 复议诉讼",
}
ROW0 = 3  # sheet row of the grid's first row (title above it)
INFO_AGENCY, INFO_YEAR, INFO_FORMAT = 2, 3, 4  # rows on the info sheet (column B)
TEXT_ROW0 = 3  # first section row on the text sheet (preamble on the row above)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_FORMULA_FILL = PatternFill("solid", fgColor="E8F0FE")
_INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
_FONT = Font(name="宋体", size=11)


@dataclass(frozen=True)
class Formula:
    anchor: CellRef
    operands: tuple[CellRef, ...]


def formulas(table: str, rows: tuple[str, ...]) -> dict[CellRef, Formula]:
    """The cells written as formulas: each total from the template's equations."""
    eqs: list[Equation]
    if table == "applications":
        eqs = [e for e in table3_equations(rows) if e.rule in ("t3.row_total", "t3.outcome_sum")]
    elif table == "review_litigation":
        eqs = table4_equations()
    else:
        return {}
    out: dict[CellRef, Formula] = {}
    for e in eqs:
        if len(e.lhs) != 1 or e.lhs[0] != e.anchor:
            continue
        if e.anchor in out:  # （七）总计·总计: the row sum and the column sum agree; keep the row sum
            continue
        out[e.anchor] = Formula(e.anchor, e.rhs)
    return out


def _sheet_pos(g: Grid) -> dict[CellRef, tuple[int, int]]:
    return {c.ref: (ROW0 + c.row, 1 + c.col) for c in g.cells if c.ref is not None}


def _grids(fmt: str, t3_rows: tuple[str, ...] | None = None) -> list[Grid]:
    tpl = template_for(fmt)
    return [grid(t, t3_rows if t.key == "applications" else None) for t in tpl.tables]


def write_workbook(fmt: str = "2021", report: Report | None = None) -> bytes:
    """The fill-in workbook for template `fmt`, pre-filled from `report` when given."""
    wb = openpyxl.Workbook()
    wb.custom_doc_props.append(StringProperty(name=MARKER_NAME, value=MARKER_VALUE))
    wb.custom_doc_props.append(StringProperty(name="nianbao-format", value=fmt))
    wb.properties.title = "政府信息公开工作年度报告填报表"
    wb.properties.creator = "nianbao"
    info = wb.active
    assert info is not None
    info.title = SHEET_INFO
    _info_sheet(info, fmt, report)
    _text_sheet(wb.create_sheet(SHEET_TEXT), report)
    t3_rows = None
    if report is not None and report.tables.get("applications"):
        t3_rows = tuple(report.tables["applications"])
    tpl = template_for(fmt)
    for t, g in zip(tpl.tables, _grids(fmt, t3_rows), strict=True):
        _table_sheet(wb.create_sheet(SHEET_NAMES[t.key]), t.title, t.number, g, fmt, report)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _info_sheet(ws: Worksheet, fmt: str, report: Report | None) -> None:
    ws["A1"] = "政府信息公开工作年度报告填报表"
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    rows = [
        (INFO_AGENCY, "发布机关（标题中的名称）", report.agency if report else None),
        (INFO_YEAR, "报告年度", report.year if report else None),
        (INFO_FORMAT, "模板版本（请勿修改）", fmt),
    ]
    for r, label, value in rows:
        ws.cell(r, 1, label).font = _FONT
        c = as_text(ws.cell(r, 2, value))
        c.font = _FONT
        c.border = _BORDER
        c.fill = _INPUT_FILL if r != INFO_FORMAT else _HEAD_FILL
    ws.cell(6, 1, "标题").font = _FONT
    ws.cell(6, 2, f'=B{INFO_AGENCY}&B{INFO_YEAR}&"{TITLE_SUFFIX}"').font = _FONT
    notes = (
        "填写说明：",
        "1. 黄色单元格填写数字；没有发生的填 0，不要留空（空白表示未填写）。",
        "2. 蓝色单元格为合计公式，自动计算，请勿改写。",
        "3. 表三最下方的“勾稽关系核对”行显示每一栏是否满足：第一项加第二项之和，等于第三项加第四项之和。",
        "4. 各部分正文填写在“正文”工作表中。",
        "5. 填好后运行：nianbao check 本文件.xlsx；nianbao render 本文件.xlsx --to docx -o 报告.docx",
    )
    for i, n in enumerate(notes):
        ws.cell(8 + i, 1, n).font = _FONT
    dv = DataValidation(type="whole", operator="between", formula1="2019", formula2="2100", allow_blank=True)
    dv.error, dv.errorTitle, dv.showErrorMessage = "报告年度应为 2019 至 2100 之间的整数", "年度有误", True
    ws.add_data_validation(dv)
    dv.add(f"B{INFO_YEAR}")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60


def _text_sheet(ws: Worksheet, report: Report | None) -> None:
    ws["A1"] = "各部分正文（每部分填在 B 栏一个单元格内，可换行）"
    ws["A1"].font = Font(name="黑体", size=12, bold=True)
    ws.cell(TEXT_ROW0 - 1, 1, "前言（可不填）").font = _FONT
    if report is not None and report.preamble:
        as_text(ws.cell(TEXT_ROW0 - 1, 2, report.preamble))
    for i, sec in enumerate(SECTIONS):
        r = TEXT_ROW0 + i
        ws.cell(r, 1, f"{sec.number}、{sec.title}").font = _FONT
        text = report.sections[sec.key].text if report is not None and sec.key in report.sections else None
        c = as_text(ws.cell(r, 2, text))
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.fill = _INPUT_FILL
        c.border = _BORDER
        ws.row_dimensions[r].height = 120
    ws.cell(TEXT_ROW0 - 1, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 100


def _table_sheet(ws: Worksheet, title: str, number: int, g: Grid, fmt: str, report: Report | None) -> None:
    cn = {2: "二", 3: "三", 4: "四"}[number]
    ws.cell(1, 1, f"{cn}、{title}").font = Font(name="黑体", size=12, bold=True)
    tpl_table = template_for(fmt).table(g.table)
    kinds = {(r.key, c.key): c.kind for r in tpl_table.rows for c in r.columns}
    if g.table == "applications":
        from nianbao.template.formats import T3_ROWS_ALL

        kinds = {(r.key, c.key): c.kind for r in T3_ROWS_ALL for c in r.columns}
    rows_present = tuple(dict.fromkeys(ref[0] for ref in g.value_refs()))
    fml = formulas(g.table, rows_present)
    pos = _sheet_pos(g)
    dv_count = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    dv_count.error, dv_count.errorTitle = "请填写不小于 0 的整数（件数）", "数值有误"
    dv_money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    dv_money.error, dv_money.errorTitle = "请填写不小于 0 的数字（金额，可有小数）", "数值有误"
    dv_signed = DataValidation(
        type="whole", operator="between", formula1="-1000000000", formula2="1000000000", allow_blank=True
    )
    dv_signed.error, dv_signed.errorTitle = "请填写整数（减少时填负数）", "数值有误"
    for dv in (dv_count, dv_money, dv_signed):
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
    for c in g.cells:
        r, col = ROW0 + c.row, 1 + c.col
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(start_row=r, start_column=col, end_row=r + c.rowspan - 1, end_column=col + c.colspan - 1)
        for rr in range(r, r + c.rowspan):
            for cc in range(col, col + c.colspan):
                ws.cell(rr, cc).border = _BORDER
        cell = ws.cell(r, col)
        cell.font = _FONT
        cell.alignment = Alignment(
            horizontal="left" if c.kind == "label" else "center", vertical="center", wrap_text=True
        )
        if c.ref is None:
            cell.value = c.text or None
            if c.kind == "head":
                cell.fill = _HEAD_FILL
            continue
        f = fml.get(c.ref)
        if f is not None and report is not None and _printed_differs(report, g.table, f):
            f = None  # keep the figure as printed (the checks will name the difference)
        if f is not None:
            terms = ",".join(_addr(pos[o]) for o in f.operands)
            cell.value = f"=SUM({terms})"
            cell.fill = _FORMULA_FILL
            continue
        cell.fill = _INPUT_FILL
        cell.protection = Protection(locked=False)
        kind = kinds.get(c.ref, "count")
        {"money": dv_money, "signed": dv_signed}.get(kind, dv_count).add(_addr((r, col)))
        if report is not None:
            v = report.value(g.table, *c.ref)
            if v is not None:
                cell.value = float(v) if isinstance(v, Decimal) else v
    if g.table == "applications":
        _balance_row(ws, g, pos)
    widths = _col_widths(g)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = _addr((ROW0 + g.header_rows, 1 + g.label_cols))


def _printed_differs(report: Report, table: str, f: Formula) -> bool:
    parts = [report.value(table, *o) for o in f.operands]
    known = [v for v in parts if v is not None]
    computed = sum(known, start=0) if known else None
    return report.value(table, *f.anchor) != computed


def _balance_row(ws: Worksheet, g: Grid, pos: dict[CellRef, tuple[int, int]]) -> None:
    y = ROW0 + g.nrows
    ws.merge_cells(start_row=y, start_column=1, end_row=y, end_column=g.label_cols)
    ws.cell(y, 1, "勾稽关系核对（一+二=（七）总计+四）").font = Font(name="宋体", size=10, italic=True)
    cols = dict.fromkeys(ref[1] for ref in g.value_refs())
    for col in cols:
        a = _addr(pos[("new_received", col)])
        b = _addr(pos[("carried_over", col)])
        t = _addr(pos[("total_processed", col)])
        f = _addr(pos[("carried_forward", col)])
        c = ws.cell(y, pos[("new_received", col)][1], f'=IF({a}+{b}={t}+{f},"平衡","不平衡")')
        c.font = Font(name="宋体", size=10, italic=True)
        c.alignment = Alignment(horizontal="center")


def _col_widths(g: Grid) -> list[int]:
    if g.table == "applications":
        return [12, 14, 34] + [10] * (g.ncols - 3)
    if g.table == "active_disclosure":
        return [26] + [18] * (g.ncols - 1)
    return [9] * g.ncols


def _addr(rc: tuple[int, int]) -> str:
    return f"{get_column_letter(rc[1])}{rc[0]}"
