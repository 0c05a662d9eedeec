"""Locate Tables 2, 3 and 4, decide the template version, and align each table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nianbao.document import Line
from nianbao.extract.align import RowCells, align_flat, align_rows
from nianbao.extract.sections import Span
from nianbao.model import Finding, Tables
from nianbao.template import T3_ROWS_ALL, TEMPLATES, expected_format, template_for
from nianbao.textnorm import norm_label

# Phrases that open each table when its part's heading cannot be found.
_ANCHORS = {
    "active_disclosure": ("第二十条", "信息内容"),
    "applications": ("勾稽关系", "本年新收"),
    "review_litigation": ("行政复议", "结果维持", "复议后起诉"),
}
_WINDOW = {"active_disclosure": 60, "applications": 140, "review_litigation": 30}


@dataclass
class TableResult:
    tables: Tables = field(default_factory=dict)
    format: str | None = None
    basis: str | None = None  # "table" or "year"
    notes: list[Finding] = field(default_factory=list)


def _section_lines(lines: list[Line], spans: list[Span], key: str) -> list[Line] | None:
    for s in spans:
        if s.key == key:
            return lines[s.start + 1 : s.end]
    return None


def _anchored(lines: list[Line], key: str, after: int = 0) -> list[Line]:
    words = _ANCHORS[key]
    for i in range(after, len(lines)):
        t = lines[i].text
        if any(w in t for w in words) and "。" not in t:
            return lines[i : i + _WINDOW[key]]
    return []


def region(lines: list[Line], spans: list[Span], key: str) -> tuple[list[Line], list[Line]]:
    """The part's own lines, and an anchored window to fall back on."""
    own = _section_lines(lines, spans, key) or []
    return own, _anchored(lines, key)


def _marker_votes(lines: list[Line]) -> dict[str, int]:
    text = norm_label("".join(ln.text for ln in lines))
    return {fmt: sum(1 for m in TEMPLATES[fmt].table("active_disclosure").markers if m in text) for fmt in TEMPLATES}


def extract_tables(lines: list[Line], spans: list[Span], year: int | None) -> TableResult:
    res = TableResult()

    # Table 3 first: its rows are the same in both formats but for （六）.
    own3, win3 = region(lines, spans, "applications")
    t3, notes3 = _best(own3, win3, lambda ls: align_rows(ls, T3_ROWS_ALL, "applications"))

    own2, win2 = region(lines, spans, "active_disclosure")
    votes = _marker_votes(own2 or win2)
    fmt: str | None = None
    if votes["2021"] != votes["2019"]:
        fmt = "2021" if votes["2021"] > votes["2019"] else "2019"
    elif any(k.startswith("other_") for k in t3):
        fmt = "2021"
    if fmt:
        res.basis = "table"
    elif year is not None:
        fmt, res.basis = expected_format(year), "year"
        res.notes.append(
            Finding(
                "extract.format_guessed",
                "warning",
                f"无法从表格判断采用的是哪一版模板，已按报告年度推定为 {fmt} 版格式。",
                expected=fmt,
            )
        )
    res.format = fmt

    if fmt:
        rows2 = template_for(fmt).table("active_disclosure").rows
        t2, notes2 = _best(own2, win2, lambda ls: align_rows(ls, rows2, "active_disclosure"))
        if t2:
            res.tables["active_disclosure"] = t2
        res.notes += notes2
    if t3:
        res.tables["applications"] = t3
    res.notes += notes3

    own4, _ = region(lines, spans, "review_litigation")
    if not own4:
        after = max((c.line or 0 for r in t3.values() for c in r.values()), default=0)
        idx = next((i for i, ln in enumerate(lines) if ln.number > after), len(lines))
        own4 = _anchored(lines, "review_litigation", idx)
    if own4:
        table4 = template_for(fmt or "2021").table("review_litigation")
        t4, notes4 = align_flat(own4, table4.rows, "review_litigation")
        res.tables["review_litigation"] = t4
        res.notes += notes4
    return res


Aligner = Callable[[list[Line]], tuple[RowCells, list[Finding]]]


def _best(own: list[Line], window: list[Line], align: Aligner) -> tuple[RowCells, list[Finding]]:
    """Align within the part's own lines; fall back to the anchored window if that finds nothing."""
    cells, notes = align(own) if own else ({}, [])
    if not cells and window:
        cells, notes = align(window)
    return cells, notes
