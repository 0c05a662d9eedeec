"""Rules over the report as a whole: parts, template version, period, deadline, coverage."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from nianbao.checks.registry import finding, rule
from nianbao.checks.text import prose
from nianbao.model import Finding, Report
from nianbao.template import SECTION_KEYS, SECTIONS, expected_format

_SECTION_TITLE = {s.key: f"{s.number}、{s.title}" for s in SECTIONS}
# A government's own report: its name is a government, or a bare place name.
_GOVERNMENT = re.compile(r"人民政府$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,12}(省|自治区|市|自治州|州|盟|县|自治县|旗|区|乡|镇)$")


def is_government(agency: str | None) -> tuple[bool, bool]:
    """(is a government, certain). 人民政府 in the name is certain; a bare place name is likely."""
    if not agency:
        return False, False
    if _GOVERNMENT.search(agency):
        return True, True
    return bool(_PLACE.match(agency)), False


@rule("structure.sections", "MUST", "六个部分齐全且顺序正确")
def sections(report: Report) -> Iterator[Finding]:
    present = list(report.sections)
    for key in SECTION_KEYS:
        if key not in report.sections:
            yield finding("structure.sections", f"缺少第{_SECTION_TITLE[key]}部分（或其标题无法识别）。", actual=key)
    order = [k for k in SECTION_KEYS if k in report.sections]
    if present != order:
        yield finding(
            "structure.sections",
            "六个部分的顺序与模板不一致："
            + "、".join(_SECTION_TITLE[k].split("、")[0] for k in present)
            + "（模板顺序为一至六）。",
            expected=order,
            actual=present,
        )


_COVERAGE = (
    ("工作考核", ("考核", "考评")),
    ("社会评议", ("评议", "社会评价")),
    ("责任追究", ("责任追究", "追责", "问责")),
)


@rule("structure.government_coverage", "MUST", "政府年报应报告工作考核、社会评议和责任追究结果")
def government_coverage(report: Report) -> Iterator[Finding]:
    gov, certain = is_government(report.agency)
    if not gov:
        return
    text = prose(report)
    missing = [name for name, words in _COVERAGE if not any(w in text for w in words)]
    if missing:
        yield finding(
            "structure.government_coverage",
            f"{report.agency}的年报应报告工作考核、社会评议和责任追究结果情况（条例第五十条第四项），"
            f"未见{'、'.join(missing)}的内容。",
            # Whether the body is a government is inferred from its name unless it says 人民政府.
            severity=None if certain else "warning",
            actual=missing,
        )


@rule("structure.template_year", "MUST", "模板版本与报告年度相符")
def template_year(report: Report) -> Iterator[Finding]:
    if report.year is None or report.format is None or report.format_basis != "table":
        return
    want = expected_format(report.year)
    if report.format != want:
        yield finding(
            "structure.template_year",
            f"{report.year} 年度报告应采用 {want} 版格式"
            f"（{'国办公开办函〔2021〕30号' if want == '2021' else '国办公开办函〔2019〕60号'}），"
            f"报告表格采用的是 {report.format} 版。",
            expected=want,
            actual=report.format,
        )


@rule("structure.period", "MUST", "统计期限为报告年度的1月1日至12月31日")
def period(report: Report) -> Iterator[Finding]:
    if report.year is None or report.period_start is None or report.period_end is None:
        return
    want = (dt.date(report.year, 1, 1), dt.date(report.year, 12, 31))
    if (report.period_start, report.period_end) != want:
        yield finding(
            "structure.period",
            f"标题年度为 {report.year} 年，但报告写明的统计期限为 {report.period_start:%Y年%m月%d日}"
            f"至 {report.period_end:%Y年%m月%d日}。",
            expected=[d.isoformat() for d in want],
            actual=[report.period_start.isoformat(), report.period_end.isoformat()],
        )


@rule("structure.deadline", "MUST", "按时发布（部门1月31日前，政府3月31日前）")
def deadline(report: Report) -> Iterator[Finding]:
    if report.year is None or report.published is None:
        return
    gov, _ = is_government(report.agency)
    due = dt.date(report.year + 1, 3, 31) if gov else dt.date(report.year + 1, 1, 31)
    if report.published > due:
        who = "县级以上人民政府" if gov else "政府部门"
        yield finding(
            "structure.deadline",
            f"{who}的 {report.year} 年度报告应于 {due:%Y年%m月%d日} 前发布，落款日期为 {report.published:%Y年%m月%d日}。",
            expected=due.isoformat(),
            actual=report.published.isoformat(),
        )


@rule("structure.year", "MUST", "能识别报告年度")
def year_known(report: Report) -> Iterator[Finding]:
    if report.year is None:
        yield finding("structure.year", "无法从标题或统计期限识别报告年度。")
