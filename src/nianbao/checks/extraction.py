"""What extraction was unsure of, as findings: unplaced values, guessed format, low-confidence cells."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.checks.cellscan import scan
from nianbao.checks.registry import declare, finding, rule
from nianbao.model import Finding, Report
from nianbao.template import cell_label

# Found while extracting (report.notes, given out by `extract.notes`).
declare("extract.unplaced", "HEUR", "数值无法确定所在的行或栏，未采用", "reading")
declare("extract.duplicate_row", "HEUR", "同一行出现两次且数值不同", "reading")
declare("extract.format_guessed", "HEUR", "无法从表格判断模板版本，按年度推定", "reading")
declare("extract.pictures", "HEUR", "统计表可能在未识别的图片中", "reading")
declare("extract.agency", "HEUR", "无法确定发布机关名称", "reading")
declare("extract.region", "NOTE", "机关名称中的地名有多处同名，所属地区未确定", "reading")
declare("extract.split_figures", "HEUR", "连在一起的数值按勾稽关系唯一的拆分读出", "reading")
declare("extract.placed_by_sums", "HEUR", "与标签分开的数值行按勾稽关系唯一的对应方式读出", "reading")


@rule("extract.notes", "HEUR", "提取过程中无法确定的内容", "reading")
def notes(report: Report) -> Iterator[Finding]:
    yield from report.notes


@rule("extract.low_confidence", "HEUR", "识别置信度低的单元格", "reading")
def low_confidence(report: Report) -> Iterator[Finding]:
    for t, r, c, cell in scan(report).low_confidence:
        yield finding(
            "extract.low_confidence",
            f"{cell_label(t, r, c, report.format)}识别为 {cell.raw}，但识别置信度只有 "
            f"{cell.confidence:.0%}，请对照原件核实。",
            table=t,
            row=r,
            column=c,
            actual=cell.value,
            line=cell.line,
        )


@rule("extract.unread", "HEUR", "未能读取或无法确定所在栏的单元格（不是报告本身的空白）", "reading")
def unread(report: Report) -> Iterator[Finding]:
    for t, r, c, cell in scan(report).unread:
        seen = f"识别为“{cell.raw}”，无法辨认" if cell.raw else "未能读取或无法确定所在的栏"
        yield finding(
            "extract.unread",
            f"{cell_label(t, r, c, report.format)}{seen}，已留空；这是读取的问题，不是报告的空白，请对照原件核实。",
            table=t,
            row=r,
            column=c,
            line=cell.line,
        )
