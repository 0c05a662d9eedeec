"""Cells for files that people open in spreadsheet programs (CSV and XLSX exports).

Report text comes from untrusted documents: an agency taken from a title such as
`=HYPERLINK("http://…")`, or an upload named `=1+1.txt`, must not become a formula
when the export is opened in Excel, WPS or LibreOffice. Every export path writes
its cells through `inert` (OWASP's advice: a text that starts with `=`, `+`, `-`,
`@`, tab or CR gets a leading `'`), and XLSX text cells are written as strings, never
as formulas. Numbers stay numbers; a text that is a plain decimal number is left as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The ASCII triggers, their full-width forms (a Chinese input method types those), and
# the control characters some programs skip before deciding a cell is a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def inert(value: Any) -> Any:
    """`value` made safe for a spreadsheet cell: formula-like text is prefixed with `'`."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer`: blanks for None, every cell inert."""
    return ["" if v is None else inert(v) for v in values]


def xlsx_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `ws.append` of a write-only openpyxl sheet: text cells typed as strings."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    out: list[Any] = []
    for v in values:
        v = inert(v)
        if isinstance(v, str):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"  # openpyxl would otherwise store any "=…" text as a formula
            out.append(cell)
        else:
            out.append(v)
    return out


def as_text(cell: Any) -> Any:
    """An openpyxl cell whose text value stays text (a fill-in workbook is read back as written,
    so its text is typed as a string rather than prefixed)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell
