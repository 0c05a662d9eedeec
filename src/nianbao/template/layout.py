"""The printed layout of each table: header rows, merged cells and row labels.

Derived from the table definitions in `formats` (labels are never spelled
here): Table 3's three label columns come from splitting each row label at
its space ("（三）不予公开 1.属于国家秘密" → group, item), Table 4's header from
splitting its row labels at "·", Table 2's blocks from each row's group.
Writers (Markdown, HTML, DOCX, XLSX) all draw from `grid()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.template.formats import (
    APPLICANT_COLUMNS,
    APPLICANT_HEADER_WORDS,
    RESULT_COLUMNS,
    T3_CORNER,
    Row,
    Table,
)

CellRef = tuple[str, str]  # (row key, column key)


@dataclass(frozen=True)
class GridCell:
    """One printed cell at (row, col) of the grid, spanning rowspan × colspan."""

    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    kind: str = "head"  # head | label | value
    ref: CellRef | None = None  # for value cells: which cell of the data


@dataclass(frozen=True)
class Grid:
    table: str
    nrows: int
    ncols: int
    cells: tuple[GridCell, ...]
    header_rows: int  # rows to repeat at the top of each page
    label_cols: int  # leading columns that hold labels

    def rows(self) -> list[list[GridCell]]:
        out: list[list[GridCell]] = [[] for _ in range(self.nrows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def value_refs(self) -> list[CellRef]:
        return [c.ref for c in self.cells if c.ref is not None]


def _split_t3(label: str) -> tuple[str, ...]:
    return tuple(label.split(" ", 1)) if " " in label else (label,)


def grid(table: Table, rows_present: tuple[str, ...] | None = None) -> Grid:
    """The printed grid of a table; for Table 3 only the rows in `rows_present` (template order)."""
    if table.key == "applications":
        keys = rows_present if rows_present is not None else table.row_keys
        return _grid_t3(_t3_rows(keys))
    if table.key == "review_litigation":
        return _grid_t4(table.rows)
    return _grid_t2(table.rows)


def _t3_rows(keys: tuple[str, ...]) -> list[Row]:
    from nianbao.template.formats import T3_ROWS_ALL

    want = set(keys)
    rows = [r for r in T3_ROWS_ALL if r.key in want]
    if any(r.key.startswith("other_") for r in rows):
        rows = [r for r in rows if r.key != "other"]
    return rows


def _grid_t3(rows: list[Row]) -> Grid:
    ncols = 3 + len(APPLICANT_COLUMNS)
    cells: list[GridCell] = []
    applicant_word, legal_word = APPLICANT_HEADER_WORDS[0], APPLICANT_HEADER_WORDS[1]
    orgs = [c for c in APPLICANT_COLUMNS if c.key not in ("natural_person", "total")]
    first = APPLICANT_COLUMNS[0]
    total = APPLICANT_COLUMNS[-1]
    cells.append(GridCell(0, 0, T3_CORNER, 3, 3))
    cells.append(GridCell(0, 3, applicant_word, 1, len(APPLICANT_COLUMNS) - 1))
    cells.append(GridCell(0, ncols - 1, total.label, 3, 1))
    cells.append(GridCell(1, 3, first.label, 2, 1))
    cells.append(GridCell(1, 4, legal_word, 1, len(orgs)))
    for i, c in enumerate(orgs):
        cells.append(GridCell(2, 4 + i, c.label))
    r0 = 3
    # Outcome rows and （七）总计 sit under the level-1 label of the first outcome row.
    outcome_idx = [i for i, r in enumerate(rows) if r.group == "outcome" or r.key == "total_processed"]
    level1 = ""
    if outcome_idx:
        first_outcome = rows[outcome_idx[0]]
        parts = _split_t3(first_outcome.label)
        level1 = parts[0] if len(parts) == 2 and "（" not in parts[0][:1] else ""
    # Group spans inside the outcome block: a label with a space opens a group; "N." rows continue it.
    group_start: dict[int, int] = {}  # row index → number of rows in its group
    current: int | None = None
    for i in outcome_idx:
        text = rows[i].label
        if level1 and text.startswith(level1 + " "):
            text = text[len(level1) + 1 :]
        if " " in text:
            current = i
            group_start[i] = 1
        elif text[:1].isdigit() and current is not None:
            group_start[current] += 1
        else:
            current = None
    for i, r in enumerate(rows):
        y = r0 + i
        if i in outcome_idx:
            if level1 and i == outcome_idx[0]:
                cells.append(GridCell(y, 0, level1, len(outcome_idx), 1, "label"))
            text = r.label
            if level1 and text.startswith(level1 + " "):
                text = text[len(level1) + 1 :]
            col0 = 1 if level1 else 0
            if i in group_start:
                g, item = text.split(" ", 1)
                cells.append(GridCell(y, col0, g, group_start[i], 1, "label"))
                cells.append(GridCell(y, col0 + 1, item, 1, 3 - col0 - 1, "label"))
            elif text[:1].isdigit():
                cells.append(GridCell(y, col0 + 1, text, 1, 3 - col0 - 1, "label"))
            else:
                cells.append(GridCell(y, col0, text, 1, 3 - col0, "label"))
        else:
            cells.append(GridCell(y, 0, r.label, 1, 3, "label"))
        for j, c in enumerate(r.columns):
            cells.append(GridCell(y, 3 + j, "", kind="value", ref=(r.key, c.key)))
    return Grid("applications", r0 + len(rows), ncols, tuple(cells), 3, 3)


def _grid_t4(rows: tuple[Row, ...]) -> Grid:
    n = len(RESULT_COLUMNS)
    ncols = n * len(rows)
    cells: list[GridCell] = []
    # Groups at the top: "行政复议" spans 3 header rows' first level; "行政诉讼·…" share one head.
    heads: list[tuple[str, int, int]] = []  # (label, start col, span)
    for i, r in enumerate(rows):
        top = r.label.split("·", 1)[0]
        if heads and heads[-1][0] == top:
            label, start, span = heads[-1]
            heads[-1] = (label, start, span + n)
        else:
            heads.append((top, i * n, n))
    for label, start, span in heads:
        cells.append(GridCell(0, start, label, 1, span))
    for i, r in enumerate(rows):
        start = i * n
        if "·" in r.label:
            cells.append(GridCell(1, start, r.label.split("·", 1)[1], 1, n))
            for j, c in enumerate(RESULT_COLUMNS):
                cells.append(GridCell(2, start + j, c.label))
        else:
            for j, c in enumerate(RESULT_COLUMNS):
                cells.append(GridCell(1, start + j, c.label, 2, 1))
        for j, c in enumerate(r.columns):
            cells.append(GridCell(3, start + j, "", kind="value", ref=(r.key, c.key)))
    return Grid("review_litigation", 4, ncols, tuple(cells), 3, 0)


# Words printed above Table 2's column headings.
T2_CONTENT_HEADING = "信息内容"


def _grid_t2(rows: tuple[Row, ...]) -> Grid:
    width = max(len(r.columns) for r in rows)
    ncols = 1 + width
    cells: list[GridCell] = []
    y = 0
    block: str | None = None
    for r in rows:
        if r.group != block:
            block = r.group
            cells.append(GridCell(y, 0, block or "", 1, ncols))
            y += 1
            cells.append(GridCell(y, 0, T2_CONTENT_HEADING))
            _t2_columns(cells, y, r, width, head=True)
            y += 1
        cells.append(GridCell(y, 0, r.label, kind="label"))
        _t2_columns(cells, y, r, width, head=False)
        y += 1
    return Grid("active_disclosure", y, ncols, tuple(cells), 0, 1)


def _t2_columns(cells: list[GridCell], y: int, r: Row, width: int, *, head: bool) -> None:
    n = len(r.columns)
    for j, c in enumerate(r.columns):
        span = width - j if (n == 1 and j == 0) else 1
        if head:
            cells.append(GridCell(y, 1 + j, c.label, 1, span))
        else:
            cells.append(GridCell(y, 1 + j, "", 1, span, "value", (r.key, c.key)))
    if n > 1:
        for j in range(n, width):
            cells.append(GridCell(y, 1 + j, "", kind="head" if head else "label"))
