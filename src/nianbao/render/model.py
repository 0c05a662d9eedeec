"""What every writer draws: the report laid out as title, six parts, narrative and table grids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.model import Report, Value
from nianbao.template import SECTIONS, expected_format, template_for
from nianbao.template.layout import Grid, GridCell, grid
from nianbao.textnorm import norm_label

TITLE_SUFFIX = "年政府信息公开工作年度报告"

# Narrative lines that are really table rows (as `extract` leaves them in a part's text).
_TABLE_LINE = re.compile(r"\t|^\s*\|")
_NUMBERS_ONLY = re.compile(r"^[\s\d.,+\-/—]*$")


@dataclass
class Part:
    key: str
    heading: str  # "一、总体情况"
    paragraphs: list[str]
    table: str | None = None  # table key shown under this part
    grid: Grid | None = None


@dataclass
class Layout:
    title: str
    format: str
    agency: str
    year: int | None
    preamble: list[str]
    parts: list[Part] = field(default_factory=list)
    values: dict[tuple[str, str, str], Value | None] = field(default_factory=dict)

    def text(self, table: str, cell: GridCell) -> str:
        if cell.ref is None:
            return cell.text
        return fmt_value(self.values.get((table, *cell.ref)))


def fmt_value(v: Value | None) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s
    return str(v)


def title_of(report: Report) -> str:
    agency = report.agency or ""
    year = "" if report.year is None else str(report.year)
    return f"{agency}{year}{TITLE_SUFFIX}"


def paragraphs(text: str, *, drop_table_lines: bool, table_words: frozenset[str] = frozenset()) -> list[str]:
    """Narrative paragraphs; in a part with a table, lines that are really its rows are dropped."""
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        if drop_table_lines and (
            _TABLE_LINE.search(line) or _NUMBERS_ONLY.match(s) or all(norm_label(w) in table_words for w in s.split())
        ):
            continue
        out.append(s)
    return out


def _words(g: Grid) -> frozenset[str]:
    return frozenset(norm_label(c.text) for c in g.cells if c.text)


def layout(report: Report) -> Layout:
    fmt = report.format or (expected_format(report.year) if report.year else "2021")
    tpl = template_for(fmt)
    out = Layout(
        title=title_of(report),
        format=fmt,
        agency=report.agency or "",
        year=report.year,
        preamble=paragraphs(report.preamble, drop_table_lines=False),
    )
    table_keys = {t.key for t in tpl.tables}
    for sec in SECTIONS:
        text = report.sections[sec.key].text if sec.key in report.sections else ""
        has_table = sec.key in table_keys
        part = Part(sec.key, f"{sec.number}、{sec.title}", [])
        words: frozenset[str] = frozenset()
        if has_table:
            table = tpl.table(sec.key)
            rows = tuple(report.tables.get(sec.key, {}).keys()) if sec.key == "applications" else None
            if rows is not None and not rows:
                rows = None
            part.table = sec.key
            part.grid = grid(table, rows)
            words = _words(part.grid)
        part.paragraphs = paragraphs(text, drop_table_lines=has_table, table_words=words)
        out.parts.append(part)
    for t, rows_ in report.tables.items():
        for r, cols in rows_.items():
            for c, cell in cols.items():
                out.values[(t, r, c)] = cell.value
    return out
