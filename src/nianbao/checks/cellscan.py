"""One pass over every cell of a report, shared by the cell-level rules.

Checks must run at thousands of reports per second; three rules walking the
same ~200 cells each was a third of the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.model import Cell, Report
from nianbao.template import row_def

CellAt = tuple[str, str, str, Cell]  # table, row, column, cell
LOW_CONFIDENCE = 0.8


@dataclass
class Scan:
    blank: list[CellAt] = field(default_factory=list)  # seen empty: the report's own blanks
    unread: list[CellAt] = field(default_factory=list)  # the reader could not read or place them
    not_integer: list[CellAt] = field(default_factory=list)
    negative: list[CellAt] = field(default_factory=list)
    low_confidence: list[CellAt] = field(default_factory=list)


def scan(report: Report) -> Scan:
    cached = report.derived.get("scan")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    s = Scan()
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                v = cell.value
                if v is None:
                    (s.unread if cell.unread else s.blank).append((t, r, c, cell))
                    continue
                if cell.confidence < LOW_CONFIDENCE:
                    s.low_confidence.append((t, r, c, cell))
                if type(v) is int and v >= 0:
                    continue  # the common case, decided without looking up the column
                kind = _kind(t, r, c, report.format)
                if kind != "money" and isinstance(v, Decimal):
                    s.not_integer.append((t, r, c, cell))
                elif kind != "signed" and v < 0:
                    s.negative.append((t, r, c, cell))
    report.derived["scan"] = s
    return s


def _kind(table: str, row: str, column: str, fmt: str | None) -> str:
    rdef = row_def(table, row, fmt)
    for col in rdef.columns if rdef else ():
        if col.key == column:
            return col.kind
    return "count"
