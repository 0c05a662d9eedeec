"""What extraction was unsure of, as findings: unplaced values, guessed format, low-confidence cells."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.checks.cellscan import scan
from nianbao.checks.registry import finding, rule
from nianbao.model import Finding, Report
from nianbao.template import cell_label


@rule("extract.notes", "HEUR", "提取过程中无法确定的内容")
def notes(report: Report) -> Iterator[Finding]:
    yield from report.notes


@rule("extract.low_confidence", "HEUR", "识别置信度低的单元格")
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
