"""The report model every stage speaks: Report, Cell, Finding.

Plain slotted dataclasses: a Report is built once per file and read by
many checks, so construction and attribute access must be cheap. The JSON
interchange form (`nianbao/report@1`) is produced by `to_dict`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nianbao.document import BBox

SCHEMA_ID = "nianbao/report@1"
Value = int | Decimal


@dataclass(slots=True)
class Cell:
    """One table cell: its value and where it came from.

    A cell without a value is either **seen empty** (printed blank, "/", "—", "无": the
    report's own blank) or **unread** (`unread=True`: the reader saw or expected a cell
    there but could not read it or tell which column it belongs to). Only the first is a
    problem of the report."""

    value: Value | None = None
    raw: str | None = None  # the text as printed ("0", "/", "１,２００")
    line: int | None = None  # 1-based line of the document
    start: int | None = None  # character span within that line
    end: int | None = None
    page: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0  # < 1 when OCR or alignment was unsure
    unread: bool = False  # the reader could not read or place this cell (value is None)

    @property
    def blank(self) -> bool:
        """No value: seen empty or unread."""
        return self.value is None

    @property
    def empty(self) -> bool:
        """Seen empty in the source: the report's own blank."""
        return self.value is None and not self.unread

    @property
    def state(self) -> str:
        """ "value", "empty" (seen empty) or "unread"."""
        if self.value is not None:
            return "value"
        return "unread" if self.unread else "empty"

    def source_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "span": [self.start, self.end]}
        if self.unread:
            out["state"] = "unread"
        if self.raw is not None:
            out["raw"] = self.raw
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        if self.confidence < 1.0:
            out["confidence"] = round(self.confidence, 3)
        return out


SEVERITIES = ("error", "warning", "info")

# rule id → "report" | "reading", filled in by the rule registry (nianbao.checks.registry).
RULE_KINDS: dict[str, str] = {}


def rule_kind(rule_id: str) -> str:
    """Whether a rule's findings are the report's problems or the reader's ("reading")."""
    if not RULE_KINDS:  # the registry fills this when the checks are imported
        import nianbao.checks  # noqa: F401
    return RULE_KINDS.get(rule_id, "report")


@dataclass(slots=True)
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str  # Chinese, for the clerk who reads it
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Any = None
    actual: Any = None
    line: int | None = None

    @property
    def kind(self) -> str:
        """ "report" (a problem of the report) or "reading" (what the reader could not see)."""
        return rule_kind(self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
            "message": self.message,
            "line": self.line,
        }


@dataclass(slots=True)
class SectionText:
    key: str
    title: str  # the heading as printed
    text: str
    line: int | None = None  # line of the heading


Tables = dict[str, dict[str, dict[str, Cell]]]  # table → row → column → Cell


@dataclass
class Report:
    source: str
    format: str | None = None
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    published: dt.date | None = None
    contact: dict[str, str] = field(default_factory=dict)
    sections: dict[str, SectionText] = field(default_factory=dict)
    preamble: str = ""  # text between the title and the first part
    tables: Tables = field(default_factory=dict)
    # How the format was decided: "table" (from the printed table), "year" (guessed).
    format_basis: str | None = None
    notes: list[Finding] = field(default_factory=list)  # what extraction was unsure of
    # Values derived from the text by checks (e.g. its sentences), shared by the rules of one
    # `check()` call and emptied when the next one starts (the report may have been edited).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def cell(self, table: str, row: str, column: str) -> Cell | None:
        return self.tables.get(table, {}).get(row, {}).get(column)

    def value(self, table: str, row: str, column: str) -> Value | None:
        c = self.cell(table, row, column)
        return None if c is None else c.value

    def narrative(self) -> str:
        return "\n".join([self.preamble, *(s.text for s in self.sections.values())])

    def to_dict(self, *, provenance: bool = True, texts: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "source": self.source,
            "format": self.format,
            "agency": self.agency,
            "year": self.year,
            "title": self.title,
            "period": ({"start": _iso(self.period_start), "end": _iso(self.period_end)} if self.period_start else None),
            "published": _iso(self.published),
            "contact": dict(self.contact),
            "tables": {
                t: {r: {c: _jsonable(cell.value) for c, cell in cols.items()} for r, cols in rows.items()}
                for t, rows in self.tables.items()
            },
        }
        if texts:
            out["sections"] = {k: {"title": s.title, "text": s.text} for k, s in self.sections.items()}
        unread = [
            f"{t}.{r}.{c}"
            for t, rows in self.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if cell.unread
        ]
        if unread:  # null in `tables` either way: these are nulls the reader could not read
            out["unread"] = unread
        if provenance:
            out["provenance"] = {
                f"{t}.{r}.{c}": cell.source_dict()
                for t, rows in self.tables.items()
                for r, cols in rows.items()
                for c, cell in cols.items()
                if cell.line is not None or cell.page is not None or cell.unread
            }
        return out


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v
