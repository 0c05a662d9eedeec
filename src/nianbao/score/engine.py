"""Score one report's findings against a pack: points per indicator, and the evidence.

Only findings about the report count: what the reader could not see (`kind` reading) never
costs a body points, and neither does a finding a reviewer dismissed (the caller leaves
those out). Cross-year rules (`history.*`) can only be judged against a corpus: scoring
files without one leaves an indicator made only of them 未评估, not full marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nianbao.checks.crossyear import CARRY_OVER, COPIED, IN_FORCE
from nianbao.model import Finding
from nianbao.score.pack import Deduction, Indicator, Pack
from nianbao.template import cell_label

HISTORY_RULES = frozenset({CARRY_OVER, IN_FORCE, COPIED})


@dataclass
class Evidence:
    """A finding that cost points, and where it is in the report."""

    rule: str
    severity: str
    message: str
    points: float  # what this finding cost (0 once the deduction's cap is reached)
    table: str | None = None
    row: str | None = None
    column: str | None = None
    line: int | None = None

    @property
    def where(self) -> str | None:
        """Where in the report, as a clerk names it: 表三「…」行「…」栏（第 N 行）."""
        cell = cell_label(self.table, self.row, self.column) if self.table else None
        line = f"第 {self.line} 行" if self.line else None
        return f"{cell}（{line}）" if cell and line else cell or line

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "points": _round(self.points),
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "line": self.line,
            "where": self.where,
        }


@dataclass
class IndicatorScore:
    id: str
    name: str
    points: float
    got: float | None  # None: not assessed (see `note`)
    evidence: list[Evidence] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "points": _round(self.points),
            "got": None if self.got is None else _round(self.got),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class ReportScore:
    source: str
    agency: str | None
    year: int | None
    region: str | None = None
    score: float | None = None
    max: float | None = None
    indicators: list[IndicatorScore] = field(default_factory=list)
    error: str | None = None  # the file could not be read: no score
    report_id: int | None = None

    @property
    def lost(self) -> list[tuple[IndicatorScore, Evidence]]:
        """Every finding that cost points, with its indicator."""
        return [(i, e) for i in self.indicators for e in i.evidence if e.points > 0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "agency": self.agency,
            "year": self.year,
            "region": self.region,
            "score": None if self.score is None else _round(self.score),
            "max": None if self.max is None else _round(self.max),
            "indicators": [i.to_dict() for i in self.indicators],
        }
        if self.report_id is not None:
            out["report_id"] = self.report_id
        if self.error:
            out["error"] = self.error
        return out


def _round(x: float) -> float | int:
    r = round(x, 4)
    return int(r) if r == int(r) else r


def _measured(f: Finding) -> float | None:
    v = f.actual
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _hits(d: Deduction, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        if not d.matches(f.rule) or f.kind != "report":
            continue
        if d.severity is not None and f.severity != d.severity:
            continue
        if d.above is not None:
            m = _measured(f)
            if m is None or m <= d.above:
                continue
        out.append(f)
    return out


def score_indicator(ind: Indicator, findings: list[Finding], *, history: bool) -> IndicatorScore:
    if not history and ind.rules and ind.rules <= HISTORY_RULES:  # only cross-year rules: needs a corpus
        return IndicatorScore(ind.id, ind.name, ind.points, None, note="需要报告库中的往年报告才能评估（使用 --db）")
    taken = 0.0
    evidence: list[Evidence] = []
    for d in ind.deduct:
        hits = _hits(d, findings)
        if len(hits) < d.at_least:
            continue
        cap = d.max if d.max is not None else float("inf")
        took = 0.0
        for i, f in enumerate(hits):
            cost = 0.0
            if not (d.once and i > 0):
                cost = max(0.0, round(min(d.points, cap - took), 6))  # 0.1 + 0.2 must not leave 1e-16
            took += cost
            evidence.append(Evidence(f.rule, f.severity, f.message, cost, f.table, f.row, f.column, f.line))
        taken += took
    got = round(max(0.0, ind.points - taken), 6)
    return IndicatorScore(ind.id, ind.name, ind.points, got, evidence)


def score_findings(pack: Pack, findings: list[Finding], *, history: bool) -> tuple[float, float, list[IndicatorScore]]:
    """(score, maximum, per indicator). Indicators not assessed count in neither."""
    scores = [score_indicator(ind, findings, history=history) for ind in pack.indicators]
    got = round(sum(s.got for s in scores if s.got is not None), 6)
    top = round(sum(s.points for s in scores if s.got is not None), 6)
    return got, top, scores
