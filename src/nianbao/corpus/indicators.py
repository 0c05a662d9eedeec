"""Indicators: rates over the printed tables, defined once as numerator / denominator.

Each indicator is a ratio of two sums of cells named by the template's keys.
A region-year value is the ratio of the summed numerators to the summed
denominators of its reports (a weighted rate, not a mean of rates). Rankings
leave out any unit whose denominator is below the indicator's `min_cases`:
a rate over three applications says nothing. See docs/indicators.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.model import Report
from nianbao.template import RESULT_COLUMNS, T3_ROWS_ALL

CellRef = tuple[str, str, str]  # table, row, column


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # Chinese, as shown to users
    numerator: tuple[CellRef, ...]
    denominator: tuple[CellRef, ...]
    min_cases: int  # smallest denominator for which a unit is ranked
    formula: str  # Chinese, for docs and tooltips

    def parts(self, report: Report) -> tuple[float | None, float | None]:
        """(numerator, denominator) for one report; None when a cell is missing or blank."""
        return _sum(report, self.numerator), _sum(report, self.denominator)


def _sum(report: Report, refs: tuple[CellRef, ...]) -> float | None:
    total = 0.0
    for t, r, c in refs:
        v = report.value(t, r, c)
        if v is None:
            return None
        total += float(v)
    return total


def rate(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _t3(*rows: str) -> tuple[CellRef, ...]:
    return tuple(("applications", r, "total") for r in rows)


def _t3_group(prefix: str) -> tuple[CellRef, ...]:
    return _t3(*(r.key for r in T3_ROWS_ALL if r.key.startswith(prefix)))


_CLOSED = tuple(c.key for c in RESULT_COLUMNS if c.key not in ("pending", "total"))  # 维持、纠正、其他 = 已审结


def _t4(groups: tuple[str, ...], columns: tuple[str, ...]) -> tuple[CellRef, ...]:
    return tuple(("review_litigation", g, c) for g in groups for c in columns)


_PROCESSED = _t3("total_processed")
_LITIGATION = ("litigation_direct", "litigation_after_review")

INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator(
            "disclosure_rate",
            "公开率",
            _t3("disclosed", "partially_disclosed"),
            _PROCESSED,
            10,
            "（予以公开 + 部分公开）÷ 办理结果总计",
        ),
        Indicator(
            "withheld_rate",
            "不予公开率",
            _t3_group("withheld_"),
            _PROCESSED,
            10,
            "不予公开 1–8 项之和 ÷ 办理结果总计",
        ),
        Indicator(
            "unable_rate",
            "无法提供率",
            _t3_group("unable_"),
            _PROCESSED,
            10,
            "无法提供 1–3 项之和 ÷ 办理结果总计",
        ),
        Indicator(
            "carry_forward_rate",
            "结转率",
            _t3("carried_forward"),
            _t3("new_received", "carried_over"),
            10,
            "结转下年度继续办理 ÷（本年新收 + 上年结转）",
        ),
        Indicator(
            "review_correction_rate",
            "复议纠错率",
            _t4(("review",), ("corrected",)),
            _t4(("review",), _CLOSED),
            5,
            "行政复议结果纠正 ÷ 已审结（结果维持 + 结果纠正 + 其他结果）",
        ),
        Indicator(
            "litigation_correction_rate",
            "诉讼纠错率",
            _t4(_LITIGATION, ("corrected",)),
            _t4(_LITIGATION, _CLOSED),
            5,
            "行政诉讼（直接起诉与复议后起诉）结果纠正 ÷ 已审结",
        ),
    )
}


def compute(report: Report) -> dict[str, tuple[float | None, float | None]]:
    """Every indicator's (numerator, denominator) for one report."""
    return {k: ind.parts(report) for k, ind in INDICATORS.items()}


def values(report: Report) -> dict[str, float | None]:
    """Every indicator's rate for one report (None when not computable)."""
    return {k: rate(*nd) for k, nd in compute(report).items()}
