"""CSV/XLSX responses for the current view, and whole-store exports via `nianbao.store.export`.

Every cell goes through `nianbao.sheets`: report text never becomes a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import Response
from sqlalchemy import Engine

from nianbao.sheets import csv_row, xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"export\"; filename*=UTF-8''{quote(filename)}"


def table_response(
    head: Sequence[str], rows: Iterable[Sequence[Any]], to: str, name: str, sheet: str = "数据"
) -> Response:
    """A download of `rows` as CSV (UTF-8 with BOM, opens in Excel) or XLSX."""
    if to == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(csv_row(head))
        for r in rows:
            w.writerow(csv_row(r))
        return Response(
            ("\ufeff" + buf.getvalue()).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _disposition(name + ".csv")},
        )
    if to == "xlsx":
        from openpyxl import Workbook  # type: ignore[import-untyped]

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.append(xlsx_row(ws, head))
        for r in rows:
            ws.append(xlsx_row(ws, r))
        out = io.BytesIO()
        wb.save(out)
        return Response(out.getvalue(), media_type=XLSX, headers={"Content-Disposition": _disposition(name + ".xlsx")})
    raise HTTPException(400, "导出格式只能是 csv 或 xlsx")


def store_export(engine: Engine, to: str, form: str, paths: bool = True) -> Response:
    """The whole store, wide or long, via `nianbao.store.export.export` (file names only
    in the source column unless `paths`)."""
    from nianbao.store.export import export

    if to not in ("csv", "xlsx"):
        raise HTTPException(400, "导出格式只能是 csv 或 xlsx")
    if form not in ("wide", "long"):
        raise HTTPException(400, "导出形式只能是 wide（每份报告一行）或 long（每个单元格一行）")
    fd, path = tempfile.mkstemp(prefix="nianbao-export-", suffix="." + to)
    os.close(fd)
    try:
        export(engine, to, path, form, paths=paths)
        with open(path, "rb") as f:
            data = f.read()
    finally:
        os.unlink(path)
    media = XLSX if to == "xlsx" else "text/csv; charset=utf-8"
    return Response(data, media_type=media, headers={"Content-Disposition": _disposition(f"年报数据-{form}.{to}")})
