"""Exporting the store: wide (one row per report) or long (one row per cell), to CSV, XLSX or Parquet.

CSV and XLSX cells go through `nianbao.sheets` (no text becomes a formula).

Wide columns: `agency, year, format, region, source, sha256`, then one column
per template cell named `table.row.column` (both formats, template order).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, select

from nianbao.sheets import csv_row, xlsx_row
from nianbao.store import tables as T
from nianbao.store.queries import region_names
from nianbao.template import T3_ROWS_ALL, TABLE_KEYS, TEMPLATES, Row

HEAD = ("agency", "year", "format", "region", "source", "sha256")
# state: value, empty (printed empty) or unread (the reader could not read or place it).
LONG = (*HEAD, "table", "row", "column", "value", "blank", "state", "line", "page")


def _rows(table: str) -> list[Row]:
    """The rows of a table in both formats (2021 first; a row key may appear twice with other columns)."""
    if table == "applications":
        return list(T3_ROWS_ALL)
    return [r for fmt in ("2021", "2019") for r in TEMPLATES[fmt].table(table).rows]


def cell_columns() -> list[tuple[str, str, str, str]]:
    """(name, table, row, column) of every template cell, in template order, both formats."""
    out: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    for t in TABLE_KEYS:
        for r in _rows(t):
            for c in r.columns:
                name = f"{t}.{r.key}.{c.key}"
                if name not in seen:
                    seen.add(name)
                    out.append((name, t, r.key, c.key))
    return out


_MONEY = {f"{t}.{r.key}.{c.key}" for t in TABLE_KEYS for r in _rows(t) for c in r.columns if c.kind == "money"}


def _num(name: str, v: float | None) -> int | float | None:
    if v is None:
        return None
    return v if name in _MONEY and not float(v).is_integer() else int(v)


def _file_name(source: str) -> str:
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1] or source


def iter_rows(engine: Engine, form: str = "wide", paths: bool = True) -> Iterator[list[Any]]:
    """Rows of the export (without the header), streamed from the store, ok reports only.
    Without `paths` the source column holds file names only (a public web export)."""
    names = region_names(engine)
    r, a, c = T.reports, T.agencies, T.cells
    cols = cell_columns()
    index = {n: i for i, (n, *_rest) in enumerate(cols)}
    with engine.connect() as conn:
        heads = {
            x.id: [
                x.agency_name,
                x.year,
                x.format,
                names.get(x.region_id) if x.region_id else None,
                x.source if paths else _file_name(x.source),
                x.sha256,
            ]
            for x in conn.execute(
                select(r.c.id, r.c.agency_name, r.c.year, r.c.format, r.c.source, r.c.sha256, a.c.region_id)
                .outerjoin(a, a.c.id == r.c.agency_id)
                .where(r.c.status == "ok")
            )
        }
        # Unread cells: stored with no value and not blank, or (stores ingested before that was so)
        # named by their extract.unread finding.
        f = T.findings
        unread = (
            {
                tuple(x)
                for x in conn.execute(
                    select(f.c.report_id, f.c.table_key, f.c.row_key, f.c.column_key).where(
                        f.c.rule == "extract.unread"
                    )
                )
            }
            if form == "long"
            else set()
        )
        q = select(c).order_by(c.c.report_id, c.c.table_key, c.c.row_key, c.c.column_key)
        current: int | None = None
        values: list[Any] = []
        for cell in conn.execution_options(yield_per=20000).execute(q):
            name = f"{cell.table_key}.{cell.row_key}.{cell.column_key}"
            if form == "long":
                was_unread = (cell.report_id, cell.table_key, cell.row_key, cell.column_key) in unread
                yield [
                    *heads[cell.report_id],
                    cell.table_key,
                    cell.row_key,
                    cell.column_key,
                    _num(name, cell.value),
                    cell.blank and not was_unread,
                    "value" if cell.value is not None else "empty" if cell.blank and not was_unread else "unread",
                    cell.line,
                    cell.page,
                ]
                continue
            if cell.report_id != current:
                if current is not None:
                    yield heads[current] + values
                current = cell.report_id
                values = [None] * len(cols)
            i = index.get(name)
            if i is not None:
                values[i] = _num(name, cell.value)
        if form == "wide" and current is not None:
            yield heads[current] + values


def header(form: str) -> list[str]:
    return list(LONG) if form == "long" else [*HEAD, *(n for n, *_ in cell_columns())]


def export(engine: Engine, to: str, out: str, form: str = "wide", paths: bool = True) -> int:
    """Write the export to `out` in `to` (csv|xlsx|parquet); returns the number of data rows."""
    head = header(form)
    n = 0
    if to == "csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(csv_row(head))
            for row in iter_rows(engine, form, paths):
                w.writerow(csv_row(row))
                n += 1
    elif to == "xlsx":
        from openpyxl import Workbook  # type: ignore[import-untyped]

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("年报数据")
        ws.append(xlsx_row(ws, head))
        for row in iter_rows(engine, form, paths):
            ws.append(xlsx_row(ws, row))
            n += 1
        wb.save(out)
    elif to == "parquet":
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        types: dict[str, pa.DataType] = {
            "year": pa.int64(),
            "line": pa.int64(),
            "page": pa.int64(),
            "blank": pa.bool_(),
            "value": pa.float64(),
        }
        schema = pa.schema([(h, types.get(h, pa.float64() if "." in h else pa.string())) for h in head])
        with pq.ParquetWriter(out, schema) as writer:
            batch: list[list[Any]] = []
            for row in iter_rows(engine, form, paths):
                batch.append(row)
                if len(batch) >= 20000:
                    writer.write_table(_table(pa, schema, head, batch))
                    n += len(batch)
                    batch = []
            if batch:
                writer.write_table(_table(pa, schema, head, batch))
                n += len(batch)
    else:
        raise ValueError(f"不支持的导出格式「{to}」（可选 csv、xlsx、parquet）")
    return n


def _table(pa: Any, schema: Any, head: list[str], rows: list[list[Any]]) -> Any:
    cols = list(zip(*rows, strict=True))
    return pa.table(
        {
            h: pa.array([_cast(v, schema.field(h).type, pa) for v in col], type=schema.field(h).type)
            for h, col in zip(head, cols, strict=True)
        },
        schema=schema,
    )


def _cast(v: Any, typ: Any, pa: Any) -> Any:
    if v is None:
        return None
    if typ == pa.float64():
        return float(v)
    if typ == pa.string():
        return str(v)
    return v
